// Command pacom walks through package pacomchan: PACOM's covert channels,
// circuits and bootstrapping (paper 001 §3), then reproduces the paper's
// evaluation (§6: Figs. 10, 15, 16, 18 and Theorem 1) at full scale.
//
//	go run ./examples/pacom              # paper scale, a few minutes
//	go run ./examples/pacom -quick       # the tour's reduced scale
//	go run ./examples/pacom -seed 7      # another seed
//	go run ./examples/pacom -plots out   # also write the figures as PNGs
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/swarmblocks/swarmblocks/examples/internal/pacomdemo"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of every simulation")
	quick := flag.Bool("quick", false, "run at the tour's reduced scale")
	seeds := flag.Int("seeds", 0, "repetitions behind each figure (0: the scale's default)")
	traffic := flag.Duration("traffic", 0, "duration of each traffic simulation (0: the scale's default)")
	plots := flag.String("plots", "", "directory to write the figures to as PNG files")
	flag.Parse()
	cfg := pacomdemo.FullConfig(*seed)
	if *quick {
		cfg = pacomdemo.TourConfig(*seed)
	}
	if *seeds > 0 {
		cfg.Seeds = *seeds
	}
	if *traffic > 0 {
		cfg.Traffic = *traffic
	}
	cfg.PlotDir = *plots
	start := time.Now()
	if err := pacomdemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "pacom:", err)
		os.Exit(1)
	}
	fmt.Printf("\n(done in %v)\n", time.Since(start).Round(time.Millisecond))
}
