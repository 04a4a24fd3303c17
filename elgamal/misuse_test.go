package elgamal

import (
	"crypto/rand"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisuse probes every exported function and method with nil, zero-value
// and mismatched arguments: each returns an error wrapping the listed
// sentinel, and none panics. A nil io.Reader means crypto/rand.Reader.
func TestMisuse(t *testing.T) {
	g := Default
	sk, err := GenerateKey(g, rand.Reader)
	require.NoError(t, err)
	pk := sk.Public()
	ct, err := pk.EncryptInt(rand.Reader, 3)
	require.NoError(t, err)
	other, err := GenerateKey(group.P256, rand.Reader)
	require.NoError(t, err)
	otherCt, err := other.Public().EncryptInt(rand.Reader, 3)
	require.NoError(t, err)
	table, err := NewDLogTable(g, 10)
	require.NoError(t, err)
	var zeroPK PublicKey
	var zeroSK PrivateKey
	var zeroCt Ciphertext
	var zeroTable DLogTable

	cases := []struct {
		name string
		want error
		fn   func() error
	}{
		{"GenerateKey nil group", ErrInvalidArgument, func() error { _, err := GenerateKey(nil, rand.Reader); return err }},
		{"RandomScalar nil group", ErrInvalidArgument, func() error { _, err := RandomScalar(nil, nil); return err }},
		{"ScalarFromBytes nil group", ErrInvalidArgument, func() error { _, err := ScalarFromBytes(nil, make([]byte, 64)); return err }},
		{"ScalarFromBytes short", ErrEncoding, func() error { _, err := ScalarFromBytes(g, nil); return err }},
		{"DecodeElement nil group", ErrInvalidArgument, func() error { _, err := DecodeElement(nil, nil); return err }},
		{"DecodeScalar nil group", ErrInvalidArgument, func() error { _, err := DecodeScalar(nil, nil); return err }},
		{"DecodeElement nil data", ErrEncoding, func() error { _, err := DecodeElement(g, nil); return err }},
		{"NewPrivateKey nil", ErrInvalidArgument, func() error { _, err := NewPrivateKey(nil); return err }},
		{"NewPublicKey nil", ErrInvalidArgument, func() error { _, err := NewPublicKey(nil); return err }},
		{"NewPrivateKey zero scalar", ErrIdentity, func() error { _, err := NewPrivateKey(g.NewScalar()); return err }},
		{"NewPublicKey identity", ErrIdentity, func() error { _, err := NewPublicKey(g.Identity()); return err }},
		{"NewCiphertext nil", ErrInvalidArgument, func() error { _, err := NewCiphertext(nil, g.Generator()); return err }},
		{"NewCiphertext mixed groups", ErrGroupMismatch, func() error { _, err := NewCiphertext(g.Generator(), group.P256.Generator()); return err }},
		{"ParsePublicKey nil group", ErrInvalidArgument, func() error { _, err := ParsePublicKey(nil, nil); return err }},
		{"ParsePrivateKey nil group", ErrInvalidArgument, func() error { _, err := ParsePrivateKey(nil, nil); return err }},
		{"ParseCiphertext nil group", ErrInvalidArgument, func() error { _, err := ParseCiphertext(nil, nil); return err }},
		{"ParseCiphertext nil group with data", ErrInvalidArgument, func() error { _, err := ParseCiphertext(nil, make([]byte, 64)); return err }},
		{"ParsePublicKey nil group with data", ErrInvalidArgument, func() error { _, err := ParsePublicKey(nil, make([]byte, 32)); return err }},
		{"ParsePrivateKey nil group with data", ErrInvalidArgument, func() error { _, err := ParsePrivateKey(nil, make([]byte, 32)); return err }},
		{"zero PublicKey.MarshalBinary", ErrInvalidArgument, func() error { _, err := zeroPK.MarshalBinary(); return err }},
		{"nil PublicKey.MarshalBinary", ErrInvalidArgument, func() error { _, err := (*PublicKey)(nil).MarshalBinary(); return err }},
		{"zero PrivateKey.MarshalBinary", ErrInvalidArgument, func() error { _, err := zeroSK.MarshalBinary(); return err }},
		{"zero Ciphertext.MarshalBinary", ErrInvalidArgument, func() error { _, err := zeroCt.MarshalBinary(); return err }},
		{"nil Ciphertext.MarshalBinary", ErrInvalidArgument, func() error { _, err := (*Ciphertext)(nil).MarshalBinary(); return err }},
		{"zero PublicKey.Encrypt", ErrInvalidArgument, func() error { _, err := zeroPK.Encrypt(nil, g.Generator()); return err }},
		{"Encrypt nil element", ErrInvalidArgument, func() error { _, err := pk.Encrypt(nil, nil); return err }},
		{"Encrypt other group", ErrGroupMismatch, func() error { _, err := pk.Encrypt(nil, group.P256.Generator()); return err }},
		{"zero PublicKey.EncryptInt", ErrInvalidArgument, func() error { _, err := zeroPK.EncryptInt(nil, 1); return err }},
		{"zero PublicKey.Rerandomize", ErrInvalidArgument, func() error { _, err := zeroPK.Rerandomize(nil, ct); return err }},
		{"Rerandomize nil ciphertext", ErrInvalidArgument, func() error { _, err := pk.Rerandomize(nil, nil); return err }},
		{"Rerandomize other group", ErrGroupMismatch, func() error { _, err := pk.Rerandomize(nil, otherCt); return err }},
		{"zero PrivateKey.Decrypt", ErrInvalidArgument, func() error { _, err := zeroSK.Decrypt(ct); return err }},
		{"nil PrivateKey.Decrypt", ErrInvalidArgument, func() error { _, err := (*PrivateKey)(nil).Decrypt(ct); return err }},
		{"Decrypt nil ciphertext", ErrInvalidArgument, func() error { _, err := sk.Decrypt(nil); return err }},
		{"Decrypt zero ciphertext", ErrInvalidArgument, func() error { _, err := sk.Decrypt(&zeroCt); return err }},
		{"Decrypt other group", ErrGroupMismatch, func() error { _, err := sk.Decrypt(otherCt); return err }},
		{"DecryptInt nil table", ErrInvalidArgument, func() error { _, err := sk.DecryptInt(ct, nil); return err }},
		{"DecryptInt zero table", ErrInvalidArgument, func() error { _, err := sk.DecryptInt(ct, &zeroTable); return err }},
		{"DecryptInt other group's table", ErrGroupMismatch, func() error {
			tp, err := NewDLogTable(group.P256, 4)
			require.NoError(t, err)
			_, err = sk.DecryptInt(ct, tp)
			return err
		}},
		{"DecryptInt other group's ciphertext", ErrGroupMismatch, func() error { _, err := sk.DecryptInt(otherCt, table); return err }},
		{"Log nil element", ErrInvalidArgument, func() error { _, err := table.Log(nil); return err }},
		{"NewDLogTable nil group", ErrInvalidArgument, func() error { _, err := NewDLogTable(nil, 4); return err }},
		{"NewDLogTable range", ErrInvalidArgument, func() error { _, err := NewDLogTable(g, MaxDLogRange+1); return err }},
		{"Add nil", ErrInvalidArgument, func() error { _, err := Add(nil, ct); return err }},
		{"Add zero", ErrInvalidArgument, func() error { _, err := Add(ct, &zeroCt); return err }},
		{"Add other group", ErrGroupMismatch, func() error { _, err := Add(ct, otherCt); return err }},
		{"Sub nil", ErrInvalidArgument, func() error { _, err := Sub(ct, nil); return err }},
		{"Sub other group", ErrGroupMismatch, func() error { _, err := Sub(ct, otherCt); return err }},
		{"ScalarMul nil ciphertext", ErrInvalidArgument, func() error { _, err := ScalarMul(nil, g.NewScalar()); return err }},
		{"ScalarMul nil scalar", ErrInvalidArgument, func() error { _, err := ScalarMul(ct, nil); return err }},
		{"ScalarMul other group", ErrGroupMismatch, func() error { _, err := ScalarMul(ct, group.P256.NewScalar()); return err }},
		{"Seal nil key", ErrInvalidArgument, func() error { _, err := Seal(nil, nil, nil, nil); return err }},
		{"Seal zero key", ErrInvalidArgument, func() error { _, err := Seal(nil, &zeroPK, nil, nil); return err }},
		{"Open nil key", ErrInvalidArgument, func() error { _, err := Open(nil, nil, nil); return err }},
		{"Open zero key", ErrInvalidArgument, func() error { _, err := Open(&zeroSK, nil, nil); return err }},
		{"Open nil ciphertext", ErrDecrypt, func() error { _, err := Open(sk, nil, nil); return err }},
		{"GroupByName empty", ErrUnknownGroup, func() error { _, err := GroupByName(""); return err }},
		{"zero ModPElement.UnmarshalBinary", ErrInvalidArgument, func() error { return new(ModPElement).UnmarshalBinary(nil) }},
		{"zero ModPScalar.UnmarshalBinary", ErrInvalidArgument, func() error { return new(ModPScalar).UnmarshalBinary(nil) }},
		{"ModPElement.UnmarshalBinary short", ErrEncoding, func() error { return ModP1024.NewElement().UnmarshalBinary([]byte{1}) }},
		{"ModPScalar.UnmarshalBinary empty", ErrEncoding, func() error { return ModP1024.NewScalar().UnmarshalBinary(nil) }},
		{"ModPScalar.UnmarshalBinary short", ErrEncoding, func() error { return ModP1024.NewScalar().UnmarshalBinary([]byte{1}) }},
	}
	for _, tt := range cases {
		assert.NotPanics(t, func() {
			err := tt.fn()
			require.ErrorIs(t, err, tt.want, tt.name)
		}, tt.name)
	}

	// Functions without an error result return a zero result instead.
	assert.NotPanics(t, func() {
		require.Nil(t, zeroPK.Group())
		require.Nil(t, zeroPK.Element())
		require.Nil(t, (*PublicKey)(nil).Group())
		require.False(t, pk.Equal(nil))
		require.False(t, pk.Equal(&zeroPK))
		require.False(t, zeroPK.Equal(pk))
		require.False(t, sk.Equal(nil))
		require.False(t, sk.Equal(&zeroSK))
		require.Nil(t, zeroSK.Group())
		require.Nil(t, (*PrivateKey)(nil).Group())
		require.Nil(t, (*PrivateKey)(nil).Public())
		require.Nil(t, zeroSK.Mul(g.Generator()))
		require.Nil(t, sk.Mul(nil))
		require.Nil(t, sk.Mul(group.P256.Generator()))
		require.Nil(t, zeroCt.Group())
		require.Nil(t, zeroCt.C1())
		require.Nil(t, zeroCt.C2())
		require.Zero(t, ElementSize(nil))
		require.Zero(t, ScalarSize(nil))
		require.Zero(t, CiphertextSize(nil))
		require.Zero(t, (*DLogTable)(nil).Max())
		require.Equal(t, "<nil>", GroupName(nil))
		require.False(t, new(ModPScalar).Unmarshal(nil))
	}, "accessors")

	// A nil reader means crypto/rand.Reader.
	assert.NotPanics(t, func() {
		k, err := GenerateKey(g, nil)
		require.NoError(t, err)
		c, err := k.Public().Encrypt(nil, g.Generator())
		require.NoError(t, err)
		_, err = k.Public().Rerandomize(nil, c)
		require.NoError(t, err)
		_, err = k.Public().EncryptInt(nil, 1)
		require.NoError(t, err)
		sealed, err := Seal(nil, k.Public(), []byte("m"), nil)
		require.NoError(t, err)
		pt, err := Open(k, sealed, nil)
		require.NoError(t, err)
		require.Equal(t, "m", string(pt))
		_, err = RandomScalar(g, nil)
		require.NoError(t, err)
		require.NotNil(t, ModP1024.RandomElement(nil))
		require.NotNil(t, ModP1024.RandomScalar(nil))
	}, "nil readers")
}
