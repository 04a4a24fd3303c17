package pacomchan

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// hpkeVector is one RFC 9180 test vector. testdata/rfc9180_a2_1.json is
// the vector of RFC 9180 Appendix A.2.1 (base mode, DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305), taken from the CFRG
// test-vectors.json (draft-irtf-cfrg-hpke commit 5f503c5, as shipped in
// cloudflare/circl's hpke/testdata), first three encryptions and one
// export kept.
type hpkeVector struct {
	Mode        int       `json:"mode"`
	KEM         int       `json:"kem_id"`
	KDF         int       `json:"kdf_id"`
	AEAD        int       `json:"aead_id"`
	Info        hexBytes  `json:"info"`
	IkmR        hexBytes  `json:"ikmR"`
	IkmE        hexBytes  `json:"ikmE"`
	SkRm        hexBytes  `json:"skRm"`
	PkRm        hexBytes  `json:"pkRm"`
	Enc         hexBytes  `json:"enc"`
	Encryptions []hpkeEnc `json:"encryptions"`
}

type hpkeEnc struct {
	AAD   hexBytes `json:"aad"`
	CT    hexBytes `json:"ct"`
	Nonce hexBytes `json:"nonce"`
	PT    hexBytes `json:"pt"`
}

type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	out, err := hex.DecodeString(s)
	*h = out
	return err
}

// TestHPKEKnownAnswer checks the suite the router seals handshakes with
// (handshakeSuite, handshakeKEM) against RFC 9180: key derivation from
// ikmR as NewRouter does it, encapsulation from ikmE, and the first
// encryptions, sealed and opened.
func TestHPKEKnownAnswer(t *testing.T) {
	raw, err := os.ReadFile("testdata/rfc9180_a2_1.json")
	require.NoError(t, err)
	var vs []hpkeVector
	require.NoError(t, json.Unmarshal(raw, &vs))
	require.Len(t, vs, 1)
	v := vs[0]
	require.Equal(t, []int{0, 0x20, 1, 3}, []int{v.Mode, v.KEM, v.KDF, v.AEAD})

	pk, sk := handshakeKEM.DeriveKeyPair(v.IkmR)
	pkb, err := pk.MarshalBinary()
	require.NoError(t, err)
	skb, err := sk.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, []byte(v.PkRm), pkb)
	require.Equal(t, []byte(v.SkRm), skb)

	sender, err := handshakeSuite.NewSender(pk, v.Info)
	require.NoError(t, err)
	enc, sealer, err := sender.Setup(bytes.NewReader(v.IkmE))
	require.NoError(t, err)
	require.Equal(t, []byte(v.Enc), enc)
	recv, err := handshakeSuite.NewReceiver(sk, v.Info)
	require.NoError(t, err)
	opener, err := recv.Setup(enc)
	require.NoError(t, err)
	for i, e := range v.Encryptions {
		ct, err := sealer.Seal(e.PT, e.AAD)
		require.NoError(t, err)
		require.Equal(t, []byte(e.CT), ct, "encryption %d", i)
		pt, err := opener.Open(e.CT, e.AAD)
		require.NoError(t, err)
		require.Equal(t, []byte(e.PT), pt)
	}
}
