package auction

import (
	"crypto/rand"
	"errors"
	"math"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func chunk(i byte) ChunkID { return ChunkID{i} }

// runPeriod seals and submits bids (chunk → bids, each Bidder the label of
// a test key) to m, closes bidding, reveals everything and settles.
func runPeriod(t testing.TB, m *Market, bids map[ChunkID][]Bid, rng *mrand.Rand) PeriodReport {
	t.Helper()
	var opens []struct {
		c ChunkID
		o Opening
	}
	for c, bs := range bids {
		for _, b := range bs {
			sb, o, err := testKey(b.Bidder).Seal(rand.Reader, m.AuctionID(c), b.Amount)
			require.NoError(t, err)
			require.NoError(t, m.Request(c, sb))
			opens = append(opens, struct {
				c ChunkID
				o Opening
			}{c, o})
		}
	}
	require.NoError(t, m.CloseBidding())
	for _, x := range opens {
		require.NoError(t, m.Reveal(x.c, x.o))
	}
	rep, err := m.Settle(rng)
	require.NoError(t, err)
	return rep
}

func TestMarketPeriod(t *testing.T) {
	m, err := NewMarket(rand.Reader, MarketConfig{Seller: 1, Capacity: 2})
	require.NoError(t, err)
	for i, r := range []Amount{10, 10, 10, 50} {
		require.NoError(t, m.Offer(chunk(byte(i)), r))
	}
	rng := mrand.New(mrand.NewPCG(1, 1))
	// Unknown chunk, wrong auction.
	require.ErrorIs(t, m.Request(chunk(9), SealedBid{}), ErrUnknownChunk)
	require.ErrorIs(t, m.Request(chunk(0), signedBid(t, NewAuctionID(1, chunk(0), 5), 1, Commitment{})), ErrWrongAuction)
	require.ErrorIs(t, m.Request(chunk(0), SealedBid{Auction: m.AuctionID(chunk(0))}), ErrUnauthenticated)
	require.Empty(t, m.Requested(), "a forged bid opens no auction")

	rep := runPeriod(t, m, map[ChunkID][]Bid{
		chunk(0): {{1, 30}, {2, 20}}, // sells at 20
		chunk(1): {{3, 40}},          // single bidder: reserve 10
		chunk(2): {{4, 60}, {5, 45}}, // sells at 45
		chunk(3): {{6, 49}, {7, 12}}, // nobody meets 50
	}, rng)
	require.Equal(t, uint64(0), rep.Period)
	require.Equal(t, uint64(1), m.Period())
	// Capacity 2: the two best-paying sales are served, the third deferred.
	require.Equal(t, []Sale{
		{Chunk: chunk(2), Auction: NewAuctionID(1, chunk(2), 0), Buyer: bidder(4), Price: 45},
		{Chunk: chunk(0), Auction: NewAuctionID(1, chunk(0), 0), Buyer: bidder(1), Price: 20},
	}, rep.Sales)
	require.Equal(t, []Sale{{Chunk: chunk(1), Auction: NewAuctionID(1, chunk(1), 0), Buyer: bidder(3), Price: 10}}, rep.Deferred)
	require.Equal(t, []ChunkID{chunk(3)}, rep.Unsold)
	require.Equal(t, map[ChunkID][]BidderID{
		chunk(0): bidders(2), chunk(1): bidders(3), chunk(2): bidders(5), chunk(3): bidders(6, 7),
	}, rep.Losers)
	require.Equal(t, Amount(65), m.Revenue())
	p, ok := m.Quote(chunk(2))
	require.True(t, ok)
	require.Equal(t, Amount(45), p)
	_, ok = m.Quote(chunk(1))
	require.False(t, ok, "a deferred sale sets no price")

	// A bid sealed for the previous period is refused.
	stale, _, err := testKey(1).Seal(rand.Reader, NewAuctionID(1, chunk(0), 0), 30)
	require.NoError(t, err)
	require.ErrorIs(t, m.Request(chunk(0), stale), ErrWrongAuction)

	// Phase errors.
	_, err = m.Settle(rng)
	require.ErrorIs(t, err, ErrPhase)
	require.ErrorIs(t, m.Reveal(chunk(0), Opening{}), ErrPhase)
	require.NoError(t, m.CloseBidding())
	require.ErrorIs(t, m.CloseBidding(), ErrPhase)
	require.ErrorIs(t, m.Request(chunk(0), SealedBid{}), ErrPhase)
	require.ErrorIs(t, m.Reveal(chunk(0), Opening{}), ErrUnknownChunk, "no auction for an unrequested chunk")
	rep, err = m.Settle(rng)
	require.NoError(t, err)
	require.Empty(t, rep.Sales)
}

// TestDoubleSelling checks §5.3's double-selling: the same chunk is sold
// again, period after period, to different buyers.
func TestDoubleSelling(t *testing.T) {
	m, err := NewMarket(rand.Reader, MarketConfig{Seller: 2, Capacity: 1})
	require.NoError(t, err)
	c := chunk(7)
	require.NoError(t, m.Offer(c, 5))
	rng := mrand.New(mrand.NewPCG(2, 2))
	var total Amount
	for p := range 4 {
		rep := runPeriod(t, m, map[ChunkID][]Bid{c: {{BidderID(p), Amount(10 + p)}}}, rng)
		require.Len(t, rep.Sales, 1)
		require.Equal(t, bidder(BidderID(p)), rep.Sales[0].Buyer)
		require.Equal(t, Amount(5), rep.Sales[0].Price)
		total += rep.Sales[0].Price
	}
	times, revenue := m.Sold(c)
	require.Equal(t, 4, times)
	require.Equal(t, total, revenue)
}

func TestAltruism(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(3, 3))
	run := func(altruism float64, price Amount, periods int) (gifts int, sales []Sale) {
		m, err := NewMarket(rand.Reader, MarketConfig{Seller: 3, Capacity: 1, Altruism: altruism, AltruisticPrice: price})
		require.NoError(t, err)
		require.NoError(t, m.Offer(chunk(1), 100))
		for range periods {
			rep := runPeriod(t, m, map[ChunkID][]Bid{chunk(1): {{1, 5}, {2, 8}}}, rng)
			for _, s := range rep.Sales {
				require.True(t, s.Altruistic)
				gifts++
				sales = append(sales, s)
			}
		}
		_, ok := m.Quote(chunk(1))
		require.False(t, ok, "altruistic sales publish no price")
		return gifts, sales
	}
	gifts, _ := run(0, 0, 20)
	require.Zero(t, gifts, "no altruism, no sale below the reserve")
	gifts, sales := run(1, 6, 20)
	require.Equal(t, 20, gifts)
	for _, s := range sales {
		bid := map[BidderID]Amount{bidder(1): 5, bidder(2): 8}[s.Buyer]
		require.Equal(t, min(6, bid), s.Price, "altruistic price capped at the bid")
	}
	// Altruism 0.3: about 30% of 400 periods (±5σ, σ ≈ 9.2).
	gifts, _ = run(0.3, 0, 400)
	require.InDelta(t, 120, gifts, 46)
}

