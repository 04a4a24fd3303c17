package keyserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// TestMaxBatch: a batch of exactly MaxBatch pieces is decoded by the
// server and sent by the client (one more is refused: TestMalformed,
// TestClientRefusesBeforeSending).
func TestMaxBatch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	j, _ := f.peer(t, true)
	indices := make([]uint32, MaxBatch)
	body, err := json.Marshal(&KeysRequest{To: hexID(j.ID()), Indices: indices})
	require.NoError(t, err)
	to, got, err := decodeKeysRequest(body)
	require.NoError(t, err)
	require.Equal(t, j.ID(), to)
	require.Len(t, got, MaxBatch)

	// The client, against a server that answers the batch at once.
	uk, err := f.tr.UploadKey(0, f.seed.ID(), j.ID())
	require.NoError(t, err)
	ukb, err := uk.MarshalBinary()
	require.NoError(t, err)
	tb, err := f.torrent.MarshalBinary()
	require.NoError(t, err)
	keys := make([][]byte, MaxBatch)
	for i := range keys {
		keys[i] = ukb
	}
	fs := newFakeServer(t, map[string]http.HandlerFunc{
		"/v1/torrent":     answer(&TorrentResponse{Torrent: tb, LicenceKey: f.tr.LicenceKey(), SeedID: hexID(f.seed.ID())}),
		"/v1/upload-keys": answer(&KeysResponse{Keys: keys}),
	})
	c, err := NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
	require.NoError(t, err)
	out, err := c.UploadKeys(ctx, j.ID(), indices...)
	require.NoError(t, err)
	require.Len(t, out, MaxBatch)
}

// TestSkewWindowInclusive: a request exactly DefaultSkew before or after
// the server's clock is accepted; a second more is stale.
func TestSkewWindowInclusive(t *testing.T) {
	ctx := context.Background()
	at := time.Now().Truncate(time.Second)
	f := newFixture(t, func(c *Config) { c.Now = func() time.Time { return at } })
	c := f.client(t, nil)
	for _, tc := range []struct {
		off   time.Duration
		stale bool
	}{
		{-DefaultSkew, false}, {DefaultSkew, false},
		{-DefaultSkew - time.Second, true}, {DefaultSkew + time.Second, true},
	} {
		c.now = func() time.Time { return at.Add(tc.off) }
		c.info = nil
		_, err := c.Torrent(ctx)
		if tc.stale {
			requireRefused(t, err, ErrStale, http.StatusUnauthorized)
		} else {
			require.NoError(t, err, "%v from the server's clock", tc.off)
		}
	}
}

// TestNoncesPerCaller: the replay cache keys nonces by caller, so two
// callers that happen to draw the same nonce are both served, while one
// caller reusing its nonce is refused.
func TestNoncesPerCaller(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	nonce := bytes.Repeat([]byte{7}, nonceSize)
	a, b := f.client(t, nil), f.client(t, nil)
	for _, c := range []*Client{a, b} {
		c.rnd = bytes.NewReader(nonce)
		_, err := c.Torrent(ctx)
		require.NoError(t, err)
	}
	a.rnd, a.info = bytes.NewReader(nonce), nil
	_, err := a.Torrent(ctx)
	requireRefused(t, err, ErrReplay, http.StatusUnauthorized)
}

// TestURIBound: a request URI of exactly maxURI bytes is sent by the
// client and read by the server; the server refuses a longer one as
// malformed, with its error headers.
func TestURIBound(t *testing.T) {
	f := newFixture(t, nil)
	fs := newFakeServer(t, nil)
	path := "/v1/torrent"
	base := fs.URL + "/" + strings.Repeat("a", maxURI-len(path)-1)
	c, err := NewClient(base, f.torrent.ID, f.seedC.key, fs.Client())
	require.NoError(t, err)
	_, err = c.Torrent(context.Background())
	require.Error(t, err) // the fake server has no such path
	require.EqualValues(t, 1, fs.requests.Load(), "the request was sent")

	q := "/v1/torrent?" + strings.Repeat("a", maxURI-len("/v1/torrent?"))
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, q, nil))
	require.Equal(t, http.StatusUnauthorized, w.Code, "a URI of maxURI bytes is read: %s", w.Body.String())
	w = httptest.NewRecorder()
	f.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, q+"a", nil))
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
	require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
}

// TestAnswerHeaders: a served answer is JSON and says so.
func TestAnswerHeaders(t *testing.T) {
	f := newFixture(t, nil)
	req, err := f.seedC.newRequest(context.Background(), http.MethodGet, "/v1/torrent", nil)
	require.NoError(t, err)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var resp TorrentResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &resp))
	require.Equal(t, ed25519.PublicKey(resp.LicenceKey), f.tr.LicenceKey())
	require.Equal(t, hexID(reencrypt.SeedIDOf(f.torrent.ID)), resp.SeedID)
}
