package chord_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestLeaveTwoNodeRing: in a ring of two, the leaving node is both the
// survivor's predecessor and its first successor. Its handoff is the
// leave's, so the survivor accepts every block the leaving node held
// instead of refusing them as a successor's own keys.
func TestLeaveTwoNodeRing(t *testing.T) {
	c, tr := storageRing(t, 2, 2, 0, 21)
	nodes := c.Nodes()
	require.Len(t, nodes, 2)
	leaver, survivor := nodes[0], nodes[1]
	theirs := func(k chord.ID) bool { return chord.BetweenRightIncl(k, survivor.ID(), leaver.ID()) }
	var keys []chord.ID
	for range 5 {
		data := dataWithKey(t, theirs)
		tk := tr.SignBlock(chord.BlockKey(data), c.Sim.Now()+time.Hour)
		req := chord.Request{Kind: chord.KindStore, Key: tk.Key, Ticket: &tk, Data: data}
		require.NoError(t, send(t, c, "client", leaver.Info().Addr, req))
		keys = append(keys, tk.Key)
	}
	require.NoError(t, c.Leave(leaver.Info().Addr))
	for _, k := range keys {
		require.True(t, hasLocal(c, survivor.Info(), k), "the survivor refused the leaving node's block %v", k)
	}
}
