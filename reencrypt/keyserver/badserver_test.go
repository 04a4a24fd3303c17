package keyserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// fakeServer answers a client's requests with whatever its handlers say:
// a key server that misbehaves. It counts the requests that reach it.
type fakeServer struct {
	*httptest.Server
	requests atomic.Int64
	handlers map[string]http.HandlerFunc // by path; nil answers 404
}

func newFakeServer(t *testing.T, handlers map[string]http.HandlerFunc) *fakeServer {
	fs := &fakeServer{handlers: handlers}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		if h := fs.handlers[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func answer(v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(v) }
}

// TestClientRefusesBadServers: the client checks every answer it can
// against what it asked and what it knows, and refuses, with an error and
// without a panic, a server that answers for another torrent, another
// peer, another downloader, with a truncated, oversized or malformed answer,
// or not at all.
func TestClientRefusesBadServers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	j, jc := f.peer(t, true)
	k, _ := f.peer(t, true)
	tb, err := f.torrent.MarshalBinary()
	require.NoError(t, err)
	genuine := &TorrentResponse{Torrent: tb, LicenceKey: f.tr.LicenceKey(), SeedID: hexID(f.seed.ID())}
	other := *f.torrent
	other.ID[0] ^= 1
	ob, err := other.MarshalBinary()
	require.NoError(t, err)

	// Genuine answers, for j, that a bad server may send to the wrong
	// caller or under the wrong torrent.
	uk, err := f.tr.UploadKey(0, f.seed.ID(), j.ID())
	require.NoError(t, err)
	ukb, _ := uk.MarshalBinary()
	rk, err := f.tr.ReKey(0, j.ID(), k.ID())
	require.NoError(t, err)
	rkb, _ := rk.MarshalBinary()
	lic, err := jc.Licence(ctx)
	require.NoError(t, err)
	licb, _ := lic.MarshalBinary()
	hashes, err := f.tr.ExpectedHashes(j.ID())
	require.NoError(t, err)
	var hb []byte
	for _, h := range hashes {
		hb = append(hb, h[:]...)
	}
	all := map[string]http.HandlerFunc{
		"/v1/upload-keys":     answer(&KeysResponse{Keys: [][]byte{ukb}}),
		"/v1/rekeys":          answer(&KeysResponse{Keys: [][]byte{rkb}}),
		"/v1/licence":         answer(&LicenceResponse{Licence: licb}),
		"/v1/expected-hashes": answer(&HashesResponse{Hashes: hb}),
		"/v1/subscribe":       answer(&SubscribeResponse{PeerID: hexID(j.ID())}),
	}
	serve := func(torrent *TorrentResponse, h map[string]http.HandlerFunc) map[string]http.HandlerFunc {
		m := map[string]http.HandlerFunc{"/v1/torrent": answer(torrent)}
		for p, a := range h {
			m[p] = a
		}
		return m
	}
	withTorrent := func(edit func(*TorrentResponse)) *TorrentResponse {
		r := *genuine
		edit(&r)
		return &r
	}
	truncated := func(w http.ResponseWriter, _ *http.Request) {
		body, _ := json.Marshal(genuine)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body)+100)
		_, _ = buf.Write(body)
		_ = buf.Flush()
	}
	calls := map[string]func(c *Client) error{
		"Torrent":        func(c *Client) error { _, err := c.Torrent(ctx); return err },
		"UploadKeys":     func(c *Client) error { _, err := c.UploadKeys(ctx, j.ID(), 0); return err },
		"ReKeys":         func(c *Client) error { _, err := c.ReKeys(ctx, j.ID(), 0); return err },
		"Licence":        func(c *Client) error { _, err := c.Licence(ctx); return err },
		"ExpectedHashes": func(c *Client) error { _, err := c.ExpectedHashes(ctx); return err },
		"Subscribe":      func(c *Client) error { _, err := c.Subscribe(ctx, k); return err },
	}
	for _, tc := range []struct {
		name     string
		handlers map[string]http.HandlerFunc
		call     string
	}{
		{"torrent that does not parse", serve(withTorrent(func(r *TorrentResponse) { r.Torrent = []byte("junk") }), nil), "Torrent"},
		{"short licence key", serve(withTorrent(func(r *TorrentResponse) { r.LicenceKey = r.LicenceKey[:31] }), nil), "Torrent"},
		{"wrong seed id", serve(withTorrent(func(r *TorrentResponse) { r.SeedID = hexID(reencrypt.PeerID{9}) }), nil), "Torrent"},
		{"truncated answer", map[string]http.HandlerFunc{"/v1/torrent": truncated}, "Torrent"},
		{"upload key of another torrent's server", serve(withTorrent(func(r *TorrentResponse) { r.Torrent = ob }), all), "UploadKeys"},
		{"re-key of another torrent's server", serve(withTorrent(func(r *TorrentResponse) { r.Torrent = ob }), all), "ReKeys"},
		{"licence of another torrent's server", serve(withTorrent(func(r *TorrentResponse) { r.Torrent = ob }), all), "Licence"},
		{"hashes of another torrent's server", serve(withTorrent(func(r *TorrentResponse) { r.Torrent = ob }), all), "ExpectedHashes"},
		{"re-key that does not parse", serve(genuine, map[string]http.HandlerFunc{"/v1/rekeys": answer(&KeysResponse{Keys: [][]byte{{1, 2, 3}}})}), "ReKeys"},
		{"re-key for another downloader", serve(genuine, map[string]http.HandlerFunc{"/v1/rekeys": answer(&KeysResponse{Keys: [][]byte{rkb}})}), "ReKeys"},
		{"hashes of the wrong length", serve(genuine, map[string]http.HandlerFunc{"/v1/expected-hashes": answer(&HashesResponse{Hashes: hb[1:]})}), "ExpectedHashes"},
		{"subscription of another peer", serve(genuine, map[string]http.HandlerFunc{"/v1/subscribe": answer(&SubscribeResponse{PeerID: hexID(j.ID())})}), "Subscribe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeServer(t, tc.handlers)
			c, err := NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
			require.NoError(t, err)
			require.NotPanics(t, func() { err = calls[tc.call](c) })
			require.Error(t, err)
		})
	}

	t.Run("oversized answer", func(t *testing.T) {
		body, _ := json.Marshal(genuine)
		defer func(n int) { maxResponseSize = n }(maxResponseSize)
		maxResponseSize = len(body) + 10
		fs := newFakeServer(t, map[string]http.HandlerFunc{"/v1/torrent": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(append(body, bytes.Repeat([]byte(" "), 100)...)) // valid JSON, too long
		}})
		c, err := NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
		require.NoError(t, err)
		_, err = c.Torrent(ctx)
		require.ErrorContains(t, err, "larger than")

		// An answer of exactly maxResponseSize bytes is read.
		maxResponseSize = len(body) + 100
		c.info = nil
		_, err = c.Torrent(ctx)
		require.NoError(t, err)
	})

	t.Run("server down", func(t *testing.T) {
		fs := newFakeServer(t, nil)
		fs.Close()
		c, err := NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
		require.NoError(t, err)
		require.NotPanics(t, func() { _, err = c.Torrent(ctx) })
		require.Error(t, err)
	})
}

