package auction

import (
	"encoding/binary"
	"encoding/hex"

	"lukechampine.com/blake3"
)

// BidderID names a bidder within the market. It is a pseudonym chosen by
// the application (a session number, a truncated hash of a node key), not
// a network address: the auction only needs to tell bidders apart.
type BidderID uint64

// SellerID names a seller (a storage node offering chunks).
type SellerID uint64

// ChunkID is the content hash that names a chunk in the storage network
// (BitStore's chunk_hash). The package treats it as opaque.
type ChunkID [32]byte

// String returns the first 8 bytes of c in hexadecimal.
func (c ChunkID) String() string { return hex.EncodeToString(c[:8]) }

// AuctionID names one auction: one chunk at one seller in one period. Bid
// commitments are bound to it, so a commitment or an opening made for one
// auction is useless in any other.
type AuctionID [32]byte

// String returns the first 8 bytes of id in hexadecimal.
func (id AuctionID) String() string { return hex.EncodeToString(id[:8]) }

const auctionIDContext = "swarmblocks auction v1 auction id"

// NewAuctionID derives the identifier of the auction that seller holds for
// chunk in the given period: BLAKE3 in key-derivation mode over the
// seller, the chunk and the period number.
func NewAuctionID(seller SellerID, chunk ChunkID, period uint64) AuctionID {
	var in [8 + 32 + 8]byte
	binary.BigEndian.PutUint64(in[0:], uint64(seller))
	copy(in[8:], chunk[:])
	binary.BigEndian.PutUint64(in[40:], period)
	var id AuctionID
	deriveKey(id[:], auctionIDContext, in[:])
	return id
}

// deriveKey is BLAKE3 in key-derivation mode: the package's hash for
// identifiers and commitments, domain-separated by context.
func deriveKey(out []byte, context string, material []byte) {
	blake3.DeriveKey(out, context, material)
}
