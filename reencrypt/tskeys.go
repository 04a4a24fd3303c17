package reencrypt

import (
	"encoding/binary"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// The tracker derives its secrets from one master key instead of storing
// them (TGen): the TS key r_ij of peer j for piece i, and the piece element
// M_i whose hash keys piece i's body. Its state per torrent is a 32-byte
// master key where the paper stores N random numbers per peer (75 MB for
// 150 peers × 4000 pieces × 1024 bits). The two derivations use independent
// subkeys, so that the original seed can be given the piece subkey without
// learning any TS key.

const (
	tsKeyLabel     = "swarmblocks/reencrypt ts-key v1"
	pieceKeyLabel  = "swarmblocks/reencrypt piece-element v1"
	bodyKeyContext = "swarmblocks/reencrypt piece body v1"
)

// subkey derives a named 32-byte subkey of master.
func subkey(master *[32]byte, label string) [32]byte {
	var k [32]byte
	blake3.DeriveKey(k[:], label, master[:])
	return k
}

// tsKeys derives r_ij.
type tsKeys struct {
	g       group.Group
	key     [32]byte
	torrent TorrentID
}

// scalar returns r_ij, a non-zero scalar unique to (torrent, peer, piece).
func (k *tsKeys) scalar(peer PeerID, i uint32) group.Scalar {
	h := blake3.New(32, k.key[:])
	h.Write(k.torrent[:])
	h.Write(peer[:])
	var ib [4]byte
	binary.BigEndian.PutUint32(ib[:], i)
	h.Write(ib[:])
	xof := h.XOF()
	wide := make([]byte, elgamal.ScalarSize(k.g)+16)
	for {
		_, _ = xof.Read(wide)
		s, _ := elgamal.ScalarFromBytes(k.g, wide)
		if !s.IsZero() {
			return s
		}
	}
}

// pieceKeys derives M_i.
type pieceKeys struct {
	g       group.Group
	key     [32]byte
	torrent TorrentID
}

// element returns M_i, the secret group element of piece i.
func (k *pieceKeys) element(i uint32) group.Element {
	h := blake3.New(64, k.key[:])
	h.Write(k.torrent[:])
	var ib [4]byte
	binary.BigEndian.PutUint32(ib[:], i)
	h.Write(ib[:])
	return k.g.HashToElement(h.Sum(nil), []byte(pieceKeyLabel))
}
