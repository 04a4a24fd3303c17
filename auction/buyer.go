package auction

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// ErrNoSeller is returned by [Buyer.ChooseSeller] when no seller holds the
// chunk.
var ErrNoSeller = errors.New("auction: no seller for the chunk")

// DefaultMaxBackoff is the backoff cap, in periods, of a [BuyerConfig]
// that leaves it zero.
const DefaultMaxBackoff = 8

// BuyerConfig configures a [Buyer].
type BuyerConfig struct {
	// ID is the buyer's bidder pseudonym.
	ID BidderID
	// Valuation is V, what the whole set of chunks is worth to the
	// buyer, in token units.
	Valuation Amount
	// Chunks are the k chunks the buyer needs from the storage network.
	Chunks []ChunkID
	// MaxBackoff caps the backoff after a lost auction, in periods.
	// Zero means [DefaultMaxBackoff].
	MaxBackoff int
}

// Quote is a seller's offer of a chunk as the buyer sees it: the price
// the chunk last sold for there ([Market.Quote]), if known.
type Quote struct {
	Seller SellerID
	Price  Amount
	Known  bool
}

type want struct {
	losses   int
	retryAt  uint64
	short    bool
	inFlight bool
}

// Buyer is the bidding strategy of BitStore's Figure 2, case 2, and §5.3: a
// node needing k chunks it values at V together bids V/k (rounded down)
// in the auction of every chunk, in parallel; it picks, for each chunk,
// the seller with the best price; it backs off after losing an auction
// and when it is short of tokens, and retries later. Chunks it loses
// may reach it through its own swarm instead ([Buyer.Acquired]), which is
// why the paper expects it to pay less than V for the set.
//
// The buyer's per-chunk bid is its true value for a chunk under the
// paper's additive reading of V, which is what the second-price rule makes
// optimal to bid. A Buyer is not safe for concurrent use.
type Buyer struct {
	id         BidderID
	valuation  Amount
	bid        Amount
	maxBackoff int
	wants      map[ChunkID]*want
	order      []ChunkID
	spent      Amount
	exposure   Amount
	paid       int
	free       int
}

// NewBuyer returns a buyer. It fails with [ErrConfig] for an empty or
// repeated chunk list and with an error wrapping [ErrInvalidBid] when V/k
// rounds down to zero or V exceeds [MaxAmount].
func NewBuyer(cfg BuyerConfig) (*Buyer, error) {
	k := len(cfg.Chunks)
	if k == 0 {
		return nil, fmt.Errorf("%w: buyer needs no chunks", ErrConfig)
	}
	if cfg.MaxBackoff < 0 {
		return nil, fmt.Errorf("%w: negative backoff %d", ErrConfig, cfg.MaxBackoff)
	}
	if cfg.Valuation <= 0 || cfg.Valuation > MaxAmount {
		return nil, fmt.Errorf("%w: valuation %d outside [1, %d]", ErrInvalidBid, cfg.Valuation, MaxAmount)
	}
	bid := cfg.Valuation / Amount(k)
	if bid == 0 {
		return nil, fmt.Errorf("%w: valuation %d over %d chunks rounds to a zero bid", ErrInvalidBid, cfg.Valuation, k)
	}
	b := &Buyer{
		id:         cfg.ID,
		valuation:  cfg.Valuation,
		bid:        bid,
		maxBackoff: cfg.MaxBackoff,
		wants:      make(map[ChunkID]*want, k),
	}
	if b.maxBackoff == 0 {
		b.maxBackoff = DefaultMaxBackoff
	}
	for _, c := range cfg.Chunks {
		if b.wants[c] != nil {
			return nil, fmt.Errorf("%w: chunk %v listed twice", ErrConfig, c)
		}
		b.wants[c] = &want{}
		b.order = append(b.order, c)
	}
	return b, nil
}

// ID returns the buyer's pseudonym.
func (b *Buyer) ID() BidderID { return b.id }

// Valuation returns V.
func (b *Buyer) Valuation() Amount { return b.valuation }

// Bid returns the per-chunk bid, V/k rounded down.
func (b *Buyer) Bid() Amount { return b.bid }

// Needed returns the chunks still missing, in the configured order.
func (b *Buyer) Needed() []ChunkID {
	var out []ChunkID
	for _, c := range b.order {
		if b.wants[c] != nil {
			out = append(out, c)
		}
	}
	return out
}

// Done reports whether the buyer has every chunk.
func (b *Buyer) Done() bool { return len(b.wants) == 0 }

// Spent returns the tokens paid so far.
func (b *Buyer) Spent() Amount { return b.spent }

// Bought returns the number of chunks obtained by auction and through the
// swarm.
func (b *Buyer) Bought() (byAuction, bySwarm int) { return b.paid, b.free }

