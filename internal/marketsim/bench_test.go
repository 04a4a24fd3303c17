package marketsim

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkMarketplaceRun measures one small marketplace run (SmallConfig:
// k = 3, 12 torrents of 8 MB, 30 clients and 12 seeds).
func BenchmarkMarketplaceRun(b *testing.B) {
	cfg := SmallConfig(1)
	b.ReportAllocs()
	var r *Result
	for b.Loop() {
		var err error
		if r, err = Run(cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(r.Bytes)
	b.ReportMetric(float64(r.Events), "events/op")
	b.ReportMetric(r.Makespan.Seconds(), "sim-s/op")
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuPerMessage runs cfg once and returns the CPU time per control message
// and the run's messages and bytes.
func cpuPerMessage(cfg Config) (nsPerMsg float64, msgs, bytes int64, err error) {
	c0 := cpuTime()
	r, err := Run(cfg)
	if err != nil {
		return 0, 0, 0, err
	}
	return float64((cpuTime() - c0).Nanoseconds()) / float64(r.Messages), r.Messages, r.Bytes, nil
}

// marketplaceBase is the CPU per control message of BenchmarkMarketplace's
// 100 clients in this process, the base of its ratios (0 until measured).
var marketplaceBase float64

// BenchmarkMarketplace runs the paper's marketplace (PaperConfig: k = 5, 40
// torrents of 125 MB, 40 seeds, 1 Mbps) with N clients and reports the CPU
// time per control message (cpu-ns/msg, from getrusage, so that time the
// process waits for a core does not count) beside the wall time per
// message, the CPU time of a run (cpu-s/op; issue 15's targets: ≤ 1 s
// for the paper's 100 clients, ≤ 15 s for 1,000) and, above 100 clients,
// the ratio of cpu-ns/msg to that at 100 clients (x100; the target is ≤ 1.5
// at 1,000: the cost is linear in the clients when it stays near 1). The
// 100-client base is the sub-benchmark's own if it ran, or else one run
// measured before the timed ones.
//
// The sizes above 200 clients take seconds to a minute and run only with
// SWARMBLOCKS_BENCH_LARGE=1, so that CI's single pass of every benchmark
// stays short:
//
//	SWARMBLOCKS_BENCH_LARGE=1 go test -run '^$' -bench Marketplace/ -benchtime 1x ./internal/marketsim
//
// CPU time per message still depends on the machine's load: other
// processes share the caches.
func BenchmarkMarketplace(b *testing.B) {
	for _, n := range []int{100, 200, 400, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			if n > 200 && os.Getenv("SWARMBLOCKS_BENCH_LARGE") == "" {
				b.Skip("set SWARMBLOCKS_BENCH_LARGE=1 for the large sizes")
			}
			cfg := PaperConfig(1)
			cfg.Clients = n
			if n > 100 && marketplaceBase == 0 {
				base, _, _, err := cpuPerMessage(PaperConfig(1))
				if err != nil {
					b.Fatal(err)
				}
				marketplaceBase = base
			}
			b.ReportAllocs()
			var msgs, bytes int64
			var cpu float64 // ns
			for b.Loop() {
				ns, m, by, err := cpuPerMessage(cfg)
				if err != nil {
					b.Fatal(err)
				}
				cpu += ns * float64(m)
				msgs += m
				bytes = by
			}
			perMsg := cpu / float64(msgs)
			if n == 100 {
				marketplaceBase = perMsg
			}
			b.SetBytes(bytes)
			b.ReportMetric(perMsg, "cpu-ns/msg")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(msgs), "ns/msg")
			b.ReportMetric(cpu/1e9/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
			if n > 100 {
				b.ReportMetric(perMsg/marketplaceBase, "x100")
			}
		})
	}
}
