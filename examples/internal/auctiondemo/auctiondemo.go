// Package auctiondemo is the walkthrough of packages auction and
// auction/token shared by examples/auction and the tour: BitStore's chunk
// market (paper 002, Figure 2 and §5). Sellers holding replicas of two
// files' chunks run periodic sealed-bid second-price auctions; blocked
// leechers bid V/k per missing chunk in parallel, pick sellers by price,
// back off when they lose or run short, and pay with blind-RSA tokens
// through escrow, confirming each chunk only after checking its hash. A
// seller that serves a corrupted chunk is not paid (the buyer is refunded
// at the escrow deadline) and a replayed token is refused.
//
// The run is a discrete-event simulation (internal/des) reproducible from
// its seed, except for the timings it prints. Cryptographic randomness
// (token serials, blinding, commitment nonces) comes from crypto/rand and
// does not influence the market.
package auctiondemo

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Config sets the scale of the walkthrough.
type Config struct {
	Seed          uint64
	Sellers       int // storage nodes selling chunks
	Buyers        int // blocked leechers, spread over the files' swarms
	Files         int // files, one swarm each
	ChunksPerFile int // chunks of each file stored in the network
	Replicas      int // sellers holding each chunk
	ChunkSize     int // bytes per chunk
	Capacity      int // N_c, chunks a seller serves per period
	Duration      time.Duration
	StartTokens   int     // tokens each buyer buys at the start
	TopUp         int     // tokens a buyer short of tokens buys
	Altruism      float64 // probability of an altruistic sale below reserve
	KeyBits       int     // the exchange's RSA modulus size, for a fresh key
	TestKey       bool    // use RFC 9500's published 2048-bit test key instead
	Corrupt       float64 // probability that seller 0 serves a corrupted chunk
	Detail        int     // seller periods printed in full
}

// Default is the full walkthrough of examples/auction.
func Default() Config {
	return Config{Seed: 1, Sellers: 3, Buyers: 10, Files: 2, ChunksPerFile: 6, Replicas: 2,
		ChunkSize: 16 << 10, Capacity: 3, Duration: 60 * time.Second, StartTokens: 30, TopUp: 10,
		Altruism: 0.1, KeyBits: 2048, Corrupt: 0.3, Detail: 6}
}

// TourConfig is the reduced walkthrough of the tour.
func TourConfig(seed uint64) Config {
	c := Default()
	c.Seed = seed
	c.Duration = 24 * time.Second
	c.StartTokens = 12
	c.TopUp = 6
	c.Detail = 3
	c.TestKey = true // key generation takes 0.2–3 s; the tour has no time for it
	return c
}

func (c *Config) check() error {
	switch {
	case c.Sellers < 1 || c.Buyers < 1 || c.Files < 1 || c.ChunksPerFile < 1:
		return errors.New("auctiondemo: need at least one seller, buyer, file and chunk")
	case c.Replicas < 1 || c.Replicas > c.Sellers:
		return fmt.Errorf("auctiondemo: %d replicas with %d sellers", c.Replicas, c.Sellers)
	case c.ChunkSize < 1 || c.Capacity < 1 || c.Duration <= 0:
		return errors.New("auctiondemo: chunk size, capacity and duration must be positive")
	case c.StartTokens < 0 || c.TopUp < 0:
		return errors.New("auctiondemo: negative token amounts")
	case !(c.Corrupt >= 0 && c.Corrupt <= 1):
		return errors.New("auctiondemo: corruption probability outside [0, 1]")
	}
	return nil
}

// Run prints the walkthrough to w.
func Run(w io.Writer, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	d, err := newDemo(w, cfg)
	if err != nil {
		return err
	}
	return d.run()
}
