package auction

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Sizes of the fixed-length encodings of this file.
const (
	// CommitmentSize is the size of a [Commitment].
	CommitmentSize = 32
	// NonceSize is the size of the random nonce that hides a bid.
	NonceSize = 32
	// OpeningSize is the size of an encoded [Opening]:
	// auction id (32) ‖ bidder (8, big-endian) ‖ amount (8, big-endian) ‖ nonce (32).
	OpeningSize = 32 + 8 + 8 + NonceSize
	// SealedBidSize is the size of an encoded [SealedBid]:
	// auction id (32) ‖ bidder (8, big-endian) ‖ commitment (32) ‖
	// Ed25519 public key (32) ‖ signature (64).
	SealedBidSize = 32 + 8 + CommitmentSize + ed25519.PublicKeySize + ed25519.SignatureSize
)

var (
	// ErrMalformed is returned when an encoding has the wrong length or a
	// field outside its range.
	ErrMalformed = errors.New("auction: malformed encoding")
	// ErrOpening is returned when an opening does not open the commitment
	// it is presented for.
	ErrOpening = errors.New("auction: opening does not match the commitment")
)

// Commitment is a sealed bid: a hiding, binding commitment to an auction,
// a bidder and an amount,
//
//	C = BLAKE3-DeriveKey("swarmblocks auction v1 bid commitment",
//	                     auction ‖ bidder ‖ amount ‖ nonce)
//
// with a fresh 256-bit random nonce. It hides the amount as long as the
// nonce stays secret (BLAKE3 modelled as a random oracle) and binds the
// bidder to it by BLAKE3's collision resistance: no second opening with a
// different amount can be found.
type Commitment [CommitmentSize]byte

// String returns the first 8 bytes of c in hexadecimal.
func (c Commitment) String() string { return hex.EncodeToString(c[:8]) }

const commitContext = "swarmblocks auction v1 bid commitment"

// Opening reveals a sealed bid once bidding has closed.
type Opening struct {
	Auction AuctionID
	Bidder  BidderID
	Amount  Amount
	Nonce   [NonceSize]byte
}

// Seal commits bidder to a bid of amount in auction, drawing the nonce
// from rnd (a nil rnd means crypto/rand.Reader). The commitment is sent during the
// bidding window; the opening is kept secret until [Sealed.CloseBidding],
// then sent to the seller. Seal returns an error wrapping [ErrInvalidBid]
// for an amount outside [1, MaxAmount], and rnd's error if it fails.
func Seal(rnd io.Reader, auction AuctionID, bidder BidderID, amount Amount) (Commitment, Opening, error) {
	if err := checkBid(amount); err != nil {
		return Commitment{}, Opening{}, err
	}
	o := Opening{Auction: auction, Bidder: bidder, Amount: amount}
	if err := readNonce(rnd, o.Nonce[:]); err != nil {
		return Commitment{}, Opening{}, err
	}
	return o.Commitment(), o, nil
}

// Commitment recomputes the commitment that o opens.
func (o *Opening) Commitment() Commitment {
	var in [OpeningSize]byte
	o.put(in[:])
	var c Commitment
	commitKDF.derive((*[32]byte)(&c), in[:])
	return c
}

// Opens reports whether o opens c. The comparison is constant time.
func (o *Opening) Opens(c Commitment) bool {
	got := o.Commitment()
	return subtle.ConstantTimeCompare(got[:], c[:]) == 1
}

// readNonce fills nonce from rnd; a nil rnd means crypto/rand.Reader.
func readNonce(rnd io.Reader, nonce []byte) error {
	if rnd == nil {
		rnd = rand.Reader
	}
	if _, err := io.ReadFull(rnd, nonce); err != nil {
		return fmt.Errorf("auction: reading nonce: %w", err)
	}
	return nil
}

func (o *Opening) put(b []byte) {
	copy(b[0:32], o.Auction[:])
	binary.BigEndian.PutUint64(b[32:40], uint64(o.Bidder))
	binary.BigEndian.PutUint64(b[40:48], uint64(o.Amount))
	copy(b[48:80], o.Nonce[:])
}

// MarshalBinary encodes o in [OpeningSize] bytes.
func (o *Opening) MarshalBinary() ([]byte, error) {
	return o.AppendBinary(make([]byte, 0, OpeningSize))
}

// AppendBinary appends the encoding of o to b.
func (o *Opening) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, make([]byte, OpeningSize)...)
	o.put(b[len(b)-OpeningSize:])
	return b, nil
}

// UnmarshalBinary decodes an opening. It rejects a length other than
// [OpeningSize] with [ErrMalformed], and an amount outside [1, MaxAmount]
// with an error wrapping both [ErrMalformed] and [ErrInvalidBid]. On error
// o is left unchanged.
func (o *Opening) UnmarshalBinary(b []byte) error {
	if len(b) != OpeningSize {
		return fmt.Errorf("%w: opening is %d bytes, want %d", ErrMalformed, len(b), OpeningSize)
	}
	raw := binary.BigEndian.Uint64(b[40:48])
	if raw == 0 || raw > uint64(MaxAmount) {
		return fmt.Errorf("%w: %w: amount %d outside [1, %d]", ErrMalformed, ErrInvalidBid, raw, MaxAmount)
	}
	var n Opening
	copy(n.Auction[:], b[0:32])
	n.Bidder = BidderID(binary.BigEndian.Uint64(b[32:40]))
	n.Amount = Amount(raw)
	copy(n.Nonce[:], b[48:80])
	*o = n
	return nil
}

// SealedBid is the message a bidder sends during the bidding window: a
// commitment, signed by the bidder with the Ed25519 key its [BidderID] is
// derived from ([BidderKey.Sign], [SealedBid.Verify]), so that nobody can
// place a bid in another bidder's name (an unopened bid excludes its
// bidder, so a forged one would exclude the victim).
type SealedBid struct {
	Auction    AuctionID
	Bidder     BidderID
	Commitment Commitment
	PublicKey  [ed25519.PublicKeySize]byte
	Signature  [ed25519.SignatureSize]byte
}

// MarshalBinary encodes s in [SealedBidSize] bytes.
func (s *SealedBid) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, SealedBidSize))
}

// AppendBinary appends the encoding of s to b.
func (s *SealedBid) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, s.Auction[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(s.Bidder))
	b = append(b, s.Commitment[:]...)
	b = append(b, s.PublicKey[:]...)
	return append(b, s.Signature[:]...), nil
}

// UnmarshalBinary decodes a sealed bid, rejecting a length other than
// [SealedBidSize] with [ErrMalformed]. On error s is left unchanged. It
// does not check the signature: [Sealed.Commit] and [Market.Request] do,
// or call [SealedBid.Verify].
func (s *SealedBid) UnmarshalBinary(b []byte) error {
	if len(b) != SealedBidSize {
		return fmt.Errorf("%w: sealed bid is %d bytes, want %d", ErrMalformed, len(b), SealedBidSize)
	}
	copy(s.Auction[:], b[0:32])
	s.Bidder = BidderID(binary.BigEndian.Uint64(b[32:40]))
	copy(s.Commitment[:], b[40:72])
	copy(s.PublicKey[:], b[72:104])
	copy(s.Signature[:], b[104:168])
	return nil
}
