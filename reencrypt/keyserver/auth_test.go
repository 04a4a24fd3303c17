package keyserver

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// TestSignedMessage is a known answer for the signed message, byte for
// byte as AuthScheme documents it, so that other implementations can
// interoperate.
func TestSignedMessage(t *testing.T) {
	var tor reencrypt.TorrentID
	for i := range tor {
		tor[i] = byte(i)
	}
	a := &auth{time: 0x0102030405060708}
	for i := range a.nonce {
		a.nonce[i] = 0xa0 + byte(i)
	}
	body := []byte(`{"to":"x"}`)
	bh := sha256.Sum256(body)
	want := "737761726d626c6f636b732f6b65797365727665722072657175657374207631" + // "swarmblocks/keyserver request v1"
		"00" +
		hex.EncodeToString(tor[:]) +
		"0004" + hex.EncodeToString([]byte("POST")) +
		"000b" + hex.EncodeToString([]byte("/v1/rekeys?")) +
		hex.EncodeToString(bh[:]) +
		"0102030405060708" +
		"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
	require.Equal(t, want, hex.EncodeToString(signedMessage(tor, "POST", "/v1/rekeys?", body, a)))
}
