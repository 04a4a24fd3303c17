// Command drm walks through runtime re-encryption DRM (package reencrypt):
// a tracker, an original seed and three peers; a piece travels
// seed → A → B → C, re-encrypted at every hop; each peer decrypts with its
// licence; a collusion attempt and a polluted piece fail; the costs of the
// paper's Table 1 are measured.
//
//	go run ./examples/drm [-group ristretto255] [-pieces 8] [-piece-size 262144]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/swarmblocks/swarmblocks/examples/internal/drmdemo"
)

func main() {
	cfg := drmdemo.Default()
	flag.StringVar(&cfg.Group, "group", cfg.Group, "group of the protected torrent")
	flag.IntVar(&cfg.Pieces, "pieces", cfg.Pieces, "pieces in the torrent")
	flag.IntVar(&cfg.PieceSize, "piece-size", cfg.PieceSize, "bytes per piece")
	measure := flag.String("measure", strings.Join(cfg.Measure, ","), "comma-separated groups to time (empty: none)")
	flag.IntVar(&cfg.Rounds, "rounds", cfg.Rounds, "timing rounds per operation")
	flag.Parse()
	cfg.Measure = nil
	if *measure != "" {
		cfg.Measure = strings.Split(*measure, ",")
	}
	if err := drmdemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "drm:", err)
		os.Exit(1)
	}
}
