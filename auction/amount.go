package auction

import (
	"errors"
	"fmt"
	"math"
)

// Amount is a quantity of token units: a bid, a reserve price or a price
// paid. One unit is one token of the exchange's fixed denomination (see
// package [github.com/swarmblocks/swarmblocks/auction/token]).
//
// Amount is signed so that a negative quantity arriving from the network
// is representable and rejected with an error rather than wrapped around.
type Amount int64

// MaxAmount is the largest bid or reserve price the package accepts,
// 2^48 − 1 units. The bound leaves 15 bits of headroom, so that the sum of
// up to 32,768 amounts (a buyer's total exposure over many parallel
// auctions, a seller's revenue over a period) cannot overflow an int64.
const MaxAmount Amount = 1<<48 - 1

var (
	// ErrInvalidBid is returned (wrapped, with the offending value) for a
	// bid that is zero, negative or larger than [MaxAmount].
	ErrInvalidBid = errors.New("auction: invalid bid")
	// ErrInvalidReserve is returned for a reserve price that is negative
	// or larger than [MaxAmount].
	ErrInvalidReserve = errors.New("auction: invalid reserve price")
)

// checkBid reports whether a is a valid bid: 1 ≤ a ≤ MaxAmount.
func checkBid(a Amount) error {
	switch {
	case a <= 0:
		return fmt.Errorf("%w: %d is not positive", ErrInvalidBid, a)
	case a > MaxAmount:
		return fmt.Errorf("%w: %d overflows the maximum %d", ErrInvalidBid, a, MaxAmount)
	}
	return nil
}

// addSat returns a + b for non-negative amounts, saturating at the
// largest int64 instead of wrapping around.
func addSat(a, b Amount) Amount {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// checkReserve reports whether r is a valid reserve price: 0 ≤ r ≤
// MaxAmount. A zero reserve means the seller accepts any positive bid.
func checkReserve(r Amount) error {
	if r < 0 || r > MaxAmount {
		return fmt.Errorf("%w: %d is outside [0, %d]", ErrInvalidReserve, r, MaxAmount)
	}
	return nil
}
