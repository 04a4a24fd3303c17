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

// BenchmarkMarketplace runs the paper's marketplace (PaperConfig: k = 5, 40
// torrents of 125 MB, 40 seeds, 1 Mbps) with N clients and reports the CPU
// time per control message (cpu-ns/msg, from getrusage, so that other load
// on the machine does not count) beside the wall time per message. The cost
// is linear in the clients when cpu-ns/msg stays flat as N grows.
//
// The sizes above 200 clients take seconds to minutes and run only with
// SWARMBLOCKS_BENCH_LARGE=1, so that CI's single pass of every benchmark
// stays short:
//
//	SWARMBLOCKS_BENCH_LARGE=1 go test -run '^$' -bench Marketplace/ -benchtime 1x ./internal/marketsim
func BenchmarkMarketplace(b *testing.B) {
	for _, n := range []int{100, 200, 400, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			if n > 200 && os.Getenv("SWARMBLOCKS_BENCH_LARGE") == "" {
				b.Skip("set SWARMBLOCKS_BENCH_LARGE=1 for the large sizes")
			}
			cfg := PaperConfig(1)
			cfg.Clients = n
			b.ReportAllocs()
			var msgs, bytes int64
			var cpu time.Duration
			for b.Loop() {
				c0 := cpuTime()
				r, err := Run(cfg)
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
				msgs += r.Messages
				bytes = r.Bytes
			}
			b.SetBytes(bytes)
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(msgs), "cpu-ns/msg")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(msgs), "ns/msg")
			b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
		})
	}
}
