package token

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"io"
	"math/big"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/cloudflare/circl/blindsign/blindrsa"
	"github.com/stretchr/testify/require"
)

func TestTokenEncoding(t *testing.T) {
	x, _ := newExchange(t)
	pub := x.PublicKey()
	tok := buy(t, x, 1)[0]
	b, err := tok.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, pub.TokenSize())
	got, err := pub.ParseToken(b)
	require.NoError(t, err)
	require.True(t, got.Equal(&tok))
	require.NoError(t, pub.Verify(&got))

	_, err = pub.ParseToken(b[:len(b)-1])
	require.ErrorIs(t, err, ErrMalformed)
	_, err = pub.ParseToken(append(b, 0))
	require.ErrorIs(t, err, ErrMalformed)
	other := bytes.Clone(b)
	other[0] ^= 1
	_, err = pub.ParseToken(other)
	require.ErrorIs(t, err, ErrWrongKey)
	var zero Token
	_, err = zero.MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)
}

// FuzzParseToken checks that any input either fails to parse or
// re-encodes to itself, and that a parsed token verifies only if it is the
// genuine token (a forgery from mutated bytes never verifies).
func FuzzParseToken(f *testing.F) {
	x, _ := newExchange(f)
	pub := x.PublicKey()
	tok := buy(f, x, 1)[0]
	good, err := tok.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[:100])
	f.Add(append(bytes.Clone(good), 1))
	mut := bytes.Clone(good)
	mut[len(mut)-1] ^= 0x40
	f.Add(mut)
	f.Fuzz(func(t *testing.T, b []byte) {
		tk, err := pub.ParseToken(b)
		if err != nil {
			require.Equal(t, Token{}, tk, "a failed parse returns no token")
			return
		}
		enc, err := tk.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, enc)
		if err := pub.Verify(&tk); err == nil {
			require.Equal(t, good, b, "a token that is not the genuine one verified")
		} else {
			require.ErrorIs(t, err, ErrSignature)
		}
	})
}

// TestVerifyAgreesWithCircl checks that the standard-library verification
// used by [PublicKey.Verify] accepts exactly what circl's RFC 9474
// verifier accepts, on genuine and corrupted tokens.
func TestVerifyAgreesWithCircl(t *testing.T) {
	x, _ := newExchange(t)
	pub := x.PublicKey()
	v, err := blindrsa.NewVerifier(Variant, pub.RSA())
	require.NoError(t, err)
	for i, tok := range buy(t, x, 4) {
		require.NoError(t, v.Verify(tok.msg[:], tok.sig))
		require.NoError(t, pub.Verify(&tok))
		bad := tok
		bad.sig = bytes.Clone(tok.sig)
		bad.sig[i*7] ^= 1 << i
		require.Error(t, v.Verify(bad.msg[:], bad.sig))
		require.ErrorIs(t, pub.Verify(&bad), ErrSignature)
	}
}

func TestPublicKeyEncoding(t *testing.T) {
	x, _ := newExchange(t)
	der, err := x.PublicKey().MarshalBinary()
	require.NoError(t, err)
	pub, err := ParsePublicKey(der)
	require.NoError(t, err)
	require.Equal(t, x.PublicKey().ID(), pub.ID())
	tok := buy(t, x, 1)[0]
	require.NoError(t, pub.Verify(&tok), "a parsed key verifies the exchange's tokens")

	_, err = ParsePublicKey(append(bytes.Clone(der), 0))
	require.ErrorIs(t, err, ErrKey, "trailing bytes")
	junk := spkiWithJunk(t, pub, []byte{0x30, 0x30})
	_, err = x509.ParsePKIXPublicKey(junk)
	require.NoError(t, err, "crypto/x509 tolerates bytes after the exponent")
	_, err = ParsePublicKey(junk)
	require.ErrorIs(t, err, ErrKey, "bytes after the exponent")
	_, err = ParsePublicKey(der[:len(der)-1])
	require.ErrorIs(t, err, ErrKey)
	_, err = ParsePublicKey(nil)
	require.ErrorIs(t, err, ErrKey)
}

// TestPublicKeyUnusable checks that keys no RSA signature can verify under
// (crypto/rsa refuses them in every Verify) are refused when parsed or
// wrapped, not accepted and then failing every token as a forgery.
func TestPublicKeyUnusable(t *testing.T) {
	sk, _ := testKeys(t)
	even := new(big.Int).Add(sk.N, big.NewInt(1))
	for name, pk := range map[string]*rsa.PublicKey{
		"e=1":          {N: sk.N, E: 1},
		"even e":       {N: sk.N, E: 65536},
		"e≥2^31":       {N: sk.N, E: 1<<31 + 1},
		"even modulus": {N: even, E: 65537},
		"zero modulus": {N: new(big.Int), E: 65537},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewPublicKey(pk)
			require.ErrorIs(t, err, ErrKey)
			if pk.N.Sign() == 0 {
				return // x509 cannot encode it
			}
			der, err := x509.MarshalPKIXPublicKey(pk)
			require.NoError(t, err)
			_, err = ParsePublicKey(der)
			require.ErrorIs(t, err, ErrKey)
		})
	}
}

