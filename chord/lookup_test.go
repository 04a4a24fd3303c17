package chord_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// TestLookupFallsBackOnSuccessors is defect 5: after 70% of a 1,000-node
// ring crashed and the ring restabilised (it passes CheckStable) but
// before any finger was refreshed, a lookup whose candidates are all
// departed fingers must still reach the key through successor lists. On
// this seed 5 of 200 lookups failed when the lookup gave up instead.
func TestLookupFallsBackOnSuccessors(t *testing.T) {
	const seed = 5
	c := simnet.NewCluster(simnet.ClusterConfig{}, seed)
	require.NoError(t, c.Grow(1000))
	for failed := 0; failed < 700; {
		if n := c.Random(); c.SafeToFail(n.Info().Addr) {
			c.Fail(n.Info().Addr)
			failed++
		}
	}
	_, err := c.StabilizeUntilStable(300)
	require.NoError(t, err, "seed %d", seed)
	for i := range 200 {
		k := randomKey(c)
		res, err := c.Random().Lookup(ctx, k)
		require.NoError(t, err, "seed %d, lookup %d", seed, i)
		require.Equal(t, c.Owner(k), res.Node, "seed %d, lookup %d", seed, i)
		res, err = c.Random().LookupRecursive(ctx, k)
		require.NoError(t, err, "seed %d, recursive lookup %d", seed, i)
		require.Equal(t, c.Owner(k), res.Node, "seed %d, recursive lookup %d", seed, i)
	}
}

// TestLookupSuccessors checks what a lookup returns besides the owner: on
// an ideal ring, the owner's r−1 successors in ring order (the rest of the
// key's predecessor's successor list), in a slice the caller owns.
func TestLookupSuccessors(t *testing.T) {
	const seed, n, r = 3, 200, 8
	c := simnet.NewCluster(simnet.ClusterConfig{Successors: r}, seed)
	require.NoError(t, c.Grow(n))
	for i := range 50 {
		k := randomKey(c)
		res, err := c.Random().Lookup(ctx, k)
		require.NoError(t, err, "seed %d, lookup %d", seed, i)
		owner := c.Owner(k)
		require.Equal(t, owner, res.Node, "seed %d, lookup %d", seed, i)
		want := c.Node(owner.Addr).State().Successors[:r-1]
		require.Equal(t, want, res.Successors, "seed %d, lookup %d", seed, i)
		res.Successors[0] = chord.NodeInfo{} // the caller's own memory
		require.Equal(t, want[0], c.Node(owner.Addr).Successor(), "seed %d, lookup %d", seed, i)
	}
}

// TestLookupInto checks that LookupInto gives Lookup's answer, overwrites
// every field of a reused result, and allocates nothing once the result's
// successor slice has grown: the property BenchmarkLookup relies on.
func TestLookupInto(t *testing.T) {
	const seed, n = 4, 300
	c := simnet.NewCluster(simnet.ClusterConfig{}, seed)
	require.NoError(t, c.Grow(n))
	res := chord.LookupResult{Hops: 99, Timeouts: 7, Node: chord.NodeInfo{Addr: "stale"}}
	for i := range 50 {
		k := randomKey(c)
		from := c.Random()
		want, err := from.Lookup(ctx, k)
		require.NoError(t, err, "seed %d, lookup %d", seed, i)
		require.NoError(t, from.LookupInto(ctx, k, &res), "seed %d, lookup %d", seed, i)
		require.Equal(t, want, res, "seed %d, lookup %d", seed, i)
	}
	require.ErrorIs(t, c.Random().LookupInto(ctx, randomKey(c), nil), chord.ErrNilArgument)
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	from, k := c.Random(), randomKey(c)
	allocs := testing.AllocsPerRun(100, func() {
		if err := from.LookupInto(ctx, k, &res); err != nil {
			t.Error(err)
		}
	})
	require.Zero(t, allocs, "allocations per LookupInto with a reused result")
}

// TestLookupStats checks that every kind of lookup is counted in Stats,
// and every failed one as a failure.
func TestLookupStats(t *testing.T) {
	const seed = 6
	c := simnet.NewCluster(simnet.ClusterConfig{}, seed)
	require.NoError(t, c.Grow(50))
	n := c.Random()
	before := n.Stats()
	var res chord.LookupResult
	for range 3 {
		_, err := n.Lookup(ctx, randomKey(c))
		require.NoError(t, err)
		require.NoError(t, n.LookupInto(ctx, randomKey(c), &res))
		_, err = n.LookupRecursive(ctx, randomKey(c))
		require.NoError(t, err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := n.Lookup(canceled, randomKey(c))
	require.Error(t, err)
	require.Error(t, n.LookupInto(canceled, randomKey(c), &res))
	_, err = n.LookupRecursive(canceled, randomKey(c))
	require.Error(t, err)
	after := n.Stats()
	require.Equal(t, before.Lookups+12, after.Lookups, "seed %d", seed)
	require.Equal(t, before.LookupFails+3, after.LookupFails, "seed %d", seed)
}

// TestLookupCancelled: a lookup that must route (the key is not its first
// successor's) with a cancelled context fails with the context's error.
func TestLookupCancelled(t *testing.T) {
	c := simnet.NewCluster(simnet.ClusterConfig{}, 31)
	require.NoError(t, c.Grow(20))
	n := c.Random()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	var res chord.LookupResult
	err := n.LookupInto(cctx, n.ID().Sub(chord.IDFromUint64(1)), &res)
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, res.Node.IsZero())
}
