package scaling

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// ChordBuild grows a Chord ring of N nodes through the protocol on the
// simulated network ([simnet.Cluster.Grow]: joins in batches that double
// the ring, stabilisation until the ring is ideal, finger refreshes). The
// work is the number of network calls. Each of the N joins is a lookup
// of O(log N) hops, and each node's ≈log2 N distinct fingers are found
// by lookups of O(log N) hops, so the work grows as N·log²N.
var ChordBuild = Subsystem{
	Name:     "chord/build",
	Size:     "nodes",
	Op:       "grow and stabilise a ring of N nodes",
	Work:     "network calls",
	Expected: "N·log²N",
	Model:    func(n float64) float64 { return n * math.Log2(n) * math.Log2(n) },
	Short:    []int{250, 500, 1000, 2000},
	Long:     []int{1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000},
	setup: func(n int, seed uint64) (func() (int, float64, error), error) {
		return func() (int, float64, error) {
			c := simnet.NewCluster(simnet.ClusterConfig{}, seed)
			if err := c.Grow(n); err != nil {
				return 0, 0, err
			}
			calls, _ := c.Net.Calls()
			return 1, float64(calls), nil
		}, nil
	},
}

// chordLookups is the number of lookups one run of [ChordLookup] makes.
const chordLookups = 4096

// ChordLookup measures iterative lookups of random keys from random nodes
// on a stable ring of N nodes (built untimed by [simnet.Cluster.Grow]).
// The work is the number of hops, ½·log2 N on average in Chord: the
// cost of one lookup should grow as log N, an exponent near
// 1/ln N ≈ 0.1 over these sizes. Anything beyond is the cost of one hop
// growing with the ring (memory latency once the ring outgrows the
// caches).
var ChordLookup = Subsystem{
	Name:     "chord/lookup",
	Size:     "nodes",
	Op:       "one lookup of a random key from a random node",
	Work:     "hops",
	Expected: "½·log2 N",
	Model:    func(n float64) float64 { return 0.5 * math.Log2(n) },
	Short:    []int{250, 500, 1000, 2000},
	Long:     []int{1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000},
	setup: func(n int, seed uint64) (func() (int, float64, error), error) {
		c := simnet.NewCluster(simnet.ClusterConfig{}, seed)
		if err := c.Grow(n); err != nil {
			return nil, err
		}
		nodes := c.Nodes()
		rng := rand.New(rand.NewPCG(seed, 0x100c))
		ctx := context.Background()
		return func() (int, float64, error) {
			hops := 0
			for range chordLookups {
				var key chord.ID
				for i := 0; i < len(key); i += 8 {
					binary.LittleEndian.PutUint64(key[i:], rng.Uint64())
				}
				res, err := nodes[rng.IntN(len(nodes))].Lookup(ctx, key)
				if err != nil {
					return 0, 0, fmt.Errorf("lookup: %w", err)
				}
				hops += res.Hops
			}
			return chordLookups, float64(hops), nil
		}, nil
	},
}
