package chord_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestOwnerCacheMPutMGet stores and fetches many chunks through an
// OwnerCache on a simulated ring: far fewer lookups than replicas, every
// replica at its true owner, the same holders as without the cache; then,
// after a tenth of the nodes crash and the ring repairs itself, the stale
// cache still finds every surviving replica, exactly as cacheless mgets
// do.
func TestOwnerCacheMPutMGet(t *testing.T) {
	const chunks, q = 40, 3
	c, tr := storageRing(t, 60, 6, 0, 31)
	sw := testSwarm(t, q)
	client := c.Random()
	cache := chord.NewOwnerCache(0)
	var hashes [][32]byte
	var datas [][]byte
	before := client.Stats().Lookups
	for i := range chunks {
		data := chunk(100+i, 300)
		res, err := client.MPutWith(ctx, sw, tr, data, chord.MPutOptions{Owners: cache})
		require.NoError(t, err)
		require.Equal(t, q, res.Stored, "chunk %d", i)
		hashes, datas = append(hashes, res.ChunkHash), append(datas, data)
	}
	putLookups := client.Stats().Lookups - before
	t.Logf("mput: %d lookups for %d replicas", putLookups, chunks*q)
	require.Less(t, putLookups, uint64(chunks*q/2))
	for _, h := range hashes {
		for i := range q {
			key := sw.ReplicaKey(h, i)
			_, err := fetchRaw(c, key)
			require.NoError(t, err, "replica %d not at its owner", i)
		}
	}

	get := func(h [32]byte, owners *chord.OwnerCache) chord.MGetResult {
		res, err := client.MGet(ctx, sw, tr, h, chord.MGetOptions{Rand: c.Rand(), Repair: -1, Owners: owners})
		if err != nil {
			require.ErrorIs(t, err, chord.ErrChunkLost)
		}
		return res
	}
	before = client.Stats().Lookups
	for i, h := range hashes {
		res := get(h, cache)
		require.Equal(t, datas[i], res.Chunk)
		require.Equal(t, q, res.Slots)
	}
	require.Zero(t, client.Stats().Lookups-before, "a warm cache needs no lookup")

	failed := 0
	for _, n := range c.Nodes() {
		if failed == 6 {
			break
		}
		if n != client && c.SafeToFail(n.Info().Addr) {
			c.Fail(n.Info().Addr)
			failed++
		}
	}
	_, err := c.StabilizeUntilStable(200)
	require.NoError(t, err)
	lost := 0
	for i, h := range hashes {
		want := get(h, nil)
		got := get(h, cache)
		require.Equal(t, want.Slots, got.Slots, "chunk %d", i)
		require.ElementsMatch(t, want.Holders, got.Holders, "chunk %d", i)
		if want.Slots > 0 {
			require.Equal(t, datas[i], got.Chunk)
		} else {
			lost++
		}
	}
	t.Logf("after %d crashes: %d of %d chunks lost", failed, lost, chunks)

	// Nodes join and take over arcs the cache gives to their successors,
	// which hand their replicas over: the cached holders no longer have
	// them, and the cache falls back to lookups.
	for range 20 {
		_, err := c.Join()
		require.NoError(t, err)
	}
	_, err = c.StabilizeUntilStable(200)
	require.NoError(t, err)
	moved := 0
	for i, h := range hashes {
		want := get(h, nil)
		for k := range q {
			if o, ok := cache.Owner(sw.ReplicaKey(h, k)); ok && o != c.Owner(sw.ReplicaKey(h, k)) {
				moved++
			}
		}
		got := get(h, cache)
		require.Equal(t, want.Slots, got.Slots, "chunk %d", i)
		require.ElementsMatch(t, want.Holders, got.Holders, "chunk %d", i)
		if want.Slots > 0 {
			require.Equal(t, datas[i], got.Chunk)
		}
	}
	t.Logf("after 20 joins: %d cached holders were stale", moved)
	require.Positive(t, moved)
}
