package elgamal

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
)

// rfc9496Vectors are RFC 9496's ristretto255 test vectors (Appendix A),
// loaded from testdata/rfc9496.json.
type rfc9496Vectors struct {
	Source    string   `json:"source"`
	Multiples []string `json:"multiples"`
	Invalid   []struct {
		Reason    string   `json:"reason"`
		Encodings []string `json:"encodings"`
	} `json:"invalid"`
	FromUniformBytes []struct {
		InputSHA512Of string `json:"input_sha512_of"`
		Element       string `json:"element"`
	} `json:"from_uniform_bytes"`
	EquivalentUniformBytes struct {
		Inputs  []string `json:"inputs"`
		Element string   `json:"element"`
	} `json:"equivalent_uniform_bytes"`
}

func loadJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// ristrettoGroups are the ristretto255 implementations the package offers.
func ristrettoGroups() map[string]group.Group {
	return map[string]group.Group{"default": Default, "circl": group.Ristretto255}
}

// TestRFC9496 checks ristretto255 against RFC 9496 Appendix A: the
// encodings of 0·B to 15·B, computed both by repeated addition and by
// scalar multiplication, decode and re-encode; every invalid encoding of
// A.2 is refused by [DecodeElement] and [ParsePublicKey].
func TestRFC9496(t *testing.T) {
	var v rfc9496Vectors
	loadJSON(t, "testdata/rfc9496.json", &v)
	require.Len(t, v.Multiples, 16)
	for name, g := range ristrettoGroups() {
		t.Run(name, func(t *testing.T) {
			sum := g.Identity()
			for i, want := range v.Multiples {
				require.Equal(t, want, hex.EncodeToString(AppendElement(nil, sum)), "%d·B by addition", i)
				mul := g.NewElement().MulGen(g.NewScalar().SetUint64(uint64(i)))
				require.Equal(t, want, hex.EncodeToString(AppendElement(nil, mul)), "%d·B by MulGen", i)
				dec, err := DecodeElement(g, unhex(t, want))
				require.NoError(t, err, "%d·B decodes", i)
				require.True(t, dec.IsEqual(sum), "%d·B decodes to itself", i)
				sum.Add(sum, g.Generator())
			}
			n := 0
			for _, class := range v.Invalid {
				for _, enc := range class.Encodings {
					_, err := DecodeElement(g, unhex(t, enc))
					require.ErrorIs(t, err, ErrEncoding, "%s: %s", class.Reason, enc)
					_, err = ParsePublicKey(g, unhex(t, enc))
					require.ErrorIs(t, err, ErrEncoding, "%s: %s", class.Reason, enc)
					n++
				}
			}
			require.Equal(t, 29, n, "RFC 9496 A.2 lists 29 invalid encodings")
		})
	}
}

// modpVectors are the MODP primes as RFC 2409 and RFC 3526 print them,
// loaded from testdata/modp_rfc.json.
type modpVectors struct {
	Source string `json:"source"`
	Groups []struct {
		Name      string   `json:"name"`
		RFC       string   `json:"rfc"`
		Bits      uint     `json:"bits"`
		PiShift   uint     `json:"pi_shift"`
		Offset    int64    `json:"offset"`
		Generator int64    `json:"generator"`
		PrimeHex  []string `json:"prime_hex"`
	} `json:"groups"`
}

// arctanInv returns ⌊arctan(1/x)·2^prec⌋ up to a few units in the last place.
func arctanInv(x int64, prec uint) *big.Int {
	term := new(big.Int).Lsh(big.NewInt(1), prec)
	term.Quo(term, big.NewInt(x))
	sum := new(big.Int).Set(term)
	x2 := big.NewInt(x * x)
	t := new(big.Int)
	for n := int64(1); term.Sign() != 0; n++ {
		term.Quo(term, x2)
		t.Quo(term, big.NewInt(2*n+1))
		if n%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
	}
	return sum
}

// piTimes2 returns ⌊2^shift·π⌋, by Machin's formula π = 16·arctan(1/5) −
// 4·arctan(1/239) with 64 guard bits.
func piTimes2(shift uint) *big.Int {
	const guard = 64
	a := arctanInv(5, shift+guard)
	a.Mul(a, big.NewInt(16))
	b := arctanInv(239, shift+guard)
	b.Mul(b, big.NewInt(4))
	return a.Sub(a, b).Rsh(a, guard)
}

