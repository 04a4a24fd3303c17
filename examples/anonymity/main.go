// Command anonymity walks through package anonymity at full scale: an
// entropy table for PACOM's scenarios with Theorem 2 against its
// Monte-Carlo check; the detection rate of the passive flow-correlation
// attack over observation time for a naive mix and for PACOM's
// request-driven relay (a PNG); intersection attacks on an innocent and a
// malicious receiver with and without their defences (a PNG); and the
// Anonymity Marketplace's indistinguishability statistics. Its tables are
// the ones quoted in the package documentation.
//
//	go run ./examples/anonymity [-seed 1] [-out examples/anonymity/out] [-quick]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/swarmblocks/swarmblocks/examples/internal/anonymitydemo"
)

func main() {
	seed := flag.Uint64("seed", 1, "seed of every simulation")
	out := flag.String("out", "examples/anonymity/out", "directory for the PNG figures (empty: none)")
	quick := flag.Bool("quick", false, "run at the tour's reduced scale")
	days := flag.Int("days", 0, "days of intersection attack (0: the scale's default)")
	trials := flag.Int("trials", 0, "trials per detection point (0: the scale's default)")
	flag.Parse()
	cfg := anonymitydemo.FullConfig(*seed)
	if *quick {
		cfg = anonymitydemo.TourConfig(*seed)
	}
	cfg.OutDir = *out
	if *days > 0 {
		cfg.Days = *days
	}
	if *trials > 0 {
		cfg.DetectTrials = *trials
	}
	if err := anonymitydemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "anonymity:", err)
		os.Exit(1)
	}
}
