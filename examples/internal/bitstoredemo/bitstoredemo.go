// Package bitstoredemo is the walkthrough of BitStore's storage network
// (paper 002 §4, package chord) shared by examples/bitstore and the tour: a
// simulated Chord ring, a departing seeder that mputs a file's chunks and
// leaves, a mass failure, and a blocked leecher that mgets every chunk,
// buying each through the auction package's buyer strategy and a
// second-price auction at the chosen holder.
package bitstoredemo

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/auction"
	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// Config sizes the walkthrough.
type Config struct {
	Seed       uint64
	Nodes      int     // ring size
	Successors int     // r
	Chunks     int     // chunks of the seeder's file
	ChunkSize  int     // bytes per chunk
	Replicas   int     // q_s
	Repair     int     // c, slots an mget re-puts
	FailFrac   float64 // fraction of nodes that crash at once
	Valuation  int64   // V, the leecher's value for the whole file, in tokens
	Rivals     int     // other bidders in each auction
	Detail     int     // chunks printed one per line
}

// Default is the full-scale walkthrough of the issue: a 2,000-node ring and
// 30% of the nodes failing.
func Default() Config {
	return Config{Seed: 1, Nodes: 2000, Successors: 8, Chunks: 64, ChunkSize: 16 << 10, Replicas: 10,
		Repair: chord.DefaultRepair, FailFrac: 0.3, Valuation: 6400, Rivals: 2, Detail: 8}
}

// TourConfig is the reduced walkthrough the tour runs.
func TourConfig(seed uint64) Config {
	c := Default()
	c.Seed, c.Nodes, c.Chunks, c.ChunkSize, c.Detail = seed, 1000, 24, 4<<10, 6
	return c
}

