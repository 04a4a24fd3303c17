package loopback

import (
	"bytes"
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestSwarm(t *testing.T) {
	for _, tc := range []struct {
		name        string
		size        int
		pieceLength int64
		leechers    int
	}{
		{"one leecher, uneven last piece", 100<<10 + 7, 32 << 10, 1},
		{"three leechers", 512 << 10, 64 << 10, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.size)
			_, _ = rand.Read(data)
			mi, err := MetaInfo("data", data, tc.pieceLength)
			require.NoError(t, err)
			s, err := Start(mi, data, Options{Dir: t.TempDir(), Leechers: tc.leechers})
			require.NoError(t, err)
			t.Cleanup(s.Close)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			require.NoError(t, s.WaitComplete(ctx))
			for i, n := range s.Leechers {
				got, err := n.ReadAll(ctx)
				require.NoError(t, err)
				require.True(t, bytes.Equal(data, got), "leecher %d", i)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	_, err := MetaInfo("data", []byte("x"), 0)
	require.Error(t, err)
	_, err = MetaInfo("../data", []byte("x"), 16<<10)
	require.Error(t, err)
	mi, err := MetaInfo("data", []byte("x"), 16<<10)
	require.NoError(t, err)
	_, err = Start(mi, []byte("x"), Options{})
	require.Error(t, err, "no directory")
	_, err = Start(mi, []byte("xy"), Options{Dir: t.TempDir()})
	require.Error(t, err, "data of the wrong length")
	_, err = Start(mi, []byte("y"), Options{Dir: t.TempDir()})
	require.Error(t, err, "data that does not match the piece hashes")
}

// TestNudgeReconnects: a nudged node drops its connections and dials the
// peers it was told of again, and the download then completes over the new
// connection.
func TestNudgeReconnects(t *testing.T) {
	data := make([]byte, 256<<10)
	_, _ = rand.Read(data)
	mi, err := MetaInfo("data", data, 32<<10)
	require.NoError(t, err)
	// The seed uploads at 128 KiB/s, so the download lasts two seconds
	// and the nudge comes in the middle of it. Only the leecher dials: two
	// nodes dialling each other at once may each drop the other's
	// connection as a duplicate and be left with none.
	dir := t.TempDir()
	seedCfg := ClientConfig(filepath.Join(dir, "seed"))
	seedCfg.UploadRateLimiter = rate.NewLimiter(128<<10, 16<<10)
	seed, err := NewSeed(seedCfg, mi, data)
	require.NoError(t, err)
	t.Cleanup(seed.Close)
	leecher, err := NewNode(ClientConfig(filepath.Join(dir, "leecher")), mi)
	require.NoError(t, err)
	t.Cleanup(leecher.Close)
	leecher.Torrent.DownloadAll()
	leecher.Tell(seed)
	require.Eventually(t, func() bool { return len(leecher.Torrent.PeerConns()) > 0 }, 30*time.Second, 5*time.Millisecond)
	before := map[*torrent.PeerConn]bool{}
	for _, pc := range leecher.Torrent.PeerConns() {
		before[pc] = true
	}
	fresh := func() bool {
		for _, pc := range leecher.Torrent.PeerConns() {
			if !before[pc] {
				return true
			}
		}
		return false
	}
	// The seed may still hold the closed connection for a moment and turn
	// the new dial away as a duplicate; Wait nudges again after each
	// StallAfter, so the test does too, every two seconds.
	deadline := time.Now().Add(30 * time.Second)
	for !fresh() && time.Now().Before(deadline) {
		Nudge(leecher)
		for end := time.Now().Add(2 * time.Second); !fresh() && time.Now().Before(end); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	require.True(t, fresh(), "a new connection to the seed")
	require.Less(t, leecher.Torrent.BytesCompleted(), int64(len(data)))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, WaitComplete(ctx, leecher))
}
