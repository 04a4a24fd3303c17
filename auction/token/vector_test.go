package token

import (
	"bytes"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rfc9474Vector is RFC 9474's test vector for the variant the package
// uses, loaded from testdata/rfc9474.json.
type rfc9474Vector struct {
	Name       string `json:"name"`
	P          string `json:"p"`
	Q          string `json:"q"`
	N          string `json:"n"`
	E          string `json:"e"`
	D          string `json:"d"`
	Msg        string `json:"msg"`
	MsgPrefix  string `json:"msg_prefix"`
	InputMsg   string `json:"input_msg"`
	Salt       string `json:"salt"`
	Inv        string `json:"inv"`
	BlindedMsg string `json:"blinded_msg"`
	BlindSig   string `json:"blind_sig"`
	Sig        string `json:"sig"`
}

func loadRFC9474(t *testing.T) rfc9474Vector {
	raw, err := os.ReadFile("testdata/rfc9474.json")
	require.NoError(t, err)
	var file struct {
		Source string        `json:"source"`
		Vector rfc9474Vector `json:"vector"`
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	require.Equal(t, Variant.String(), file.Vector.Name, "the vector is for the variant the package uses")
	return file.Vector
}

// vectorKey returns the vector's private key.
func vectorKey(t *testing.T, v rfc9474Vector) *rsa.PrivateKey {
	sk := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: bigHex(t, v.N), E: int(bigHex(t, v.E).Int64())},
		D:         bigHex(t, v.D),
		Primes:    []*big.Int{bigHex(t, v.P), bigHex(t, v.Q)},
	}
	sk.Precompute()
	return sk
}

func bigHex(t *testing.T, s string) *big.Int {
	n, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	require.True(t, ok, "bad hex %q", s)
	return n
}

func unhex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestRFC9474Vector checks the exchange against RFC 9474's known answers:
// its blind signature of the vector's blinded message is the vector's,
// and the package's verification accepts the vector's final signature
// and rejects it on another message.
func TestRFC9474Vector(t *testing.T) {
	v := loadRFC9474(t)
	x, err := NewExchange(vectorKey(t, v), Config{})
	require.NoError(t, err)

	sigs, err := x.Buy([][]byte{unhex(t, v.BlindedMsg)})
	require.NoError(t, err)
	require.Equal(t, v.BlindSig, hex.EncodeToString(sigs[0]))

	msg, sig := unhex(t, v.InputMsg), unhex(t, v.Sig)
	require.NoError(t, x.PublicKey().verify(msg, sig))
	msg[len(msg)-1] ^= 1
	require.ErrorIs(t, x.PublicKey().verify(msg, sig), ErrSignature)
}

// TestRFC9474Client runs the wallet's side of RFC 9474's test vector
// (Appendix A, RSABSSA-SHA384-PSS-Randomized): fed the vector's prefix,
// salt and blinding factor (r = inv⁻¹ mod n) as its randomness, the
// package's Prepare-and-Blind step produces the vector's prepared and
// blinded messages, the exchange's blind signature is the vector's, and
// Finalize unblinds it into the vector's signature, which verifies.
//
// The vector's message is 48 bytes and a token's serial is 32, so the
// vector drives the steps [NewWithdrawal] and [Withdrawal.Finalize] are
// made of rather than those functions whole; TestWithdrawalReadsRandomness
// checks that NewWithdrawal is exactly those steps.
func TestRFC9474Client(t *testing.T) {
	v := loadRFC9474(t)
	pk, err := NewPublicKey(&rsa.PublicKey{N: bigHex(t, v.N), E: int(bigHex(t, v.E).Int64())})
	require.NoError(t, err)
	n := bigHex(t, v.N)
	r := new(big.Int).ModInverse(bigHex(t, v.Inv), n)
	require.NotNil(t, r)
	randomness := bytes.Join([][]byte{unhex(t, v.MsgPrefix), unhex(t, v.Salt), r.FillBytes(make([]byte, pk.RequestSize()))}, nil)

	rnd := bytes.NewReader(randomness)
	prepared, blinded, st, err := pk.prepareAndBlind(rnd, unhex(t, v.Msg))
	require.NoError(t, err)
	require.Zero(t, rnd.Len(), "all the vector's randomness is used")
	require.Equal(t, v.InputMsg, hex.EncodeToString(prepared), "prepared message")
	require.Equal(t, v.BlindedMsg, hex.EncodeToString(blinded), "blinded message")

	sk := vectorKey(t, v)
	x, err := NewExchange(sk, Config{})
	require.NoError(t, err)
	sigs, err := x.Buy([][]byte{blinded})
	require.NoError(t, err)
	require.Equal(t, v.BlindSig, hex.EncodeToString(sigs[0]), "blind signature")

	sig, err := pk.client.Finalize(st, sigs[0])
	require.NoError(t, err)
	require.Equal(t, v.Sig, hex.EncodeToString(sig), "signature")
	require.NoError(t, pk.verify(prepared, sig))

	// A blind signature of anything else does not finalize.
	bad := bytes.Clone(sigs[0])
	bad[len(bad)-1] ^= 1
	_, err = pk.client.Finalize(st, bad)
	require.Error(t, err)
}

// TestWithdrawalReadsRandomness: NewWithdrawal draws each token's 32-byte
// serial and then runs RFC 9474's Prepare and Blind on it, reading the
// prefix, salt and blinding factor in the order TestRFC9474Client feeds
// them; its request and token message are what those steps give.
func TestWithdrawalReadsRandomness(t *testing.T) {
	v := loadRFC9474(t)
	pk, err := NewPublicKey(&rsa.PublicKey{N: bigHex(t, v.N), E: int(bigHex(t, v.E).Int64())})
	require.NoError(t, err)
	n := bigHex(t, v.N)
	r := new(big.Int).ModInverse(bigHex(t, v.Inv), n)
	serial := bytes.Repeat([]byte{0x5a}, MessageSize-32)
	tail := bytes.Join([][]byte{unhex(t, v.MsgPrefix), unhex(t, v.Salt), r.FillBytes(make([]byte, pk.RequestSize()))}, nil)

	w, err := NewWithdrawal(bytes.NewReader(append(bytes.Clone(serial), tail...)), pk, 1)
	require.NoError(t, err)
	prepared, blinded, _, err := pk.prepareAndBlind(bytes.NewReader(tail), serial)
	require.NoError(t, err)
	require.Equal(t, blinded, w.Requests()[0])
	require.Equal(t, prepared, w.msgs[0][:])
	require.Equal(t, unhex(t, v.MsgPrefix), w.msgs[0][:32], "the message is RFC 9474's prefix, then the serial")
	require.Equal(t, serial, w.msgs[0][32:])

	sigs, err := func() ([][]byte, error) {
		x, err := NewExchange(vectorKey(t, v), Config{})
		require.NoError(t, err)
		return x.Buy(w.Requests())
	}()
	require.NoError(t, err)
	tokens, err := w.Finalize(sigs)
	require.NoError(t, err)
	require.NoError(t, pk.Verify(&tokens[0]))
}
