package loopback

import (
	"bytes"
	"context"
	"crypto/rand"
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
	// and the nudge comes in the middle of it.
	s, err := Start(mi, data, Options{Dir: t.TempDir(), Leechers: 1, Configure: func(node int, cfg *torrent.ClientConfig) {
		if node < 0 {
			cfg.UploadRateLimiter = rate.NewLimiter(128<<10, 16<<10)
		}
	}})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	leecher := s.Leechers[0]
	conn := func() *torrent.PeerConn {
		if pcs := leecher.Torrent.PeerConns(); len(pcs) == 1 {
			return pcs[0]
		}
		return nil
	}
	require.Eventually(t, func() bool { return conn() != nil }, 30*time.Second, 5*time.Millisecond)
	first := conn()
	Nudge(leecher)
	require.Eventually(t, func() bool { c := conn(); return c != nil && c != first }, 30*time.Second, 5*time.Millisecond,
		"a new connection to the seed")
	require.Less(t, leecher.Torrent.BytesCompleted(), int64(len(data)))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, s.WaitComplete(ctx))
}
