package marketsim_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
	"github.com/swarmblocks/swarmblocks/internal/scaling/scalingtest"
)

// BenchmarkScaling measures the CPU time of a marketplace run against the
// number of clients and reports the fitted exponents (package
// internal/scaling, [scaling.Marketplace]); SWARMBLOCKS_LONG=1 runs up to
// 1,920 clients.
func BenchmarkScaling(b *testing.B) { scalingtest.Benchmark(b, scaling.Marketplace) }
