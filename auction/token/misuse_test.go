package token

import (
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisuse probes every exported function and method with nil,
// zero-value and out-of-range arguments: each returns an error wrapping
// the listed sentinel, and none panics. A nil io.Reader means
// crypto/rand.Reader.
func TestMisuse(t *testing.T) {
	x, _ := newExchange(t)
	pub := x.PublicKey()
	tokens := buy(t, x, 1)
	var zeroX Exchange
	var zeroPK PublicKey
	var zeroW Withdrawal
	var zeroTok Token
	var w Wallet

	cases := []struct {
		name string
		want error
		fn   func() error
	}{
		{"NewExchange nil key", ErrKey, func() error { _, err := NewExchange(nil, Config{}); return err }},
		{"NewExchange zero key", ErrKey, func() error { _, err := NewExchange(&rsa.PrivateKey{}, Config{}); return err }},
		{"NewPublicKey nil", ErrKey, func() error { _, err := NewPublicKey(nil); return err }},
		{"NewPublicKey zero", ErrKey, func() error { _, err := NewPublicKey(&rsa.PublicKey{}); return err }},
		{"ParsePublicKey nil", ErrKey, func() error { _, err := ParsePublicKey(nil); return err }},
		{"NewWithdrawal nil key", ErrInvalidArgument, func() error { _, err := NewWithdrawal(nil, nil, 1); return err }},
		{"NewWithdrawal zero key", ErrInvalidArgument, func() error { _, err := NewWithdrawal(nil, &zeroPK, 1); return err }},
		{"NewWithdrawal zero tokens", ErrBatch, func() error { _, err := NewWithdrawal(nil, pub, 0); return err }},
		{"NewWithdrawal negative", ErrBatch, func() error { _, err := NewWithdrawal(nil, pub, -1); return err }},
		{"NewWithdrawal too many", ErrBatch, func() error { _, err := NewWithdrawal(nil, pub, MaxBatch+1); return err }},
		{"zero Withdrawal.Finalize", ErrInvalidArgument, func() error { _, err := zeroW.Finalize(nil); return err }},
		{"nil Withdrawal.Finalize", ErrInvalidArgument, func() error { _, err := (*Withdrawal)(nil).Finalize(nil); return err }},
		{"Finalize nil signatures", ErrSignature, func() error {
			wd, err := NewWithdrawal(nil, pub, 1)
			require.NoError(t, err)
			_, err = wd.Finalize([][]byte{nil})
			return err
		}},
		{"zero PublicKey.MarshalBinary", ErrInvalidArgument, func() error { _, err := zeroPK.MarshalBinary(); return err }},
		{"zero PublicKey.Verify", ErrInvalidArgument, func() error { return zeroPK.Verify(&tokens[0]) }},
		{"zero PublicKey.ParseToken", ErrInvalidArgument, func() error { _, err := zeroPK.ParseToken(nil); return err }},
		{"Verify nil token", ErrInvalidArgument, func() error { return pub.Verify(nil) }},
		{"Verify zero token", ErrWrongKey, func() error { return pub.Verify(&zeroTok) }},
		{"ParseToken nil", ErrMalformed, func() error { _, err := pub.ParseToken(nil); return err }},
		{"zero Token.MarshalBinary", ErrMalformed, func() error { _, err := zeroTok.MarshalBinary(); return err }},
		{"nil Token.AppendBinary", ErrMalformed, func() error { _, err := (*Token)(nil).AppendBinary(nil); return err }},
		{"zero Exchange.Buy", ErrInvalidArgument, func() error { _, err := zeroX.Buy(nil); return err }},
		{"zero Exchange.CashOut", ErrInvalidArgument, func() error { return zeroX.CashOut(tokens) }},
		{"nil Exchange.CashOut", ErrInvalidArgument, func() error { return (*Exchange)(nil).CashOut(tokens) }},
		{"zero Exchange.Escrow", ErrInvalidArgument, func() error { _, _, err := zeroX.Escrow(tokens, Lock{}, Lock{}); return err }},
		{"nil Exchange.Escrow", ErrInvalidArgument, func() error { _, _, err := (*Exchange)(nil).Escrow(tokens, Lock{}, Lock{}); return err }},
		{"zero Exchange.EscrowAmount", ErrInvalidArgument, func() error { _, err := zeroX.EscrowAmount(EscrowID{}); return err }},
		{"zero Exchange.Confirm", ErrInvalidArgument, func() error { return zeroX.Confirm(EscrowID{}, Secret{}) }},
		{"zero Exchange.Collect", ErrInvalidArgument, func() error { _, err := zeroX.Collect(EscrowID{}, Secret{}, nil); return err }},
		{"zero Exchange.Refund", ErrInvalidArgument, func() error { _, err := zeroX.Refund(EscrowID{}, Secret{}, nil); return err }},
		{"zero Exchange.Audit", ErrInvalidArgument, func() error { return zeroX.Audit() }},
		{"Buy nil", ErrBatch, func() error { _, err := x.Buy(nil); return err }},
		{"Buy nil request", ErrMalformed, func() error { _, err := x.Buy([][]byte{nil}); return err }},
		{"CashOut nil", ErrBatch, func() error { return x.CashOut(nil) }},
		{"CashOut zero token", ErrWrongKey, func() error { return x.CashOut([]Token{{}}) }},
		{"Escrow nil", ErrBatch, func() error { _, _, err := x.Escrow(nil, Lock{}, Lock{}); return err }},
		{"EscrowAmount unknown", ErrNoEscrow, func() error { _, err := x.EscrowAmount(EscrowID{}); return err }},
		{"Confirm unknown", ErrNoEscrow, func() error { return x.Confirm(EscrowID{}, Secret{}) }},
		{"Collect unknown", ErrNoEscrow, func() error { _, err := x.Collect(EscrowID{}, Secret{}, nil); return err }},
		{"Refund unknown", ErrNoEscrow, func() error { _, err := x.Refund(EscrowID{}, Secret{}, nil); return err }},
		{"Wallet.Take negative", ErrInsufficient, func() error { _, err := w.Take(-1); return err }},
		{"Wallet.Take too many", ErrInsufficient, func() error { _, err := w.Take(1); return err }},
	}
	for _, tt := range cases {
		assert.NotPanics(t, func() { require.ErrorIs(t, tt.fn(), tt.want, tt.name) }, tt.name)
	}

	assert.NotPanics(t, func() {
		require.Nil(t, (*Exchange)(nil).PublicKey())
		require.Nil(t, zeroX.PublicKey())
		require.False(t, zeroX.Spent(&tokens[0]))
		require.False(t, x.Spent(nil))
		require.Equal(t, Stats{}, zeroX.Stats())
		require.Equal(t, Stats{}, (*Exchange)(nil).Stats())
		require.Equal(t, KeyID{}, zeroPK.ID())
		require.Nil(t, zeroPK.RSA())
		require.Zero(t, zeroPK.TokenSize())
		require.Zero(t, zeroPK.RequestSize())
		require.Equal(t, KeyID{}, (*PublicKey)(nil).ID())
		require.Zero(t, (*PublicKey)(nil).RequestSize())
		require.Zero(t, (*PublicKey)(nil).TokenSize())
		require.Nil(t, (*Withdrawal)(nil).Requests())
		require.Zero(t, zeroW.Len())
		require.Nil(t, zeroW.Requests())
		require.Zero(t, (*Withdrawal)(nil).Len())
		require.False(t, tokens[0].Equal(nil))
		require.False(t, (*Token)(nil).Equal(&tokens[0]))
		require.Equal(t, [MessageSize]byte{}, (*Token)(nil).Serial())
		require.Equal(t, KeyID{}, (*Token)(nil).Key())
		require.Zero(t, w.Balance())
	}, "accessors")

	// A nil reader means crypto/rand.Reader.
	assert.NotPanics(t, func() {
		s, err := NewSecret(nil)
		require.NoError(t, err)
		require.NotEqual(t, Secret{}, s)
		wd, err := NewWithdrawal(nil, pub, 1)
		require.NoError(t, err)
		sigs, err := x.Buy(wd.Requests())
		require.NoError(t, err)
		toks, err := wd.Finalize(sigs)
		require.NoError(t, err)
		require.NoError(t, pub.Verify(&toks[0]))
	}, "nil readers")
}
