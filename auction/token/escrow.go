package token

import (
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"lukechampine.com/blake3"
)

var (
	// ErrNoEscrow is returned for an unknown (or already closed) escrow.
	ErrNoEscrow = errors.New("token: no such escrow")
	// ErrUnauthorized is returned when the secret presented does not
	// open the escrow's lock.
	ErrUnauthorized = errors.New("token: wrong escrow secret")
	// ErrEscrowState is returned for an operation the escrow's state
	// forbids: confirming twice, collecting before confirmation,
	// refunding a confirmed escrow, confirming after the deadline or
	// refunding before it.
	ErrEscrowState = errors.New("token: operation not allowed in the escrow's state")
)

// EscrowID names an escrow: a hash of the registry keys of the tokens it
// holds, so that it is unique and reveals nothing about them.
type EscrowID [32]byte

// String returns the first 8 bytes of id in hexadecimal.
func (id EscrowID) String() string { return hex.EncodeToString(id[:8]) }

// Secret authorises a party to act on an escrow; only its [Lock] is shown
// to the exchange when the escrow is opened. A fresh secret per payment
// keeps the payments of one buyer or seller unlinkable.
type Secret [32]byte

// Lock is the public image of a [Secret]:
// BLAKE3-DeriveKey("swarmblocks token v1 escrow lock", secret).
type Lock [32]byte

// NewSecret draws a fresh secret from rnd; a nil rnd means
// crypto/rand.Reader.
func NewSecret(rnd io.Reader) (Secret, error) {
	var s Secret
	if _, err := io.ReadFull(randReader(rnd), s[:]); err != nil {
		return Secret{}, fmt.Errorf("token: reading secret: %w", err)
	}
	return s, nil
}

// Lock returns the lock that s opens.
func (s *Secret) Lock() Lock {
	var l Lock
	blake3.DeriveKey(l[:], "swarmblocks token v1 escrow lock", s[:])
	return l
}

func (l *Lock) opens(s *Secret) bool {
	got := s.Lock()
	return subtle.ConstantTimeCompare(got[:], l[:]) == 1
}

type escrow struct {
	amount    int
	payee     Lock
	payer     Lock
	deadline  time.Time
	confirmed bool
	// closed marks an escrow paid out (collected or refunded); paidTo is
	// the hash of the blinded requests it was paid to, so that the same
	// party can fetch the same signatures again if the reply was lost.
	closed bool
	paidTo [32]byte
}

// Escrow spends tokens into an escrow for the payee (the seller), the
// first step of paying for a chunk (§5.1: the seller is paid only after
// the buyer has retrieved and verified it):
//
//	buyer                     exchange                    seller
//	  Escrow(tokens, payee, payer) ──▶ spent, escrowed
//	  ◀── id, deadline
//	  id ─────────────────────────────────────────────────▶ serves the chunk
//	  verifies chunk
//	  Confirm(id, payerSecret) ──▶ confirmed
//	                              ◀── Collect(id, payeeSecret, blinded reqs)
//	                              fresh tokens ──────────▶
//	or, if the chunk never came:
//	  after deadline: Refund(id, payerSecret, blinded reqs) ──▶ fresh tokens
//
// payee is the lock of the seller's secret, payer the lock of the
// buyer's. Escrow verifies every token and spends them all or none: it
// fails with [ErrSignature], [ErrWrongKey], [ErrDoubleSpend] or
// [ErrBatch] and then spends nothing.
func (x *Exchange) Escrow(tokens []Token, payee, payer Lock) (EscrowID, time.Time, error) {
	if err := x.ready(); err != nil {
		return EscrowID{}, time.Time{}, err
	}
	keys, err := x.check(tokens)
	if err != nil {
		return EscrowID{}, time.Time{}, err
	}
	const idContext = "swarmblocks token v1 escrow id"
	buf := make([]byte, 0, len(idContext)+MessageSize*len(keys))
	buf = append(buf, idContext...)
	for _, k := range keys {
		buf = append(buf, k[:]...)
	}
	id := EscrowID(blake3.Sum256(buf))

	x.mu.Lock()
	defer x.mu.Unlock()
	x.pruneClosed()
	if err := x.markSpent(keys); err != nil {
		return EscrowID{}, time.Time{}, err
	}
	deadline := x.now().Add(x.timeout)
	x.escrows[id] = &escrow{amount: len(keys), payee: payee, payer: payer, deadline: deadline}
	x.open++
	x.stats.Escrowed += int64(len(keys))
	return id, deadline, nil
}

