package auction

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
)

// MaxBidsPerBidder bounds the sealed bids one bidder may place in one
// auction, so that a bidder cannot grow the seller's state without limit.
const MaxBidsPerBidder = 64

var (
	// ErrPhase is returned for an operation made in the wrong phase of a
	// sealed auction: a commitment after bidding closed, an opening
	// before it closed, a second clearing.
	ErrPhase = errors.New("auction: wrong auction phase")
	// ErrWrongAuction is returned for a sealed bid or an opening made for
	// another auction.
	ErrWrongAuction = errors.New("auction: bid is for another auction")
	// ErrDuplicate is returned for a commitment already received.
	ErrDuplicate = errors.New("auction: duplicate commitment")
	// ErrTooManyBids is returned when a bidder exceeds [MaxBidsPerBidder].
	ErrTooManyBids = errors.New("auction: too many bids from one bidder")
	// ErrNotRevealed is the reason given for a sealed bid that was never
	// opened.
	ErrNotRevealed = errors.New("auction: bid not revealed")
	// ErrBidderExcluded is the reason given for a correctly revealed bid
	// dropped because another bid of the same bidder was excluded.
	ErrBidderExcluded = errors.New("auction: bidder excluded")
)

// Exclusion reports a sealed bid that did not take part in clearing.
type Exclusion struct {
	Bidder     BidderID
	Commitment Commitment
	// Reason is [ErrNotRevealed], [ErrOpening] (the bidder sent openings
	// that did not match, and none that did), [ErrInvalidBid] (the bid
	// opened to an amount outside [1, MaxAmount]) or [ErrBidderExcluded].
	Reason error
}

// Phase is the state of a [Sealed] auction.
type Phase int

// The phases of a sealed auction, in order.
const (
	Bidding   Phase = iota // accepting commitments
	Revealing              // accepting openings
	Cleared                // the result is known
)

