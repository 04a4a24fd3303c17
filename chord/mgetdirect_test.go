package chord_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestMGetDirect fetches chunks without the search among holders: the
// chunk comes from one holder of a slot, a warm cache makes it one call
// with no lookup, failed holders are skipped for the next slot, a chunk
// with no replica left is ErrChunkLost, a picker is refused, and the
// repair re-puts lost replicas.
func TestMGetDirect(t *testing.T) {
	const q = 3
	c, tr := storageRing(t, 40, 6, 0, 41)
	sw := testSwarm(t, q)
	client := c.Random()
	data := chunk(77, 900)
	put, err := client.MPut(ctx, sw, tr, data)
	require.NoError(t, err)
	owners := make([]chord.NodeInfo, q)
	for i := range q {
		owners[i] = c.Owner(sw.ReplicaKey(put.ChunkHash, i))
	}

	cache := chord.NewOwnerCache(0)
	opts := chord.MGetOptions{Rand: c.Rand(), Repair: -1, Owners: cache, Direct: true}
	res, err := client.MGet(ctx, sw, tr, put.ChunkHash, opts)
	require.NoError(t, err)
	require.Equal(t, data, res.Chunk)
	require.Equal(t, 1, res.Slots)
	require.Equal(t, []chord.NodeInfo{res.Seller}, res.Holders)
	require.Contains(t, owners, res.Seller)

	// Warm: every slot's holder is cached; a get is one fetch.
	for i := range q {
		cache.Learn(sw.ReplicaKey(put.ChunkHash, i), chord.LookupResult{Node: owners[i]})
	}
	l0 := client.Stats().Lookups
	for range 10 {
		res, err := client.MGet(ctx, sw, tr, put.ChunkHash, opts)
		require.NoError(t, err)
		require.Equal(t, data, res.Chunk)
	}
	require.Zero(t, client.Stats().Lookups-l0, "cached holders need no lookup")

	// A cache that names a live node holding nothing for every slot
	// costs a wasted fetch per slot tried, then a lookup.
	stale := chord.NewOwnerCache(0)
	for i := range q {
		stale.Learn(sw.ReplicaKey(put.ChunkHash, i), chord.LookupResult{Node: client.Info()})
	}
	res, err = client.MGet(ctx, sw, tr, put.ChunkHash, chord.MGetOptions{Rand: c.Rand(), Repair: -1, Owners: stale, Direct: true})
	require.NoError(t, err)
	require.Equal(t, data, res.Chunk)
	require.NotEqual(t, client.Info(), res.Seller)

	_, err = client.MGet(ctx, sw, tr, put.ChunkHash, chord.MGetOptions{Rand: c.Rand(), Direct: true,
		Picker: chord.PickSellerFunc(func(context.Context, [32]byte, []chord.NodeInfo) (int, error) { return 0, nil })})
	require.ErrorIs(t, err, chord.ErrDirectPicker)

	// Two of the three holders crash: every get still succeeds, from the
	// third, whichever slot it tries first.
	for _, o := range owners[:2] {
		if o != client.Info() {
			c.Fail(o.Addr)
		}
	}
	_, err = c.StabilizeUntilStable(200)
	require.NoError(t, err)
	for range 10 {
		res, err := client.MGet(ctx, sw, tr, put.ChunkHash, opts)
		require.NoError(t, err)
		require.Equal(t, data, res.Chunk)
		require.Equal(t, owners[2], res.Seller)
	}

	// A full repair restores the lost slots at their new owners.
	full := opts
	full.Repair = q
	res, err = client.MGet(ctx, sw, tr, put.ChunkHash, full)
	require.NoError(t, err)
	require.Equal(t, 2, res.Repaired.Stored)
	require.Equal(t, 1, res.Repaired.Present)
	for i := range q {
		_, err := fetchRaw(c, sw.ReplicaKey(put.ChunkHash, i))
		require.NoError(t, err, "slot %d not repaired", i)
	}

	lost := chunk(78, 900)
	lostHash, _ := sw.Seal(lost)
	_, err = client.MGet(ctx, sw, tr, lostHash, opts)
	require.ErrorIs(t, err, chord.ErrChunkLost)
}

// TestMGetBuffer: with repair off, MGet (searching or direct) decrypts the
// chunk in the caller's Buffer, right after the format byte; with repair
// on it must not, since the sealed block is re-put.
func TestMGetBuffer(t *testing.T) {
	c, tr := storageRing(t, 20, 4, 0, 29)
	sw := testSwarm(t, 3)
	want := chunk(3, 300)
	pr, err := c.Random().MPut(ctx, sw, tr, want)
	require.NoError(t, err)
	for _, direct := range []bool{false, true} {
		for _, repair := range []int{-1, 1} {
			buf := make([]byte, 0, len(want)+chord.Overhead)
			res, err := c.Random().MGet(ctx, sw, tr, pr.ChunkHash, chord.MGetOptions{
				Rand: c.Rand(), Direct: direct, Repair: repair, Buffer: buf,
			})
			require.NoError(t, err)
			require.Equal(t, want, res.Chunk)
			inBuf := &res.Chunk[0] == &buf[:cap(buf)][1]
			require.Equal(t, repair < 0, inBuf, "direct %v, repair %d", direct, repair)
		}
	}
}
