// Command marketplace reproduces the evaluation of the BitTorrent Anonymity
// Marketplace [Paper §5.2–5.3] with a flow-level discrete-event simulation
// (internal/marketsim) whose nodes take every decision with the valuation
// package: which torrents to trade, whom to unchoke, what to request.
//
//	go run ./examples/marketplace                       # 20 paper-scale runs, figures in examples/marketplace/out
//	go run ./examples/marketplace -runs 1 -seed 7       # one run
//	go run ./examples/marketplace -sweep                # the weight sweep of §5.2, resumable (-factors have,request: a subset)
//	go run ./examples/marketplace -small                # a reduced marketplace, in a second
//	go run ./examples/marketplace -runs 1 -clients 1000 # a larger marketplace (about 20 s of CPU)
//	go run ./examples/marketplace -weights 1,1,1,1      # other valuation weights
//
// Beyond the paper: -late-start, -even-split (§6.1), -size-spread,
// -hetero (heterogeneous links) and -arrival-tau (paper 003's arrivals).
//
// It prints a text report (also written to OUT/report.txt) and writes the
// figures as PNG files to -out. Every run is reproducible from its seed,
// which the report prints.
//
// Reference: S. J. Nielson and D. S. Wallach, "The BitTorrent Anonymity
// Marketplace", arXiv:1108.2718, 2011.
//
// [Paper §5.2–5.3]: https://arxiv.org/abs/1108.2718
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/marketsim"
	"github.com/swarmblocks/swarmblocks/valuation"
)

func main() {
	var (
		seed       = flag.Uint64("seed", 1, "seed of the first run; run i uses seed+i")
		runs       = flag.Int("runs", 20, "number of runs (seeds)")
		parallel   = flag.Int("parallel", 2, "runs at a time (results do not depend on it)")
		small      = flag.Bool("small", false, "a reduced marketplace instead of the paper's")
		k          = flag.Int("k", 0, "anonymity level (0: the configuration's)")
		clients    = flag.Int("clients", 0, "number of clients (0: the configuration's); the seeds stay one per torrent")
		sweep      = flag.Bool("sweep", false, "run the weight sweep of §5.2 instead of the anonymity runs")
		out        = flag.String("out", "examples/marketplace/out", "directory for the figures and the report")
		lateStart  = flag.Duration("late-start", 0, "§6.1: rotate the native interest in after this time")
		evenSplit  = flag.Bool("even-split", false, "§6.1: pick neighbours evenly from each torrent")
		sizeSpread = flag.Float64("size-spread", 0, "torrent sizes uniform in size·[1−s, 1+s]")
		hetero     = flag.Bool("hetero", false, "heterogeneous client links (a third each at 0.5/1/4 Mbps down, 0.25/1/1 Mbps up)")
		arrivalTau = flag.Duration("arrival-tau", 0, "clients arrive with rate λ0·e^(−t/τ) instead of all at once")
		noWants    = flag.Bool("no-wants", false, "turn off want requests (requests only for torrents a neighbour serves)")
		factors    = flag.String("factors", "", "with -sweep: the factors to sweep, comma-separated (default all)")
		compare    = flag.Bool("compare-requests", true, "also run the seeds without the request factor (§5.2's twenty percent)")
		weights    = flag.String("weights", "", "valuation weights completeness,demand/supply,have,request (default: valuation.DefaultWeights)")
	)
	flag.Parse()
	cfg := marketsim.PaperConfig(*seed)
	if *small {
		cfg = marketsim.SmallConfig(*seed)
	}
	if *k > 0 {
		cfg.K = *k
	}
	if *clients > 0 {
		cfg.Clients = *clients
	}
	if *weights != "" {
		var w valuation.Weights
		if _, err := fmt.Sscanf(*weights, "%g,%g,%g,%g", &w.Completeness, &w.DemandSupply, &w.Have, &w.Request); err != nil {
			fmt.Fprintf(os.Stderr, "marketplace: -weights %q: want four comma-separated numbers: %v\n", *weights, err)
			os.Exit(2)
		}
		if err := w.Validate(); err != nil {
			fmt.Fprintln(os.Stderr, "marketplace:", err)
			os.Exit(2)
		}
		cfg.Valuation.Weights = w
	}
	cfg.ActiveSet.LateStart = *lateStart
	cfg.EvenSplit = *evenSplit
	cfg.NoWants = *noWants
	cfg.SizeSpread = *sizeSpread
	cfg.ArrivalTau = *arrivalTau
	if *hetero {
		cfg.Classes = []marketsim.BandwidthClass{
			{Share: 1, Up: 250_000, Down: 500_000},
			{Share: 1, Up: 1_000_000, Down: 1_000_000},
			{Share: 1, Up: 1_000_000, Down: 4_000_000},
		}
	}
	seeds := make([]uint64, *runs)
	for i := range seeds {
		seeds[i] = *seed + uint64(i)
	}
	sweepFactors := marketsim.Factors
	if *factors != "" {
		sweepFactors = nil
		for _, f := range strings.Split(*factors, ",") {
			if !slices.Contains(marketsim.Factors, marketsim.Factor(f)) {
				fmt.Fprintf(os.Stderr, "marketplace: -factors: unknown factor %q (want %v)\n", f, marketsim.Factors)
				os.Exit(2)
			}
			sweepFactors = append(sweepFactors, marketsim.Factor(f))
		}
	}
	if err := run(os.Stdout, cfg, seeds, *parallel, *sweep, *compare, sweepFactors, *out); err != nil {
		fmt.Fprintln(os.Stderr, "marketplace:", err)
		os.Exit(1)
	}
}

