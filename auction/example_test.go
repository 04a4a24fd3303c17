package auction_test

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"

	"github.com/swarmblocks/swarmblocks/auction"
)

// The issue's test vector: with a reserve of 100, E's 140 wins and E pays
// A's 130, the highest bid of anyone else.
func ExampleClear() {
	bids := []auction.Bid{
		{Bidder: 'A', Amount: 110}, {Bidder: 'A', Amount: 130},
		{Bidder: 'C', Amount: 125},
		{Bidder: 'D', Amount: 105}, {Bidder: 'D', Amount: 115}, {Bidder: 'D', Amount: 90},
		{Bidder: 'E', Amount: 132}, {Bidder: 'E', Amount: 135}, {Bidder: 'E', Amount: 140},
	}
	r, err := auction.Clear(100, bids, mrand.New(mrand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("winner %c pays %d (high bid %d)\n", rune(r.Winner), r.Price, r.High)

	// A single qualifying bidder pays the reserve; nobody at the reserve,
	// no sale.
	r, _ = auction.Clear(100, []auction.Bid{{Bidder: 'A', Amount: 150}, {Bidder: 'B', Amount: 60}}, nil)
	fmt.Printf("winner %c pays %d\n", rune(r.Winner), r.Price)
	r, _ = auction.Clear(100, []auction.Bid{{Bidder: 'B', Amount: 60}}, nil)
	fmt.Println("sold:", r.Sold)
	// Output:
	// winner E pays 130 (high bid 140)
	// winner A pays 100
	// sold: false
}

// A sealed-bid auction: bidders commit, then reveal; a bidder who does
// not reveal is excluded.
func ExampleSealed() {
	id := auction.NewAuctionID(1, auction.ChunkID{0xc0}, 0)

	// Seller: opens the auction with a private reserve of 20.
	s, err := auction.NewSealed(rand.Reader, id, 20)
	if err != nil {
		panic(err)
	}

	// Bidders: each holds a signing key (its bidder id is derived from
	// it), seals its bid and sends the signed commitment.
	names := map[auction.BidderID]string{}
	var openings []auction.Opening
	for _, b := range []struct {
		name   string
		amount auction.Amount
	}{{"alice", 35}, {"bob", 50}, {"carol", 28}} {
		key, err := auction.GenerateBidderKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		names[key.ID()] = b.name
		sb, o, err := key.Seal(rand.Reader, id, b.amount)
		if err != nil {
			panic(err)
		}
		if err := s.Commit(sb); err != nil {
			panic(err)
		}
		openings = append(openings, o)
	}

	// Seller: closes the bidding window.
	if err := s.CloseBidding(); err != nil {
		panic(err)
	}

	// Alice and Carol reveal; Bob does not.
	for _, o := range []auction.Opening{openings[0], openings[2]} {
		if err := s.Reveal(o); err != nil {
			panic(err)
		}
	}

	// Seller: clears.
	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s wins, pays %d\n", names[r.Winner], r.Price)
	for _, x := range r.Excluded {
		fmt.Printf("excluded %s: %v\n", names[x.Bidder], x.Reason)
	}
	// Output:
	// alice wins, pays 28
	// excluded bob: auction: bid not revealed
}

// One period of a seller's market with room for one sale: two chunks are
// auctioned, the better-paying sale is served and the other deferred.
func ExampleMarket() {
	m, err := auction.NewMarket(rand.Reader, auction.MarketConfig{Seller: 9, Capacity: 1})
	if err != nil {
		panic(err)
	}
	a, b := auction.ChunkID{0xaa}, auction.ChunkID{0xbb}
	m.Offer(a, 10)
	m.Offer(b, 10)

	var reveals []func() error
	names := map[auction.BidderID]string{}
	bid := func(chunk auction.ChunkID, name string, amount auction.Amount) {
		key, err := auction.GenerateBidderKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		names[key.ID()] = name
		sb, o, err := key.Seal(rand.Reader, m.AuctionID(chunk), amount)
		if err != nil {
			panic(err)
		}
		if err := m.Request(chunk, sb); err != nil {
			panic(err)
		}
		reveals = append(reveals, func() error { return m.Reveal(chunk, o) })
	}
	bid(a, "alice", 40)
	bid(a, "bob", 25)
	bid(b, "carol", 30)

	m.CloseBidding()
	for _, r := range reveals {
		if err := r(); err != nil {
			panic(err)
		}
	}
	rep, err := m.Settle(mrand.New(mrand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	for _, s := range rep.Sales {
		fmt.Printf("served %v to %s for %d\n", s.Chunk, names[s.Buyer], s.Price)
	}
	for _, s := range rep.Deferred {
		fmt.Printf("deferred %v (%s)\n", s.Chunk, names[s.Buyer])
	}
	fmt.Println("next period:", m.Period())
	// Output:
	// served aa00000000000000 to alice for 25
	// deferred bb00000000000000 (carol)
	// next period: 1
}

// A buyer valuing 4 chunks at 60 bids 15 on each, and picks the cheaper
// of the sellers holding a chunk.
func ExampleBuyer() {
	chunks := []auction.ChunkID{{1}, {2}, {3}, {4}}
	b, err := auction.NewBuyer(auction.BuyerConfig{ID: 7, Valuation: 60, Chunks: chunks})
	if err != nil {
		panic(err)
	}
	fmt.Println("bid per chunk:", b.Bid())
	fmt.Println("chunks bid on with 40 tokens:", len(b.Plan(0, 40)))

	quotes := []auction.Quote{{Seller: 1, Price: 14, Known: true}, {Seller: 2, Price: 9, Known: true}}
	i, err := b.ChooseSeller(quotes, mrand.New(mrand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	fmt.Println("buys from seller", quotes[i].Seller)
	// Output:
	// bid per chunk: 15
	// chunks bid on with 40 tokens: 2
	// buys from seller 2
}
