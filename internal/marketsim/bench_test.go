package marketsim

import "testing"

// BenchmarkMarketplaceRun measures one small marketplace run (SmallConfig:
// k = 3, 12 torrents of 8 MB, 30 clients and 12 seeds). The paper-scale
// figure is measured by examples/marketplace, which prints each run's wall
// time.
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
