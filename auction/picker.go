package auction

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// PickSeller adapts a [Buyer] to a storage layer's seller-choosing hook.
// The returned function, called by the layer's mget with a chunk's hash
// and the holders that still store it, asks quote for each holder's
// [Quote] and returns the index of the holder b chooses
// ([Buyer.ChooseSeller]), or [ErrNoSeller] for no holder, or ctx's error
// if ctx is done.
//
// Its signature is that of the chord package's PickSellerFunc with H =
// chord.NodeInfo, so example code connects the two without either package
// importing the other:
//
//	picker := chord.PickSellerFunc(auction.PickSeller(buyer, rng,
//		func(c auction.ChunkID, h chord.NodeInfo) auction.Quote { ... }))
//
// The auction at the chosen seller, and the payment, happen after the
// choice; a hook that also runs them returns an error when the auction is
// lost, so that mget fails and the buyer backs off (Figure 2 case 2).
func PickSeller[H any](b *Buyer, rng *rand.Rand, quote func(chunk ChunkID, holder H) Quote) func(ctx context.Context, chunkHash [32]byte, holders []H) (int, error) {
	return func(ctx context.Context, chunkHash [32]byte, holders []H) (int, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if quote == nil {
			return 0, fmt.Errorf("%w: nil quote function", ErrInvalidArgument)
		}
		quotes := make([]Quote, len(holders))
		for i, h := range holders {
			quotes[i] = quote(ChunkID(chunkHash), h)
		}
		return b.ChooseSeller(quotes, rng)
	}
}