// EscrowAmount returns the number of tokens held by an open escrow.
func (x *Exchange) EscrowAmount(id EscrowID) (int, error) {
	if err := x.ready(); err != nil {
		return 0, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	e := x.escrows[id]
	if e == nil || e.closed {
		return 0, ErrNoEscrow
	}
	return e.amount, nil
}

// Confirm records the buyer's confirmation that the chunk arrived and
// verified, releasing the escrow to the payee. It needs the payer's
// secret and must come before the deadline.
func (x *Exchange) Confirm(id EscrowID, payer Secret) error {
	if err := x.ready(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	e := x.escrows[id]
	switch {
	case e == nil:
		return ErrNoEscrow
	case !e.payer.opens(&payer):
		return ErrUnauthorized
	case e.closed:
		return fmt.Errorf("%w: closed", ErrEscrowState)
	case e.confirmed:
		return fmt.Errorf("%w: already confirmed", ErrEscrowState)
	case !x.now().Before(e.deadline):
		return fmt.Errorf("%w: deadline passed", ErrEscrowState)
	}
	e.confirmed = true
	return nil
}

// Collect pays a confirmed escrow to its payee as fresh tokens: the payee
// sends as many blinded withdrawal requests as the escrow holds tokens
// (see [NewWithdrawal]), so the tokens it earns are as unlinkable as
// bought ones. The escrow closes.
//
// A payout is idempotent: if the reply is lost, calling Collect again with
// the same secret and the same requests returns the same signatures and
// mints nothing more (RSA blind signatures are deterministic, so they
// finalise to the same tokens). Other requests for a closed escrow are
// refused with [ErrEscrowState]. The same holds for [Exchange.Refund].
// A closed escrow is kept for such retries for [Config].ClosedRetention
// (at most [Config].MaxClosedEscrows of them); after that a retry gets
// [ErrNoEscrow], and the tokens it would have fetched are lost to a party
// that never received the first reply.
func (x *Exchange) Collect(id EscrowID, payee Secret, reqs [][]byte) ([][]byte, error) {
	authorise := func(e *escrow) error {
		switch {
		case !e.payee.opens(&payee):
			return ErrUnauthorized
		case !e.confirmed:
			return fmt.Errorf("%w: not confirmed by the buyer", ErrEscrowState)
		}
		return nil
	}
	return x.payOut(id, reqs, authorise)
}

// Refund returns an unconfirmed escrow's value to the buyer, as fresh
// tokens, once its deadline has passed. The escrow closes.
func (x *Exchange) Refund(id EscrowID, payer Secret, reqs [][]byte) ([][]byte, error) {
	authorise := func(e *escrow) error {
		switch {
		case !e.payer.opens(&payer):
			return ErrUnauthorized
		case e.confirmed:
			return fmt.Errorf("%w: confirmed, the payee is paid", ErrEscrowState)
		case x.now().Before(e.deadline):
			return fmt.Errorf("%w: deadline not reached", ErrEscrowState)
		}
		return nil
	}
	return x.payOut(id, reqs, authorise)
}

// payOut closes an escrow, blind-signing reqs. It authorises under the
// lock, signs outside it, and re-authorises before committing, so a
// concurrent payout of the same escrow cannot pay twice and a failed one
// changes nothing. A closed escrow is signed for again only for the
// requests it was paid to, and then changes nothing.
func (x *Exchange) payOut(id EscrowID, reqs [][]byte, authorise func(*escrow) error) ([][]byte, error) {
	if err := x.ready(); err != nil {
		return nil, err
	}
	h := hashRequests(reqs)
	ready := func() (*escrow, error) {
		e := x.escrows[id]
		if e == nil {
			return nil, ErrNoEscrow
		}
		if err := authorise(e); err != nil {
			return nil, err
		}
		if len(reqs) != e.amount {
			return nil, fmt.Errorf("%w: %d requests for an escrow of %d tokens", ErrBatch, len(reqs), e.amount)
		}
		if e.closed && e.paidTo != h {
			return nil, fmt.Errorf("%w: already paid out to other requests", ErrEscrowState)
		}
		return e, nil
	}
	x.mu.Lock()
	x.pruneClosed()
	_, err := ready()
	x.mu.Unlock()
	if err != nil {
		return nil, err
	}
	sigs, err := x.sign(reqs)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	e, err := ready()
	if err != nil {
		return nil, err
	}
	if e.closed {
		return sigs, nil // a retry: the same signatures, nothing new minted
	}
	n := int64(len(reqs))
	e.closed, e.paidTo = true, h
	x.closedQ = append(x.closedQ, closedEscrow{id: id, at: x.now()})
	x.pruneClosed()
	x.open--
	x.stats.Escrowed -= n
	x.stats.Redeemed += n
	x.stats.Minted += n
	return sigs, nil
}

// pruneClosed forgets the closed escrows older than the retention window,
// and the oldest beyond the cap, oldest first. x.mu must be held. Each
// escrow is queued once when it closes and removed once, so the cost is
// constant per escrow over its life.
func (x *Exchange) pruneClosed() {
	now := x.now()
	drop := 0
	for drop < len(x.closedQ) {
		c := x.closedQ[drop]
		if len(x.closedQ)-drop <= x.maxClosed && now.Sub(c.at) < x.retention {
			break
		}
		delete(x.escrows, c.id)
		drop++
	}
	// With nothing dropped the block below changes no escrow.
	// mutation: > becoming >= is equivalent.
	if drop > 0 {
		// Zeroing the dropped entries only lets the collector reclaim them
		// sooner. mutation: removing the clear is equivalent.
		clear(x.closedQ[:drop])
		x.closedQ = x.closedQ[drop:]
		// The thresholds decide only when the queue's backing array is
		// shrunk, never its contents. mutation: the boundaries are equivalent.
		if cap(x.closedQ) > 64 && len(x.closedQ) < cap(x.closedQ)/4 {
			x.closedQ = append([]closedEscrow(nil), x.closedQ...)
		}
	}
}

// hashRequests commits to a batch of blinded requests.
func hashRequests(reqs [][]byte) [32]byte {
	h := blake3.New(32, nil)
	var n [8]byte
	for _, r := range reqs {
		// A batch that hashes like the paid one but splits its bytes
		// differently has a request of the wrong length, which sign refuses.
		// mutation: dropping the length prefix is equivalent.
		binary.BigEndian.PutUint64(n[:], uint64(len(r)))
		// mutation: equivalent, as above.
		h.Write(n[:])
		h.Write(r)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
