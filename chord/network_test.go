package chord_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// TestMessageLoss runs maintenance and lookups on a network that drops 5%
// of calls: lookups fail over, the invariants hold after every step, and
// the ring is ideal once the network is reliable again.
func TestMessageLoss(t *testing.T) {
	c := simnet.NewCluster(simnet.ClusterConfig{Successors: 6, Net: simnet.Config{Loss: 0.05}}, 3)
	require.NoError(t, c.Grow(100))
	c.AfterStep = c.Check
	c.StartTimers()
	require.NoError(t, c.Run(30*time.Second))
	r := c.MeasureLookups(400)
	t.Logf("with 5%% loss: %v, %d timeouts", r, r.Timeouts)
	require.Greater(t, r.Timeouts, 0, "the network did drop calls")
	require.Less(t, r.Failed+r.Wrong, 40, "fewer than 10%% of lookups fail or end at the wrong node")
	calls, failed := c.Net.Calls()
	require.InDelta(t, 0.05, float64(failed)/float64(calls), 0.01)
}

// TestPartition cuts a quarter of the nodes off the network for a minute.
// Each side sees the other as failed and goes on with the nodes it can
// reach; Chord has no rule to merge two rings once the network heals (a
// limit documented in the package), so the cut-off nodes rejoin through a
// node of the main ring, after which the ring is the ideal ring of all
// nodes again.
func TestPartition(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c := simnet.NewCluster(simnet.ClusterConfig{Successors: 4}, seed)
			require.NoError(t, c.Grow(40))
			nodes := slices.Clone(c.Nodes())
			var cut []*chord.Node
			for i := 0; i < 10; i++ {
				c.Net.SetGroup(nodes[i*4].Info().Addr, 1)
				cut = append(cut, nodes[i*4])
			}
			c.StartTimers()
			require.NoError(t, c.Run(60*time.Second))
			// The main side's nodes form a ring of their own.
			var main []chord.State
			for _, n := range nodes {
				if !slices.Contains(cut, n) {
					main = append(main, n.State())
				}
			}
			require.NoError(t, chord.CheckInvariants(main), "the main side is one ring")
			c.Net.Heal()
			for _, n := range cut {
				require.NoError(t, n.Join(ctx, nodes[1].Info()))
			}
			require.NoError(t, c.Run(c.Sim.Now()+5*time.Minute))
			require.NoError(t, c.CheckStable())
		})
	}
}
