package auction

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisuse probes the package's exported functions and methods with nil,
// zero-value and out-of-range arguments: each returns an error wrapping
// the listed sentinel, and none panics. A nil io.Reader means
// crypto/rand.Reader; a nil *rand.Rand is an error where randomness is
// needed.
func TestMisuse(t *testing.T) {
	var zeroSealed Sealed
	var zeroMarket Market
	var zeroBuyer Buyer
	var o Opening
	var sb SealedBid
	chunk := ChunkID{1}

	cases := []struct {
		name string
		want error
		fn   func() error
	}{
		{"Seal zero amount", ErrInvalidBid, func() error { _, _, err := Seal(nil, AuctionID{}, 1, 0); return err }},
		{"Seal huge amount", ErrInvalidBid, func() error { _, _, err := Seal(nil, AuctionID{}, 1, MaxAmount+1); return err }},
		{"Seal negative amount", ErrInvalidBid, func() error { _, _, err := Seal(nil, AuctionID{}, 1, -1); return err }},
		{"NewSealed negative reserve", ErrInvalidReserve, func() error { _, err := NewSealed(nil, AuctionID{}, -1); return err }},
		{"Clear negative reserve", ErrInvalidReserve, func() error { _, err := Clear(-1, nil, nil); return err }},
		{"Clear invalid bid", ErrInvalidBid, func() error { _, err := Clear(0, []Bid{{Bidder: 1, Amount: 0}}, nil); return err }},
		{"Opening.UnmarshalBinary nil", ErrMalformed, func() error { return o.UnmarshalBinary(nil) }},
		{"SealedBid.UnmarshalBinary nil", ErrMalformed, func() error { return sb.UnmarshalBinary(nil) }},
		{"OpenReserve zero", ErrOpening, func() error { _, err := OpenReserve(AuctionID{}, Commitment{}, ReserveOpening{}); return err }},
		{"PeriodFor zero", ErrConfig, func() error { _, err := PeriodFor(0, 0, 0); return err }},
		{"NewBuyer zero", ErrConfig, func() error { _, err := NewBuyer(BuyerConfig{}); return err }},
		{"NewMarket zero capacity", ErrConfig, func() error { _, err := NewMarket(nil, MarketConfig{}); return err }},
		{"zero Sealed.Commit", ErrInvalidArgument, func() error { return zeroSealed.Commit(SealedBid{}) }},
		{"zero Sealed.CloseBidding", ErrInvalidArgument, func() error { return zeroSealed.CloseBidding() }},
		{"zero Sealed.Reveal", ErrInvalidArgument, func() error { return zeroSealed.Reveal(Opening{}) }},
		{"zero Sealed.Clear", ErrInvalidArgument, func() error { _, err := zeroSealed.Clear(nil); return err }},
		{"zero Sealed.Result", ErrInvalidArgument, func() error { _, err := zeroSealed.Result(); return err }},
		{"zero Sealed.ReserveOpening", ErrInvalidArgument, func() error { _, err := zeroSealed.ReserveOpening(); return err }},
		{"nil Sealed.Commit", ErrInvalidArgument, func() error { return (*Sealed)(nil).Commit(SealedBid{}) }},
		{"zero Market.Offer", ErrInvalidArgument, func() error { return zeroMarket.Offer(chunk, 1) }},
		{"zero Market.Request", ErrInvalidArgument, func() error { return zeroMarket.Request(chunk, SealedBid{}) }},
		{"zero Market.CloseBidding", ErrInvalidArgument, func() error { return zeroMarket.CloseBidding() }},
		{"zero Market.Reveal", ErrInvalidArgument, func() error { return zeroMarket.Reveal(chunk, Opening{}) }},
		{"zero Market.Settle", ErrInvalidArgument, func() error { _, err := zeroMarket.Settle(rand.New(rand.NewPCG(1, 2))); return err }},
		{"zero Buyer.ChooseSeller empty", ErrNoSeller, func() error { _, err := zeroBuyer.ChooseSeller(nil, nil); return err }},
		{"nil Buyer.ChooseSeller", ErrInvalidArgument, func() error { _, err := (*Buyer)(nil).ChooseSeller([]Quote{{}}, nil); return err }},
		{"nil BidderKey.Seal", ErrInvalidArgument, func() error { _, _, err := (*BidderKey)(nil).Seal(nil, AuctionID{}, 1); return err }},
		{"Market.Settle nil rng", ErrConfig, func() error {
			m, err := NewMarket(nil, MarketConfig{Capacity: 1})
			require.NoError(t, err)
			require.NoError(t, m.CloseBidding())
			_, err = m.Settle(nil)
			return err
		}},
		{"Sealed.CloseBidding twice", ErrPhase, func() error {
			s, err := NewSealed(nil, AuctionID{}, 0)
			require.NoError(t, err)
			require.NoError(t, s.CloseBidding())
			return s.CloseBidding()
		}},
		{"zero BidderKey.Seal", ErrInvalidArgument, func() error { _, _, err := new(BidderKey).Seal(nil, AuctionID{}, 1); return err }},
		{"nil BidderKey.Sign", ErrInvalidArgument, func() error { _, err := (*BidderKey)(nil).Sign(AuctionID{}, Commitment{}); return err }},
		{"zero BidderKey.MarshalBinary", ErrInvalidArgument, func() error { _, err := new(BidderKey).MarshalBinary(); return err }},
		{"NewBidderKey nil", ErrMalformed, func() error { _, err := NewBidderKey(nil); return err }},
		{"BidderKey.Seal zero amount", ErrInvalidBid, func() error { _, _, err := testKey(1).Seal(nil, AuctionID{}, 0); return err }},
		{"nil SealedBid.Verify", ErrInvalidArgument, func() error { return (*SealedBid)(nil).Verify() }},
		{"zero SealedBid.Verify", ErrUnauthenticated, func() error { return new(SealedBid).Verify() }},
		{"Sealed.Commit unsigned", ErrUnauthenticated, func() error {
			s, err := NewSealed(nil, AuctionID{}, 0)
			require.NoError(t, err)
			return s.Commit(SealedBid{})
		}},
		{"PickSeller nil buyer", ErrInvalidArgument, func() error {
			_, err := PickSeller[int](nil, nil, func(ChunkID, int) Quote { return Quote{} })(context.Background(), [32]byte{}, []int{1})
			return err
		}},
		{"PickSeller nil quote", ErrInvalidArgument, func() error {
			b, err := NewBuyer(BuyerConfig{Chunks: []ChunkID{chunk}, Valuation: 10})
			require.NoError(t, err)
			_, err = PickSeller[int](b, nil, nil)(context.Background(), [32]byte{}, []int{1})
			return err
		}},
	}
	for _, tt := range cases {
		assert.NotPanics(t, func() { require.ErrorIs(t, tt.fn(), tt.want, tt.name) }, tt.name)
	}

	assert.NotPanics(t, func() {
		require.Zero(t, zeroSealed.Commitments())
		require.Zero(t, (*Sealed)(nil).Commitments())
		require.Equal(t, Bidding, (*Sealed)(nil).Phase())
		require.Equal(t, AuctionID{}, (*Sealed)(nil).ID())
		require.Equal(t, Commitment{}, (*Sealed)(nil).ReserveCommitment())
		require.False(t, zeroMarket.Offers(chunk))
		require.Empty(t, zeroMarket.Requested())
		_, ok := zeroMarket.Quote(chunk)
		require.False(t, ok)
		n, r := zeroMarket.Sold(chunk)
		require.Zero(t, n)
		require.Zero(t, r)
		require.True(t, zeroBuyer.Done())
		require.Empty(t, zeroBuyer.Needed())
		require.Empty(t, zeroBuyer.Plan(0, 100))
		require.Empty(t, zeroBuyer.Short())
		zeroBuyer.Placed(chunk)
		zeroBuyer.Won(chunk, 1)
		zeroBuyer.Acquired(chunk)
		zeroBuyer.Lost(chunk, 0, nil)
		require.Zero(t, zeroBuyer.Utility())
		require.Zero(t, (*BidderKey)(nil).ID())
		require.Equal(t, [32]byte{}, (*BidderKey)(nil).PublicKey())
	}, "zero-value accessors and events")

	assert.NotPanics(t, func() {
		c, op, err := Seal(nil, AuctionID{}, 1, 5)
		require.NoError(t, err)
		require.True(t, op.Opens(c))
		s, err := NewSealed(nil, AuctionID{}, 1)
		require.NoError(t, err)
		require.NotEqual(t, Commitment{}, s.ReserveCommitment())
		m, err := NewMarket(nil, MarketConfig{Capacity: 1})
		require.NoError(t, err)
		require.NotNil(t, m)
		k, err := GenerateBidderKey(nil)
		require.NoError(t, err)
		sb, _, err := k.Seal(nil, AuctionID{}, 3)
		require.NoError(t, err)
		require.NoError(t, sb.Verify())
	}, "nil readers")
}
