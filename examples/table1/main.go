// Command table1 prints the DRM paper's Table 1 (Zhang et al., runtime
// re-encryption DRM for BitTorrent-like systems, §3.1) side by side with
// this library's figures at 512, 768, 1024, 1536 and 2048 bits, all five
// columns (SGen, PEnc, PDec, ReKey, T), as a Markdown table, then the
// hybrid scheme on the curves:
//
//	go run ./examples/table1 [-rounds 10] [-prime-rounds 3] [-piece-size 262144]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/swarmblocks/swarmblocks/examples/internal/drmdemo"
)

func main() {
	cfg := drmdemo.DefaultTable1()
	flag.IntVar(&cfg.PieceSize, "piece-size", cfg.PieceSize, "bytes per piece")
	flag.IntVar(&cfg.Rounds, "rounds", cfg.Rounds, "timing rounds per operation (the median is printed)")
	flag.IntVar(&cfg.PrimeRounds, "prime-rounds", cfg.PrimeRounds, "rounds of n-bit prime generation per size (0: skip)")
	curves := flag.String("curves", strings.Join(cfg.Curves, ","), "comma-separated curve groups measured after the mod-p sizes")
	flag.Parse()
	cfg.Curves = nil
	if *curves != "" {
		cfg.Curves = strings.Split(*curves, ",")
	}
	if err := drmdemo.Table1(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "table1:", err)
		os.Exit(1)
	}
}
