// Command auction walks through BitStore's chunk market (paper 002,
// Figure 2 and §5; packages auction and auction/token): three sellers run
// periodic sealed-bid second-price auctions with private reserve prices
// for the chunks they store, ten blocked leechers bid V/k per missing
// chunk in parallel and pay with blind-RSA tokens through escrow, and the
// token ledger is audited at the end. A replayed token is refused, and a
// seller serving corrupted chunks is not paid.
//
//	go run ./examples/auction
//	go run ./examples/auction -seed 7 -duration 2m -buyers 20
//
// The exchange generates a fresh RSA key at start (-keybits, 2048 by
// default, the package minimum), which takes a moment; -testkey uses RFC
// 9500's published test key instead, as the tour does. Blind-signing each
// token costs a few milliseconds, so the run's time is mostly token
// issuance. The market is reproducible from -seed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/swarmblocks/swarmblocks/examples/internal/auctiondemo"
)

func main() {
	cfg := auctiondemo.Default()
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the simulation")
	flag.IntVar(&cfg.Sellers, "sellers", cfg.Sellers, "storage nodes selling chunks")
	flag.IntVar(&cfg.Buyers, "buyers", cfg.Buyers, "blocked leechers buying chunks")
	flag.IntVar(&cfg.Files, "files", cfg.Files, "files (swarms)")
	flag.IntVar(&cfg.ChunksPerFile, "chunks", cfg.ChunksPerFile, "chunks per file in the storage network")
	flag.IntVar(&cfg.Replicas, "replicas", cfg.Replicas, "sellers holding each chunk")
	flag.IntVar(&cfg.Capacity, "nc", cfg.Capacity, "N_c: chunks a seller serves per period")
	flag.DurationVar(&cfg.Duration, "duration", cfg.Duration, "simulated duration of the market")
	flag.IntVar(&cfg.StartTokens, "tokens", cfg.StartTokens, "tokens each buyer buys at the start")
	flag.IntVar(&cfg.TopUp, "topup", cfg.TopUp, "tokens a buyer short of tokens buys")
	flag.Float64Var(&cfg.Altruism, "altruism", cfg.Altruism, "probability of an altruistic sale below reserve")
	flag.Float64Var(&cfg.Corrupt, "corrupt", cfg.Corrupt, "probability that seller S0 serves a corrupted chunk")
	flag.IntVar(&cfg.KeyBits, "keybits", cfg.KeyBits, "RSA modulus size of the exchange")
	flag.BoolVar(&cfg.TestKey, "testkey", cfg.TestKey, "use RFC 9500's published 2048-bit test key instead of a fresh key")
	flag.IntVar(&cfg.Detail, "detail", cfg.Detail, "seller periods printed in full")
	flag.Parse()
	if err := auctiondemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "auction:", err)
		os.Exit(1)
	}
}