// Run runs the walkthrough and prints what happens.
func Run(w io.Writer, cfg Config) error {
	if cfg.Nodes < 2*cfg.Successors+2 || cfg.Chunks < 1 || cfg.FailFrac < 0 || cfg.FailFrac >= 1 || cfg.Valuation < int64(cfg.Chunks) {
		return errors.New("bitstoredemo: configuration out of range")
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xb175))
	tracker, err := chord.NewTracker(rand.NewChaCha8([32]byte{byte(cfg.Seed), byte(cfg.Seed >> 8), 't'}))
	if err != nil {
		return err
	}
	c := simnet.NewCluster(simnet.ClusterConfig{Successors: cfg.Successors,
		TrustedTrackers: []ed25519.PublicKey{tracker.PublicKey()}, Lifetime: 24 * time.Hour}, cfg.Seed)
	tracker.SetClock(c.Sim.Now, time.Hour)

	fmt.Fprintf(w, "seed %d: growing a %d-node Chord ring (r = %d) by joins and stabilisation...\n", cfg.Seed, cfg.Nodes, cfg.Successors)
	t0 := time.Now()
	if err := c.Grow(cfg.Nodes); err != nil {
		return err
	}
	if err := c.CheckStable(); err != nil {
		return err
	}
	hr := c.MeasureLookups(1000)
	fmt.Fprintf(w, "  ring ideal after %v; 1000 lookups: mean %.2f hops (½·log2 N = %.2f), p99 %d\n",
		time.Since(t0).Round(time.Millisecond), hr.Mean, hr.Half, hr.P99)

	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(rng.Uint32())
	}
	swarm, err := chord.NewSwarm(secret, cfg.Replicas)
	if err != nil {
		return err
	}

	// The departing seeder stores every chunk q_s times, then leaves.
	seeder := c.Random()
	file := make([][]byte, cfg.Chunks)
	hashes := make([][32]byte, cfg.Chunks)
	stored, holders, hops := 0, 0, 0
	for i := range file {
		file[i] = make([]byte, cfg.ChunkSize)
		for k := range file[i] {
			file[i][k] = byte(rng.Uint32())
		}
		pr, err := seeder.MPut(ctx, swarm, tracker, file[i])
		if err != nil {
			return fmt.Errorf("mput chunk %d: %w", i, err)
		}
		hashes[i] = pr.ChunkHash
		stored += pr.Stored
		holders += pr.Holders
		hops += pr.Hops
	}
	fmt.Fprintf(w, "\ndeparting seeder %v mputs %d chunks of %d bytes, q_s = %d (encrypted under the swarm secret):\n",
		seeder.Info(), cfg.Chunks, cfg.ChunkSize, cfg.Replicas)
	fmt.Fprintf(w, "  %d replicas stored on %.2f distinct holders per chunk, %.1f lookup hops per replica\n",
		stored, float64(holders)/float64(cfg.Chunks), float64(hops)/float64(stored))
	st := seeder.State()
	if err := c.Leave(seeder.Info().Addr); err != nil {
		return fmt.Errorf("seeder leave: %w", err)
	}
	fmt.Fprintf(w, "  the seeder leaves, handing its own %d replica(s) to its successor\n", st.Blocks)

	// A mass failure.
	leecher := c.Random()
	kill := int(cfg.FailFrac * float64(c.Len()))
	for killed := 0; killed < kill; {
		n := c.Random()
		if n != leecher {
			c.Fail(n.Info().Addr)
			killed++
		}
	}
	before := slotCensus(ctx, c, swarm, hashes)
	fmt.Fprintf(w, "\n%d nodes (%.0f%%) crash at once: replica slots still held per chunk: mean %.2f, min %d\n",
		kill, 100*cfg.FailFrac, before.mean, before.min)
	rounds, err := c.StabilizeUntilStable(200)
	if err != nil {
		return fmt.Errorf("restabilise: %w", err)
	}
	c.FixAllFingers()
	fmt.Fprintf(w, "  the %d survivors' ring is ideal again after %d stabilisation rounds\n", c.Len(), rounds)

	// The blocked leecher buys every chunk.
	buyer, err := auction.NewBuyer(auction.BuyerConfig{ID: 1, Valuation: auction.Amount(cfg.Valuation), Chunks: chunkIDs(hashes)})
	if err != nil {
		return err
	}
	reserve := func(h chord.NodeInfo) auction.Amount { // each holder's private reserve price
		return auction.Amount(1 + (int64(h.ID[0])*int64(buyer.Bid()))/512)
	}
	quote := func(_ auction.ChunkID, h chord.NodeInfo) auction.Quote {
		return auction.Quote{Seller: sellerID(h), Price: reserve(h), Known: true}
	}
	choose := auction.PickSeller(buyer, rng, quote)
	var period uint64
	lostAuctions := 0
	// The hook chooses the cheapest holder, then runs the second-price
	// auction there against rival bidders; a lost auction fails the mget
	// and the leecher backs off (Figure 2, case 2).
	hook := chord.PickSellerFunc(func(ctx context.Context, ch [32]byte, hs []chord.NodeInfo) (int, error) {
		k, err := choose(ctx, ch, hs)
		if err != nil {
			return 0, err
		}
		bids := []auction.Bid{{Bidder: buyer.ID(), Amount: buyer.Bid()}}
		for j := range cfg.Rivals {
			bids = append(bids, auction.Bid{Bidder: auction.BidderID(100 + j), Amount: auction.Amount(1 + rng.Int64N(int64(buyer.Bid())*5/4))})
		}
		buyer.Placed(auction.ChunkID(ch))
		res, err := auction.Clear(reserve(hs[k]), bids, rng)
		if err != nil {
			return 0, err
		}
		if !res.Sold || res.Winner != buyer.ID() {
			buyer.Lost(auction.ChunkID(ch), period, rng)
			return 0, errAuctionLost
		}
		buyer.Won(auction.ChunkID(ch), res.Price)
		return k, nil
	})

	fmt.Fprintf(w, "\nblocked leecher %v mgets every chunk (V = %d tokens, bids V/k = %d per chunk, %d rival bidders per auction):\n",
		leecher.Info(), cfg.Valuation, buyer.Bid(), cfg.Rivals)
	fmt.Fprintf(w, "  %-6s %9s %8s %6s %9s %s\n", "chunk", "hops(q_s)", "holders", "slots", "restored", "bought from")
	lost, totalHops, tries := 0, 0, 0
	for i, h := range hashes {
		var res chord.MGetResult
		for attempt := 0; ; attempt++ {
			period++
			tries++
			res, err = leecher.MGet(ctx, swarm, tracker, h, chord.MGetOptions{Picker: hook, Repair: cfg.Repair, Rand: rng})
			if errors.Is(err, errAuctionLost) && attempt < 50 {
				lostAuctions++
				continue // back off and bid again in a later period
			}
			break
		}
		if errors.Is(err, chord.ErrChunkLost) {
			lost++
			fmt.Fprintf(w, "  %-6d LOST\n", i)
			continue
		}
		if err != nil {
			return fmt.Errorf("mget chunk %d: %w", i, err)
		}
		if string(res.Chunk) != string(file[i]) {
			return fmt.Errorf("chunk %d: wrong content", i)
		}
		totalHops += res.Hops
		if i < cfg.Detail {
			fmt.Fprintf(w, "  %-6d %9d %8d %6d %9d %v\n", i, res.Hops, len(res.Holders), res.Slots, res.Repaired.Stored, res.Seller)
		}
	}
	if cfg.Detail < cfg.Chunks {
		fmt.Fprintf(w, "  ... (%d more chunks)\n", cfg.Chunks-cfg.Detail)
	}
	after := slotCensus(ctx, c, swarm, hashes)
	fmt.Fprintf(w, "  chunks lost: %d of %d; mean lookup hops per mget (q_s lookups): %.1f\n", lost, cfg.Chunks, float64(totalHops)/float64(cfg.Chunks))
	fmt.Fprintf(w, "  auctions: %d won, %d lost (each loss means back off and bid again); paid %d tokens, %.1f per chunk (bid %d)\n",
		tries-lostAuctions, lostAuctions, buyer.Spent(), float64(buyer.Spent())/float64(max(cfg.Chunks-lost, 1)), buyer.Bid())
	fmt.Fprintf(w, "  replica slots held per chunk: %.2f after the failure → %.2f after the leecher's lazy repair (c = %d)\n",
		before.mean, after.mean, cfg.Repair)
	if lost > 0 {
		return fmt.Errorf("bitstoredemo: %d chunks lost", lost)
	}
	return nil
}

