package chord_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

var ctx = context.Background()

func randomKey(c *simnet.Cluster) chord.ID {
	var k chord.ID
	for i := range k {
		k[i] = byte(c.Rand().Uint32())
	}
	return k
}

// TestStableRingLookups grows a 1,000-node ring through the protocol and
// checks that iterative and recursive lookups find the true owner of every
// key, in about ½·log2 N hops (the Chord paper's Theorem IV.2 and §V.D).
func TestStableRingLookups(t *testing.T) {
	const n = 1000
	c := simnet.NewCluster(simnet.ClusterConfig{}, 1)
	require.NoError(t, c.Grow(n))
	require.NoError(t, c.CheckStable())
	for _, mode := range []string{"iterative", "recursive"} {
		t.Run(mode, func(t *testing.T) {
			total := 0
			const lookups = 2000
			for range lookups {
				k := randomKey(c)
				var res chord.LookupResult
				var err error
				if mode == "iterative" {
					res, err = c.Random().Lookup(ctx, k)
				} else {
					res, err = c.Random().LookupRecursive(ctx, k)
				}
				require.NoError(t, err)
				require.Equal(t, c.Owner(k), res.Node)
				require.Zero(t, res.Timeouts)
				total += res.Hops
			}
			mean := float64(total) / lookups
			half := 0.5 * math.Log2(n)
			t.Logf("mean hops %.2f, ½·log2 N = %.2f", mean, half)
			require.InDelta(t, half, mean, 1.5)
		})
	}
}

// TestSmallRingsStabilize grows rings of every size from 1 to 12 (smaller
// and larger than r+1) and checks they reach the ideal ring.
func TestSmallRingsStabilize(t *testing.T) {
	for n := 1; n <= 12; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := simnet.NewCluster(simnet.ClusterConfig{Successors: 4, Net: simnet.Config{Wire: true}}, uint64(n))
			require.NoError(t, c.Grow(n))
			require.NoError(t, c.CheckStable())
			for range 50 {
				k := randomKey(c)
				res, err := c.Random().Lookup(ctx, k)
				require.NoError(t, err)
				require.Equal(t, c.Owner(k), res.Node)
			}
		})
	}
}

// TestChurnInvariants runs Poisson joins and failures on small rings over
// many seeds, checking Zave's invariants after every simulated step, and
// that the ring is ideal once churn stops and maintenance runs.
func TestChurnInvariants(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c := simnet.NewCluster(simnet.ClusterConfig{Successors: 3, Net: simnet.Config{Wire: true}}, seed)
			require.NoError(t, c.Grow(8))
			c.MarkBase()
			c.AfterStep = c.Check
			c.StartTimers()
			c.StartChurn(simnet.Churn{JoinRate: 0.5, FailRate: 0.5, Safe: true, MinNodes: 5})
			require.NoError(t, c.Run(60*time.Second), "seed %d", seed)
			require.NoError(t, c.Check())
			// Stop churn (by building a fresh schedule) and let maintenance
			// converge.
			c2 := c
			c2.AfterStep = nil
			_, err := c2.StabilizeUntilStable(200)
			require.NoError(t, err, "seed %d: ring did not stabilise (joins %d, failures %d)", seed, c.Joins, c.Failures)
			t.Logf("seed %d: %d joins, %d failures, %d unsafe failures skipped, %d nodes", seed, c.Joins, c.Failures, c.Skipped, c.Len())
		})
	}
}

// TestLookupOwnID looks up each node's own identifier from that node and
// from others: a node is responsible for its own identifier, and (n, n) is
// the whole ring in Chord's convention, so the lookup goes around the ring
// to n's predecessor and back.
func TestLookupOwnID(t *testing.T) {
	c := simnet.NewCluster(simnet.ClusterConfig{}, 3)
	require.NoError(t, c.Grow(200))
	for _, n := range c.Nodes()[:20] {
		for _, from := range []*chord.Node{n, c.Random()} {
			res, err := from.Lookup(ctx, n.ID())
			require.NoError(t, err)
			require.Equal(t, n.Info(), res.Node)
			rres, err := from.LookupRecursive(ctx, n.ID())
			require.NoError(t, err)
			require.Equal(t, n.Info(), rres.Node)
		}
	}
}

// TestSuccessorBeforeCreate: a node that has not joined a ring reports no
// successor (the zero NodeInfo), and after Create its successor is itself.
func TestSuccessorBeforeCreate(t *testing.T) {
	nw, err := simnet.New(simnet.Config{}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	n, err := chord.New(chord.Config{Addr: "lone", Transport: nw.Endpoint("lone")})
	require.NoError(t, err)
	require.True(t, n.Successor().IsZero())
	require.Empty(t, n.AppendSuccessors(nil))
	n.Create()
	require.Equal(t, n.Info(), n.Successor())
	require.Equal(t, []chord.NodeInfo{n.Info()}, n.AppendSuccessors(nil))
}
