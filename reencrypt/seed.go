package reencrypt

import (
	"bytes"
	"fmt"
	"io"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// Seed is the original seed Po, trusted by the content owner: the only
// holder of the plain pieces. It holds the piece subkey from which the piece
// elements M_i derive, but no TS key, and the sealed bodies, sealed once by
// [Tracker.Publish] and the same for every downloader: they are the
// torrent's data ([Seed.Body], [Seed.WriteTo]). Per downloader it only makes
// a capsule ([Seed.Capsule]). A Seed keeps the plain content, the sealed
// bodies and the piece elements M_i in memory, about twice the content. It
// is safe for concurrent use.
type Seed struct {
	torrent *Torrent
	keys    pieceKeys
	pieces  []group.Element // M_i, derived once at publication; never modified
	plain   [][]byte
	bodies  []byte // every sealed body, in piece order
	offsets []int  // offsets[i] is where body i starts; offsets[n] = len(bodies)
}

// Torrent returns a copy of the public description of the torrent the seed
// serves.
func (s *Seed) Torrent() *Torrent {
	if s.torrent == nil {
		return nil
	}
	return s.torrent.clone()
}

// ID returns the seed's identity, [SeedIDOf] its torrent: the only caller
// to which [Tracker.UploadKey] answers.
func (s *Seed) ID() PeerID {
	if s.torrent == nil {
		return PeerID{}
	}
	return SeedIDOf(s.torrent.ID)
}

func (s *Seed) check() error {
	if s.torrent == nil {
		return fmt.Errorf("%w: seed not made by Tracker.Publish", ErrNotPublished)
	}
	return nil
}

// Body returns the sealed body of piece i, the same for every downloader.
// It is shared, not copied: do not modify it.
func (s *Seed) Body(i uint32) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := s.torrent.checkIndex(i); err != nil {
		return nil, err
	}
	return s.bodies[s.offsets[i]:s.offsets[i+1]:s.offsets[i+1]], nil
}

// WriteTo writes every sealed body, in piece order, to w: the torrent's
// data, [Torrent.SealedLength] bytes. With pieces cut by [SplitPieces] it is
// a file of power-of-two pieces that any BitTorrent client can seed.
func (s *Seed) WriteTo(w io.Writer) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	n, err := w.Write(s.bodies)
	return int64(n), err
}

// ReadAt reads the torrent's data (the sealed bodies, in piece order) at
// offset off, as a carrier's storage reads a file: it implements
// io.ReaderAt.
func (s *Seed) ReadAt(p []byte, off int64) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	return bytes.NewReader(s.bodies).ReadAt(p, off)
}

var (
	_ io.ReaderAt = (*Seed)(nil)
	_ io.WriterTo = (*Seed)(nil)
)

func (s *Seed) checkKey(k *UploadKey) error {
	if err := s.check(); err != nil {
		return err
	}
	if k == nil || k.key == nil {
		return fmt.Errorf("%w: empty upload key", ErrMalformed)
	}
	if k.Torrent != s.torrent.ID {
		return ErrWrongTorrent
	}
	if err := s.torrent.checkIndex(k.Index); err != nil {
		return err
	}
	if elgamal.GroupName(k.key.Group()) != elgamal.GroupName(s.keys.g) {
		return fmt.Errorf("%w: upload key", ErrGroup)
	}
	return nil
}

// Capsule is PEnc without the body: it blinds the piece element M_i with
// upload key k (message 7 of Algorithm 1), giving the capsule M_i + r_ij·Y_j
// for the downloader the tracker named. It costs one group addition,
// whatever the piece size: the seed derived every M_i once, when the
// torrent was published. The body to send with it is [Seed.Body].
func (s *Seed) Capsule(k *UploadKey) (*Capsule, error) {
	if err := s.checkKey(k); err != nil {
		return nil, err
	}
	m := s.keys.g.NewElement().Add(s.pieces[k.Index], k.key)
	return &Capsule{Index: k.Index, element: m}, nil
}

// PEnc encrypts piece k.Index for the downloader the tracker named in upload
// key k (message 7 of Algorithm 1): the capsule of [Seed.Capsule] with the
// body sealed at publication, shared, not copied, and the same for every
// downloader.
func (s *Seed) PEnc(k *UploadKey) (*Piece, error) {
	c, err := s.Capsule(k)
	if err != nil {
		return nil, err
	}
	body, _ := s.Body(k.Index)
	return &Piece{Index: c.Index, capsule: c.element, body: body}, nil
}

// AppendPEnc is [Seed.PEnc] that seals the body afresh into dst's spare
// capacity instead of sharing the stored one: the whole cost of the paper's
// PEnc, as Table 1 measures it, for callers that keep their own piece
// buffers. Sealing is deterministic, so the body is byte for byte the one
// [Seed.Body] returns.
func (s *Seed) AppendPEnc(dst []byte, k *UploadKey) (*Piece, error) {
	c, err := s.Capsule(k)
	if err != nil {
		return nil, err
	}
	body := sealBody(dst[:0], s.torrent.ID, k.Index, s.pieces[k.Index], s.plain[k.Index])
	return &Piece{Index: c.Index, capsule: c.element, body: body}, nil
}
