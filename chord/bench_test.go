package chord_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
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

// BenchmarkBuildRing measures growing a ring through the protocol (joins,
// stabilisation, finger refresh) until it is ideal, and reports the memory
// each simulated node holds. It runs before BenchmarkLookup, which reuses
// the ring it built (a fresh ring grown from the same seed), so that a CI
// run of both builds each size once.
func BenchmarkBuildRing(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var bytesPerNode float64
			for b.Loop() {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				c := simnet.NewCluster(simnet.ClusterConfig{}, 1)
				if err := c.Grow(n); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				bytesPerNode = float64(m1.HeapAlloc-m0.HeapAlloc) / float64(n)
				builtRings[n] = c // BenchmarkLookup reuses the last ring built
			}
			b.ReportMetric(bytesPerNode, "B/node")
		})
	}
}

// BenchmarkLookup measures iterative lookups of random keys from random
// nodes on a stabilised in-memory ring; lookups/s is 1e9 / (ns/op). It
// reuses one result with [chord.Node.LookupInto], as a simulation making
// many lookups would; [chord.Node.Lookup] allocates the result's
// successor slice on top of that.
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
			var res chord.LookupResult // reused: LookupInto allocates nothing
			// The build's garbage is collected before the clock starts,
			// not on the lookups' time.
			runtime.GC()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := nodes[rng.IntN(len(nodes))].LookupInto(ctx, keys[i%len(keys)], &res); err != nil {
					b.Fatal(err)
				}
				hops += res.Hops
				i++
			}
			b.ReportMetric(float64(hops)/float64(i), "hops/op")
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}

// BenchmarkLookupParallel measures lookup throughput with one lookup in
// flight per core (GOMAXPROCS goroutines), as a simulation driving many
// nodes at once, or a node serving many clients, would see. Nodes and the
// simulated network are safe for concurrent use; lookups on a stable ring
// without message loss draw no randomness from the network, so the ring is
// unchanged by them.
func BenchmarkLookupParallel(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			c := benchRing(b, n)
			nodes := c.Nodes()
			var hops, seq atomic.Int64
			runtime.GC()
			b.ResetTimer() // RunParallel does not reset it as b.Loop does
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(seq.Add(1))))
				h := 0
				var res chord.LookupResult
				for pb.Next() {
					var key chord.ID
					for i := 0; i < len(key); i += 8 {
						binary.LittleEndian.PutUint64(key[i:], rng.Uint64())
					}
					if err := nodes[rng.IntN(len(nodes))].LookupInto(ctx, key, &res); err != nil {
						b.Error(err)
						return
					}
					h += res.Hops
				}
				hops.Add(int64(h))
			})
			b.ReportMetric(float64(hops.Load())/float64(b.N), "hops/op")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}

// BenchmarkReplicaKeys measures deriving the q_s = 10 ring keys of a chunk.
func BenchmarkReplicaKeys(b *testing.B) {
	sw, err := chord.NewSwarm([]byte("benchmark swarm secret, 32 bytes"), 10)
	if err != nil {
		b.Fatal(err)
	}
	ch := chord.ChunkHash([]byte("chunk"))
	keys := make([]chord.ID, 0, 10)
	b.ReportAllocs()
	for b.Loop() {
		keys = sw.ReplicaKeys(keys[:0], ch)
	}
}

// benchChunkSize is the chunk size of the mput/mget benchmarks: 16 KiB,
// BitTorrent's block size.
const benchChunkSize = 16 << 10

// BenchmarkMPut measures storing a chunk's q_s = 10 replicas (encryption,
// 10 tickets, 10 lookups, 10 store requests each checked by its holder) on
// a 1,000-node ring. Holders already having the chunk ignore the store, so
// each iteration stores a new chunk.
func BenchmarkMPut(b *testing.B) {
	c, tr := storageRing(b, 1000, 8, 1<<40, 21)
	sw := testSwarm(b, 10)
	data := chunk(0, benchChunkSize)
	b.SetBytes(benchChunkSize)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		data[0], data[1], data[2] = byte(i), byte(i>>8), byte(i>>16)
		if _, err := c.Random().MPut(ctx, sw, tr, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMGet measures fetching a chunk from its replicas (10 lookups
// and holder checks, one fetch, decryption, and the lazy re-put of c = 3
// slots, which holders ignore) on a 1,000-node ring.
func BenchmarkMGet(b *testing.B) {
	c, tr := storageRing(b, 1000, 8, 0, 22)
	sw := testSwarm(b, 10)
	var hashes [][32]byte
	for i := range 64 {
		pr, err := c.Random().MPut(ctx, sw, tr, chunk(i, benchChunkSize))
		if err != nil {
			b.Fatal(err)
		}
		hashes = append(hashes, pr.ChunkHash)
	}
	opts := chord.MGetOptions{Rand: c.Rand()}
	b.SetBytes(benchChunkSize)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Random().MGet(ctx, sw, tr, hashes[i%len(hashes)], opts); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
