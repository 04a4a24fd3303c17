// Package scalingtest runs a [scaling.Subsystem] as a benchmark, for the
// BenchmarkScaling of each package the scaling suite covers.
package scalingtest

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
)

// Long reports whether the full range of sizes is asked for
// (SWARMBLOCKS_LONG=1).
func Long() bool { return os.Getenv("SWARMBLOCKS_LONG") == "1" }

// Benchmark measures s at its short sizes (its long ones with
// SWARMBLOCKS_LONG=1) once per iteration, seed 1, and reports the CPU time
// of one operation at each size (cpu-ns@N=…, N zero-padded so that the metrics sort by
// size), the work per operation at each size (work@N=…), and the fitted exponents of the cost (exponent),
// of the work (work-exponent) and of the model (model-exponent), with the
// cost fit's r².
func Benchmark(b *testing.B, s scaling.Subsystem) {
	sizes := s.Short
	if Long() {
		sizes = s.Long
	}
	b.ReportAllocs()
	var c scaling.Curve
	for b.Loop() {
		var err error
		if c, err = scaling.Measure(s, sizes, 1); err != nil {
			b.Fatal(err)
		}
	}
	e, err := c.Fit()
	if err != nil {
		b.Fatal(err)
	}
	// The testing package prints metrics sorted by unit: sizes padded
	// to one width sort by size.
	width := len(fmt.Sprint(slices.Max(sizes)))
	for _, p := range c.Points {
		b.ReportMetric(float64(p.Cost.Nanoseconds()), fmt.Sprintf("cpu-ns@N=%0*d", width, p.Size))
		b.ReportMetric(p.Work, fmt.Sprintf("work@N=%0*d", width, p.Size))
	}
	b.ReportMetric(e.Cost, "exponent")
	b.ReportMetric(e.CostR2, "r2")
	b.ReportMetric(e.Work, "work-exponent")
	b.ReportMetric(e.Model, "model-exponent")
}
