package token

import (
	"errors"
	"fmt"
	"io"

	"github.com/cloudflare/circl/blindsign/blindrsa"
)

// MaxBatch bounds the number of tokens in one withdrawal, escrow or
// cash-out, so that one request cannot tie up the exchange.
const MaxBatch = 4096

// ErrBatch is returned for an empty batch or one larger than [MaxBatch].
var ErrBatch = errors.New("token: bad batch size")

// Withdrawal is the wallet's side of a blind withdrawal of n tokens
// ([RFC 9474] Prepare and Blind, then Finalize). It holds the blinding
// factors; it is used once.
//
//	wallet                                exchange
//	  w := NewWithdrawal(rnd, pk, n)
//	  w.Requests()  ── n blinded messages ──▶
//	                                        Buy / Collect / Refund
//	             ◀── n blind signatures ──
//	  w.Finalize(sigs) → n tokens
type Withdrawal struct {
	pub    *PublicKey
	msgs   [][MessageSize]byte
	states []blindrsa.State
	reqs   [][]byte
	done   bool
}

// NewWithdrawal prepares the blinded requests for n new tokens under pub,
// with randomness from rnd; a nil rnd means crypto/rand.Reader.
func NewWithdrawal(rnd io.Reader, pub *PublicKey, n int) (*Withdrawal, error) {
	if err := pub.check(); err != nil {
		return nil, err
	}
	if n <= 0 || n > MaxBatch {
		return nil, fmt.Errorf("%w: %d tokens", ErrBatch, n)
	}
	rnd = randReader(rnd)
	w := &Withdrawal{
		pub:    pub,
		msgs:   make([][MessageSize]byte, n),
		states: make([]blindrsa.State, n),
		reqs:   make([][]byte, n),
	}
	for i := range n {
		var serial [MessageSize - 32]byte
		if _, err := io.ReadFull(rnd, serial[:]); err != nil {
			return nil, fmt.Errorf("token: reading serial: %w", err)
		}
		prepared, req, st, err := pub.prepareAndBlind(rnd, serial[:])
		if err != nil {
			return nil, err
		}
		// Prepare returns RFC 9474's 32-byte prefix and the 32-byte serial.
		// mutation: unreachable.
		if len(prepared) != MessageSize {
			return nil, fmt.Errorf("token: prepared message is %d bytes, want %d", len(prepared), MessageSize)
		}
		copy(w.msgs[i][:], prepared)
		w.states[i] = st
		w.reqs[i] = req
	}
	return w, nil
}

// Len returns the number of tokens requested.
func (w *Withdrawal) Len() int {
	if w == nil {
		return 0
	}
	return len(w.reqs)
}

// Requests returns the blinded messages to send to the exchange. They
// reveal nothing about the tokens' serial numbers.
func (w *Withdrawal) Requests() [][]byte {
	if w == nil {
		return nil
	}
	return w.reqs
}

// Finalize unblinds the exchange's blind signatures, in request order,
// into tokens, checking each one: a signature that does not verify
// (a cheating exchange, a corrupted message) is an [ErrSignature] error
// and no token is returned.
func (w *Withdrawal) Finalize(blindSigs [][]byte) ([]Token, error) {
	if w == nil || w.pub.check() != nil {
		return nil, fmt.Errorf("%w: nil or zero-value withdrawal", ErrInvalidArgument)
	}
	if w.done {
		return nil, errors.New("token: withdrawal already finalized")
	}
	if len(blindSigs) != len(w.reqs) {
		return nil, fmt.Errorf("%w: %d signatures for %d requests", ErrMalformed, len(blindSigs), len(w.reqs))
	}
	out := make([]Token, len(w.reqs))
	for i, bs := range blindSigs {
		sig, err := w.pub.client.Finalize(w.states[i], bs)
		if err != nil {
			return nil, fmt.Errorf("%w: token %d: %w", ErrSignature, i, err)
		}
		out[i] = Token{key: w.pub.id, msg: w.msgs[i], sig: sig}
	}
	w.done = true
	return out, nil
}

// prepareAndBlind runs RFC 9474's Prepare and Blind (§4.1, §4.2) on msg:
// it reads the 32-byte random prefix, the 48-byte PSS salt and the blinding
// factor r (as crypto/rand.Int draws it below n), in that order, from rnd,
// and returns the prepared message prefix ‖ msg, the blinded message and
// the state Finalize needs.
func (k *PublicKey) prepareAndBlind(rnd io.Reader, msg []byte) (prepared, blinded []byte, st blindrsa.State, err error) {
	prepared, err = k.client.Prepare(rnd, msg)
	if err != nil {
		return nil, nil, blindrsa.State{}, fmt.Errorf("token: prepare: %w", err)
	}
	blinded, st, err = k.client.Blind(rnd, prepared)
	if err != nil {
		return nil, nil, blindrsa.State{}, fmt.Errorf("token: blind: %w", err)
	}
	return prepared, blinded, st, nil
}
