package auction

import (
	"encoding/binary"
	"encoding/hex"

	"lukechampine.com/blake3/guts"
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
	auctionIDKDF.derive((*[32]byte)(&id), in[:])
	return id
}

// kdf is BLAKE3 in key-derivation mode with its context hashed once: the
// package's hash for identifiers and commitments, domain-separated by
// context. Its output is that of blake3.DeriveKey with a 32-byte subkey;
// computing it with the guts package directly avoids the two heap-allocated
// hashers DeriveKey builds per call (material must fit in one 1 KiB chunk,
// which all of the package's do).
type kdf struct{ iv [8]uint32 }

func newKDF(context string) kdf {
	if len(context) > guts.ChunkSize {
		panic("auction: context too long")
	}
	n := guts.CompressChunk([]byte(context), &guts.IV, 0, guts.FlagDeriveKeyContext)
	n.Flags |= guts.FlagRoot
	var k kdf
	w := guts.CompressNode(n)
	copy(k.iv[:], w[:8])
	return k
}

// derive writes the 32-byte subkey of material (at most 1 KiB) to out.
func (k *kdf) derive(out *[32]byte, material []byte) {
	n := guts.CompressChunk(material, &k.iv, 0, guts.FlagDeriveKeyMaterial)
	n.Flags |= guts.FlagRoot
	w := guts.WordsToBytes(guts.CompressNode(n))
	copy(out[:], w[:32])
}

var (
	auctionIDKDF = newKDF(auctionIDContext)
	commitKDF    = newKDF(commitContext)
	reserveKDF   = newKDF(reserveContext)
)
