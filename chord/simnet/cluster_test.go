package simnet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzCluster drives a small ring with a random sequence of joins, safe
// crashes, voluntary leaves and maintenance periods. Zave's invariants must
// hold after every simulated step, and the ring must become ideal once
// maintenance runs undisturbed.
func FuzzCluster(f *testing.F) {
	f.Add(uint64(1), []byte{0, 1, 2, 3, 0, 0, 1, 3})
	f.Add(uint64(7), []byte{1, 1, 1, 3, 2, 2, 3, 3, 0})
	f.Add(uint64(42), []byte{})
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		if len(ops) > 48 {
			ops = ops[:48]
		}
		c := NewCluster(ClusterConfig{Successors: 3}, seed)
		require.NoError(t, c.Grow(12))
		c.MarkBase()
		c.AfterStep = c.Check
		now := c.Sim.Now()
		for _, op := range ops {
			switch op % 4 {
			case 0:
				_, err := c.Join()
				require.NoError(t, err)
			case 1:
				if n := c.Random(); n != nil && c.SafeToFail(n.Info().Addr) {
					c.Fail(n.Info().Addr)
				}
			case 2:
				if c.Len() > 4 {
					if n := c.Random(); n != nil && !c.base[n.Info().Addr] {
						require.NoError(t, c.Leave(n.Info().Addr))
					}
				}
			case 3:
				now += time.Second
				require.NoError(t, c.Run(now))
			}
			require.NoError(t, c.Check())
		}
		_, err := c.StabilizeUntilStable(200)
		require.NoError(t, err)
	})
}

// BenchmarkRunChurn measures a short churn experiment on a 200-node ring.
func BenchmarkRunChurn(b *testing.B) {
	cfg := ChurnConfig{N: 200, Successors: 4, Rate: 0.2, Period: 30 * time.Second, Duration: 10 * time.Minute, Lookups: 500}
	b.ReportAllocs()
	for b.Loop() {
		res, err := RunChurn(cfg, 1)
		if err != nil {
			b.Fatal(err)
		}
		if res.InvariantErr != nil {
			b.Fatal(res.InvariantErr)
		}
	}
}
