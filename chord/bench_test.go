package chord_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

var benchSizes = []int{1000, 10000, 100000}

// builtRings caches the rings BenchmarkLookup builds, one per size.
var builtRings = map[int]*simnet.Cluster{}

func benchRing(b *testing.B, n int) *simnet.Cluster {
	if c, ok := builtRings[n]; ok {
		return c
	}
	c := simnet.NewCluster(simnet.ClusterConfig{}, 1)
	if err := c.Grow(n); err != nil {
		b.Fatal(err)
	}
	builtRings[n] = c
	return c
}

// BenchmarkLookup measures iterative lookups of random keys from random
// nodes on a stabilised in-memory ring; lookups/s is 1e9 / (ns/op).
func BenchmarkLookup(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			c := benchRing(b, n)
			keys := make([]chord.ID, 4096)
			for i := range keys {
				keys[i] = randomKey(c)
			}
			nodes := c.Nodes()
			rng := c.Rand()
			hops := 0
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				res, err := nodes[rng.IntN(len(nodes))].Lookup(ctx, keys[i%len(keys)])
				if err != nil {
					b.Fatal(err)
				}
				hops += res.Hops
				i++
			}
			b.ReportMetric(float64(hops)/float64(i), "hops/op")
		})
	}
}

// BenchmarkBuildRing measures growing a ring through the protocol (joins,
// stabilisation, finger refresh) until it is ideal, and reports the memory
// each simulated node holds.
func BenchmarkBuildRing(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var bytesPerNode float64
			for b.Loop() {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				c := simnet.NewCluster(simnet.ClusterConfig{}, 2)
				if err := c.Grow(n); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				bytesPerNode = float64(m1.HeapAlloc-m0.HeapAlloc) / float64(n)
				runtime.KeepAlive(c)
			}
			b.ReportMetric(bytesPerNode, "B/node")
		})
	}
}
