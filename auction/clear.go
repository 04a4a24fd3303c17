package auction

import (
	"math/rand/v2"
	"slices"
)

// Bid is an opened bid: Bidder offers Amount token units for the chunk.
// A bidder may place several bids in one auction; its highest counts.
type Bid struct {
	Bidder BidderID
	Amount Amount
}

// Result is the outcome of one auction.
type Result struct {
	// Sold reports whether the chunk is sold. It is false when no bid
	// meets the reserve price (and no altruistic sale was made).
	Sold bool
	// Winner is the bidder who buys the chunk; meaningful only if Sold.
	Winner BidderID
	// Price is what the winner pays: the larger of the reserve price and
	// the highest bid of any other bidder. It never exceeds the winner's
	// own bid.
	Price Amount
	// High is the highest bid, and Second the highest bid of a bidder
	// other than the winner (zero if there is none). Both are zero when
	// there were no valid bids.
	High, Second Amount
	// Tied is the number of distinct bidders whose highest bid equals
	// High; the winner was drawn uniformly among them.
	Tied int
	// Altruistic reports a sale below the reserve price made by the
	// seller's choice (see [MarketConfig.Altruism]).
	Altruistic bool
	// Excluded lists the bids of a sealed auction that did not count, and
	// why. Clear never sets it.
	Excluded []Exclusion
}

// Clear runs a second-price (Vickrey) auction with a reserve price over
// open bids, the rule of [BitStore §5.3] and Figure 2 case 3:
//
//   - each bidder's highest bid counts, its other bids are ignored;
//   - the highest bid wins if it is at least the reserve; otherwise
//     nothing is sold;
//   - the winner pays max(reserve, highest bid of any other bidder), so a
//     single qualifying bidder pays the reserve;
//   - bidders tied for the highest bid are distinct bidders; the winner is
//     drawn uniformly among them with rng, and pays the tied amount.
//
// The reserve must be in [0, MaxAmount] and every bid in [1, MaxAmount];
// otherwise Clear returns an error wrapping [ErrInvalidReserve] or
// [ErrInvalidBid] and no result. With no bids the result is "not sold".
// rng is only drawn from when there is a tie, so results are reproducible
// from its seed; a nil rng gives ties to the lowest BidderID. Clear does
// not modify bids, and allocates nothing unless more than four bidders
// tie.
func Clear(reserve Amount, bids []Bid, rng *rand.Rand) (Result, error) {
	if err := checkReserve(reserve); err != nil {
		return Result{}, err
	}
	var high Amount
	for _, b := range bids {
		if err := checkBid(b.Amount); err != nil {
			return Result{}, err
		}
		high = max(high, b.Amount)
	}
	if len(bids) == 0 {
		return Result{}, nil
	}
	// The distinct bidders whose highest bid is high.
	var buf [4]BidderID
	tied := buf[:0]
	for _, b := range bids {
		if b.Amount == high && !slices.Contains(tied, b.Bidder) {
			tied = append(tied, b.Bidder)
		}
	}
	winner := tied[0]
	if len(tied) > 1 {
		// Sort so that the draw depends on the seed only, not on the
		// order the bids arrived in.
		slices.Sort(tied)
		winner = tied[0]
		if rng != nil {
			winner = tied[rng.IntN(len(tied))]
		}
	}
	var second Amount
	for _, b := range bids {
		if b.Bidder != winner {
			second = max(second, b.Amount)
		}
	}
	r := Result{High: high, Second: second, Tied: len(tied), Winner: winner}
	if high < reserve {
		r.Winner = 0
		return r, nil
	}
	r.Sold = true
	r.Price = max(reserve, second)
	return r, nil
}
