package swarmmodel_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
	"github.com/swarmblocks/swarmblocks/internal/scaling/scalingtest"
)

// BenchmarkScaling measures the CPU time of streaming 30 days of workload
// against the number of peers born in them and reports the fitted
// exponents (package internal/scaling, [scaling.Workload]);
// SWARMBLOCKS_LONG=1 runs up to 2·10^6 peers.
func BenchmarkScaling(b *testing.B) { scalingtest.Benchmark(b, scaling.Workload) }