// spkiWithJunk encodes pub as a SubjectPublicKeyInfo whose RSAPublicKey
// sequence carries junk after the exponent.
func spkiWithJunk(t testing.TB, pub *PublicKey, junk []byte) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1})
			b.AddASN1NULL()
		})
		b.AddASN1(asn1.BIT_STRING, func(b *cryptobyte.Builder) {
			b.AddUint8(0) // no unused bits
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1BigInt(pub.RSA().N)
				b.AddASN1Int64(int64(pub.RSA().E))
				b.AddBytes(junk)
			})
		})
	})
	der, err := b.Bytes()
	require.NoError(t, err)
	return der
}

// FuzzParsePublicKey checks the key decoder: any input either fails with
// ErrKey or is a usable key that re-encodes to the same bytes.
func FuzzParsePublicKey(f *testing.F) {
	x, _ := newExchange(f)
	der, err := x.PublicKey().MarshalBinary()
	require.NoError(f, err)
	f.Add(der)
	f.Add(der[:40])
	f.Add([]byte{0x30, 0x00})
	f.Add(spkiWithJunk(f, x.PublicKey(), []byte{0x30, 0x30}))
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, err := ParsePublicKey(b)
		if err != nil {
			require.ErrorIs(t, err, ErrKey)
			require.Nil(t, pub)
			return
		}
		enc, err := pub.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, enc)
		require.GreaterOrEqual(t, pub.RSA().N.BitLen(), MinKeyBits)
		require.Equal(t, uint(1), pub.RSA().N.Bit(0), "odd modulus")
		require.Equal(t, 1, pub.RSA().E&1, "odd exponent")
		require.GreaterOrEqual(t, pub.RSA().E, 3)
		require.LessOrEqual(t, pub.RSA().E, 1<<31-1)
	})
}

// TestKeySizeBounds: keys above MaxKeyBits are refused by NewPublicKey and
// ParsePublicKey, before any arithmetic with them, up to the 262,144-bit
// key that would make one verification take about a second; the RFC 9474
// vector's 4096-bit key, at the bound, is accepted.
func TestKeySizeBounds(t *testing.T) {
	for _, bits := range []int{MaxKeyBits + 1, 8192, 262144} {
		n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
		n.SetBit(n, 0, 1) // odd, of exactly bits bits
		pk := &rsa.PublicKey{N: n, E: 65537}
		_, err := NewPublicKey(pk)
		require.ErrorIs(t, err, ErrKey, "%d bits", bits)
		der, err := x509.MarshalPKIXPublicKey(pk)
		require.NoError(t, err)
		_, err = ParsePublicKey(der)
		require.ErrorIs(t, err, ErrKey, "%d bits", bits)
	}
	v := loadRFC9474(t)
	pk, err := NewPublicKey(&rsa.PublicKey{N: bigHex(t, v.N), E: 65537})
	require.NoError(t, err)
	require.Equal(t, MaxKeyBits, pk.RSA().N.BitLen())
	der, err := pk.MarshalBinary()
	require.NoError(t, err)
	require.LessOrEqual(t, len(der), maxKeyDER)
	_, err = ParsePublicKey(der)
	require.NoError(t, err)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

// flakyReader reads crypto/rand.Reader but fails its fail-th Read call
// (counting from 1) and only that one: a transient failure, which a caller
// that ignored it would get away with.
type flakyReader struct{ calls, fail int }

func (r *flakyReader) Read(p []byte) (int, error) {
	r.calls++
	if r.calls == r.fail {
		return 0, io.ErrClosedPipe
	}
	return rand.Read(p)
}

// TestRandomnessFailure: a failing random source is an error wrapping the
// reader's, wherever it fails, never a secret or a withdrawal built from
// missing bytes — even if the reader would work again. NewWithdrawal reads
// the serial, then RFC 9474's prefix, the salt and the blinding factor.
func TestRandomnessFailure(t *testing.T) {
	s, err := NewSecret(errReader{})
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.Equal(t, Secret{}, s)
	s, err = NewSecret(io.LimitReader(rand.Reader, 31))
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a short read")
	require.Equal(t, Secret{}, s)

	x, _ := newExchange(t)
	for fail := 1; fail <= 4; fail++ {
		w, err := NewWithdrawal(&flakyReader{fail: fail}, x.PublicKey(), 1)
		require.ErrorIs(t, err, io.ErrClosedPipe, "read %d fails", fail)
		require.Nil(t, w, "read %d fails", fail)
	}
}

// TestPublicExponentBounds: the extreme exponents crypto/rsa verifies
// with, 3 and 2^31 − 1, are accepted; the refused ones are in
// TestPublicKeyUnusable.
func TestPublicExponentBounds(t *testing.T) {
	sk, _ := testKeys(t)
	for _, e := range []int{3, 1<<31 - 1} {
		pk, err := NewPublicKey(&rsa.PublicKey{N: sk.N, E: e})
		require.NoError(t, err, "e = %d", e)
		der, err := pk.MarshalBinary()
		require.NoError(t, err)
		_, err = ParsePublicKey(der)
		require.NoError(t, err, "e = %d", e)
	}
}
