package keyserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// FuzzParseAuth: an Authorization header that parses re-encodes to itself.
func FuzzParseAuth(f *testing.F) {
	a := &auth{time: 1700000000}
	a.key[0], a.nonce[1], a.sig[2] = 1, 2, 3
	h := a.header()
	for _, s := range []string{h, h[:len(h)-1], h + "A", "SBKS1 ", "Bearer x", "", AuthScheme + " " + h} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuth(h)
		if err != nil {
			require.ErrorIs(t, err, ErrUnauthenticated)
			return
		}
		require.Equal(t, h, a.header())
	})
}

// FuzzDecodeKeysRequest: a request that decodes names a canonical peer and
// 1 to MaxBatch pieces, and decodes the same after re-encoding.
func FuzzDecodeKeysRequest(f *testing.F) {
	f.Add([]byte(`{"to":"` + hexID(reencrypt.PeerID{1}) + `","indices":[0,1,2]}`))
	f.Add([]byte(`{"to":"` + hexID(reencrypt.PeerID{1}) + `","indices":[4294967295]}`))
	f.Add([]byte(`{"to":"AB","indices":[]}`))
	f.Add([]byte(`{"to":null,"indices":null,"x":1}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		to, idx, err := decodeKeysRequest(body)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			return
		}
		require.NotEmpty(t, idx)
		require.LessOrEqual(t, len(idx), MaxBatch)
		again, err := json.Marshal(&KeysRequest{To: hexID(to), Indices: idx})
		require.NoError(t, err)
		to2, idx2, err := decodeKeysRequest(again)
		require.NoError(t, err)
		require.Equal(t, to, to2)
		require.Equal(t, idx, idx2)
	})
}

// FuzzServer: any body, signed by a subscribed peer and sent to any
// endpoint, gets a classified answer (never a 500 or a panic), and only a
// successful subscription changes the peer table.
func FuzzServer(f *testing.F) {
	fx := newFixture(f, func(c *Config) { c.MaxNonces = 1 << 20 })
	p, c := fx.peer(f, true)
	fx.peer(f, true) // a second subscriber, a valid re-key target
	paths := []struct{ method, path string }{
		{"GET", "/v1/torrent"}, {"POST", "/v1/subscribe"}, {"POST", "/v1/upload-keys"},
		{"POST", "/v1/rekeys"}, {"POST", "/v1/licence"}, {"GET", "/v1/expected-hashes"},
	}
	pk, _ := p.PublicKey().MarshalBinary()
	sub, _ := json.Marshal(&SubscribeRequest{PublicKey: pk})
	for i := range paths {
		f.Add(uint8(i), []byte(nil))
		f.Add(uint8(i), []byte(`{"to":"`+hexID(p.ID())+`","indices":[0,1]}`))
		f.Add(uint8(i), sub)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ep := paths[int(which)%len(paths)]
		req, err := c.newRequest(context.Background(), ep.method, ep.path, body)
		require.NoError(t, err)
		before := fx.tr.Peers()
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, req)
		require.NotEqual(t, http.StatusInternalServerError, w.Code, w.Body.String())
		if w.Code != http.StatusOK {
			var e errorResponse
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
			require.NotEmpty(t, e.Code)
			require.Equal(t, before, fx.tr.Peers(), "a refused request changed the peer table")
		}
	})
}