func (p Phase) String() string {
	switch p {
	case Bidding:
		return "bidding"
	case Revealing:
		return "revealing"
	case Cleared:
		return "cleared"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// sealedKey indexes sealed bids by bidder and commitment, so that a
// bidder who copies another's commitment does not lock its owner out:
// the copy is a separate entry, which its copier cannot open (the
// commitment binds the owner's id) and which excludes the copier.
type sealedKey struct {
	bidder BidderID
	c      Commitment
}

type sealedEntry struct {
	bidder   BidderID
	revealed bool
	amount   Amount
	err      error // set when the opening is invalid
}

// Sealed is a sealed-bid second-price auction with commit and reveal
// phases (see the package documentation's protocol overview):
//
//  1. during bidding, [Sealed.Commit] records bidders' commitments;
//  2. [Sealed.CloseBidding] ends the window; the seller's reserve was
//     committed before it opened ([Sealed.ReserveCommitment]);
//  3. [Sealed.Reveal] checks each opening against its commitment;
//  4. [Sealed.Clear] applies [Clear] to the revealed bids.
//
// A bidder any of whose commitments is not opened, or opens to an invalid
// amount, is excluded altogether and reported in [Result.Excluded]: a
// bidder cannot place several bids and then reveal only the one that suits
// it after seeing the others. An opening that matches none of the
// bidder's commitments is rejected with [ErrOpening] but does not by
// itself exclude the bidder, since openings may come from an
// unauthenticated channel; the bidder's unopened commitment does.
//
// A Sealed is not safe for concurrent use.
type Sealed struct {
	id       AuctionID
	reserve  Amount
	rsvOpen  ReserveOpening
	rsvC     Commitment
	phase    Phase
	entries  map[sealedKey]*sealedEntry
	order    []sealedKey // arrival order, for deterministic reports
	perBid   map[BidderID]int
	mismatch map[BidderID]bool
	result   Result
}

// NewSealed opens the bidding of auction id with the seller's private
// reserve price, committing to the reserve with randomness from rnd (a nil
// rnd means crypto/rand.Reader). It returns an error wrapping [ErrInvalidReserve]
// for a reserve outside [0, MaxAmount].
func NewSealed(rnd io.Reader, id AuctionID, reserve Amount) (*Sealed, error) {
	if err := checkReserve(reserve); err != nil {
		return nil, err
	}
	ro := ReserveOpening{Auction: id, Reserve: reserve}
	if err := readNonce(rnd, ro.Nonce[:]); err != nil {
		return nil, err
	}
	return &Sealed{
		id:       id,
		reserve:  reserve,
		rsvOpen:  ro,
		rsvC:     ro.Commitment(),
		entries:  make(map[sealedKey]*sealedEntry),
		perBid:   make(map[BidderID]int),
		mismatch: make(map[BidderID]bool),
	}, nil
}

// ready returns [ErrInvalidArgument] for a nil or zero-value Sealed.
func (s *Sealed) ready() error {
	if s == nil || s.entries == nil || s.perBid == nil || s.mismatch == nil {
		return fmt.Errorf("%w: nil or zero-value sealed auction (use NewSealed)", ErrInvalidArgument)
	}
	return nil
}

// ID returns the auction's identifier.
func (s *Sealed) ID() AuctionID {
	if s == nil {
		return AuctionID{}
	}
	return s.id
}

// Phase returns the current phase.
func (s *Sealed) Phase() Phase {
	if s == nil {
		return Bidding
	}
	return s.phase
}

// Commitments returns the number of sealed bids received.
func (s *Sealed) Commitments() int {
	if s == nil {
		return 0
	}
	return len(s.order)
}

// ReserveCommitment returns the seller's commitment to its reserve price,
// published when bidding opens so that the seller cannot change the
// reserve after seeing the bids.
func (s *Sealed) ReserveCommitment() Commitment {
	if s == nil {
		return Commitment{}
	}
	return s.rsvC
}

// ReserveOpening returns the opening of [Sealed.ReserveCommitment]. The
// seller shows it, once the auction is cleared, to a winner charged the
// reserve price (the single-bidder case) who wants to check the price.
// It returns [ErrPhase] before the auction is cleared.
func (s *Sealed) ReserveOpening() (ReserveOpening, error) {
	if err := s.ready(); err != nil {
		return ReserveOpening{}, err
	}
	if s.phase != Cleared {
		return ReserveOpening{}, fmt.Errorf("%w: reserve opened before clearing", ErrPhase)
	}
	return s.rsvOpen, nil
}

// Commit records a sealed bid. It fails with [ErrPhase] after bidding
// closed, [ErrWrongAuction] for another auction's bid,
// [ErrUnauthenticated] for a bid its bidder did not sign
// ([SealedBid.Verify]; such a bid changes nothing), [ErrDuplicate] for
// a commitment already received from the same bidder and
// [ErrTooManyBids] beyond [MaxBidsPerBidder] bids from one bidder.
func (s *Sealed) Commit(b SealedBid) error {
	if err := s.ready(); err != nil {
		return err
	}
	k := sealedKey{b.Bidder, b.Commitment}
	switch {
	case s.phase != Bidding:
		return fmt.Errorf("%w: commitment in phase %v", ErrPhase, s.phase)
	case b.Auction != s.id:
		return fmt.Errorf("%w: %v, not %v", ErrWrongAuction, b.Auction, s.id)
	}
	if err := b.Verify(); err != nil {
		return err
	}
	switch {
	case s.entries[k] != nil:
		return fmt.Errorf("%w: %v", ErrDuplicate, b.Commitment)
	case s.perBid[b.Bidder] >= MaxBidsPerBidder:
		return fmt.Errorf("%w: bidder %d", ErrTooManyBids, b.Bidder)
	}
	s.entries[k] = &sealedEntry{bidder: b.Bidder}
	s.order = append(s.order, k)
	s.perBid[b.Bidder]++
	return nil
}

// CloseBidding ends the bidding window and starts the reveal phase. It
// returns [ErrPhase] if bidding is already closed.
func (s *Sealed) CloseBidding() error {
	if err := s.ready(); err != nil {
		return err
	}
	if s.phase != Bidding {
		return fmt.Errorf("%w: bidding already closed", ErrPhase)
	}
	s.phase = Revealing
	return nil
}

// Reveal checks an opening against the commitment it opens. It fails with
// [ErrPhase] outside the reveal phase, [ErrWrongAuction] for another
// auction's opening, and [ErrOpening] when the opening matches no
// commitment of its bidder. A correct opening of an invalid amount is
// accepted as an opening, returns an error wrapping [ErrInvalidBid], and
// excludes the bidder. Revealing the same opening twice is harmless.
func (s *Sealed) Reveal(o Opening) error {
	if err := s.ready(); err != nil {
		return err
	}
	switch {
	case s.phase != Revealing:
		return fmt.Errorf("%w: opening in phase %v", ErrPhase, s.phase)
	case o.Auction != s.id:
		return fmt.Errorf("%w: %v, not %v", ErrWrongAuction, o.Auction, s.id)
	}
	e := s.entries[sealedKey{o.Bidder, o.Commitment()}]
	if e == nil {
		if s.perBid[o.Bidder] > 0 {
			s.mismatch[o.Bidder] = true
		}
		return fmt.Errorf("%w: bidder %d", ErrOpening, o.Bidder)
	}
	e.revealed = true
	e.amount = o.Amount
	if err := checkBid(o.Amount); err != nil {
		e.err = err
		return err
	}
	return nil
}

// Clear ends the reveal phase, excludes the bidders whose bids are not all
// correctly revealed and clears the auction over the rest with [Clear]
// (rng breaks ties). The result lists the exclusions in the order the
// commitments arrived. Clear returns [ErrPhase] unless the auction is in
// its reveal phase.
func (s *Sealed) Clear(rng *rand.Rand) (Result, error) {
	if err := s.ready(); err != nil {
		return Result{}, err
	}
	if s.phase != Revealing {
		return Result{}, fmt.Errorf("%w: clearing in phase %v", ErrPhase, s.phase)
	}
	excluded := make(map[BidderID]bool)
	for _, k := range s.order {
		if e := s.entries[k]; !e.revealed || e.err != nil {
			excluded[e.bidder] = true
		}
	}
	var bids []Bid
	var out []Exclusion
	for _, k := range s.order {
		e := s.entries[k]
		var reason error
		switch {
		case e.revealed && e.err != nil:
			reason = ErrInvalidBid
		case !e.revealed && s.mismatch[e.bidder]:
			reason = ErrOpening
		case !e.revealed:
			reason = ErrNotRevealed
		case excluded[e.bidder]:
			reason = ErrBidderExcluded
		default:
			bids = append(bids, Bid{Bidder: e.bidder, Amount: e.amount})
			continue
		}
		out = append(out, Exclusion{Bidder: e.bidder, Commitment: k.c, Reason: reason})
	}
	r, err := Clear(s.reserve, bids, rng)
	// The reserve and every counted bid were checked (by NewSealed and
	// Reveal), the only ways Clear fails. mutation: unreachable.
	if err != nil {
		return Result{}, err
	}
	r.Excluded = out
	s.phase = Cleared
	s.result = r
	return r, nil
}

// Result returns the result of a cleared auction, or [ErrPhase] before.
func (s *Sealed) Result() (Result, error) {
	if err := s.ready(); err != nil {
		return Result{}, err
	}
	if s.phase != Cleared {
		return Result{}, fmt.Errorf("%w: not cleared", ErrPhase)
	}
	return s.result, nil
}

// countedBidders returns, after clearing, the distinct bidders whose bids
// counted, in increasing order, with each one's highest bid.
func (s *Sealed) countedBidders() ([]BidderID, []Amount) {
	best := make(map[BidderID]Amount)
	excluded := make(map[BidderID]bool)
	for _, x := range s.result.Excluded {
		excluded[x.Bidder] = true
	}
	for _, k := range s.order {
		e := s.entries[k]
		if !excluded[e.bidder] {
			best[e.bidder] = max(best[e.bidder], e.amount)
		}
	}
	ids := make([]BidderID, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	amounts := make([]Amount, len(ids))
	for i, id := range ids {
		amounts[i] = best[id]
	}
	return ids, amounts
}