func run(stdout io.Writer, cfg marketsim.Config, seeds []uint64, parallel int, sweep, compareRequests bool, factors []marketsim.Factor, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	w := io.MultiWriter(stdout, &buf)
	fmt.Fprintf(w, "BitTorrent Anonymity Marketplace: k = %d, %d torrents of %d MB in %d KiB pieces, %d clients + %d seeds, %.1f Mbps\n",
		cfg.K, cfg.Torrents, cfg.FileSize/1_000_000, cfg.PieceSize>>10, cfg.Clients, cfg.Torrents, float64(cfg.Bandwidth)/1e6)
	start := time.Now()
	if sweep {
		return runSweep(w, &buf, cfg, seeds, parallel, factors, out, start)
	}
	wt := cfg.Valuation.Weights
	fmt.Fprintf(w, "weights: completeness %g, demand/supply %g, have %g, request %g\n\n", wt.Completeness, wt.DemandSupply, wt.Have, wt.Request)
	rs, err := marketsim.RunSeeds(cfg, seeds, parallel)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%6s %9s %10s %12s %12s %8s\n", "seed", "finished", "downloads", "mean finish", "last finish", "wall")
	for _, r := range rs {
		m := marketsim.Summarize([]*marketsim.Result{r})
		fmt.Fprintf(w, "%6d %5d/%-3d %10.3f %11.0fs %11.0fs %8v\n", r.Config.Seed, r.Finished, r.Config.Clients,
			m.Downloads.Mean, r.MeanDone.Seconds(), r.Makespan.Seconds(), r.Wall.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	s := marketsim.Summarize(rs)
	if err := s.WriteText(w, cfg.K); err != nil {
		return err
	}
	fmt.Fprintf(w, "\npaper (k = 5): downloads 5.71 ± 0.43 torrents (optimum 5); native start and end ranks and volumes within one standard deviation of cover\n")
	if compareRequests && cfg.Valuation.Weights.Request > 0 {
		// §5.2: "When we reconfigured the simulation to ignore direct
		// requests, performance worsened by nearly twenty percent."
		nr := cfg
		nr.Valuation.Weights.Request = 0
		if nr.Valuation.Weights.Validate() == nil {
			rs0, err := marketsim.RunSeeds(nr, seeds, parallel)
			if err != nil {
				return err
			}
			s0 := marketsim.Summarize(rs0)
			pc, err := marketsim.ComparePaired(rs, rs0)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "\nwithout requests (request weight 0, the same %d seeds; performance is the additional download bytes, §4):\n", pc.Seeds)
			fmt.Fprintf(w, "  overhead (downloads - k): %.3f -> %.3f torrents per client; paired change %+.1f%% ± %.1f%% (worse on %d of %d seeds)\n",
				s.Downloads.Mean-float64(cfg.K), s0.Downloads.Mean-float64(cfg.K), 100*pc.Overhead.Mean, 100*pc.Overhead.SD, pc.Worse, pc.Seeds)
			fmt.Fprintf(w, "  downloads per client: %s -> %s; paired change %+.1f%% ± %.1f%%\n", s.Downloads, s0.Downloads, 100*pc.Downloads.Mean, 100*pc.Downloads.SD)
			fmt.Fprintf(w, "  mean time to finish: %.0f s -> %.0f s; paired change %+.1f%% ± %.1f%%\n", s.MeanDone.Mean, s0.MeanDone.Mean, 100*pc.MeanDone.Mean, 100*pc.MeanDone.SD)
			fmt.Fprintf(w, "  replacements per run: %.1f (%.1f partial) -> %.1f (%.1f partial)\n", s.Replacements, s.Partial, s0.Replacements, s0.Partial)
			// §4 counts the bytes "required to achieve a given level of
			// anonymity": the level reached matters as much as the bytes.
			for i, t := range s.Tests {
				if i < len(s0.Tests) && s0.Tests[i].Name == t.Name {
					fmt.Fprintf(w, "  held-out advantage, %s: %.3f -> %.3f\n", t.Name, t.HeldOut, s0.Tests[i].HeldOut)
				}
			}
			fmt.Fprintf(w, "paper: performance nearly twenty percent worse without direct requests\n")
		}
	}
	files, err := plotAll(out, rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nfigures:\n")
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f)
	}
	fmt.Fprintf(w, "total wall time %v\n", time.Since(start).Round(time.Millisecond))
	return os.WriteFile(filepath.Join(out, "report.txt"), buf.Bytes(), 0o644)
}
