package simnet

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// The measurements quoted in the chord package documentation. They take
// minutes, so they run only with SWARMBLOCKS_LONG=1:
//
//	SWARMBLOCKS_LONG=1 go test -run TestLong -v -timeout 2h ./chord/simnet
func long(t *testing.T) {
	if os.Getenv("SWARMBLOCKS_LONG") != "1" {
		t.Skip("set SWARMBLOCKS_LONG=1 to run the paper-scale measurements")
	}
}

// TestLongHops measures lookup path lengths for N = 2^10 … 2^20 on one
// ring grown by the protocol, measured each time it doubles (every
// measurement on an ideal ring with every finger refreshed).
func TestLongHops(t *testing.T) {
	long(t)
	const seed = 1
	t.Logf("seed %d; 10,000 iterative lookups per ring, one ring grown by the protocol and measured as it doubles", seed)
	t.Logf("%8s %10s %6s %6s %9s", "N", "½·log2 N", "mean", "p99", "grown in")
	c := NewCluster(ClusterConfig{}, seed)
	start := time.Now()
	for k := 10; k <= 20; k++ {
		n := 1 << k
		require.NoError(t, c.Grow(n-c.Len()))
		grown := time.Since(start)
		r := c.MeasureLookups(10_000)
		require.Zero(t, r.Failed+r.Wrong)
		t.Logf("%8d %10.2f %6.2f %6d %9v", n, r.Half, r.Mean, r.P99, grown.Round(time.Millisecond))
		start = time.Now()
	}
}

// TestLongMillion builds a ring of 10^6 nodes by the protocol (joins,
// stabilisation, finger refresh) until it is ideal, and reports the time
// it took, the memory each node holds, the process's peak resident
// memory, the lookup path lengths and the lookup rate. The target is 3
// minutes and 6 GiB on the 2-core reference machine; only the memory is
// asserted, since times depend on the machine's load.
func TestLongMillion(t *testing.T) {
	long(t)
	const (
		n       = 1_000_000
		seed    = 1
		maxPeak = 6 << 30
	)
	// The ring holds about 3 GB; the limit keeps the collector's headroom
	// (by default as much again) within the target.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	c := NewCluster(ClusterConfig{}, seed)
	require.NoError(t, c.Grow(n))
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	perNode := float64(m1.HeapAlloc-m0.HeapAlloc) / n
	require.NoError(t, c.CheckStable())
	r := c.MeasureLookups(100_000)
	require.Zero(t, r.Failed+r.Wrong)
	// The lookup rate without the oracle's check, one goroutine.
	keys := make([]chord.ID, 100_000)
	for i := range keys {
		keys[i] = randomID(c.Rand())
	}
	nodes := c.Nodes()
	start = time.Now()
	for _, k := range keys {
		_, err := nodes[c.Rand().IntN(len(nodes))].Lookup(context.Background(), k)
		require.NoError(t, err)
	}
	rate := float64(len(keys)) / time.Since(start).Seconds()
	peak := peakRSS()
	t.Logf("seed %d N=%d: built and stabilised in %v, %.0f B/node (heap), peak resident memory %.2f GiB",
		seed, n, build.Round(time.Second), perNode, float64(peak)/(1<<30))
	t.Logf("100,000 lookups: mean hops %.2f (½·log2 N = %.2f), p99 %d, all answered by the true owner; %.0f lookups/s from one goroutine",
		r.Mean, r.Half, r.P99, rate)
	require.LessOrEqual(t, peak, uint64(maxPeak), "peak resident memory")
}

// randomID draws a uniformly random ring identifier from rng.
func randomID(rng *rand.Rand) chord.ID {
	var id chord.ID
	for i := 0; i < chord.IDSize; i += 8 {
		binary.LittleEndian.PutUint64(id[i:], rng.Uint64())
	}
	return id
}

