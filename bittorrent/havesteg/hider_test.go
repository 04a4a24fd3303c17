package havesteg_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/metainfo"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/bittorrent/havesteg"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/steg"
)

func TestHiderErrors(t *testing.T) {
	c := newClosers(t)
	rng := rand.New(rand.NewPCG(1, 2))
	mi, _ := carrier(t, 32, rng)
	n := addNode(t, c, loopback.ClientConfig(t.TempDir()), mi)
	f, err := steg.NewFamily(make([]byte, steg.KeySize), 64, steg.DefaultFunctions)
	require.NoError(t, err)
	plan, err := steg.NewPlan(f, 1, rng)
	require.NoError(t, err)

	_, err = havesteg.NewHider(nil, plan, havesteg.HiderConfig{})
	require.ErrorIs(t, err, havesteg.ErrNil)
	_, err = havesteg.NewHider(n.Torrent, nil, havesteg.HiderConfig{})
	require.ErrorIs(t, err, havesteg.ErrNil)
	_, err = havesteg.NewHider(n.Torrent, plan, havesteg.HiderConfig{})
	require.ErrorIs(t, err, havesteg.ErrMismatch, "64-piece plan, 32-piece torrent")

	f32, err := steg.NewFamily(make([]byte, steg.KeySize), 32, steg.DefaultFunctions)
	require.NoError(t, err)
	plan32, err := steg.NewPlan(f32, 1, rng)
	require.NoError(t, err)
	_, err = havesteg.NewHider(n.Torrent, plan32, havesteg.HiderConfig{AvailabilityInterval: -time.Second})
	require.ErrorIs(t, err, havesteg.ErrConfig)

	// a torrent whose info is not known yet (a magnet link)
	cl, err := torrent.NewClient(loopback.ClientConfig(t.TempDir()))
	require.NoError(t, err)
	c.add(func() { cl.Close() })
	noInfo, _ := cl.AddTorrentInfoHash(metainfo.Hash{1})
	_, err = havesteg.NewHider(noInfo, plan32, havesteg.HiderConfig{})
	require.ErrorIs(t, err, havesteg.ErrNoInfo)
}

// TestHiderPriorities: with no peer yet, the Hider wants class 1 of H_x
// (PiecePriorityNormal) and holds class 2 (PiecePriorityNone).
func TestHiderPriorities(t *testing.T) {
	c := newClosers(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const pieces, x = 64, 17
	mi, _ := carrier(t, pieces, rng)
	n := addNode(t, c, loopback.ClientConfig(t.TempDir()), mi)
	f, err := steg.NewFamily(make([]byte, steg.KeySize), pieces, steg.DefaultFunctions)
	require.NoError(t, err)
	plan, err := steg.NewPlan(f, x, rng)
	require.NoError(t, err)
	h, err := havesteg.NewHider(n.Torrent, plan, havesteg.HiderConfig{})
	require.NoError(t, err)
	require.Equal(t, 1, h.ActiveClass())
	want := make([]torrent.PiecePriority, pieces)
	for i := range pieces {
		in, err := f.InClass1(x, i)
		require.NoError(t, err)
		if in {
			want[i] = torrent.PiecePriorityNormal
		}
	}
	// PieceState reports the effective priority, None until the client
	// has read the piece's completion from storage.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := make([]torrent.PiecePriority, pieces)
		for i := range pieces {
			got[i] = n.Torrent.PieceState(i).Priority
		}
		if slices.Equal(got, want) {
			break
		}
		require.True(t, time.Now().Before(deadline), "priorities %v, want %v", got, want)
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, h.Close())
	require.NoError(t, h.Close(), "Close twice")
	require.Zero(t, h.OffClass())
}

func TestWatcherErrors(t *testing.T) {
	f, err := steg.NewFamily(make([]byte, steg.KeySize), 64, steg.DefaultFunctions)
	require.NoError(t, err)
	_, err = havesteg.NewWatcher(nil, metainfo.Hash{}, steg.DefaultWindow)
	require.ErrorIs(t, err, havesteg.ErrNil)
	_, err = havesteg.NewWatcher(f, metainfo.Hash{}, 0)
	require.ErrorIs(t, err, steg.ErrWindow)
	w, err := havesteg.NewWatcher(f, metainfo.Hash{}, steg.DefaultWindow)
	require.NoError(t, err)
	require.ErrorIs(t, w.Install(nil), havesteg.ErrNil)
	require.Empty(t, w.Reports())
}

// TestWatcherOtherTorrent: a Watcher reads the connections of its own
// torrent only, though its client serves others.
func TestWatcherOtherTorrent(t *testing.T) {
	c := newClosers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rng := rand.New(rand.NewPCG(5, 6))
	const pieces = 64
	mine, _ := carrier(t, pieces, rng)
	other, data := carrier(t, pieces, rng)
	f, err := steg.NewFamily(make([]byte, steg.KeySize), pieces, steg.DefaultFunctions)
	require.NoError(t, err)
	w, err := havesteg.NewWatcher(f, mine.HashInfoBytes(), 8)
	require.NoError(t, err)
	cfg := loopback.ClientConfig(t.TempDir())
	require.NoError(t, w.Install(cfg))
	cfg.AlwaysWantConns = true
	watcher := addNode(t, c, cfg, mine)
	_, err = watcher.Client.AddTorrent(other)
	require.NoError(t, err)

	seed, err := loopback.NewSeed(loopback.ClientConfig(t.TempDir()), other, data)
	require.NoError(t, err)
	c.add(seed.Close)
	leecher := addNode(t, c, loopback.ClientConfig(t.TempDir()), other)
	leecher.Torrent.DownloadAll()
	leecher.Tell(watcher)
	loopback.Connect(seed, leecher)
	require.NoError(t, loopback.WaitComplete(ctx, leecher))
	require.Empty(t, w.Reports(), "HAVEs of another torrent")
}

// TestHiderBeaconPlan: a Hider steers a real client by a BeaconPlan,
// bursts of HAVEs hiding x between plain gaps, and the watcher reads x off
// the hiding node's HAVEs.
func TestHiderBeaconPlan(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const pieces, x, burst, gap = 160, 33, 30, 40
	var bp *steg.BeaconPlan
	s := runSwarm(t, swarmConfig{
		pieces: pieces, plain: 2, key: make([]byte, steg.KeySize), window: steg.DefaultWindow,
		plan: func(f *steg.Family, rng *rand.Rand) (havesteg.Encoder, error) {
			var err error
			bp, err = steg.NewBeaconPlan(f, x, burst, gap, rng)
			return bp, err
		},
	}, rng, 60*time.Second)
	h, _ := s.orders(t)
	require.NoError(t, s.h.Close())
	require.GreaterOrEqual(t, bp.Bursts(), 2, "a gap, then a second burst")
	require.Len(t, h.Haves, pieces)
	require.Equal(t, x, h.Symbol, "the watcher decodes x")
}
