package auction

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBuyerBids(t *testing.T) {
	b, err := NewBuyer(BuyerConfig{ID: 1, Valuation: 100, Chunks: []ChunkID{chunk(1), chunk(2), chunk(3)}})
	require.NoError(t, err)
	require.Equal(t, Amount(33), b.Bid(), "V/k rounded down")

	// Parallel bids on every chunk it can pay for.
	require.Equal(t, []ChunkID{chunk(1), chunk(2), chunk(3)}, b.Plan(0, 1000))
	require.Empty(t, b.Short())
	require.Equal(t, []ChunkID{chunk(1), chunk(2)}, b.Plan(0, 70))
	require.Equal(t, []ChunkID{chunk(3)}, b.Short(), "short of tokens")
	require.Empty(t, b.Plan(0, 32))
	require.Len(t, b.Short(), 3)
	require.Empty(t, b.Plan(0, -5))

	// Bids in flight are not planned again, and their tokens are set
	// aside.
	b.Placed(chunk(1))
	b.Placed(chunk(1))
	require.Equal(t, Amount(33), b.InFlight())
	require.Equal(t, []ChunkID{chunk(2)}, b.Plan(0, 70))
	b.Lost(chunk(1), 0, nil)
	require.Zero(t, b.InFlight())

	b.Placed(chunk(2))
	b.Won(chunk(2), 20)
	b.Placed(chunk(3))
	b.Acquired(chunk(3))
	require.Zero(t, b.InFlight())
	require.Equal(t, []ChunkID{chunk(1)}, b.Needed())
	require.Equal(t, Amount(-20), b.Utility())
	b.Won(chunk(2), 99) // already have it: ignored
	require.Empty(t, b.Plan(1, 1000), "chunk 1 backs off after its loss")
	b.Won(chunk(1), 33)
	require.True(t, b.Done())
	require.Equal(t, Amount(47), b.Utility())
	byAuction, bySwarm := b.Bought()
	require.Equal(t, 2, byAuction)
	require.Equal(t, 1, bySwarm)
	require.Empty(t, b.Plan(5, 1000))
}

func TestBuyerConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  BuyerConfig
		want error
	}{
		{"no chunks", BuyerConfig{Valuation: 10}, ErrConfig},
		{"repeated chunk", BuyerConfig{Valuation: 10, Chunks: []ChunkID{chunk(1), chunk(1)}}, ErrConfig},
		{"negative backoff", BuyerConfig{Valuation: 10, Chunks: []ChunkID{chunk(1)}, MaxBackoff: -1}, ErrConfig},
		{"zero valuation", BuyerConfig{Chunks: []ChunkID{chunk(1)}}, ErrInvalidBid},
		{"V/k rounds to zero", BuyerConfig{Valuation: 2, Chunks: []ChunkID{chunk(1), chunk(2), chunk(3)}}, ErrInvalidBid},
		{"overflowing valuation", BuyerConfig{Valuation: MaxAmount + 1, Chunks: []ChunkID{chunk(1)}}, ErrInvalidBid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewBuyer(tt.cfg)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestBuyerBackoff(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(4, 4))
	b, err := NewBuyer(BuyerConfig{ID: 1, Valuation: 10, Chunks: []ChunkID{chunk(1)}, MaxBackoff: 4})
	require.NoError(t, err)
	period := uint64(0)
	for losses := 1; losses <= 6; losses++ {
		require.Len(t, b.Plan(period, 100), 1)
		b.Lost(chunk(1), period, rng)
		next := period + 1
		for len(b.Plan(next, 100)) == 0 {
			next++
		}
		wait := next - period
		require.GreaterOrEqual(t, wait, uint64(1))
		require.LessOrEqual(t, wait, uint64(min(1<<losses, 4)), "loss %d", losses)
		period = next
	}
}

func TestChooseSeller(t *testing.T) {
	b, err := NewBuyer(BuyerConfig{ID: 1, Valuation: 10, Chunks: []ChunkID{chunk(1)}})
	require.NoError(t, err)
	rng := mrand.New(mrand.NewPCG(5, 5))
	_, err = b.ChooseSeller(nil, rng)
	require.ErrorIs(t, err, ErrNoSeller)

	i, err := b.ChooseSeller([]Quote{{1, 9, true}, {2, 4, true}, {3, 6, true}}, rng)
	require.NoError(t, err)
	require.Equal(t, 1, i, "cheapest seller")

	// Unknown sellers rank as price zero; ties are drawn at random, so
	// with no information the choice is uniform (Figure 2).
	counts := make([]int, 3)
	for range 3000 {
		i, err := b.ChooseSeller([]Quote{{2, 3, true}, {3, 0, false}, {4, 0, false}}, rng)
		require.NoError(t, err)
		counts[i]++
	}
	require.Zero(t, counts[0], "the known, dearer seller is never chosen")
	require.InDelta(t, 1500, counts[1], 150)
	require.InDelta(t, 1500, counts[2], 150)

	// A nil rng takes the first of the tied quotes, as documented.
	i, err = b.ChooseSeller([]Quote{{2, 3, true}, {3, 0, false}, {4, 0, false}}, nil)
	require.NoError(t, err)
	require.Equal(t, 1, i)
}

// TestParallelBidding simulates buyers bidding V/k for their k chunks in
// parallel auctions at several sellers, period after period, and checks
// the property §5.3 builds on: because a second price never exceeds the
// bid, a buyer never pays more than V for its set, and pays no more than
// V/k for any chunk; losers back off and eventually get their chunks,
// some through their swarm.
func TestParallelBidding(t *testing.T) {
	const seed = 77
	rng := mrand.New(mrand.NewPCG(seed, 0))
	const nChunks, nSellers, nBuyers = 12, 3, 10
	var markets []*Market
	for s := range nSellers {
		m, err := NewMarket(rand.Reader, MarketConfig{Seller: SellerID(s), Capacity: 4, Altruism: 0.05})
		require.NoError(t, err)
		for c := range nChunks {
			if (c+s)%3 != 0 { // each chunk at two of the three sellers
				require.NoError(t, m.Offer(chunk(byte(c)), Amount(3+rng.IntN(6))))
			}
		}
		markets = append(markets, m)
	}
	var buyers []*Buyer
	var keys []*BidderKey
	index := map[BidderID]int{} // bidder id → buyer index
	for i := range nBuyers {
		k := 2 + rng.IntN(4)
		var cs []ChunkID
		for _, c := range rng.Perm(nChunks)[:k] {
			cs = append(cs, chunk(byte(c)))
		}
		key := testKey(BidderID(i))
		b, err := NewBuyer(BuyerConfig{ID: key.ID(), Valuation: Amount(k * (4 + rng.IntN(12))), Chunks: cs})
		require.NoError(t, err)
		buyers = append(buyers, b)
		keys = append(keys, key)
		index[key.ID()] = i
	}
	balance := make([]Amount, nBuyers)
	for i := range balance {
		balance[i] = 60
	}
	for period := uint64(0); period < 40; period++ {
		type placed struct {
			buyer int
			m     *Market
			c     ChunkID
			o     Opening
		}
		var all []placed
		for i, b := range buyers {
			for _, c := range b.Plan(period, balance[i]) {
				var quotes []Quote
				var holders []*Market
				for _, m := range markets {
					if m.Offers(c) {
						p, ok := m.Quote(c)
						quotes = append(quotes, Quote{Seller: m.Seller(), Price: p, Known: ok})
						holders = append(holders, m)
					}
				}
				j, err := b.ChooseSeller(quotes, rng)
				require.NoError(t, err)
				m := holders[j]
				sb, o, err := keys[i].Seal(rand.Reader, m.AuctionID(c), b.Bid())
				require.NoError(t, err)
				require.NoError(t, m.Request(c, sb))
				b.Placed(c)
				all = append(all, placed{i, m, c, o})
			}
		}
		for _, m := range markets {
			require.NoError(t, m.CloseBidding())
		}
		for _, p := range all {
			require.NoError(t, p.m.Reveal(p.c, p.o))
		}
		won := map[[2]int]bool{}
		for _, m := range markets {
			rep, err := m.Settle(rng)
			require.NoError(t, err)
			for _, s := range rep.Sales {
				i := index[s.Buyer]
				b := buyers[i]
				require.LessOrEqual(t, s.Price, b.Bid(), "paid more than V/k")
				b.Won(s.Chunk, s.Price)
				balance[i] -= s.Price
				won[[2]int{i, int(s.Chunk[0])}] = true
			}
		}
		for _, p := range all {
			if !won[[2]int{p.buyer, int(p.c[0])}] {
				// §5.3: a lost chunk was won by someone in the swarm,
				// from whom it may be traded.
				if rng.IntN(4) == 0 {
					buyers[p.buyer].Acquired(p.c)
				} else {
					buyers[p.buyer].Lost(p.c, period, rng)
				}
			}
		}
	}
	done := 0
	for i, b := range buyers {
		require.LessOrEqual(t, b.Spent(), b.Valuation(), "buyer %d paid more than V", i)
		require.GreaterOrEqual(t, balance[i], Amount(0))
		if b.Done() {
			done++
			require.GreaterOrEqual(t, b.Utility(), Amount(0))
		}
	}
	require.Greater(t, done, nBuyers/2, "seed %d: most buyers complete their set", seed)
}