var errAuctionLost = errors.New("auction lost")

func sellerID(h chord.NodeInfo) auction.SellerID {
	var v uint64
	for _, b := range h.ID[:8] {
		v = v<<8 | uint64(b)
	}
	return auction.SellerID(v)
}

func chunkIDs(hs [][32]byte) []auction.ChunkID {
	out := make([]auction.ChunkID, len(hs))
	for i, h := range hs {
		out[i] = auction.ChunkID(h)
	}
	return out
}

type census struct {
	mean float64
	min  int
}

// slotCensus counts, with the oracle, how many replica slots of each chunk
// are held by their key's current owner.
func slotCensus(ctx context.Context, c *simnet.Cluster, sw *chord.Swarm, hashes [][32]byte) census {
	total, lo := 0, math.MaxInt
	ep := c.Net.Endpoint("census")
	for _, h := range hashes {
		n := 0
		for i := range sw.Replicas() {
			key := sw.ReplicaKey(h, i)
			var resp chord.Response
			if ep.Call(ctx, c.Owner(key).Addr, &chord.Request{Kind: chord.KindHas, Key: key}, &resp) == nil && resp.Found {
				n++
			}
		}
		total += n
		lo = min(lo, n)
	}
	return census{mean: float64(total) / float64(len(hashes)), min: lo}
}
