package elgamal

import (
	"bytes"
	"crypto/rand"
	"io"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"
)

// allGroups runs f once for every supported group.
func allGroups(t *testing.T, f func(t *testing.T, g group.Group)) {
	for _, name := range Groups() {
		g, err := GroupByName(name)
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) { f(t, g) })
	}
}

// detRand is a deterministic reader for reproducible tests.
func detRand(seed string) *blake3.OutputReader {
	h := blake3.New(32, nil)
	h.Write([]byte(seed))
	return h.XOF()
}

func TestGroupNames(t *testing.T) {
	for _, name := range Groups() {
		g, err := GroupByName(name)
		require.NoError(t, err)
		require.Equal(t, name, GroupName(g))
	}
	_, err := GroupByName("p192")
	require.ErrorIs(t, err, ErrUnknownGroup)
}

func TestEncryptDecrypt(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		m := g.RandomElement(rand.Reader)
		ct, err := sk.Public().Encrypt(rand.Reader, m)
		require.NoError(t, err)
		got, err := sk.Decrypt(ct)
		require.NoError(t, err)
		require.True(t, got.IsEqual(m))

		// Another key does not decrypt it.
		other, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		wrong, err := other.Decrypt(ct)
		require.NoError(t, err)
		require.False(t, wrong.IsEqual(m))
	})
}

func TestHomomorphism(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		pk := sk.Public()
		a, b := g.RandomElement(rand.Reader), g.RandomElement(rand.Reader)
		ca, err := pk.Encrypt(rand.Reader, a)
		require.NoError(t, err)
		cb, err := pk.Encrypt(rand.Reader, b)
		require.NoError(t, err)

		sum, err := Add(ca, cb)
		require.NoError(t, err)
		got, err := sk.Decrypt(sum)
		require.NoError(t, err)
		require.True(t, got.IsEqual(g.NewElement().Add(a, b)), "Add")

		diff, err := Sub(ca, cb)
		require.NoError(t, err)
		got, err = sk.Decrypt(diff)
		require.NoError(t, err)
		require.True(t, got.IsEqual(g.NewElement().Add(a, g.NewElement().Neg(b))), "Sub")

		k, err := RandomScalar(g, rand.Reader)
		require.NoError(t, err)
		prod, err := ScalarMul(ca, k)
		require.NoError(t, err)
		got, err = sk.Decrypt(prod)
		require.NoError(t, err)
		require.True(t, got.IsEqual(g.NewElement().Mul(a, k)), "ScalarMul")
	})
}

func TestRerandomize(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		m := g.RandomElement(rand.Reader)
		ct, err := sk.Public().Encrypt(rand.Reader, m)
		require.NoError(t, err)
		rr, err := sk.Public().Rerandomize(rand.Reader, ct)
		require.NoError(t, err)
		require.False(t, rr.C1().IsEqual(ct.C1()), "C1 must change")
		require.False(t, rr.C2().IsEqual(ct.C2()), "C2 must change")
		got, err := sk.Decrypt(rr)
		require.NoError(t, err)
		require.True(t, got.IsEqual(m))
	})
}

func TestExponential(t *testing.T) {
	tests := []struct {
		name    string
		max     uint64
		a, b    uint64
		wantErr bool
	}{
		{"zero", 100, 0, 0, false},
		{"sum at the bound", 1000, 600, 400, false},
		{"sum past the bound", 1000, 600, 401, true},
		{"large range", 1 << 24, 1<<23 + 12345, 1<<22 + 1, false},
	}
	for _, name := range []string{"ristretto255", "p256", "modp1024"} {
		g, err := GroupByName(name)
		require.NoError(t, err)
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				table, err := NewDLogTable(g, tt.max)
				require.NoError(t, err)
				ca, err := sk.Public().EncryptInt(rand.Reader, tt.a)
				require.NoError(t, err)
				cb, err := sk.Public().EncryptInt(rand.Reader, tt.b)
				require.NoError(t, err)
				sum, err := Add(ca, cb)
				require.NoError(t, err)
				got, err := sk.DecryptInt(sum, table)
				if tt.wantErr {
					require.ErrorIs(t, err, ErrDecrypt)
					return
				}
				require.NoError(t, err)
				require.Equal(t, tt.a+tt.b, got)
			})
		}
	}
	_, err := NewDLogTable(Default, MaxDLogRange+1)
	require.Error(t, err)
}

