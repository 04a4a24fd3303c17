package havesteg_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/bencode"
	"github.com/anacrolix/torrent/metainfo"
	"github.com/anacrolix/torrent/storage"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/bittorrent/havesteg"
	"github.com/swarmblocks/swarmblocks/steg"
)

// pieceLength is the piece size of the test torrents (the smallest anacrolix
// accepts is one 16 KiB chunk).
const pieceLength = 16 << 10

// newConfig returns the configuration of an in-process client on loopback
// TCP only: no DHT, trackers, PEX, uTP, IPv6, web seeds or port mapping,
// quiet, storing in its own temporary directory with an in-memory piece
// completion.
func newConfig(t testing.TB) *torrent.ClientConfig {
	dir := t.TempDir()
	cfg := torrent.NewDefaultClientConfig()
	cfg.ListenHost = torrent.LoopbackListenHost
	cfg.ListenPort = 0
	cfg.NoDHT = true
	cfg.DisableTrackers = true
	cfg.DisablePEX = true
	cfg.DisableUTP = true
	cfg.DisableIPv6 = true
	cfg.DisableWebtorrent = true
	cfg.DisableWebseeds = true
	cfg.NoDefaultPortForwarding = true
	cfg.DisableAcceptRateLimiting = true
	cfg.Seed = true
	cfg.DataDir = dir
	cfg.DefaultStorage = storage.NewFileWithCompletion(dir, storage.NewMapPieceCompletion())
	cfg.Slogger = slog.New(slog.DiscardHandler)
	return cfg
}

// closers closes what a test swarm opened, once, in reverse order.
type closers struct {
	once sync.Once
	fns  []func()
}

func (c *closers) add(f func()) { c.fns = append(c.fns, f) }

func (c *closers) close() {
	c.once.Do(func() {
		for i := len(c.fns) - 1; i >= 0; i-- {
			c.fns[i]()
		}
	})
}

func newClient(t testing.TB, c *closers, cfg *torrent.ClientConfig) *torrent.Client {
	cl, err := torrent.NewClient(cfg)
	require.NoError(t, err)
	c.add(func() {
		for _, err := range cl.Close() {
			t.Logf("closing client: %v", err)
		}
	})
	return cl
}

// carrier returns the metainfo of a single-file torrent of the given
// pieces filled from rng, and its content.
func carrier(t testing.TB, pieces int, rng *rand.Rand) (*metainfo.MetaInfo, []byte) {
	data := make([]byte, pieces*pieceLength)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	info := metainfo.Info{Name: "carrier", PieceLength: pieceLength, Length: int64(len(data))}
	require.NoError(t, info.GeneratePieces(func(metainfo.FileInfo) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}))
	ib, err := bencode.Marshal(info)
	require.NoError(t, err)
	return &metainfo.MetaInfo{InfoBytes: ib}, data
}

// node is one client of a test swarm with the carrier torrent added.
type node struct {
	cl *torrent.Client
	t  *torrent.Torrent
}

func addNode(t testing.TB, c *closers, cfg *torrent.ClientConfig, mi *metainfo.MetaInfo) node {
	cl := newClient(t, c, cfg)
	tt, err := cl.AddTorrent(mi)
	require.NoError(t, err)
	<-tt.GotInfo()
	return node{cl, tt}
}

// swarmConfig shapes one test swarm.
type swarmConfig struct {
	pieces int
	plain  int // plain anacrolix leechers
	x      int // symbol the hiding node hides
	key    []byte
	window int
}

// swarm is a seed, a hiding node and plain leechers all connected to one
// another, and a watcher connected to every leecher.
type swarm struct {
	fam     *steg.Family
	seed    node
	hider   node
	plain   []node
	watcher *havesteg.Watcher
	h       *havesteg.Hider
	closers closers
}

// runSwarm builds the swarm, lets every leecher download the whole file
// and returns once the watcher has every HAVE, or fails after timeout.
func runSwarm(t testing.TB, sc swarmConfig, rng *rand.Rand, timeout time.Duration) *swarm {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	mi, data := carrier(t, sc.pieces, rng)
	fam, err := steg.NewFamily(sc.key, sc.pieces, steg.DefaultFunctions)
	require.NoError(t, err)
	s := &swarm{fam: fam}
	t.Cleanup(s.closers.close)

	seedCfg := newConfig(t)
	require.NoError(t, os.WriteFile(filepath.Join(seedCfg.DataDir, "carrier"), data, 0o600))
	s.seed = addNode(t, &s.closers, seedCfg, mi)
	require.NoError(t, s.seed.t.VerifyDataContext(ctx))
	select {
	case <-s.seed.t.Complete().On():
	case <-ctx.Done():
		t.Fatalf("the seed does not have the file: %v", s.seed.t.PieceStateRuns())
	}

	s.hider = addNode(t, &s.closers, newConfig(t), mi)
	for range sc.plain {
		s.plain = append(s.plain, addNode(t, &s.closers, newConfig(t), mi))
	}
	s.watcher, err = havesteg.NewWatcher(fam, mi.HashInfoBytes(), sc.window)
	require.NoError(t, err)
	wcfg := newConfig(t)
	require.NoError(t, s.watcher.Install(wcfg))
	// The watcher only listens: it wants no piece, so anacrolix would open
	// no connection for it; it accepts the leechers' instead.
	wcfg.AlwaysWantConns = true
	watcher := addNode(t, &s.closers, wcfg, mi)

	plan, err := steg.NewPlan(fam, sc.x, rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	require.NoError(t, err)
	s.h, err = havesteg.NewHider(s.hider.t, plan, havesteg.HiderConfig{})
	require.NoError(t, err)
	s.closers.add(func() {
		if err := s.h.Close(); err != nil {
			t.Errorf("hider: %v", err)
		}
	})
	for _, l := range s.plain {
		l.t.DownloadAll()
	}
	leechers := append([]node{s.hider}, s.plain...)
	for _, l := range leechers {
		l.t.AddClientPeer(watcher.cl)
	}
	waitConns(ctx, t, watcher.t, len(leechers))
	for i, l := range leechers {
		l.t.AddClientPeer(s.seed.cl)
		for _, o := range leechers[:i] {
			l.t.AddClientPeer(o.cl)
		}
	}
	for _, l := range leechers {
		select {
		case <-l.t.Complete().On():
		case <-ctx.Done():
			t.Fatalf("download incomplete after %v: %d of %d pieces", timeout, l.t.BytesCompleted()/pieceLength, sc.pieces)
		}
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
		ids[l.cl.PeerID()] = true
	}
	found := false
	for _, r := range s.watcher.Reports() {
		switch {
		case r.PeerID == s.hider.cl.PeerID():
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
