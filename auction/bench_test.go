package auction

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkAuction clears second-price auctions of n bidders (one open
// bid each, random amounts, reserve below most bids) and reports bids
// cleared per second. The target is ≥ 1,000,000 bids/s at 100
// bidders.
func BenchmarkAuction(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("bidders=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			bids := make([]Bid, n)
			for i := range bids {
				bids[i] = Bid{BidderID(i), Amount(1 + rng.IntN(1000))}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Clear(100, bids, rng); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "bids/s")
		})
	}
}

// BenchmarkSealedAuction runs the whole sealed-bid protocol for n
// bidders: seal, commit, close, reveal (one BLAKE3 per opening), clear.
func BenchmarkSealedAuction(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("bidders=%d", n), func(b *testing.B) {
			rnd := rand.NewChaCha8([32]byte{1})
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			id := NewAuctionID(1, ChunkID{1}, 0)
			sealed := make([]SealedBid, n)
			opens := make([]Opening, n)
			for i := range n {
				sb, o, err := testKey(BidderID(i)).Seal(rnd, id, Amount(1+rng.IntN(1000)))
				if err != nil {
					b.Fatal(err)
				}
				sealed[i] = sb
				opens[i] = o
			}
			b.ReportAllocs()
			for b.Loop() {
				s, err := NewSealed(rnd, id, 100)
				if err != nil {
					b.Fatal(err)
				}
				for _, sb := range sealed {
					if err := s.Commit(sb); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.CloseBidding(); err != nil {
					b.Fatal(err)
				}
				for _, o := range opens {
					if err := s.Reveal(o); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Clear(rng); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "bids/s")
		})
	}
}

// BenchmarkMarketPeriod runs one period of a seller's market offering
// 1,000 chunks: 100 chunks requested by 10 sealed bids each (sealing
// included), bidding closed, every bid revealed, auctions settled with a
// capacity of 50.
func BenchmarkMarketPeriod(b *testing.B) {
	const offered, requested, perChunk = 1000, 100, 10
	rnd := rand.NewChaCha8([32]byte{2})
	rng := rand.New(rand.NewPCG(2, 2))
	m, err := NewMarket(rnd, MarketConfig{Seller: 1, Capacity: 50, Altruism: 0.1})
	if err != nil {
		b.Fatal(err)
	}
	chunks := make([]ChunkID, offered)
	for i := range chunks {
		rnd.Read(chunks[i][:])
		if err := m.Offer(chunks[i], Amount(rng.IntN(200))); err != nil {
			b.Fatal(err)
		}
	}
	type reveal struct {
		c ChunkID
		o Opening
	}
	reveals := make([]reveal, 0, requested*perChunk)
	b.ReportAllocs()
	for b.Loop() {
		reveals = reveals[:0]
		for _, ci := range rng.Perm(offered)[:requested] {
			c := chunks[ci]
			id := m.AuctionID(c)
			for j := range perChunk {
				sb, o, err := testKey(BidderID(j)).Seal(rnd, id, Amount(1+rng.IntN(300)))
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Request(c, sb); err != nil {
					b.Fatal(err)
				}
				reveals = append(reveals, reveal{c, o})
			}
		}
		if err := m.CloseBidding(); err != nil {
			b.Fatal(err)
		}
		for _, r := range reveals {
			if err := m.Reveal(r.c, r.o); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := m.Settle(rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(requested*perChunk)*float64(b.N)/b.Elapsed().Seconds(), "bids/s")
}
