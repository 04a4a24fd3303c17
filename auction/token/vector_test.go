package token

import (
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
	InputMsg   string `json:"input_msg"`
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
	sk := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: bigHex(t, v.N), E: int(bigHex(t, v.E).Int64())},
		D:         bigHex(t, v.D),
		Primes:    []*big.Int{bigHex(t, v.P), bigHex(t, v.Q)},
	}
	sk.Precompute()
	x, err := NewExchange(sk, Config{})
	require.NoError(t, err)

	sigs, err := x.Buy([][]byte{unhex(t, v.BlindedMsg)})
	require.NoError(t, err)
	require.Equal(t, v.BlindSig, hex.EncodeToString(sigs[0]))

	msg, sig := unhex(t, v.InputMsg), unhex(t, v.Sig)
	require.NoError(t, x.PublicKey().verify(msg, sig))
	msg[len(msg)-1] ^= 1
	require.ErrorIs(t, x.PublicKey().verify(msg, sig), ErrSignature)
}
