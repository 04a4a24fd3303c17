package havesteg_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/bittorrent/havesteg"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/steg"
)

// TestHiderStallGrace: a hiding node that meets a leecher holding only
// the other class of H_x before it meets the seed is stalled. Within the
// grace it releases nothing, and once the seed connects it completes the
// torrent without a stray HAVE; after a short grace, or at once with a
// negative one, it releases a piece of the other class.
func TestHiderStallGrace(t *testing.T) {
	c := newClosers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rng := rand.New(rand.NewPCG(11, 12))
	const pieces, x = 32, 5
	mi, data := carrier(t, pieces, rng)
	f, err := steg.NewFamily(make([]byte, steg.KeySize), pieces, steg.DefaultFunctions)
	require.NoError(t, err)

	seed, err := loopback.NewSeed(loopback.ClientConfig(t.TempDir()), mi, data)
	require.NoError(t, err)
	c.add(seed.Close)
	// partial holds the pieces of class 2 of H_x only.
	partial := addNode(t, c, loopback.ClientConfig(t.TempDir()), mi)
	var class2 []int
	for i := range pieces {
		in, err := f.InClass1(x, i)
		require.NoError(t, err)
		if !in {
			class2 = append(class2, i)
			partial.Torrent.Piece(i).SetPriority(torrent.PiecePriorityNormal)
		}
	}
	require.NotEmpty(t, class2)
	partial.Tell(seed)
	require.NoError(t, loopback.Wait(ctx, partial, func() bool {
		for _, i := range class2 {
			if !partial.Torrent.PieceState(i).Complete {
				return false
			}
		}
		return true
	}), "the partial leecher gets class 2")

	const interval = 20 * time.Millisecond
	// hider starts a hiding node that knows no peer yet (so its active
	// class is class 1, which partial lacks) and connects it to partial.
	// The hiding nodes live in the parent's closers, so their data goes in
	// the parent's temporary directory: a subtest's is removed while the
	// node may still be writing.
	tempDir := t.TempDir
	hider := func(t *testing.T, grace time.Duration) (*loopback.Node, *havesteg.Hider) {
		n := addNode(t, c, loopback.ClientConfig(tempDir()), mi)
		plan, err := steg.NewPlan(f, x, rng)
		require.NoError(t, err)
		h, err := havesteg.NewHider(n.Torrent, plan, havesteg.HiderConfig{AvailabilityInterval: interval, StallGrace: grace})
		require.NoError(t, err)
		c.add(func() { _ = h.Close() })
		require.Equal(t, 1, h.ActiveClass())
		n.Tell(partial)
		require.Eventually(t, func() bool {
			for _, pc := range n.Torrent.PeerConns() {
				if pc.PeerPieces().GetCardinality() == uint64(len(class2)) {
					return true
				}
			}
			return false
		}, 30*time.Second, 5*time.Millisecond, "the hiding node sees the partial leecher's pieces")
		return n, h
	}

	t.Run("within the grace nothing is released, and the seed comes", func(t *testing.T) {
		n, h := hider(t, time.Hour)
		time.Sleep(25 * interval) // the plan has been stalled for many recounts
		require.Zero(t, h.OffClass())
		require.Zero(t, n.Torrent.BytesCompleted(), "no piece of class 2 while stalled")
		n.Tell(seed)
		require.NoError(t, loopback.WaitComplete(ctx, n))
		require.Zero(t, h.OffClass(), "no stray HAVE")
		require.NoError(t, h.Close())
	})
	for _, grace := range []time.Duration{5 * interval, -1} {
		t.Run("grace "+grace.String(), func(t *testing.T) {
			n, h := hider(t, grace)
			require.Eventually(t, func() bool { return h.OffClass() > 0 }, 30*time.Second, 5*time.Millisecond)
			require.NoError(t, loopback.Wait(ctx, n, func() bool { return n.Torrent.BytesCompleted() > 0 }),
				"the released piece of class 2 downloads")
			require.NoError(t, h.Close())
		})
	}
}
