package reencrypt

import (
	"encoding/hex"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// TorrentID identifies a torrent: blake3 of its plain piece hashes, so that
// a torrent identifier names exactly one content.
type TorrentID [32]byte

// PeerID identifies a subscriber: blake3 of its encoded public key, so that
// the tracker's peer table needs no counter and a peer can compute its own
// identifier.
type PeerID [32]byte

// String returns the first 8 bytes of the identifier in hex.
func (id TorrentID) String() string { return hex.EncodeToString(id[:8]) }

// String returns the first 8 bytes of the identifier in hex.
func (id PeerID) String() string { return hex.EncodeToString(id[:8]) }

// PeerIDOf returns the identifier of the peer with public key pk, or the
// zero PeerID, which no key has, for a nil or zero key.
func PeerIDOf(pk *elgamal.PublicKey) PeerID {
	// MarshalBinary refuses a nil or zero key too, and its error returns the
	// zero PeerID as well; this says so first (mutation: equivalent).
	if pk == nil || pk.Group() == nil {
		return PeerID{}
	}
	b, err := pk.MarshalBinary()
	// A key with a group has an element (elgamal builds keys whole), and then
	// MarshalBinary cannot fail (mutation: unreachable).
	if err != nil {
		return PeerID{}
	}
	h := blake3.New(32, nil)
	h.Write([]byte("swarmblocks/reencrypt peer id v1\x00"))
	h.Write([]byte(elgamal.GroupName(pk.Group())))
	h.Write([]byte{0})
	h.Write(b)
	var id PeerID
	h.Sum(id[:0])
	return id
}
