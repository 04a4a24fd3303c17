package reencrypt

import (
	"encoding/binary"
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

// SealedLength returns the total length of the sealed bodies, the torrent's
// data as a carrier sends it: the plain length plus [BodyOverhead] per piece.
func (t *Torrent) SealedLength() int64 {
	var n int64
	for _, l := range t.Lengths {
		n += int64(SealedSize(l))
	}
	return n
}

// clone returns a deep copy of t, so that a type keeping a torrent is not
// changed by its caller afterwards.
func (t *Torrent) clone() *Torrent {
	c := *t
	c.Lengths = append([]int(nil), t.Lengths...)
	c.BodyHashes = append([][32]byte(nil), t.BodyHashes...)
	return &c
}

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

// SeedIDOf returns the identity of the original seed of torrent id: a
// value no subscriber's [PeerIDOf] can take, under which the seed asks for
// upload keys ([Tracker.UploadKey]).
func SeedIDOf(id TorrentID) PeerID {
	h := blake3.New(32, nil)
	h.Write([]byte("swarmblocks/reencrypt seed id v1\x00"))
	h.Write(id[:])
	var p PeerID
	h.Sum(p[:0])
	return p
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

const torrentMagic = "SBT1"

// MarshalBinary encodes the torrent description, for a carrier to
// distribute it as BitTorrent distributes a .torrent file: "SBT1" ‖ id (32)
// ‖ group-name length (1) ‖ group name ‖ n (4) ‖ n × (plain length (4) ‖
// body hash (32)), integers big-endian. It refuses a description NewPeer
// would refuse.
func (t *Torrent) MarshalBinary() ([]byte, error) {
	if _, err := checkTorrent(t); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 4+32+1+len(t.Group)+4+36*len(t.Lengths))
	b = append(b, torrentMagic...)
	b = append(b, t.ID[:]...)
	b = append(b, byte(len(t.Group)))
	b = append(b, t.Group...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(t.Lengths)))
	for i, l := range t.Lengths {
		b = binary.BigEndian.AppendUint32(b, uint32(l))
		b = append(b, t.BodyHashes[i][:]...)
	}
	return b, nil
}

// ParseTorrent decodes a torrent description made by
// [Torrent.MarshalBinary]. It rejects a wrong version or length, an unknown
// group ([ErrGroup]), and piece lists NewPeer would reject ([ErrMalformed]).
// The identifier cannot be checked without the content: take the
// description from a source trusted to name the content.
func ParseTorrent(data []byte) (*Torrent, error) {
	// 37 bytes have no piece count and fail the next check
	// (mutation: boundary equivalent).
	if len(data) < 4+32+1 || string(data[:4]) != torrentMagic {
		return nil, fmt.Errorf("%w: not a torrent description", ErrMalformed)
	}
	nl := int(data[36])
	// Exactly 37+nl+4 bytes list no piece, which the piece count check refuses
	// (mutation: boundary equivalent).
	if len(data) < 37+nl+4 {
		return nil, fmt.Errorf("%w: torrent description too short", ErrMalformed)
	}
	t := &Torrent{Group: string(data[37 : 37+nl])}
	copy(t.ID[:], data[4:36])
	rest := data[37+nl:]
	n := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	if n == 0 || n > MaxPieces || len(rest) != int(n)*36 {
		return nil, fmt.Errorf("%w: torrent description of %d pieces in %d bytes", ErrMalformed, n, len(rest))
	}
	t.Lengths = make([]int, n)
	t.BodyHashes = make([][32]byte, n)
	for i := range t.Lengths {
		t.Lengths[i] = int(binary.BigEndian.Uint32(rest[i*36:]))
		copy(t.BodyHashes[i][:], rest[i*36+4:i*36+36])
	}
	if _, err := checkTorrent(t); err != nil {
		return nil, err
	}
	return t, nil
}