// Utility returns V − spent once the buyer has every chunk, and −spent
// before: the quantity the parallel-bidding rule is meant to keep
// non-negative.
func (b *Buyer) Utility() Amount {
	if b.Done() {
		return b.valuation - b.spent
	}
	return -b.spent
}

// Plan returns the chunks to bid on in period, given the tokens the buyer
// holds: every missing chunk neither backing off nor already bid on
// ([Buyer.Placed]), as many as balance covers at one bid each once the
// bids in flight are set aside, so that the buyer can pay for every
// auction it might win (a price never exceeds the bid). Chunks left out
// for lack of tokens are marked short and retried when the balance
// allows. Plan changes nothing else; call Placed for each bid sent.
func (b *Buyer) Plan(period uint64, balance Amount) []ChunkID {
	afford := 0
	if free := balance - b.exposure; free > 0 && b.bid > 0 {
		afford = int(min(free/b.bid, Amount(len(b.order))))
	}
	var out []ChunkID
	for _, c := range b.order {
		w := b.wants[c]
		if w == nil || w.inFlight || period < w.retryAt {
			continue
		}
		if len(out) == afford {
			w.short = true
			continue
		}
		w.short = false
		out = append(out, c)
	}
	return out
}

// Short returns the chunks the last [Buyer.Plan] left out for lack of
// tokens.
func (b *Buyer) Short() []ChunkID {
	var out []ChunkID
	for _, c := range b.order {
		if w := b.wants[c]; w != nil && w.short {
			out = append(out, c)
		}
	}
	return out
}

// ChooseSeller picks among the sellers holding a chunk the one with the
// lowest known price, and returns its index in quotes. Sellers with no
// price history rank with price zero, so a buyer keeps trying new
// sellers; ties are drawn at random with rng, which makes the choice
// Figure 2's "choose a node at random" when nothing is known (a nil rng
// takes the first of the tied quotes). It returns
// [ErrNoSeller] for an empty list. The index form lets a storage layer's
// seller-choosing hook map the choice back to its own node type.
func (b *Buyer) ChooseSeller(quotes []Quote, rng *rand.Rand) (int, error) {
	if b == nil {
		return 0, fmt.Errorf("%w: nil buyer", ErrInvalidArgument)
	}
	if len(quotes) == 0 {
		return 0, ErrNoSeller
	}
	price := func(q Quote) Amount {
		if q.Known {
			return q.Price
		}
		return 0
	}
	best := slices.MinFunc(quotes, func(a, b Quote) int { return cmp.Compare(price(a), price(b)) })
	var tied []int
	for i, q := range quotes {
		if price(q) == price(best) {
			tied = append(tied, i)
		}
	}
	if rng == nil {
		return tied[0], nil
	}
	return tied[rng.IntN(len(tied))], nil
}

// Placed records that the buyer sent a bid for chunk: the chunk is in
// flight, and its bid is set aside from the balance, until [Buyer.Won],
// [Buyer.Lost] or [Buyer.Acquired] settles it.
func (b *Buyer) Placed(chunk ChunkID) {
	if w := b.wants[chunk]; w != nil && !w.inFlight {
		w.inFlight = true
		b.exposure += b.bid
	}
}

// InFlight returns the tokens set aside for bids in flight.
func (b *Buyer) InFlight() Amount { return b.exposure }

// land ends chunk's flight, if any.
func (b *Buyer) land(w *want) {
	if w.inFlight {
		w.inFlight = false
		b.exposure -= b.bid
	}
}

// Won records that the buyer won chunk's auction and paid price.
func (b *Buyer) Won(chunk ChunkID, price Amount) {
	w := b.wants[chunk]
	if w == nil {
		return
	}
	b.land(w)
	delete(b.wants, chunk)
	b.spent += price
	b.paid++
}

// Acquired records that the buyer obtained chunk without paying (from
// its swarm by tit-for-tat, or an altruistic sale).
func (b *Buyer) Acquired(chunk ChunkID) {
	w := b.wants[chunk]
	if w == nil {
		return
	}
	b.land(w)
	delete(b.wants, chunk)
	b.free++
}

// Lost records that the buyer lost chunk's auction in period (or was not
// served). It backs off exponentially: the next attempt comes 1 + a random
// number of periods below 2^losses (capped at MaxBackoff), drawn with rng;
// a nil rng waits the whole window.
func (b *Buyer) Lost(chunk ChunkID, period uint64, rng *rand.Rand) {
	w := b.wants[chunk]
	if w == nil {
		return
	}
	b.land(w)
	w.losses++
	window := min(1<<min(w.losses, 30), b.maxBackoff)
	wait := window - 1
	if rng != nil {
		wait = rng.IntN(window)
	}
	w.retryAt = period + 1 + uint64(wait)
}
