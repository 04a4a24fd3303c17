package steg_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/swarmblocks/swarmblocks/steg"
)

// longSeed is the seed of the measurements printed in the package
// documentation.
const longSeed = 20261121

// TestMeasureTables prints the tables of the package documentation:
//
//	SWARMBLOCKS_LONG=1 go test -run TestMeasureTables -v -timeout 30m ./steg
func TestMeasureTables(t *testing.T) {
	if os.Getenv("SWARMBLOCKS_LONG") != "1" {
		t.Skip("set SWARMBLOCKS_LONG=1 to run the full-scale measurements")
	}
	t.Logf("seed %d, swarm of %d leechers and %d seeds, n = %d", longSeed, measLeechers, measSeeds, steg.DefaultFunctions)

	fp := measureFalsePositives(t, 400, 1024, []int{8, 10, 12, 14, 16, 18, 20, 22, 24}, longSeed)
	out := "\nfalse positives on innocent sequences (m = 1024, 400 plain nodes)\n"
	out += fmt.Sprintf("%4s %10s %8s %12s %12s %12s\n", "c", "windows", "fitted", "measured", "n·2^(1−c)", "1−(1−2^(1−c))^n")
	for _, r := range fp {
		out += fmt.Sprintf("%4d %10d %8d %12.3g %12.3g %12.3g\n", r.c, r.windows, r.hits, float64(r.hits)/float64(r.windows), r.analytic, r.exact)
	}
	t.Log(out)

	out = "\nstreaming decoder alarms on whole innocent downloads (m = 1024)\n"
	for _, c := range []int{16, 20, 24, 28} {
		a, n := alarmRate(t, 400, 1024, c, longSeed)
		out += fmt.Sprintf("c = %2d: %d of %d innocent nodes reported a symbol\n", c, a, n)
	}
	t.Log(out)

	wr := measureWrongSymbol(t, 2000, 1024, []int{6, 8, 10, 12, 16, 20, 24}, longSeed)
	out = "\nwrong symbols on the first c HAVEs of encoding nodes (m = 1024, 2000 nodes, x uniform)\n"
	out += fmt.Sprintf("%4s %8s %10s %12s %12s %12s\n", "c", "several", "Alg.3 wrong", "longest wrong", "declined", "stream wrong")
	for _, r := range wr {
		out += fmt.Sprintf("%4d %8d %10d %12d %12d %12d\n", r.c, r.several, r.firstWrong, r.longestWrong, r.longestAmbiguous, r.streamWrong)
	}
	t.Log(out)

	out = "\nHAVEs sent before the streaming decoder reports x (c = DefaultWindow, 400 nodes per row)\n"
	out += fmt.Sprintf("%6s %9s %5s %7s %7s %6s %6s %6s %6s\n", "m", "inflight", "loss", "missed", "wrong", "mean", "p50", "p95", "max")
	for _, cfg := range []struct {
		inflight int
		loss     float64
	}{{1, 0}, {8, 0}, {1, 0.1}, {8, 0.3}} {
		for _, r := range measureNeeded(t, 400, []int{64, 128, 256, 1024, 4096}, steg.DefaultWindow, cfg.inflight, cfg.loss, longSeed) {
			out += fmt.Sprintf("%6d %9d %5.2f %7d %7d %6.1f %6d %6d %6d\n", r.m, cfg.inflight, cfg.loss, r.missed, r.wrong, r.mean, r.p50, r.p95, r.maxN)
		}
	}
	t.Log(out)

	out = "\nframes: 4-byte payload over whole downloads (c = DefaultWindow, 200 nodes per row)\n"
	out += fmt.Sprintf("%6s %5s %9s %5s %8s %6s %8s %6s\n", "m", "slot", "inflight", "loss", "decoded", "wrong", "mean", "p95")
	for _, cfg := range []struct {
		m, slot, inflight int
		loss              float64
	}{{1024, 28, 1, 0}, {1024, 32, 1, 0}, {4096, 32, 1, 0}, {4096, 32, 8, 0}, {4096, 40, 8, 0}, {4096, 32, 1, 0.1}, {4096, 40, 1, 0.1}, {4096, 48, 8, 0.1}} {
		r := measureFrames(t, 200, cfg.m, steg.DefaultWindow, cfg.slot, cfg.inflight, cfg.loss, []byte{0xde, 0xad, 0xbe, 0xef}, longSeed)
		out += fmt.Sprintf("%6d %5d %9d %5.2f %4d/%-3d %6d %8.1f %6d\n", r.m, r.slot, r.inflight, r.loss, r.decoded, r.runs, r.wrong, r.mean, r.p95)
	}
	t.Log(out)

	for _, cfg := range []struct {
		view       float64
		burst, gap int
	}{{0.25, 0, 0}, {0.5, 0, 0}, {1, 0, 0}, {0.5, 32, 224}, {1, 32, 224}, {0.5, 32, 480}} {
		rows, hits, falses := undetectability(t, 200, 1024, cfg.view, cfg.burst, cfg.gap, longSeed)
		mode := "hiding for the whole download"
		if cfg.burst > 0 {
			mode = fmt.Sprintf("Beacon: bursts of %d HAVEs every %d", cfg.burst, cfg.burst+cfg.gap)
		}
		out = fmt.Sprintf("\nobservers, 200 plain and 200 encoding nodes (m = 1024, whole downloads), %s\n", mode)
		out += fmt.Sprintf("%-42s %10s %8s %10s %8s %12s\n", "test", "plain mean", "flagged", "enc mean", "flagged", "plain≠enc p")
		for _, r := range rows {
			out += fmt.Sprintf("%-42s %10.3f %8.3f %10.3f %8.3f %12.3g\n", r.test, r.plainMean, r.plainFlag, r.encMean, r.encFlag, r.distinctP)
		}
		out += fmt.Sprintf("keyed observer (streaming decoder, c = %d): found x in %d of 200 encoding nodes, reported a symbol on %d of 200 plain nodes\n", steg.DefaultWindow, hits, falses)
		t.Log(out)
	}
}
