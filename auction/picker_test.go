package auction

import (
	"context"
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// node and pickFunc mimic a DHT's holder type and hook type (chord's
// NodeInfo and PickSellerFunc) to check that PickSeller plugs in by plain
// conversion.
type node struct {
	addr string
	m    *Market
}

type pickFunc func(ctx context.Context, chunkHash [32]byte, holders []node) (int, error)

func TestPickSeller(t *testing.T) {
	c := ChunkID{5}
	b, err := NewBuyer(BuyerConfig{ID: 1, Valuation: 10, Chunks: []ChunkID{c}})
	require.NoError(t, err)
	quote := func(chunk ChunkID, h node) Quote {
		p, ok := h.m.Quote(chunk)
		return Quote{Seller: h.m.Seller(), Price: p, Known: ok}
	}
	var hook pickFunc = PickSeller(b, mrand.New(mrand.NewPCG(1, 1)), quote)

	var holders []node
	for i, price := range []Amount{9, 4, 6} {
		m, err := NewMarket(rand.Reader, MarketConfig{Seller: SellerID(i), Capacity: 1})
		require.NoError(t, err)
		require.NoError(t, m.Offer(c, 0))
		m.chunks[c].lastPrice, m.chunks[c].priced = price, true
		holders = append(holders, node{addr: string(rune('a' + i)), m: m})
	}
	i, err := hook(context.Background(), c, holders)
	require.NoError(t, err)
	require.Equal(t, "b", holders[i].addr)

	_, err = hook(context.Background(), c, nil)
	require.ErrorIs(t, err, ErrNoSeller)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = hook(ctx, c, holders)
	require.ErrorIs(t, err, context.Canceled)
}