func TestAddSat(t *testing.T) {
	require.Equal(t, Amount(5), addSat(2, 3))
	require.Equal(t, Amount(math.MaxInt64), addSat(math.MaxInt64-1, 2))
	require.Equal(t, Amount(math.MaxInt64), addSat(math.MaxInt64, MaxAmount))
}

func TestMarketConfig(t *testing.T) {
	for _, cfg := range []MarketConfig{
		{Capacity: 0},
		{Capacity: 1, Altruism: -0.1},
		{Capacity: 1, Altruism: 1.1},
		{Capacity: 1, Altruism: math.NaN()},
		{Capacity: 1, AltruisticPrice: -1},
	} {
		_, err := NewMarket(rand.Reader, cfg)
		require.ErrorIs(t, err, ErrConfig, "%+v", cfg)
	}
	m, err := NewMarket(rand.Reader, MarketConfig{Capacity: 1})
	require.NoError(t, err)
	require.ErrorIs(t, m.Offer(chunk(1), -1), ErrInvalidReserve)
	require.False(t, m.Offers(chunk(1)))
}

func TestPeriodFor(t *testing.T) {
	tests := []struct {
		nc       int
		size, bw int64
		want     time.Duration
		wantErr  bool
	}{
		{10, 256 << 10, 1 << 20, 2500 * time.Millisecond, false},
		{1, 1, 3, 333333334 * time.Nanosecond, false},
		{0, 1, 1, 0, true},
		{1, 0, 1, 0, true},
		{1, 1, 0, 0, true},
		{1 << 30, 1 << 40, 1, 0, true},
	}
	for _, tt := range tests {
		got, err := PeriodFor(tt.nc, tt.size, tt.bw)
		if tt.wantErr {
			require.ErrorIs(t, err, ErrConfig)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, got)
	}
}

