// Command tour walks through swarmblocks chapter by chapter: each chapter
// runs one package's walkthrough at a reduced scale and prints what happens
// and the figures it measured.
//
//	go run ./examples/tour              # every chapter
//	go run ./examples/tour -only drm    # chapters whose name contains "drm"
//	go run ./examples/tour -seed 7      # another seed for the simulations
//
// Each chapter lives in its own file of this directory and registers itself
// with [register]; its logic is in examples/internal, shared with the
// stand-alone example of the same name.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// chapter is one stop of the tour.
type chapter struct {
	order int    // position in the tour; chapters run in increasing order
	name  string // short name matched by -only
	title string
	run   func(w io.Writer, seed uint64) error
}

var chapters []chapter

// register adds a chapter to the tour. It is called from init functions.
func register(c chapter) { chapters = append(chapters, c) }

func main() {
	only := flag.String("only", "", "run only the chapters whose name contains this string")
	seed := flag.Uint64("seed", 1, "seed of the simulations (every chapter is reproducible from it)")
	flag.Parse()
	if err := run(os.Stdout, *only, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, only string, seed uint64) error {
	slices.SortFunc(chapters, func(a, b chapter) int { return a.order - b.order })
	fmt.Fprintf(w, "swarmblocks tour (seed %d)\n", seed)
	start := time.Now()
	n := 0
	for _, c := range chapters {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		n++
		fmt.Fprintf(w, "\n== Chapter %d: %s ==\n\n", n, c.title)
		t0 := time.Now()
		if err := c.run(w, seed); err != nil {
			return fmt.Errorf("chapter %q: %w", c.name, err)
		}
		fmt.Fprintf(w, "\n(chapter %q took %v)\n", c.name, time.Since(t0).Round(time.Millisecond))
	}
	if n == 0 {
		return fmt.Errorf("no chapter matches %q", only)
	}
	fmt.Fprintf(w, "\ntour finished: %d chapters in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