func TestHybrid(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		for _, n := range []int{0, 1, 1000} {
			msg := bytes.Repeat([]byte{byte(n)}, n)
			ct, err := Seal(rand.Reader, sk.Public(), msg, []byte("aad"))
			require.NoError(t, err)
			require.Len(t, ct, CiphertextSize(g)+n+Overhead)
			pt, err := Open(sk, ct, []byte("aad"))
			require.NoError(t, err)
			require.Equal(t, msg, pt)

			_, err = Open(sk, ct, []byte("other aad"))
			require.ErrorIs(t, err, ErrDecrypt)
			for _, i := range []int{0, CiphertextSize(g) - 1, len(ct) - 1} {
				bad := bytes.Clone(ct)
				bad[i] ^= 1
				_, err = Open(sk, bad, []byte("aad"))
				require.ErrorIs(t, err, ErrDecrypt, "flipped byte %d", i)
			}
		}
		other, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		ct, err := Seal(rand.Reader, sk.Public(), []byte("secret"), nil)
		require.NoError(t, err)
		_, err = Open(other, ct, nil)
		require.ErrorIs(t, err, ErrDecrypt)
		_, err = Open(sk, ct[:10], nil)
		require.ErrorIs(t, err, ErrDecrypt)
	})
}

func TestDeterministicKeys(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		a, err := GenerateKey(g, detRand("seed"))
		require.NoError(t, err)
		b, err := GenerateKey(g, detRand("seed"))
		require.NoError(t, err)
		c, err := GenerateKey(g, detRand("other seed"))
		require.NoError(t, err)
		require.True(t, a.Equal(b))
		require.True(t, a.Public().Equal(b.Public()))
		require.False(t, a.Equal(c))
	})
}

func TestEncodings(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)

		skb, err := sk.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, skb, ScalarSize(g))
		sk2, err := ParsePrivateKey(g, skb)
		require.NoError(t, err)
		require.True(t, sk.Equal(sk2))

		pkb, err := sk.Public().MarshalBinary()
		require.NoError(t, err)
		require.Len(t, pkb, ElementSize(g))
		pk2, err := ParsePublicKey(g, pkb)
		require.NoError(t, err)
		require.True(t, sk.Public().Equal(pk2))

		ct, err := sk.Public().Encrypt(rand.Reader, g.Identity())
		require.NoError(t, err)
		ctb, err := ct.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, ctb, CiphertextSize(g))
		ct2, err := ParseCiphertext(g, ctb)
		require.NoError(t, err)
		m, err := sk.Decrypt(ct2)
		require.NoError(t, err)
		require.True(t, m.IsIdentity(), "identity C2 survives the round trip")

		idb := AppendElement(nil, g.Identity())
		require.Len(t, idb, ElementSize(g))
		zeroScalar := make([]byte, ScalarSize(g))
		allFF := bytes.Repeat([]byte{0xff}, ElementSize(g))
		bad := []struct {
			name string
			err  error
			fn   func() error
		}{
			{"identity public key", ErrIdentity, func() error { _, err := ParsePublicKey(g, idb); return err }},
			{"short public key", ErrEncoding, func() error { _, err := ParsePublicKey(g, pkb[1:]); return err }},
			{"long public key", ErrEncoding, func() error { _, err := ParsePublicKey(g, append(pkb, 0)); return err }},
			{"all-ones element", ErrEncoding, func() error { _, err := ParsePublicKey(g, allFF); return err }},
			{"zero private key", ErrIdentity, func() error { _, err := ParsePrivateKey(g, zeroScalar); return err }},
			{"unreduced private key", ErrEncoding, func() error {
				_, err := ParsePrivateKey(g, bytes.Repeat([]byte{0xff}, ScalarSize(g)))
				return err
			}},
			{"identity C1", ErrIdentity, func() error { _, err := ParseCiphertext(g, append(bytes.Clone(idb), ctb[len(idb):]...)); return err }},
			{"short ciphertext", ErrEncoding, func() error { _, err := ParseCiphertext(g, ctb[:len(ctb)-1]); return err }},
			{"empty ciphertext", ErrEncoding, func() error { _, err := ParseCiphertext(g, nil); return err }},
			{"half a ciphertext", ErrEncoding, func() error { _, err := ParseCiphertext(g, ctb[:len(idb)]); return err }},
			{"long ciphertext", ErrEncoding, func() error { _, err := ParseCiphertext(g, append(bytes.Clone(ctb), 0)); return err }},
			{"short private key", ErrEncoding, func() error { _, err := ParsePrivateKey(g, skb[1:]); return err }},
			{"long private key", ErrEncoding, func() error { _, err := ParsePrivateKey(g, append(bytes.Clone(skb), 0)); return err }},
			{"identity C1 marshaled", ErrIdentity, func() error {
				// A ciphertext whose C1 is the identity carries M in the
				// clear as C2: it must never be put on the wire.
				c, err := NewCiphertext(g.Identity(), g.Generator())
				require.NoError(t, err)
				_, err = c.MarshalBinary()
				return err
			}},
		}
		for _, tt := range bad {
			require.ErrorIs(t, tt.fn(), tt.err, tt.name)
		}
	})
}

