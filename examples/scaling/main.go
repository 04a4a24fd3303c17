// Command scaling runs the scaling suite of package internal/scaling: the
// cost of each subsystem (Chord ring build and lookup, the PACOM Fig. 10
// growth, the swarmmodel workload generator, the marketplace simulation)
// against its size, the power laws fitted to cost and work, and a figure
// of the curves.
//
//	go run ./examples/scaling                                    # CI's sizes, a few seconds
//	go run ./examples/scaling -long -reps 2 -o docs/scaling.svg  # the README's figure, about 10 minutes
//	go run ./examples/scaling -long -only chord/lookup -o a.png  # one curve, as a PNG
//
// Costs are process CPU times; -reps measures each curve several times
// and keeps the least cost at each size, the steadiest figure on a shared
// machine. Run it from the repository's root (the workspace covers the
// examples module).
//
// The same kernels back each package's BenchmarkScaling
// (go test -run '^$' -bench Scaling ./...).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
)

func main() {
	out := flag.String("o", "", "write the figure to these files (comma-separated; .svg, .png or .pdf)")
	long := flag.Bool("long", false, "measure the full range of sizes (minutes) instead of CI's")
	seed := flag.Uint64("seed", 1, "seed of every run")
	only := flag.String("only", "", "comma-separated curve names to measure (default: all)")
	reps := flag.Int("reps", 1, "measure each curve this many times and keep the least cost at each size")
	flag.Parse()
	subs, err := pick(scaling.All(), *only)
	if err == nil {
		err = run(os.Stdout, subs, options{long: *long, seed: *seed, reps: *reps, out: *out})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scaling:", err)
		os.Exit(1)
	}
}

// pick selects the subsystems named in only, a comma-separated list.
func pick(all []scaling.Subsystem, only string) ([]scaling.Subsystem, error) {
	if only == "" {
		return all, nil
	}
	var subs []scaling.Subsystem
	for name := range strings.SplitSeq(only, ",") {
		found := false
		for _, s := range all {
			if s.Name == name {
				subs = append(subs, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no curve named %q", name)
		}
	}
	return subs, nil
}

// options are the command's flags.
type options struct {
	long bool   // the long sizes
	seed uint64 // seed of every run
	reps int    // measurements of each curve; the least cost is kept
	out  string // the figure's files, comma-separated, or none
}

// run measures subs, prints each curve and its fit to w, and draws the
// figure into each file of o.out.
func run(w io.Writer, subs []scaling.Subsystem, o options) error {
	if o.reps < 1 {
		return fmt.Errorf("-reps %d: need at least one measurement", o.reps)
	}
	var outs []string
	if o.out != "" {
		outs = strings.Split(o.out, ",")
	}
	for _, out := range outs {
		// Fail on a bad name before the minutes of measuring.
		if _, err := canvas(out); err != nil {
			return err
		}
	}
	var curves []scaling.Curve
	for _, s := range subs {
		sizes := s.Short
		if o.long {
			sizes = s.Long
		}
		var runs []scaling.Curve
		for range o.reps {
			c, err := scaling.Measure(s, sizes, o.seed)
			if err != nil {
				return err
			}
			runs = append(runs, c)
		}
		c, err := scaling.Best(runs...)
		if err != nil {
			return err
		}
		if err := report(w, c, o.reps); err != nil {
			return err
		}
		curves = append(curves, c)
	}
	for _, out := range outs {
		if err := drawFigure(curves, out); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "wrote %s\n", out); err != nil {
			return err
		}
	}
	return nil
}

// report prints one curve: a row per size, then the fitted exponents.
func report(w io.Writer, c scaling.Curve, reps int) error {
	s := c.Subsystem
	e, err := c.Fit()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s — %s (seed %d, least of %d); work: %s, expected %s\n", s.Name, s.Op, c.Seed, reps, s.Work, s.Expected)
	fmt.Fprintf(w, "  %12s  %14s  %14s  %14s\n", "N "+s.Size, "CPU per op", "work per op", "CPU per work")
	for _, p := range c.Points {
		fmt.Fprintf(w, "  %12d  %14v  %14.4g  %12.4g ns\n", p.Size, p.Cost, p.Work, float64(p.Cost.Nanoseconds())/p.Work)
	}
	_, err = fmt.Fprintf(w, "  fitted: cost ∝ N^%.3f (r² %.3f), work ∝ N^%.3f (r² %.3f), model %s ∝ N^%.3f; excess of cost over work %+.3f\n\n",
		e.Cost, e.CostR2, e.Work, e.WorkR2, s.Expected, e.Model, e.Excess())
	return err
}