// oakleyPrime evaluates the RFC 2409 / RFC 3526 formula
// 2^n − 2^(n−64) − 1 + 2^64·(⌊2^(n−130)·π⌋ + x).
func oakleyPrime(n uint, x int64) *big.Int {
	p := new(big.Int).Lsh(big.NewInt(1), n)
	p.Sub(p, new(big.Int).Lsh(big.NewInt(1), n-64))
	p.Sub(p, big.NewInt(1))
	t := piTimes2(n - 130)
	t.Add(t, big.NewInt(x))
	return p.Add(p, t.Lsh(t, 64))
}

func isSafePrime(p *big.Int) bool {
	q := new(big.Int).Rsh(p, 1)
	return q.ProbablyPrime(0) && p.ProbablyPrime(0) && q.ProbablyPrime(20) && p.ProbablyPrime(20)
}

// TestModPRFC compares each MODP group's p and generator with the RFC's
// hexadecimal text and with the RFC's defining formula evaluated here from
// π, and checks that p is a safe prime with 2 a quadratic residue.
func TestModPRFC(t *testing.T) {
	var v modpVectors
	loadJSON(t, "testdata/modp_rfc.json", &v)
	require.Len(t, v.Groups, 4)
	for _, want := range v.Groups {
		t.Run(want.Name, func(t *testing.T) {
			g, err := GroupByName(want.Name)
			require.NoError(t, err)
			mg := g.(*ModPGroup)
			text, ok := new(big.Int).SetString(strings.ReplaceAll(strings.Join(want.PrimeHex, ""), " ", ""), 16)
			require.True(t, ok)
			require.Zero(t, text.Cmp(mg.P()), "p against the RFC's hexadecimal text")
			require.Zero(t, oakleyPrime(want.Bits, want.Offset).Cmp(mg.P()), "p against the RFC's formula")
			require.Equal(t, int(want.Bits), mg.P().BitLen())
			require.Equal(t, want.Bits/8, uint(ElementSize(g)))
			require.Equal(t, AppendElement(nil, g.Generator()), big.NewInt(want.Generator).FillBytes(make([]byte, ElementSize(g))))
			require.True(t, isSafePrime(mg.P()))
			require.Equal(t, uint(7), uint(new(big.Int).Mod(mg.P(), big.NewInt(8)).Uint64()), "2 is a quadratic residue")
		})
	}
}

// TestModP512 checks the pinned 512-bit group: its prime is the RFC 2409
// construction at 512 bits with X = 131, it is a safe prime, and 131 is the
// smallest X that gives one, so anyone can rederive it.
func TestModP512(t *testing.T) {
	require.Zero(t, oakleyPrime(512, 131).Cmp(ModP512.P()))
	require.Equal(t, 512, ModP512.P().BitLen())
	require.True(t, isSafePrime(ModP512.P()))
	require.Equal(t, uint64(7), new(big.Int).Mod(ModP512.P(), big.NewInt(8)).Uint64())
	for x := int64(1); x < 131; x++ {
		require.False(t, isSafePrime(oakleyPrime(512, x)), "X = %d already gives a safe prime", x)
	}
}

// TestRFC9496FromUniformBytes checks RFC 9496 A.3's element derivation from
// 64 uniform bytes, which [Ristretto255]'s RandomElement applies to the 64
// bytes it reads: fed the SHA-512 images of the RFC's strings, it returns
// the RFC's elements, and the four inputs the RFC lists as equivalent give
// one element.
func TestRFC9496FromUniformBytes(t *testing.T) {
	var v rfc9496Vectors
	loadJSON(t, "testdata/rfc9496.json", &v)
	require.Len(t, v.FromUniformBytes, 7)
	for _, x := range v.FromUniformBytes {
		h := sha512.Sum512([]byte(x.InputSHA512Of))
		e := Ristretto255.RandomElement(bytes.NewReader(h[:]))
		require.Equal(t, x.Element, hex.EncodeToString(AppendElement(nil, e)), x.InputSHA512Of)
	}
	require.Len(t, v.EquivalentUniformBytes.Inputs, 4)
	for _, in := range v.EquivalentUniformBytes.Inputs {
		e := Ristretto255.RandomElement(bytes.NewReader(unhex(t, in)))
		require.Equal(t, v.EquivalentUniformBytes.Element, hex.EncodeToString(AppendElement(nil, e)), in)
	}
}
