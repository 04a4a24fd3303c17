// Command steg walks through package steg: a PACOM bootstrapping node
// hides swarm id 42 in the order it downloads a 1,024-block file, a
// joining node recovers 42 from its HAVE messages, an observer without the
// key sees nothing unusual (chi-square, runs and KS p-values over many
// nodes), and a framed payload carries several symbols.
//
//	go run ./examples/steg [-seed 1] [-runs 200] [-m 1024] [-x 42] [-quick]
//
// The measured tables of the package documentation come from
//
//	SWARMBLOCKS_LONG=1 go test -run TestMeasureTables -v -timeout 30m ./steg
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/swarmblocks/swarmblocks/examples/internal/stegdemo"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of every simulation")
	runs := flag.Int("runs", 0, "plain and hiding nodes compared by the observers (0: the scale's default)")
	m := flag.Int("m", 0, "blocks of the carrier file (0: 1024)")
	x := flag.Int("x", 0, "swarm id to hide, 1 … 100 (0: 42)")
	quick := flag.Bool("quick", false, "run at the tour's reduced scale")
	flag.Parse()
	cfg := stegdemo.FullConfig(*seed)
	if *quick {
		cfg = stegdemo.TourConfig(*seed)
	}
	if *runs > 0 {
		cfg.Runs = *runs
	}
	if *m > 0 {
		cfg.Blocks = *m
	}
	if *x > 0 {
		cfg.Symbol = *x
	}
	if err := stegdemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "steg:", err)
		os.Exit(1)
	}
}