// FuzzMarket drives a market with fuzzer-chosen event sequences, honest
// and not (unknown chunks, stale and duplicate bids, forged and missing
// openings, phase errors), and checks the invariants after every
// settlement: at most Capacity sales, one per chunk; a paid sale charges
// at least the reserve and at most the winner's highest counted bid; an
// altruistic sale at most the altruistic price and the bid; revenue is the
// sum of the prices; nothing panics.
func FuzzMarket(f *testing.F) {
	f.Add([]byte{0, 1, 10, 0, 2, 20, 3, 0, 0, 4, 0, 0, 5, 0, 0})
	f.Add([]byte{0, 1, 200, 0, 1, 250, 1, 1, 9, 3, 0, 0, 6, 1, 2, 4, 0, 0, 5, 0, 0})
	f.Add([]byte{2, 0, 0, 0, 0, 1, 3, 0, 0, 7, 0, 0, 4, 0, 0, 5, 1, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		const chunks = 4
		reserves := [chunks]Amount{0, 10, 100, 255}
		m, err := NewMarket(rand.Reader, MarketConfig{Seller: 1, Capacity: 2, Altruism: 0.5, AltruisticPrice: 7})
		require.NoError(t, err)
		for i, r := range reserves {
			require.NoError(t, m.Offer(chunk(byte(i)), r))
		}
		rng := mrand.New(mrand.NewPCG(uint64(len(ops)), 9))
		type pending struct {
			c ChunkID
			o Opening
		}
		var opens []pending
		best := map[ChunkID]map[BidderID]Amount{}
		var revenue Amount
		for i := 0; i+2 < len(ops); i += 3 {
			op, a, b := ops[i]%8, ops[i+1], ops[i+2]
			c := chunk(a % (chunks + 1)) // chunk 4 is unknown
			key := testKey(BidderID(a >> 4))
			switch op {
			case 0, 1: // a sealed bid, then (op 1) a duplicate
				amount := Amount(b)
				sb, o, err := key.Seal(rand.Reader, m.AuctionID(c), max(amount, 1))
				require.NoError(t, err)
				if err := m.Request(c, sb); err == nil {
					opens = append(opens, pending{c, o})
					if op == 1 {
						require.ErrorIs(t, m.Request(c, sb), ErrDuplicate)
					}
				}
			case 2: // a stale or foreign bid, or a forgery in another's name
				_ = m.Request(c, SealedBid{Auction: NewAuctionID(2, c, uint64(b)), Bidder: key.ID()})
				forged := SealedBid{Auction: m.AuctionID(c), Bidder: key.ID(), PublicKey: testKey(BidderID(b)).PublicKey()}
				err := m.Request(c, forged)
				require.Error(t, err, "a forged bid was accepted")
				if !errors.Is(err, ErrPhase) && !errors.Is(err, ErrUnknownChunk) {
					require.ErrorIs(t, err, ErrUnauthenticated)
				}
			case 3:
				_ = m.CloseBidding()
			case 4, 5: // reveal the next pending opening (5: forged first)
				if len(opens) == 0 {
					continue
				}
				p := opens[0]
				if op == 5 {
					forged := p.o
					forged.Amount += Amount(b) + 1
					if err := m.Reveal(p.c, forged); err == nil {
						t.Fatal("forged opening accepted")
					}
				}
				if err := m.Reveal(p.c, p.o); err == nil {
					opens = opens[1:]
					if best[p.c] == nil {
						best[p.c] = map[BidderID]Amount{}
					}
					best[p.c][p.o.Bidder] = max(best[p.c][p.o.Bidder], p.o.Amount)
				}
			case 6: // drop an opening: its bidder never reveals
				if len(opens) > 0 {
					opens = opens[1:]
				}
			case 7:
				rep, err := m.Settle(rng)
				if err != nil {
					require.ErrorIs(t, err, ErrPhase)
					continue
				}
				require.LessOrEqual(t, len(rep.Sales), 2)
				seen := map[ChunkID]bool{}
				for _, s := range rep.Sales {
					require.False(t, seen[s.Chunk], "chunk sold twice in a period")
					seen[s.Chunk] = true
					bid, ok := best[s.Chunk][s.Buyer]
					require.True(t, ok, "sale to a bidder with no revealed bid")
					require.LessOrEqual(t, s.Price, bid)
					if s.Altruistic {
						require.LessOrEqual(t, s.Price, Amount(7))
					} else {
						require.GreaterOrEqual(t, s.Price, reserves[s.Chunk[0]])
					}
					revenue += s.Price
				}
				require.Equal(t, revenue, m.Revenue())
				opens, best = nil, map[ChunkID]map[BidderID]Amount{}
			}
		}
	})
}

// TestReoffer: offering a chunk again changes its reserve for the next
// auction and keeps its sales history (times sold, revenue, last price).
func TestReoffer(t *testing.T) {
	m, err := NewMarket(rand.Reader, MarketConfig{Seller: 3, Capacity: 1})
	require.NoError(t, err)
	c := chunk(4)
	require.NoError(t, m.Offer(c, 5))
	rng := mrand.New(mrand.NewPCG(4, 4))
	rep := runPeriod(t, m, map[ChunkID][]Bid{c: {{1, 8}}}, rng)
	require.Len(t, rep.Sales, 1)
	require.Equal(t, Amount(5), rep.Sales[0].Price)

	require.NoError(t, m.Offer(c, 7))
	times, revenue := m.Sold(c)
	require.Equal(t, 1, times)
	require.Equal(t, Amount(5), revenue)
	price, ok := m.Quote(c)
	require.True(t, ok)
	require.Equal(t, Amount(5), price)

	rep = runPeriod(t, m, map[ChunkID][]Bid{c: {{2, 8}}}, rng)
	require.Len(t, rep.Sales, 1)
	require.Equal(t, Amount(7), rep.Sales[0].Price, "the new reserve applies")
	times, revenue = m.Sold(c)
	require.Equal(t, 2, times)
	require.Equal(t, Amount(12), revenue)
}
