package elgamal

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
)

// TestRistrettoMatchesCircl checks the edwards25519-backed [Ristretto255]
// against circl's independent implementation: the same scalars give the
// same encodings through every operation, the hashes agree, and each
// decodes the other's encodings to the same value.
func TestRistrettoMatchesCircl(t *testing.T) {
	ours, theirs := Ristretto255, group.Ristretto255
	enc := func(e group.Element) string { return string(AppendElement(nil, e)) }
	scl := func(s group.Scalar) string { b, _ := s.MarshalBinary(); return string(b) }
	for i := range 20 {
		wide := make([]byte, 64)
		_, err := rand.Read(wide)
		require.NoError(t, err)
		x := new(big.Int).SetBytes(wide)
		if i == 0 {
			x.Neg(x) // a negative big.Int reduces the same way
		}
		a, b := ours.NewScalar().SetBigInt(x), theirs.NewScalar().SetBigInt(new(big.Int).Set(x))
		require.Equal(t, scl(b), scl(a), "SetBigInt")
		a2, b2 := ours.NewScalar().SetUint64(uint64(i)*0x9e3779b97f4a7c15), theirs.NewScalar().SetUint64(uint64(i)*0x9e3779b97f4a7c15)
		require.Equal(t, scl(b2), scl(a2), "SetUint64")
		require.Equal(t, scl(theirs.NewScalar().Mul(b, b2)), scl(ours.NewScalar().Mul(a, a2)), "Mul")
		require.Equal(t, scl(theirs.NewScalar().Add(b, b2)), scl(ours.NewScalar().Add(a, a2)), "Add")
		require.Equal(t, scl(theirs.NewScalar().Sub(b, b2)), scl(ours.NewScalar().Sub(a, a2)), "Sub")
		require.Equal(t, scl(theirs.NewScalar().Neg(b)), scl(ours.NewScalar().Neg(a)), "Neg")
		require.Equal(t, scl(theirs.NewScalar().Inv(b)), scl(ours.NewScalar().Inv(a)), "Inv")

		pa, pb := ours.NewElement().MulGen(a), theirs.NewElement().MulGen(b)
		require.Equal(t, enc(pb), enc(pa), "MulGen")
		qa, qb := ours.NewElement().Mul(pa, a2), theirs.NewElement().Mul(pb, b2)
		require.Equal(t, enc(qb), enc(qa), "Mul")
		require.Equal(t, enc(theirs.NewElement().Add(pb, qb)), enc(ours.NewElement().Add(pa, qa)), "Add")
		require.Equal(t, enc(theirs.NewElement().Dbl(pb)), enc(ours.NewElement().Dbl(pa)), "Dbl")
		require.Equal(t, enc(theirs.NewElement().Neg(pb)), enc(ours.NewElement().Neg(pa)), "Neg")

		msg, dst := wide[:i], []byte("swarmblocks test")
		require.Equal(t, enc(theirs.HashToElement(msg, dst)), enc(ours.HashToElement(msg, dst)), "HashToElement")
		require.Equal(t, scl(theirs.HashToScalar(msg, dst)), scl(ours.HashToScalar(msg, dst)), "HashToScalar")

		// Each decodes the other's encodings.
		da, err := DecodeElement(ours, []byte(enc(qb)))
		require.NoError(t, err)
		require.True(t, da.IsEqual(qa))
		sa, err := DecodeScalar(ours, []byte(scl(b)))
		require.NoError(t, err)
		require.True(t, sa.IsEqual(a))
	}
	// The identity and the generator.
	require.Equal(t, enc(theirs.Identity()), enc(ours.Identity()))
	require.Equal(t, enc(theirs.Generator()), enc(ours.Generator()))
	require.True(t, ours.NewElement().IsIdentity())
	require.True(t, ours.NewScalar().IsZero())
}

