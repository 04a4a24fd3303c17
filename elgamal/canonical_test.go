package elgamal

import (
	"crypto/elliptic"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
)

// nonCanonical returns, for group g, encodings of elements of g that are
// not the canonical encoding of any element but that a lax decoder would map
// to the element canonical encodes: for ristretto255 the canonical encoding
// with bit 255 set; for the NIST curves the compressed point with p added to
// x; for the mod-p groups the integer plus p. It also returns lax, a
// decoder-side canonicalization mapping each of them back to canonical.
func nonCanonical(t *testing.T, g group.Group, canonical []byte) (bad [][]byte, lax func([]byte) []byte) {
	t.Helper()
	n := ElementSize(g)
	require.Len(t, canonical, n)
	addP := func(p *big.Int, b []byte) []byte {
		x := new(big.Int).SetBytes(b)
		x.Add(x, p)
		if (x.BitLen()+7)/8 > len(b) {
			return nil // does not fit
		}
		return x.FillBytes(make([]byte, len(b)))
	}
	modP := func(p *big.Int, b []byte) []byte {
		x := new(big.Int).SetBytes(b)
		return x.Mod(x, p).FillBytes(make([]byte, len(b)))
	}
	switch GroupName(g) {
	case "ristretto255", "ristretto255-circl":
		b := append([]byte(nil), canonical...)
		b[31] |= 0x80
		return [][]byte{b}, func(b []byte) []byte {
			c := append([]byte(nil), b...)
			c[31] &^= 0x80
			return c
		}
	case "p256", "p384", "p521", "p256-circl", "p384-circl", "p521-circl":
		p := map[string]elliptic.Curve{"p256": elliptic.P256(), "p384": elliptic.P384(), "p521": elliptic.P521()}[GroupName(g)[:4]].Params().P
		x := addP(p, canonical[1:])
		require.NotNil(t, x, "x + p must fit the encoding")
		return [][]byte{append([]byte{canonical[0]}, x...)}, func(b []byte) []byte {
			if len(b) != n {
				return b
			}
			return append([]byte{b[0]}, modP(p, b[1:])...)
		}
	default:
		mg := g.(*ModPGroup)
		x := addP(mg.p, canonical)
		require.NotNil(t, x, "x + p must fit the encoding")
		return [][]byte{x}, func(b []byte) []byte { return modP(mg.p, b) }
	}
}

// smallElement returns an element of g whose canonical encoding leaves room
// to add the field modulus: x = 4 for the mod-p groups, the point with the
// smallest x for the NIST curves, the generator for ristretto255.
func smallElement(t *testing.T, g group.Group) []byte {
	t.Helper()
	switch GroupName(g) {
	case "ristretto255", "ristretto255-circl":
		return AppendElement(nil, g.Generator())
	case "p256", "p384", "p521", "p256-circl", "p384-circl", "p521-circl":
		for x := int64(1); ; x++ {
			enc := append([]byte{2}, big.NewInt(x).FillBytes(make([]byte, ElementSize(g)-1))...)
			if e, err := DecodeElement(g, enc); err == nil {
				return AppendElement(nil, e)
			}
		}
	default:
		return big.NewInt(4).FillBytes(make([]byte, ElementSize(g)))
	}
}

// laxGroup wraps a group with a decoder that accepts non-canonical encodings
// (canonicalizing them first), as a careless group implementation might.
// DecodeElement promises to reject any encoding the group's decoder accepts
// but would not itself produce; a lax group is how that promise is tested,
// since every group this package ships already rejects them itself.
type laxGroup struct {
	group.Group
	canon func([]byte) []byte
}

func (g laxGroup) NewElement() group.Element { return &laxElement{Element: g.Group.NewElement(), g: g} }

type laxElement struct {
	group.Element
	g laxGroup
}

func (e *laxElement) Group() group.Group { return e.g }

func (e *laxElement) UnmarshalBinary(b []byte) error { return e.Element.UnmarshalBinary(e.g.canon(b)) }

// TestDecodeElementRejectsNonCanonical feeds every group non-canonical
// encodings of a valid element: the group's own decoder rejects them, and
// DecodeElement's re-encoding check rejects them even when the group's
// decoder does not (a lax group), while the canonical encoding is accepted.
func TestDecodeElementRejectsNonCanonical(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		canonical := smallElement(t, g)
		e, err := DecodeElement(g, canonical)
		require.NoError(t, err)
		require.False(t, e.IsIdentity())
		bad, canon := nonCanonical(t, g, canonical)
		lax := laxGroup{Group: g, canon: canon}

		_, err = DecodeElement(lax, canonical)
		require.NoError(t, err, "the lax group accepts the canonical encoding")
		for _, b := range bad {
			le := lax.NewElement()
			require.NoError(t, le.UnmarshalBinary(b), "the lax decoder accepts the non-canonical encoding")
			require.True(t, le.IsEqual(e))

			_, err := DecodeElement(g, b)
			require.ErrorIs(t, err, ErrEncoding, "group decoder")
			_, err = DecodeElement(lax, b)
			require.ErrorIs(t, err, ErrEncoding, "re-encoding check")
			_, err = ParsePublicKey(g, b)
			require.ErrorIs(t, err, ErrEncoding, "public key")
			_, err = ParseCiphertext(g, append(append([]byte(nil), b...), canonical...))
			require.ErrorIs(t, err, ErrEncoding, "ciphertext C1")
			_, err = ParseCiphertext(g, append(append([]byte(nil), canonical...), b...))
			require.ErrorIs(t, err, ErrEncoding, "ciphertext C2")
		}
	})
}

// laxScalarGroup wraps a group with a scalar decoder that ignores one
// trailing byte, as a careless group implementation might.
type laxScalarGroup struct{ group.Group }

func (g laxScalarGroup) NewScalar() group.Scalar {
	return &laxScalar{Scalar: g.Group.NewScalar(), n: ScalarSize(g.Group)}
}

type laxScalar struct {
	group.Scalar
	n int
}

func (s *laxScalar) UnmarshalBinary(b []byte) error {
	if len(b) == s.n+1 {
		b = b[:s.n]
	}
	return s.Scalar.UnmarshalBinary(b)
}

// TestDecodeScalarExactLength: DecodeScalar and ParsePrivateKey take
// exactly [ScalarSize] bytes, so one key has one encoding, even over a
// group whose own scalar decoder tolerates a trailing byte.
func TestDecodeScalarExactLength(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		sk, err := GenerateKey(g, detRand("exact length"))
		require.NoError(t, err)
		enc, err := sk.MarshalBinary()
		require.NoError(t, err)
		long := append(append([]byte(nil), enc...), 0)
		lax := laxScalarGroup{g}
		require.NoError(t, lax.NewScalar().UnmarshalBinary(long), "the lax decoder accepts a trailing byte")

		_, err = DecodeScalar(lax, enc)
		require.NoError(t, err)
		_, err = DecodeScalar(lax, long)
		require.ErrorIs(t, err, ErrEncoding)
		_, err = ParsePrivateKey(lax, long)
		require.ErrorIs(t, err, ErrEncoding)
	})
}
