package p2p

import (
	"context"
	mrand "math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestMGetIntoBuffer: an mget given a buffer over the libp2p transport
// returns the chunk decrypted in it, and allocates less by about a chunk
// per fetch (the block is read into a pooled frame buffer and copied
// there); without one, each fetch allocates the block.
func TestMGetIntoBuffer(t *testing.T) {
	tracker := newTracker(t)
	sw := newSwarm(t, 1)
	r := newRing(t, 3, func(int) Config { return testConfig(tracker.PublicKey()) })
	r.waitStable(30*time.Second, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const size = 200 << 10 // above the transport's pooled-frame threshold
	data := make([]byte, size)
	rng := mrand.New(mrand.NewPCG(5, 5))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	n := r.nodes[0].Node()
	put, err := n.MPut(ctx, sw, tracker, data)
	require.NoError(t, err)

	buf := make([]byte, 0, size+chord.Overhead)
	// Rounds after two warm-up rounds, which fill the transports'
	// buffer pools.
	perGet := func(b []byte) uint64 {
		const warm, rounds = 2, 20
		var before, after runtime.MemStats
		for i := range warm + rounds {
			if i == warm {
				runtime.ReadMemStats(&before)
			}
			res, err := n.MGet(ctx, sw, tracker, put.ChunkHash, chord.MGetOptions{Rand: rng, Repair: -1, Buffer: b})
			require.NoError(t, err)
			require.Equal(t, data, res.Chunk)
			if b != nil {
				require.Same(t, &b[:2][1], &res.Chunk[0], "the chunk is not in the buffer")
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / rounds
	}
	// The collector, which empties the transports' buffer pools, is off
	// while the allocations are counted; the race detector's pools drop
	// buffers at random, so it gets only the aliasing check.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	with, without := perGet(buf), perGet(nil)
	t.Logf("bytes allocated per mget: %d with a buffer, %d without", with, without)
	if raceEnabled {
		return
	}
	require.Greater(t, without, uint64(size))
	require.Greater(t, without, with+size/4)
}
