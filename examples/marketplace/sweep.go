package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/marketsim"
	"github.com/swarmblocks/swarmblocks/valuation"
)

// runSweep runs the weight sweep of §5.2: each factor over
// valuation.WeightGrid, the others at 1, one configuration at a time. Each
// finished configuration is appended to OUT/sweep.tsv at once, and a sweep
// started again with the same seeds skips the configurations already
// there, so that a long sweep survives an interruption. The demand/supply
// weights above 2, whose marketplaces churn most and cost most, run last.
// The table (OUT/sweep.txt), the chosen weights and the plot come from
// the whole record.
func runSweep(w io.Writer, buf *bytes.Buffer, cfg marketsim.Config, seeds []uint64, parallel int, factors []marketsim.Factor, out string, start time.Time) error {
	fmt.Fprintf(w, "weight sweep [§5.2]: each factor over %v, the others at 1; %d runs each (seeds %d..%d)\n\n",
		valuation.WeightGrid, len(seeds), seeds[0], seeds[len(seeds)-1])
	record := filepath.Join(out, "sweep.tsv")
	pts, err := readRecord(record, len(seeds))
	if err != nil {
		return err
	}
	type job struct {
		f marketsim.Factor
		v float64
	}
	var jobs, last []job
	for _, f := range factors {
		for _, v := range valuation.WeightGrid {
			if f == marketsim.FactorDemandSupply && v > 2 {
				last = append(last, job{f, v})
			} else {
				jobs = append(jobs, job{f, v})
			}
		}
	}
	for _, j := range append(jobs, last...) {
		weights := marketsim.SetWeight(marketsim.Centre(), j.f, j.v)
		if slices.ContainsFunc(pts, func(p marketsim.SweepPoint) bool { return p.Weights == weights && p.Factor == j.f }) {
			continue
		}
		var pt marketsim.SweepPoint
		if i := slices.IndexFunc(pts, func(p marketsim.SweepPoint) bool { return p.Weights == weights }); i >= 0 {
			pt = pts[i] // the centre, met once per factor
			pt.Factor, pt.Weight = j.f, j.v
		} else if pt, err = marketsim.RunPoint(cfg, j.f, j.v, seeds, parallel); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  %s = %g: downloads %s, mean finish %.0f s, replaced %.0f (partial %.0f) (%v)\n",
			j.f, j.v, pt.Downloads, pt.MeanDone.Seconds(), pt.Replacements, pt.Partial, time.Since(start).Round(time.Second))
		pts = append(pts, pt)
		if err := writeRecord(record, pts); err != nil {
			return err
		}
	}
	// The table in the order of the factors and the grid.
	order := func(p marketsim.SweepPoint) int {
		return slices.Index(marketsim.Factors, p.Factor)*len(valuation.WeightGrid) + slices.Index(valuation.WeightGrid, p.Weight)
	}
	slices.SortStableFunc(pts, func(a, b marketsim.SweepPoint) int { return order(a) - order(b) })
	if err := writeRecord(record, pts); err != nil {
		return err
	}
	if err := marketsim.WriteSweep(w, pts, marketsim.PaperDownloads); err != nil {
		return err
	}
	cw, _ := marketsim.ChooseWeights(pts, marketsim.PaperDownloads)
	fmt.Fprintf(w, "\nchosen (marketsim.ChooseWeights: the fastest configuration whose downloads lie in %s): completeness %g, demand/supply %g, have %g, request %g\n",
		marketsim.PaperDownloads, cw.Completeness, cw.DemandSupply, cw.Have, cw.Request)
	if err := plotSweep(filepath.Join(out, "sweep.png"), pts); err != nil {
		return err
	}
	if err := plotTradeOff(filepath.Join(out, "tradeoff.png"), pts, cfg.K); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nfigures: %s, %s (%v)\n", filepath.Join(out, "sweep.png"), filepath.Join(out, "tradeoff.png"), time.Since(start).Round(time.Second))
	return os.WriteFile(filepath.Join(out, "sweep.txt"), buf.Bytes(), 0o644)
}

// readRecord reads the sweep record at path, or nothing if there is none.
// A record of another number of runs is an error: it belongs to another
// sweep.
func readRecord(path string, runs int) ([]marketsim.SweepPoint, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pts, err := marketsim.ReadSweepData(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, p := range pts {
		if p.Runs != runs {
			return nil, fmt.Errorf("%s: a sweep of %d runs per configuration, not %d: move it away to start another", path, p.Runs, runs)
		}
	}
	return pts, nil
}

// writeRecord replaces the record at path by pts, through a temporary file
// so that an interruption leaves the old record whole.
func writeRecord(path string, pts []marketsim.SweepPoint) error {
	var b bytes.Buffer
	if err := marketsim.WriteSweepData(&b, pts); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
