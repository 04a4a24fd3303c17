package chord_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// TestConcurrentLookups runs iterative and recursive lookups from several
// goroutines while another keeps running maintenance (stabilize,
// fix-fingers, check-predecessor) on every node: a Node and the simulated
// network are safe for concurrent use, and on a stable ring maintenance
// does not disturb lookups, which all find the true owner. Under -race
// this checks the locking of the routing and maintenance paths.
func TestConcurrentLookups(t *testing.T) {
	c := simnet.NewCluster(simnet.ClusterConfig{}, 7)
	require.NoError(t, c.Grow(300))
	nodes := c.Nodes()
	keys := make([]chord.ID, 64)
	owners := make([]chord.NodeInfo, len(keys))
	for i := range keys {
		keys[i] = randomKey(c)
		owners[i] = c.Owner(keys[i])
	}
	stop := make(chan struct{})
	var maint sync.WaitGroup
	maint.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			n := nodes[i%len(nodes)]
			_ = n.Stabilize(ctx)
			_ = n.FixFingers(ctx)
			n.CheckPredecessor(ctx)
		}
	})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 300 {
				i := rng.IntN(len(keys))
				from := nodes[rng.IntN(len(nodes))]
				var res chord.LookupResult
				var err error
				if g%2 == 0 {
					res, err = from.Lookup(ctx, keys[i])
				} else {
					res, err = from.LookupRecursive(ctx, keys[i])
				}
				if err == nil && res.Node != owners[i] {
					err = fmt.Errorf("lookup of %v found %s, the owner is %s", keys[i], res.Node.Addr, owners[i].Addr)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	maint.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, c.CheckStable())
}
