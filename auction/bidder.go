package auction

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrUnauthenticated is returned for a [SealedBid] that its bidder did not
// sign: a missing or invalid signature, or a public key whose [BidderID]
// is not the bid's bidder.
var ErrUnauthenticated = errors.New("auction: sealed bid not signed by its bidder")

// BidderKeySeedSize is the size of a [BidderKey]'s seed, its encoding.
const BidderKeySeedSize = ed25519.SeedSize

const (
	bidderIDContext  = "swarmblocks auction v1 bidder id"
	sealedBidContext = "swarmblocks auction v1 sealed bid"
)

var bidderIDKDF = newKDF(bidderIDContext)

// BidderIDOf returns the bidder identifier bound to an Ed25519 public key:
// the first 8 bytes, big-endian, of
// BLAKE3-DeriveKey("swarmblocks auction v1 bidder id", pub). A bidder is
// whoever holds the private key: to bid under another's identifier one
// must sign for it, or find a key with the same 64-bit identifier, about
// 2^64 key generations.
func BidderIDOf(pub [ed25519.PublicKeySize]byte) BidderID {
	var out [32]byte
	bidderIDKDF.derive(&out, pub[:])
	return BidderID(binary.BigEndian.Uint64(out[:8]))
}

// BidderKey is a bidder's Ed25519 signing key. Its [BidderKey.ID] is the
// bidder's identifier in every auction, derived from the public key
// ([BidderIDOf]), so that a seller can check that a sealed bid comes from
// the bidder it names without any registry.
type BidderKey struct {
	priv ed25519.PrivateKey
	pub  [ed25519.PublicKeySize]byte
	id   BidderID
}

// GenerateBidderKey returns a fresh key, reading its seed from rnd; a nil
// rnd means crypto/rand.Reader.
func GenerateBidderKey(rnd io.Reader) (*BidderKey, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	seed := make([]byte, BidderKeySeedSize)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, fmt.Errorf("auction: reading key seed: %w", err)
	}
	return NewBidderKey(seed)
}

// NewBidderKey returns the key with the given [BidderKeySeedSize]-byte
// seed (the Ed25519 private key seed of RFC 8032), as
// [BidderKey.MarshalBinary] returns it. It returns [ErrMalformed] for a
// seed of another length.
func NewBidderKey(seed []byte) (*BidderKey, error) {
	if len(seed) != BidderKeySeedSize {
		return nil, fmt.Errorf("%w: bidder key seed is %d bytes, want %d", ErrMalformed, len(seed), BidderKeySeedSize)
	}
	k := &BidderKey{priv: ed25519.NewKeyFromSeed(seed)}
	copy(k.pub[:], k.priv.Public().(ed25519.PublicKey))
	k.id = BidderIDOf(k.pub)
	return k, nil
}

// check returns [ErrInvalidArgument] for a nil or zero-value key.
func (k *BidderKey) check() error {
	if k == nil || len(k.priv) != ed25519.PrivateKeySize {
		return fmt.Errorf("%w: nil or zero-value bidder key", ErrInvalidArgument)
	}
	return nil
}

// ID returns the bidder's identifier, [BidderIDOf] its public key (zero for
// a zero-value key).
func (k *BidderKey) ID() BidderID {
	if k == nil {
		return 0
	}
	return k.id
}

// PublicKey returns the key's Ed25519 public key.
func (k *BidderKey) PublicKey() [ed25519.PublicKeySize]byte {
	if k == nil {
		return [ed25519.PublicKeySize]byte{}
	}
	return k.pub
}

// MarshalBinary returns the key's seed, which [NewBidderKey] takes back.
// It is secret.
func (k *BidderKey) MarshalBinary() ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return k.priv.Seed(), nil
}

// Sign returns the sealed bid that carries commitment c in auction,
// signed by k under its own identifier.
func (k *BidderKey) Sign(auction AuctionID, c Commitment) (SealedBid, error) {
	if err := k.check(); err != nil {
		return SealedBid{}, err
	}
	b := SealedBid{Auction: auction, Bidder: k.id, Commitment: c, PublicKey: k.pub}
	msg := b.signedMessage()
	copy(b.Signature[:], ed25519.Sign(k.priv, msg[:]))
	return b, nil
}

// Seal commits k's bidder to a bid of amount in auction, as the package
// function [Seal] does, and signs the commitment: the sealed bid is sent
// during the bidding window, the opening kept secret until it closes. A
// nil rnd means crypto/rand.Reader.
func (k *BidderKey) Seal(rnd io.Reader, auction AuctionID, amount Amount) (SealedBid, Opening, error) {
	if err := k.check(); err != nil {
		return SealedBid{}, Opening{}, err
	}
	c, o, err := Seal(rnd, auction, k.id, amount)
	if err != nil {
		return SealedBid{}, Opening{}, err
	}
	b, err := k.Sign(auction, c)
	// Sign fails only for a zero-value key, which was refused above.
	// mutation: unreachable.
	if err != nil {
		return SealedBid{}, Opening{}, err
	}
	return b, o, nil
}

// signedMessage is what a bidder signs: a context string, then the
// auction, the bidder and the commitment.
func (b *SealedBid) signedMessage() [len(sealedBidContext) + 32 + 8 + CommitmentSize]byte {
	var m [len(sealedBidContext) + 32 + 8 + CommitmentSize]byte
	n := copy(m[:], sealedBidContext)
	n += copy(m[n:], b.Auction[:])
	binary.BigEndian.PutUint64(m[n:], uint64(b.Bidder))
	copy(m[n+8:], b.Commitment[:])
	return m
}

// Verify checks that b was signed by its bidder: the public key it carries
// hashes to b.Bidder ([BidderIDOf]) and the signature over the auction,
// the bidder and the commitment verifies under it. It returns an error
// wrapping [ErrUnauthenticated] otherwise.
func (b *SealedBid) Verify() error {
	if b == nil {
		return fmt.Errorf("%w: nil sealed bid", ErrInvalidArgument)
	}
	if BidderIDOf(b.PublicKey) != b.Bidder {
		return fmt.Errorf("%w: public key is not bidder %d's", ErrUnauthenticated, b.Bidder)
	}
	msg := b.signedMessage()
	if !ed25519.Verify(b.PublicKey[:], msg[:], b.Signature[:]) {
		return fmt.Errorf("%w: bad signature for bidder %d", ErrUnauthenticated, b.Bidder)
	}
	return nil
}
