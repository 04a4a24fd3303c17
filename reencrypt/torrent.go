package reencrypt

import (
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// MaxPieces bounds the number of pieces of a torrent (a 64 GiB file of
// 256 KiB pieces). It keeps licences and expected-hash lists bounded.
const MaxPieces = 1 << 18

// MaxPieceSize bounds the size of a piece: 16 MiB, the largest piece size
// BitTorrent clients use.
const MaxPieceSize = 16 << 20

// Torrent is the public description of a protected torrent, the analogue
// of the .torrent file of message 1 in Algorithms 1 and 2: its identifier,
// group, and for each piece the length of the plain piece and the blake3
// hash of its encrypted body, which is the same for every downloader. Peers
// check every body against it as BitTorrent checks pieces against the
// .torrent's SHA-1 list.
type Torrent struct {
	ID         TorrentID
	Group      string     // the name of the group, as [elgamal.GroupByName] takes it
	Lengths    []int      // the length of each plain piece
	BodyHashes [][32]byte // blake3 of each encrypted body
}

// Pieces returns the number of pieces.
func (t *Torrent) Pieces() int { return len(t.Lengths) }

func (t *Torrent) group() (group.Group, error) { return elgamal.GroupByName(t.Group) }

// check validates the piece lists of a torrent description that may come
// from elsewhere: a peer indexes both by piece.
func (t *Torrent) check() error {
	n := len(t.Lengths)
	if n == 0 || n > MaxPieces || len(t.BodyHashes) != n {
		return fmt.Errorf("%w: torrent with %d piece lengths and %d body hashes", ErrMalformed, n, len(t.BodyHashes))
	}
	for i, l := range t.Lengths {
		if l < 0 || l > MaxPieceSize {
			return fmt.Errorf("%w: piece %d of %d bytes", ErrMalformed, i, l)
		}
	}
	return nil
}

func (t *Torrent) checkIndex(i uint32) error {
	if int64(i) >= int64(len(t.Lengths)) {
		return fmt.Errorf("%w: %d of %d", ErrPieceRange, i, len(t.Lengths))
	}
	return nil
}

// contentID is blake3 over the plain pieces' hashes.
func contentID(pieces [][]byte) TorrentID {
	h := blake3.New(32, nil)
	h.Write([]byte("swarmblocks/reencrypt torrent id v1\x00"))
	for _, p := range pieces {
		d := blake3.Sum256(p)
		h.Write(d[:])
	}
	var id TorrentID
	h.Sum(id[:0])
	return id
}
