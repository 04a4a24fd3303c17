// Command bitstore walks through BitStore's storage network (paper 002 §4;
// package chord): a 2,000-node simulated Chord ring, a departing seeder
// that mputs a file's chunks (q_s encrypted replicas each, stored under
// tracker-signed tickets) and leaves, 30% of the nodes crashing at once,
// and a blocked leecher that mgets every chunk, choosing and paying each
// seller through the auction package's buyer strategy and a second-price
// auction, and lazily restores replicas. It prints lookup hops, holders
// found per chunk, the auctions, and chunks lost (zero).
//
//	go run ./examples/bitstore
//	go run ./examples/bitstore -seed 7 -nodes 5000 -fail 0.5
//
// The run is reproducible from -seed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/swarmblocks/swarmblocks/examples/internal/bitstoredemo"
)

func main() {
	cfg := bitstoredemo.Default()
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the simulation")
	flag.IntVar(&cfg.Nodes, "nodes", cfg.Nodes, "nodes in the ring")
	flag.IntVar(&cfg.Successors, "r", cfg.Successors, "successor-list length")
	flag.IntVar(&cfg.Chunks, "chunks", cfg.Chunks, "chunks of the seeder's file")
	flag.IntVar(&cfg.ChunkSize, "chunksize", cfg.ChunkSize, "bytes per chunk")
	flag.IntVar(&cfg.Replicas, "qs", cfg.Replicas, "replicas per chunk (q_s)")
	flag.IntVar(&cfg.Repair, "c", cfg.Repair, "replica slots each mget re-puts (c)")
	flag.Float64Var(&cfg.FailFrac, "fail", cfg.FailFrac, "fraction of nodes that crash at once")
	flag.Int64Var(&cfg.Valuation, "value", cfg.Valuation, "the leecher's value for the whole file, in tokens")
	flag.IntVar(&cfg.Rivals, "rivals", cfg.Rivals, "rival bidders in each auction")
	flag.IntVar(&cfg.Detail, "detail", cfg.Detail, "chunks printed one per line")
	flag.Parse()
	if err := bitstoredemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bitstore:", err)
		os.Exit(1)
	}
}