// peakRSS returns the process's peak resident memory from
// /proc/self/status (VmHWM), or the memory the Go runtime obtained from
// the system where that file does not exist.
func peakRSS() uint64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if f := strings.Fields(rest); len(f) == 2 && f[1] == "kB" {
					if kb, err := strconv.ParseUint(f[0], 10, 64); err == nil {
						return kb << 10
					}
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

// TestLongChurn measures lookups under churn, as in the Chord paper's
// §V.E: a 1,000-node ring, joins and failures at rate R each, maintenance
// every 30 s.
func TestLongChurn(t *testing.T) {
	long(t)
	for _, rate := range []float64{0.05, 0.1, 0.2, 0.4} {
		r, err := RunChurn(ChurnConfig{N: 1000, Successors: 8, Rate: rate, Period: 30 * time.Second,
			Duration: time.Hour, Lookups: 10_000}, 1)
		require.NoError(t, err)
		require.NoError(t, r.InvariantErr)
		t.Logf("seed %d R=%.2f/s: %d joins, %d failures, %d rejoins; lookups %d: failed %.2f%%, wrong owner %.2f%%, mean hops %.2f, timeouts/lookup %.2f; ideal ring %v after churn stops",
			r.Seed, rate, r.Joins, r.Failures, r.Rejoins, r.Lookups, pct(r.Failed, r.Lookups), pct(r.Wrong, r.Lookups), r.MeanHops, r.MeanTimeoutsPerL, r.StableAfter)
	}
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }

// TestLongMassFailure measures lookups right after half the ring fails at
// once, and the time to re-stabilise.
func TestLongMassFailure(t *testing.T) {
	long(t)
	for _, r := range []int{8, 16} {
		for _, n := range []int{1 << 12, 1 << 14} {
			m, err := RunMassFailure(n, r, 0.5, 10_000, 30*time.Second, 1)
			require.NoError(t, err)
			t.Logf("seed %d N=%d r=%d, 50%% fail: lookups failed %.2f%%, wrong %.2f%%, mean hops %.2f (p99 %d), timeouts/lookup %.2f; first successors right after %v, ideal ring after %v (stabilize every 30 s), rejoins %d",
				m.Seed, n, r, pct(m.Right.Failed, m.Right.Lookups), pct(m.Right.Wrong, m.Right.Lookups), m.Right.Mean, m.Right.P99,
				float64(m.Right.Timeouts)/float64(m.Right.Lookups), m.RingAfter, m.StableAfter, m.Rejoins)
		}
	}
}

// TestLongDurability runs Appendix B's experiment: at least 10^6
// chunk-intervals at q_s = 10, c = 3, p = 0.1, and settings where losses
// are frequent enough to compare with the model.
func TestLongDurability(t *testing.T) {
	long(t)
	for _, cfg := range []DurabilityConfig{
		{Nodes: 2000, Chunks: 1000, Intervals: 1000, Replicas: 10, Repair: 3, Fail: 0.1},
		{Nodes: 2000, Chunks: 1000, Intervals: 1000, Replicas: 10, Repair: 10, Fail: 0.1},
		{Nodes: 2000, Chunks: 1000, Intervals: 1000, Replicas: 10, Repair: 1, Fail: 0.1},
		{Nodes: 2000, Chunks: 1000, Intervals: 1000, Replicas: 10, Repair: 3, Fail: 0.3},
	} {
		r, err := SimulateReplicas(cfg, 1)
		require.NoError(t, err)
		t.Log("placement:", r)
		requireAgrees(t, r)
	}
	for _, cfg := range []DurabilityConfig{
		{Nodes: 500, Chunks: 200, Intervals: 100, Replicas: 10, Repair: 3, Fail: 0.1},
		{Nodes: 500, Chunks: 200, Intervals: 100, Replicas: 10, Repair: 3, Fail: 0.3},
	} {
		start := time.Now()
		r, err := RunDurability(cfg, 1)
		require.NoError(t, err)
		t.Log("full stack:", r, fmt.Sprintf("(%v)", time.Since(start).Round(time.Second)))
		requireAgrees(t, r)
	}
}

// TestLongDurabilityFullStack runs Appendix B's setting, q_s = 10, c = 3,
// p = 0.1, for 10^6 chunk-intervals with real nodes and messages, and a
// setting with frequent losses to compare with the model.
func TestLongDurabilityFullStack(t *testing.T) {
	long(t)
	for _, cfg := range []DurabilityConfig{
		{Nodes: 1000, Chunks: 1000, Intervals: 1000, Replicas: 10, Repair: 3, Fail: 0.1},
		{Nodes: 1000, Chunks: 1000, Intervals: 200, Replicas: 10, Repair: 3, Fail: 0.3},
	} {
		start := time.Now()
		r, err := RunDurability(cfg, 1)
		require.NoError(t, err)
		t.Log("full stack:", r, fmt.Sprintf("(%v)", time.Since(start).Round(time.Second)))
		requireAgrees(t, r)
	}
}
