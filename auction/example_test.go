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

	// Bidders: seal their bids and send the commitments.
	var openings []auction.Opening
	for _, b := range []auction.Bid{{Bidder: 1, Amount: 35}, {Bidder: 2, Amount: 50}, {Bidder: 3, Amount: 28}} {
		c, o, err := auction.Seal(rand.Reader, id, b.Bidder, b.Amount)
		if err != nil {
			panic(err)
		}
		if err := s.Commit(auction.SealedBid{Auction: id, Bidder: b.Bidder, Commitment: c}); err != nil {
			panic(err)
		}
		openings = append(openings, o)
	}

	// Seller: closes the bidding window.
	if err := s.CloseBidding(); err != nil {
		panic(err)
	}

	// Bidders 1 and 3 reveal; bidder 2 does not.
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
	fmt.Printf("bidder %d wins, pays %d\n", r.Winner, r.Price)
	for _, x := range r.Excluded {
		fmt.Printf("excluded bidder %d: %v\n", x.Bidder, x.Reason)
	}
	// Output:
	// bidder 1 wins, pays 28
	// excluded bidder 2: auction: bid not revealed
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
	bid := func(chunk auction.ChunkID, bidder auction.BidderID, amount auction.Amount) {
		c, o, err := auction.Seal(rand.Reader, m.AuctionID(chunk), bidder, amount)
		if err != nil {
			panic(err)
		}
		if err := m.Request(chunk, auction.SealedBid{Auction: m.AuctionID(chunk), Bidder: bidder, Commitment: c}); err != nil {
			panic(err)
		}
		reveals = append(reveals, func() error { return m.Reveal(chunk, o) })
	}
	bid(a, 1, 40)
	bid(a, 2, 25)
	bid(b, 3, 30)

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
		fmt.Printf("served %v to bidder %d for %d\n", s.Chunk, s.Buyer, s.Price)
	}
	for _, s := range rep.Deferred {
		fmt.Printf("deferred %v (bidder %d)\n", s.Chunk, s.Buyer)
	}
	fmt.Println("next period:", m.Period())
	// Output:
	// served aa00000000000000 to bidder 1 for 25
	// deferred bb00000000000000 (bidder 3)
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