func TestModPRejectsNonResidue(t *testing.T) {
	for _, g := range []*ModPGroup{ModP1024, ModP1536, ModP2048} {
		// p−1 = −1 is a non-residue because p ≡ 3 (mod 4).
		pm1 := g.P()
		pm1.Sub(pm1, bigOne)
		_, err := DecodeElement(g, pm1.FillBytes(make([]byte, ElementSize(g))))
		require.ErrorIs(t, err, ErrEncoding, g.String())
		// p itself is out of range.
		_, err = DecodeElement(g, g.P().FillBytes(make([]byte, ElementSize(g))))
		require.ErrorIs(t, err, ErrEncoding, g.String())
		// The generator has order q.
		e := g.NewElement().Mul(g.Generator(), g.NewScalar().SetBigInt(g.Q()))
		require.True(t, e.IsIdentity(), g.String())
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, bytes.ErrTooLarge }

// failAfter returns a reader that yields n bytes of r and then fails.
func failAfter(r io.Reader, n int64) io.Reader {
	return io.MultiReader(io.LimitReader(r, n), errReader{})
}

// TestRandomnessFailure: every function that draws randomness returns an
// error wrapping ErrRandomness when the reader fails, whether it fails at
// once or after the first draw (Seal draws twice: the hidden element, then
// the ElGamal randomness), and never a result built from missing bytes.
func TestRandomnessFailure(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, rand.Reader)
		require.NoError(t, err)
		pk := sk.Public()
		ct, err := pk.EncryptInt(rand.Reader, 1)
		require.NoError(t, err)
		draw := int64(ScalarSize(g) + 16) // one RandomScalar
		for _, after := range []int64{0, draw} {
			cases := []struct {
				name string
				fn   func(io.Reader) (any, error)
			}{
				{"GenerateKey", func(r io.Reader) (any, error) { return GenerateKey(g, r) }},
				{"RandomScalar", func(r io.Reader) (any, error) { return RandomScalar(g, r) }},
				{"Encrypt", func(r io.Reader) (any, error) { return pk.Encrypt(r, g.Generator()) }},
				{"EncryptInt", func(r io.Reader) (any, error) { return pk.EncryptInt(r, 7) }},
				{"Rerandomize", func(r io.Reader) (any, error) { return pk.Rerandomize(r, ct) }},
				{"Seal", func(r io.Reader) (any, error) { return Seal(r, pk, []byte("x"), nil) }},
			}
			for _, tt := range cases {
				if after > 0 && tt.name != "Seal" {
					continue // the others draw once: they succeed
				}
				got, err := tt.fn(failAfter(rand.Reader, after))
				require.ErrorIs(t, err, ErrRandomness, "%s failing after %d bytes", tt.name, after)
				require.Nil(t, got, tt.name)
			}
		}
	})
}

func TestGroupMismatch(t *testing.T) {
	a, err := GenerateKey(group.Ristretto255, rand.Reader)
	require.NoError(t, err)
	b, err := GenerateKey(group.P256, rand.Reader)
	require.NoError(t, err)
	_, err = a.Public().Encrypt(rand.Reader, group.P256.Generator())
	require.ErrorIs(t, err, ErrGroupMismatch)
	ca, err := a.Public().EncryptInt(rand.Reader, 1)
	require.NoError(t, err)
	cb, err := b.Public().EncryptInt(rand.Reader, 1)
	require.NoError(t, err)
	_, err = Add(ca, cb)
	require.ErrorIs(t, err, ErrGroupMismatch)
	_, err = b.Decrypt(ca)
	require.ErrorIs(t, err, ErrGroupMismatch)
}

