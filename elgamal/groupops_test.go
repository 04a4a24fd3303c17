package elgamal

import (
	"bytes"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
)

// ownGroups runs f for each group this package implements itself (not
// circl's, which it only lists).
func ownGroups(t *testing.T, f func(t *testing.T, g group.Group)) {
	allGroups(t, func(t *testing.T, g group.Group) {
		if strings.HasSuffix(GroupName(g), "-circl") {
			t.Skip("circl's own group")
		}
		f(t, g)
	})
}

// TestSelect: CMov and CSelect pick x for selector 1 and keep (or pick) the
// other value for 0, for elements and scalars of every group, and a
// selector other than 0 or 1 panics as circl's groups do.
func TestSelect(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		x, y := g.RandomElement(rand.Reader), g.RandomElement(rand.Reader)
		require.False(t, x.IsEqual(y))
		require.True(t, g.NewElement().CSelect(1, x, y).IsEqual(x))
		require.True(t, g.NewElement().CSelect(0, x, y).IsEqual(y))
		require.True(t, y.Copy().CMov(1, x).IsEqual(x))
		require.True(t, y.Copy().CMov(0, x).IsEqual(y))
		a, b := g.RandomNonZeroScalar(rand.Reader), g.RandomNonZeroScalar(rand.Reader)
		require.False(t, a.IsEqual(b))
		require.True(t, g.NewScalar().CSelect(1, a, b).IsEqual(a))
		require.True(t, g.NewScalar().CSelect(0, a, b).IsEqual(b))
		require.True(t, b.Copy().CMov(1, a).IsEqual(a))
		require.True(t, b.Copy().CMov(0, a).IsEqual(b))
		for _, bad := range []int{-1, 2} {
			require.Panics(t, func() { x.Copy().CMov(bad, y) }, "element CMov(%d)", bad)
			require.Panics(t, func() { x.Copy().CSelect(bad, x, y) }, "element CSelect(%d)", bad)
			require.Panics(t, func() { a.Copy().CMov(bad, b) }, "scalar CMov(%d)", bad)
			require.Panics(t, func() { a.Copy().CSelect(bad, a, b) }, "scalar CSelect(%d)", bad)
		}
	})
}

// TestScalarInverse: x · x⁻¹ = 1, and the inverse of zero is zero (as
// documented, rather than a nil or garbage value).
func TestScalarInverse(t *testing.T) {
	ownGroups(t, func(t *testing.T, g group.Group) {
		one := g.NewScalar().SetUint64(1)
		x := g.RandomNonZeroScalar(rand.Reader)
		require.True(t, g.NewScalar().Mul(x, g.NewScalar().Inv(x)).IsEqual(one))
		inv := g.NewScalar().Inv(g.NewScalar())
		require.True(t, inv.IsZero())
		enc, err := inv.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, make([]byte, ScalarSize(g)), enc)
	})
}

// zeroThen returns a reader that yields n zero bytes (a zero scalar, once
// reduced), then next, then fails: a draw of zero must be redrawn, and
// exactly once.
func zeroThen(n int, next []byte) io.Reader {
	return io.MultiReader(bytes.NewReader(make([]byte, n)), bytes.NewReader(next), errReader{})
}

// TestRandomScalarRedrawsZero: a random scalar that comes out zero (a
// zero private key, an encryption that hides nothing) is drawn again from
// the reader, by [RandomScalar] and by the groups' RandomNonZeroScalar.
func TestRandomScalarRedrawsZero(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		n := ScalarSize(g) + 16
		next := make([]byte, n)
		_, err := io.ReadFull(detRand("redraw"), next)
		require.NoError(t, err)
		want, err := ScalarFromBytes(g, next)
		require.NoError(t, err)
		require.False(t, want.IsZero())

		s, err := RandomScalar(g, zeroThen(n, next))
		require.NoError(t, err)
		require.True(t, s.IsEqual(want))

		sk, err := GenerateKey(g, zeroThen(n, next))
		require.NoError(t, err)
		enc, err := sk.MarshalBinary()
		require.NoError(t, err)
		wantEnc, err := want.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, wantEnc, enc)
	})
	// The groups' own RandomNonZeroScalar, where this package implements
	// it (the NIST groups use circl's).
	for _, g := range []group.Group{Ristretto255, ModP512, ModP1024} {
		t.Run(GroupName(g)+"/RandomNonZeroScalar", func(t *testing.T) {
			n := 64 // ristretto255 reduces 64 bytes
			if mg, ok := g.(*ModPGroup); ok {
				n = mg.qBytes + 16
			}
			next := make([]byte, n)
			_, err := io.ReadFull(detRand("redraw"), next)
			require.NoError(t, err)
			want := g.RandomScalar(bytes.NewReader(next))
			require.False(t, want.IsZero())
			require.True(t, g.RandomScalar(bytes.NewReader(make([]byte, n))).IsZero())
			require.True(t, g.RandomNonZeroScalar(zeroThen(n, next)).IsEqual(want))
		})
	}
}

