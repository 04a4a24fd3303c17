package havesteg_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/metainfo"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/bittorrent/havesteg"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/steg"
)

// pieceLength is the piece size of the test torrents (one 16 KiB chunk,
// the smallest anacrolix accepts).
const pieceLength = 16 << 10

// closers closes what a test swarm opened, once, in reverse order.
type closers struct {
	once sync.Once
	fns  []func()
}

// newClosers returns closers that t closes when it ends. It creates t's
// temporary directory first: cleanups run last-registered first, so the
// directory is removed only after every client in it has closed (removing
// it under a live client fails with "directory not empty" when the client
// writes a file meanwhile).
func newClosers(t testing.TB) *closers {
	t.TempDir()
	c := &closers{}
	t.Cleanup(c.close)
	return c
}

func (c *closers) add(f func()) { c.fns = append(c.fns, f) }

func (c *closers) close() {
	c.once.Do(func() {
		for i := len(c.fns) - 1; i >= 0; i-- {
			c.fns[i]()
		}
	})
}

// carrier returns the metainfo of a single-file torrent of the given
// pieces filled from rng, and its content.
func carrier(t testing.TB, pieces int, rng *rand.Rand) (*metainfo.MetaInfo, []byte) {
	data := make([]byte, pieces*pieceLength)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	mi, err := loopback.MetaInfo("carrier", data, pieceLength)
	require.NoError(t, err)
	return mi, data
}

// addNode starts a client with cfg (a loopback.ClientConfig) and adds mi.
func addNode(t testing.TB, c *closers, cfg *torrent.ClientConfig, mi *metainfo.MetaInfo) *loopback.Node {
	n, err := loopback.NewNode(cfg, mi)
	require.NoError(t, err)
	c.add(n.Close)
	require.NotNil(t, n.Torrent.Info())
	return n
}

// swarmConfig shapes one test swarm.
type swarmConfig struct {
	pieces int
	plain  int // plain anacrolix leechers
	x      int // symbol the hiding node hides
	key    []byte
	window int
	// plan, if set, makes the hiding node's encoder instead of a
	// steg.Plan hiding x.
	plan func(*steg.Family, *rand.Rand) (havesteg.Encoder, error)
}

// swarm is a seed, a hiding node and plain leechers all connected to one
// another, and a watcher connected to every leecher.
type swarm struct {
	fam     *steg.Family
	seed    *loopback.Node
	hider   *loopback.Node
	plain   []*loopback.Node
	watcher *havesteg.Watcher
	h       *havesteg.Hider
	closers *closers
}

// runSwarm builds the swarm, lets every leecher download the whole file
// and returns once the watcher has every HAVE, or fails after timeout.
func runSwarm(t testing.TB, sc swarmConfig, rng *rand.Rand, timeout time.Duration) *swarm {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	mi, data := carrier(t, sc.pieces, rng)
	fam, err := steg.NewFamily(sc.key, sc.pieces, steg.DefaultFunctions)
	require.NoError(t, err)
	s := &swarm{fam: fam, closers: newClosers(t)}

	s.seed, err = loopback.NewSeed(loopback.ClientConfig(t.TempDir()), mi, data)
	require.NoError(t, err)
	s.closers.add(s.seed.Close)

	s.hider = addNode(t, s.closers, loopback.ClientConfig(t.TempDir()), mi)
	for range sc.plain {
		s.plain = append(s.plain, addNode(t, s.closers, loopback.ClientConfig(t.TempDir()), mi))
	}
	s.watcher, err = havesteg.NewWatcher(fam, mi.HashInfoBytes(), sc.window)
	require.NoError(t, err)
	wcfg := loopback.ClientConfig(t.TempDir())
	require.NoError(t, s.watcher.Install(wcfg))
	// The watcher only listens: it wants no piece, so anacrolix would open
	// no connection for it; it accepts the leechers' instead.
	wcfg.AlwaysWantConns = true
	watcher := addNode(t, s.closers, wcfg, mi)

	prng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	var plan havesteg.Encoder
	if sc.plan != nil {
		plan, err = sc.plan(fam, prng)
	} else {
		plan, err = steg.NewPlan(fam, sc.x, prng)
	}
	require.NoError(t, err)
	s.h, err = havesteg.NewHider(s.hider.Torrent, plan, havesteg.HiderConfig{})
	require.NoError(t, err)
	s.closers.add(func() {
		if err := s.h.Close(); err != nil {
			t.Errorf("hider: %v", err)
		}
	})
	for _, l := range s.plain {
		l.Torrent.DownloadAll()
	}
	leechers := append([]*loopback.Node{s.hider}, s.plain...)
	for _, l := range leechers {
		l.Tell(watcher)
	}
	waitConns(ctx, t, watcher.Torrent, len(leechers))
	loopback.Connect(append([]*loopback.Node{s.seed}, leechers...)...)
	if err := loopback.WaitComplete(ctx, leechers...); err != nil {
		t.Fatalf("download incomplete after %v: %v", timeout, err)
	}
	// every HAVE has reached the watcher
	for {
		full := 0
		for _, r := range s.watcher.Reports() {
			if len(r.Haves)+r.Held == sc.pieces {
				full++
			}
		}
		if full >= len(leechers) {
			return s
		}
		select {
		case <-ctx.Done():
			t.Fatalf("watcher saw %d of %d complete HAVE orders", full, len(leechers))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// waitConns waits until t has n peer connections.
func waitConns(ctx context.Context, tb testing.TB, t *torrent.Torrent, n int) {
	for len(t.PeerConns()) < n {
		select {
		case <-ctx.Done():
			st := t.Stats()
			tb.Fatalf("%d of %d connections (peers %d, pending %d, half-open %d, active %d)", len(t.PeerConns()), n, st.TotalPeers, st.PendingPeers, st.HalfOpenPeers, st.ActivePeers)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// orders returns the HAVE order the watcher saw from the hiding node and
// from each plain leecher.
func (s *swarm) orders(t testing.TB) (hiding havesteg.Report, plain []havesteg.Report) {
	ids := map[[20]byte]bool{}
	for _, l := range s.plain {
		ids[l.Client.PeerID()] = true
	}
	found := false
	for _, r := range s.watcher.Reports() {
		switch {
		case r.PeerID == s.hider.Client.PeerID():
			hiding, found = r, true
		case ids[r.PeerID]:
			plain = append(plain, r)
		}
	}
	require.True(t, found, "the watcher is connected to the hiding node")
	require.Len(t, plain, len(s.plain))
	return hiding, plain
}

// close stops the hiding node and closes every client of the swarm.
func (s *swarm) close() { s.closers.close() }
