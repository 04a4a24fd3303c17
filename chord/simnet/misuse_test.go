package simnet

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestMisuse calls the package's exported functions with nil, zero and
// out-of-range arguments: each gets an error (or a documented zero
// answer), never a panic or an endless loop.
func TestMisuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		call func() error
	}{
		{"New nil rand", func() error { _, err := New(Config{}, nil); return err }},
		{"New negative loss", func() error { _, err := New(Config{Loss: -0.1}, rng); return err }},
		{"New NaN loss", func() error { _, err := New(Config{Loss: math.NaN()}, rng); return err }},
		{"New loss above one", func() error { _, err := New(Config{Loss: 1.5}, rng); return err }},
		{"New negative latency", func() error { _, err := New(Config{Latency: -time.Second}, rng); return err }},
		{"New negative jitter", func() error { _, err := New(Config{Jitter: -time.Second}, rng); return err }},
		{"Cluster with bad network", func() error { return NewCluster(ClusterConfig{Net: Config{Loss: 2}}, 1).Grow(3) }},
		{"Grow negative", func() error { return NewCluster(ClusterConfig{}, 1).Grow(-1) }},
		{"Leave unknown node", func() error { return NewCluster(ClusterConfig{}, 1).Leave("nobody") }},
		{"RunChurn zero config", func() error { _, err := RunChurn(ChurnConfig{}, 1); return err }},
		{"RunChurn NaN rate", func() error {
			_, err := RunChurn(ChurnConfig{N: 5, Period: time.Second, Rate: math.NaN()}, 1)
			return err
		}},
		{"RunMassFailure everyone", func() error { _, err := RunMassFailure(10, 3, 1, 10, time.Second, 1); return err }},
		{"RunMassFailure zero period", func() error { _, err := RunMassFailure(10, 3, 0.5, 10, 0, 1); return err }},
		{"RunMassFailure zero nodes", func() error { _, err := RunMassFailure(0, 3, 0.5, 10, time.Second, 1); return err }},
		{"RunDurability zero config", func() error { _, err := RunDurability(DurabilityConfig{}, 1); return err }},
		{"SimulateReplicas zero config", func() error { _, err := SimulateReplicas(DurabilityConfig{}, 1); return err }},
		{"SimulateReplicas NaN failure rate", func() error {
			_, err := SimulateReplicas(DurabilityConfig{Nodes: 10, Chunks: 1, Intervals: 1, Replicas: 2, Repair: 1, Fail: math.NaN()}, 1)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tt.call() })
			require.Error(t, err)
		})
	}

	// An empty cluster answers with zero values.
	c := NewCluster(ClusterConfig{}, 1)
	require.Nil(t, c.Random())
	require.Equal(t, chord.NodeInfo{}, c.Owner(chord.ID{}))
	require.Zero(t, c.MeasureLookups(10).Lookups)
	require.NoError(t, c.Check())
	require.NoError(t, c.Grow(0))
	c.Fail("nobody")
	require.Zero(t, c.Failures)
	c.StartChurn(Churn{JoinRate: math.Inf(1), FailRate: -1})
	require.NoError(t, c.Run(time.Minute))
	require.Zero(t, c.Joins)
	require.Zero(t, Quantile(nil, 0.5))
}
