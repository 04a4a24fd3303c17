package marketsim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/internal/des"
)

// TestObserverCells: a client's uploads, as an observer sees them, add up
// per bucket of its lifetime, target and torrent, whatever the order of
// the uploads within a bucket: each cell holds the sum of its uploads,
// once, and the cells come in bucket order.
func TestObserverCells(t *testing.T) {
	w, err := build(SmallConfig(1))
	require.NoError(t, err)
	w.sim = des.Sim{} // drop the run's events: only the uploads below happen
	u, a, b := w.clients[0], w.clients[1], w.clients[2]
	bucket := w.cfg.Bucket
	type upload struct {
		at      time.Duration
		to      *node
		torrent int
		n       float64
	}
	uploads := []upload{
		{0, a, 0, 1}, {1, b, 0, 2}, {2, a, 1, 4}, {3, a, 0, 8}, {4, b, 0, 16}, // bucket 0
		{bucket, a, 0, 32}, {bucket + 1, b, 2, 64}, {bucket + 2, a, 0, 128}, // bucket 1
		{3 * bucket, b, 0, 256}, {3*bucket + 1, b, 0, 512}, // bucket 3
	}
	want := make(map[obsKey]float64)
	for _, up := range uploads {
		w.sim.At(up.at, func() { w.account(u, up.to, up.torrent, up.n) })
		want[makeObsKey(int((up.at-u.joinAt)/bucket), up.to.id, up.torrent)] += up.n
	}
	for w.sim.Step() {
	}
	require.NoError(t, w.err)
	got := make(map[obsKey]float64)
	last := int32(-1)
	for _, c := range u.obs {
		_, dup := got[c.key]
		require.False(t, dup, "cell %d/%d/%d twice", c.key.slice(), c.key.target(), c.key.torrent())
		require.GreaterOrEqual(t, c.key.slice(), last, "cells in bucket order")
		last = c.key.slice()
		got[c.key] = c.bytes
	}
	require.Equal(t, want, got)
}