// TestClientRefusesBeforeSending: requests the client cannot sign soundly
// (failing randomness for the nonce) or the server would refuse for their
// shape (a request URI over the signed bound, a batch of 0 or more than
// MaxBatch pieces) fail in the client and never reach the server.
func TestClientRefusesBeforeSending(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	fs := newFakeServer(t, nil)
	c, err := NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
	require.NoError(t, err)
	c.rnd = bytes.NewReader(nil)
	_, err = c.Torrent(ctx)
	require.ErrorIs(t, err, io.EOF)

	long, err := NewClient(fs.URL+"/"+strings.Repeat("a", maxURI), f.torrent.ID, f.seedC.key, fs.Client())
	require.NoError(t, err)
	_, err = long.Torrent(ctx)
	require.ErrorContains(t, err, "request URI longer")

	c, err = NewClient(fs.URL, f.torrent.ID, f.seedC.key, fs.Client())
	require.NoError(t, err)
	for _, n := range []int{0, MaxBatch + 1} {
		_, err = c.UploadKeys(ctx, reencrypt.PeerID{1}, make([]uint32, n)...)
		require.ErrorIs(t, err, ErrMalformed)
		var e *Error
		require.False(t, errors.As(err, &e), "refused by the client, not the server")
	}
	require.Zero(t, fs.requests.Load())
}

// TestServerRefusesLongURI: the server refuses a request URI longer than
// the bound it signs over, before reading anything else.
func TestServerRefusesLongURI(t *testing.T) {
	f := newFixture(t, nil)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/torrent?"+strings.Repeat("a", maxURI), nil))
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	var e errorResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
	require.Equal(t, "malformed", e.Code)
}