// TestJacobi checks the binary Jacobi symbol against math/big's on random
// and edge-case arguments modulo each group's prime and small odd moduli.
func TestJacobi(t *testing.T) {
	var moduli []*big.Int
	for _, g := range []*ModPGroup{ModP512, ModP1024, ModP2048} {
		moduli = append(moduli, g.P())
	}
	for _, n := range []int64{1, 3, 5, 7, 9, 15, 21, 45, 97, 1001} {
		moduli = append(moduli, big.NewInt(n))
	}
	for _, n := range moduli {
		xs := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), new(big.Int).Sub(n, bigOne), new(big.Int).Set(n), new(big.Int).Lsh(n, 3)}
		for range 50 {
			x, err := rand.Int(rand.Reader, new(big.Int).Lsh(n, 1))
			require.NoError(t, err)
			xs = append(xs, x)
		}
		for _, x := range xs {
			require.Equal(t, big.Jacobi(x, n), jacobi(x, n), "(%v / %v)", x, n)
		}
	}
}

// TestParseAllocations bounds the allocations of decoding a ciphertext:
// for the mod-p groups it was 745 at 1024 bits and 1,562 at 2048 with
// big.Jacobi, and issue 17 asks for at most 20; the bounds are today's
// counts, so that a regression shows.
func TestParseAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, tc := range []struct {
		g   group.Group
		max float64
	}{
		{ModP512, 11}, {ModP768, 11}, {ModP1024, 11}, {ModP1536, 11}, {ModP2048, 11},
		{Ristretto255, 5}, {P256, 14}, {P384, 26}, {P521, 26},
	} {
		t.Run(GroupName(tc.g), func(t *testing.T) {
			sk, err := GenerateKey(tc.g, rand.Reader)
			require.NoError(t, err)
			ct, err := sk.Public().EncryptInt(rand.Reader, 5)
			require.NoError(t, err)
			enc, err := ct.MarshalBinary()
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(20, func() {
				if _, err := ParseCiphertext(tc.g, enc); err != nil {
					t.Fatal(err)
				}
			})
			require.LessOrEqual(t, allocs, tc.max)
		})
	}
}

// TestCurveAddAllocations: on ristretto255 and the NIST curves, adding,
// doubling and negating into an existing element allocates nothing (no
// big.Int garbage: circl's NIST groups allocate 7 to 15 objects per
// addition), and adding two ciphertexts allocates only the result.
func TestCurveAddAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, g := range []group.Group{Ristretto255, P256, P384, P521} {
		t.Run(GroupName(g), func(t *testing.T) {
			x, y := g.RandomElement(rand.Reader), g.RandomElement(rand.Reader)
			z := g.NewElement()
			require.Zero(t, testing.AllocsPerRun(20, func() { z.Add(x, y) }), "Add")
			require.Zero(t, testing.AllocsPerRun(20, func() { z.Dbl(x) }), "Dbl")
			require.Zero(t, testing.AllocsPerRun(20, func() { z.Neg(x) }), "Neg")

			sk, err := GenerateKey(g, rand.Reader)
			require.NoError(t, err)
			ct, err := sk.Public().EncryptInt(rand.Reader, 5)
			require.NoError(t, err)
			element := testing.AllocsPerRun(20, func() { _ = g.NewElement() })
			sum := testing.AllocsPerRun(20, func() {
				if _, err := Add(ct, ct); err != nil {
					t.Fatal(err)
				}
			})
			require.Equal(t, 1+2*element, sum, "a ciphertext and its two elements")
		})
	}
}

// TestModPAppendBinary: AppendBinary appends exactly MarshalBinary's bytes
// after what dst held, whatever lies in dst's spare capacity.
func TestModPAppendBinary(t *testing.T) {
	for _, g := range []*ModPGroup{ModP512, ModP2048} {
		e := g.RandomElement(rand.Reader).(*ModPElement)
		want, err := e.MarshalBinary()
		require.NoError(t, err)
		dirty := bytes.Repeat([]byte{0xff}, 3+len(want))
		got, err := e.AppendBinary(dirty[:3])
		require.NoError(t, err)
		require.Equal(t, append(bytes.Repeat([]byte{0xff}, 3), want...), got)
		got, err = e.AppendBinary(nil)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}
