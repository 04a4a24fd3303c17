package auction

import (
	"crypto/subtle"
	"encoding/binary"
	"fmt"
)

const reserveContext = "swarmblocks auction v1 reserve commitment"

// ReserveOpening opens a seller's commitment to its reserve price,
//
//	R = BLAKE3-DeriveKey("swarmblocks auction v1 reserve commitment",
//	                     auction ‖ reserve ‖ nonce).
//
// The reserve stays private while the auction runs (the commitment hides
// it) but is fixed before any bid is seen (the commitment binds it).
type ReserveOpening struct {
	Auction AuctionID
	Reserve Amount
	Nonce   [NonceSize]byte
}

// Commitment recomputes the commitment that r opens.
func (r *ReserveOpening) Commitment() Commitment {
	var in [32 + 8 + NonceSize]byte
	copy(in[0:32], r.Auction[:])
	binary.BigEndian.PutUint64(in[32:40], uint64(r.Reserve))
	copy(in[40:], r.Nonce[:])
	var c Commitment
	reserveKDF.derive((*[32]byte)(&c), in[:])
	return c
}

// OpenReserve checks that r opens the reserve commitment c published for
// auction id and returns the reserve price. A winner charged the reserve
// (the single-bidder case of [Clear]) compares it with the price. It
// returns [ErrWrongAuction] or [ErrOpening] for an opening that does not
// belong to c.
func OpenReserve(id AuctionID, c Commitment, r ReserveOpening) (Amount, error) {
	if r.Auction != id {
		return 0, fmt.Errorf("%w: reserve opening for %v, not %v", ErrWrongAuction, r.Auction, id)
	}
	got := r.Commitment()
	if subtle.ConstantTimeCompare(got[:], c[:]) != 1 {
		return 0, fmt.Errorf("%w: reserve", ErrOpening)
	}
	return r.Reserve, nil
}