// TestScalarUnmarshal: reading a scalar from a cryptobyte string accepts
// exactly [ScalarSize] bytes of a reduced value, and refuses a nil string,
// a short one and an unreduced value without panicking.
func TestScalarUnmarshal(t *testing.T) {
	type unmarshaler interface {
		Unmarshal(*cryptobyte.String) bool
	}
	ownGroups(t, func(t *testing.T, g group.Group) {
		x := g.RandomNonZeroScalar(rand.Reader)
		enc, err := x.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, enc, ScalarSize(g))

		s := g.NewScalar()
		str := cryptobyte.String(append(bytes.Clone(enc), 7))
		require.True(t, s.(unmarshaler).Unmarshal(&str))
		require.True(t, s.IsEqual(x))
		require.Equal(t, cryptobyte.String{7}, str, "exactly one scalar is read")
		var b cryptobyte.Builder
		require.NoError(t, x.(interface {
			Marshal(*cryptobyte.Builder) error
		}).Marshal(&b))
		require.Equal(t, enc, b.BytesOrPanic(), "Marshal writes the MarshalBinary encoding")

		for name, b := range map[string][]byte{
			"empty":     nil,
			"short":     enc[1:],
			"unreduced": bytes.Repeat([]byte{0xff}, ScalarSize(g)),
		} {
			str := cryptobyte.String(b)
			require.False(t, g.NewScalar().(unmarshaler).Unmarshal(&str), name)
		}
		require.False(t, g.NewScalar().(unmarshaler).Unmarshal(nil), "nil string")
	})
}

// groupOrder returns the order of g's prime-order group.
func groupOrder(t *testing.T, g group.Group) *big.Int {
	switch name := GroupName(g); {
	case strings.HasPrefix(name, "ristretto255"):
		return new(big.Int).Set(ristrettoOrder)
	case strings.HasPrefix(name, "p"):
		return map[string]elliptic.Curve{"p256": elliptic.P256(), "p384": elliptic.P384(), "p521": elliptic.P521()}[name[:4]].Params().N
	case strings.HasPrefix(name, "modp"):
		return g.(*ModPGroup).Q()
	}
	t.Fatalf("no order for %s", GroupName(g))
	return nil
}

// encodeScalar encodes x < 2^(8·ScalarSize) as g's scalars are encoded:
// little endian for ristretto255, big endian otherwise.
func encodeScalar(g group.Group, x *big.Int) []byte {
	b := x.FillBytes(make([]byte, ScalarSize(g)))
	if strings.HasPrefix(GroupName(g), "ristretto255") {
		slices.Reverse(b)
	}
	return b
}

// TestScalarOrderRefused: the group order itself is not a canonical
// scalar (it is zero, written unreduced), while order − 1 is the largest
// one; DecodeScalar and ParsePrivateKey refuse the first.
func TestScalarOrderRefused(t *testing.T) {
	allGroups(t, func(t *testing.T, g group.Group) {
		n := groupOrder(t, g)
		top := new(big.Int).Sub(n, bigOne)
		s, err := DecodeScalar(g, encodeScalar(g, top))
		require.NoError(t, err)
		require.True(t, g.NewScalar().Add(s, g.NewScalar().SetUint64(1)).IsZero(), "(n − 1) + 1 = 0")
		_, err = DecodeScalar(g, encodeScalar(g, n))
		require.ErrorIs(t, err, ErrEncoding)
		_, err = ParsePrivateKey(g, encodeScalar(g, n))
		require.ErrorIs(t, err, ErrEncoding)
	})
}