// TestRistrettoScalarCanonical: scalars at or above the group order, and
// with high bits set, are refused; l − 1 is accepted.
func TestRistrettoScalarCanonical(t *testing.T) {
	g := Ristretto255
	lMinus1 := unhex(t, "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	for _, bad := range []string{
		"edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", // l
		"eed3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", // l + 1
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0100000000000000000000000000000000000000000000000000000000000080",
	} {
		_, err := DecodeScalar(g, unhex(t, bad))
		require.ErrorIs(t, err, ErrEncoding, bad)
		str := cryptobyte.String(unhex(t, bad))
		require.False(t, g.NewScalar().(interface {
			Unmarshal(*cryptobyte.String) bool
		}).Unmarshal(&str), bad)
	}
	s, err := DecodeScalar(g, lMinus1)
	require.NoError(t, err)
	require.True(t, g.NewScalar().Add(s, g.NewScalar().SetUint64(1)).IsZero(), "(l − 1) + 1 = 0")
}

// TestNISTMatchesCircl checks the nistec-backed [P256], [P384] and [P521]
// against circl's groups: the same scalars give the same encodings
// through every point operation, hashes agree, and each decodes the
// other's encodings.
func TestNISTMatchesCircl(t *testing.T) {
	for _, pair := range [][2]group.Group{{P256, group.P256}, {P384, group.P384}, {P521, group.P521}} {
		ours, theirs := pair[0], pair[1]
		t.Run(GroupName(ours), func(t *testing.T) {
			enc := func(e group.Element) string { return string(AppendElement(nil, e)) }
			scalars := func(x *big.Int) (group.Scalar, group.Scalar) {
				return ours.NewScalar().SetBigInt(x), theirs.NewScalar().SetBigInt(new(big.Int).Set(x))
			}
			for i := range 8 {
				wide := make([]byte, 80)
				_, err := rand.Read(wide)
				require.NoError(t, err)
				a, b := scalars(new(big.Int).SetBytes(wide))
				a2, b2 := scalars(big.NewInt(int64(i)))
				sa, _ := a.MarshalBinary()
				sb, _ := b.MarshalBinary()
				require.Equal(t, sb, sa, "scalars")
				pa, pb := ours.NewElement().MulGen(a), theirs.NewElement().MulGen(b)
				require.Equal(t, enc(pb), enc(pa), "MulGen")
				qa, qb := ours.NewElement().Mul(pa, a2), theirs.NewElement().Mul(pb, b2)
				require.Equal(t, enc(qb), enc(qa), "Mul by %d", i)
				require.Equal(t, enc(theirs.NewElement().Add(pb, qb)), enc(ours.NewElement().Add(pa, qa)), "Add")
				require.Equal(t, enc(theirs.NewElement().Add(pb, pb)), enc(ours.NewElement().Add(pa, pa)), "Add to itself")
				require.Equal(t, enc(theirs.NewElement().Dbl(pb)), enc(ours.NewElement().Dbl(pa)), "Dbl")
				require.Equal(t, enc(theirs.NewElement().Neg(pb)), enc(ours.NewElement().Neg(pa)), "Neg")
				require.True(t, ours.NewElement().Add(pa, ours.NewElement().Neg(pa)).IsIdentity(), "P − P")
				msg, dst := wide[:i], []byte("swarmblocks test")
				require.Equal(t, enc(theirs.HashToElement(msg, dst)), enc(ours.HashToElement(msg, dst)), "HashToElement")
				ha, _ := ours.HashToScalar(msg, dst).MarshalBinary()
				hb, _ := theirs.HashToScalar(msg, dst).MarshalBinary()
				require.Equal(t, hb, ha, "HashToScalar")
				da, err := DecodeElement(ours, []byte(enc(qb)))
				require.NoError(t, err)
				require.True(t, da.IsEqual(qa))
				db, err := DecodeElement(theirs, []byte(enc(qa)))
				require.NoError(t, err)
				require.True(t, db.IsEqual(qb))
			}
			require.Equal(t, enc(theirs.Identity()), enc(ours.Identity()))
			require.Equal(t, enc(theirs.Generator()), enc(ours.Generator()))
			id, err := DecodeElement(ours, AppendElement(nil, ours.Identity()))
			require.NoError(t, err)
			require.True(t, id.IsIdentity())
		})
	}
}
