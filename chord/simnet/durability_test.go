package simnet

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDurabilityMatchesModel runs the Appendix B experiment with real
// nodes at a failure rate high enough for losses to be observed, and with
// replica placement alone at a larger scale, and checks both against the
// exact lazy-repair model.
func TestDurabilityMatchesModel(t *testing.T) {
	full, err := RunDurability(DurabilityConfig{Nodes: 400, Chunks: 100, Intervals: 50, Replicas: 5, Repair: 2, Fail: 0.3}, 1)
	require.NoError(t, err)
	t.Log("full stack:", full)
	require.Greater(t, full.Lost, 0)
	require.Less(t, full.ZScore(), 4.0)
	require.Greater(t, full.ZScore(), -4.0)

	for _, cfg := range []DurabilityConfig{
		{Nodes: 1000, Chunks: 1000, Intervals: 100, Replicas: 4, Repair: 1, Fail: 0.3},
		{Nodes: 1000, Chunks: 1000, Intervals: 100, Replicas: 10, Repair: 3, Fail: 0.3},
	} {
		r, err := SimulateReplicas(cfg, 2)
		require.NoError(t, err)
		t.Log("placement:", r)
		require.Less(t, r.ZScore(), 4.0)
		require.Greater(t, r.ZScore(), -4.0)
	}
}
