// Command pacom walks through package pacomchan: PACOM's covert channels,
// circuits and bootstrapping (paper 001 §3), then reproduces the paper's
// evaluation (§6: Figs. 10, 15, 16, 18 and Theorem 1) at full scale.
//
//	go run ./examples/pacom              # paper scale, a few minutes
//	go run ./examples/pacom -quick       # the tour's reduced scale
//	go run ./examples/pacom -seed 7      # another seed
//	go run ./examples/pacom -plots out   # also write the figures as PNGs
//	go run ./examples/pacom -real        # a PACOM network on loopback TCP, a few seconds
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/swarmblocks/swarmblocks/examples/internal/pacomdemo"
	"github.com/swarmblocks/swarmblocks/examples/internal/pacomrealdemo"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of every simulation")
	quick := flag.Bool("quick", false, "run at the tour's reduced scale")
	seeds := flag.Int("seeds", 0, "repetitions behind each figure (0: the scale's default)")
	traffic := flag.Duration("traffic", 0, "duration of each traffic simulation (0: the scale's default)")
	plots := flag.String("plots", "", "directory to write the figures to as PNG files")
	real := flag.Bool("real", false, "run PACOM clients on loopback TCP instead: a circuit through a lossy link")
	loss := flag.Float64("loss", 0.02, "with -real: fraction of blocks lost (and duplicated) on the lossy links")
	flag.Parse()
	if *real {
		cfg := pacomrealdemo.DefaultConfig(*seed)
		cfg.Loss = *loss
		if *traffic > 0 {
			cfg.Duration = *traffic
		}
		start := time.Now()
		if err := pacomrealdemo.Run(os.Stdout, cfg); err != nil {
			fmt.Fprintln(os.Stderr, "pacom:", err)
			os.Exit(1)
		}
		fmt.Printf("\n(done in %v)\n", time.Since(start).Round(time.Millisecond))
		return
	}
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
