package reencrypt

import (
	"fmt"

	"github.com/swarmblocks/swarmblocks/elgamal"
)

// Seed is the original seed Po, trusted by the content owner: the only
// holder of the plain pieces. It holds the piece subkey from which the piece
// elements M_i derive, but no TS key.
type Seed struct {
	torrent *Torrent
	keys    pieceKeys
	plain   [][]byte
}

// Torrent returns the torrent the seed serves.
func (s *Seed) Torrent() *Torrent { return s.torrent }

// PEnc encrypts piece k.Index for the downloader the tracker named in upload
// key k (message 7 of Algorithm 1): it seals the plain piece under the key
// derived from M_i and blinds M_i with k, giving the capsule
// M_i + r_ij·Y_j. The body it produces is the same for every downloader.
func (s *Seed) PEnc(k *UploadKey) (*Piece, error) {
	return s.AppendPEnc(nil, k)
}

// AppendPEnc is [Seed.PEnc] that seals the body into dst's spare capacity,
// for callers that reuse piece buffers.
func (s *Seed) AppendPEnc(dst []byte, k *UploadKey) (*Piece, error) {
	if k.key == nil {
		return nil, fmt.Errorf("%w: empty upload key", ErrMalformed)
	}
	if k.Torrent != s.torrent.ID {
		return nil, ErrWrongTorrent
	}
	if err := s.torrent.checkIndex(k.Index); err != nil {
		return nil, err
	}
	if elgamal.GroupName(k.key.Group()) != elgamal.GroupName(s.keys.g) {
		return nil, fmt.Errorf("%w: upload key", ErrGroup)
	}
	m := s.keys.element(k.Index)
	body := sealBody(dst[:0], s.torrent.ID, k.Index, m, s.plain[k.Index])
	return &Piece{Index: k.Index, capsule: m.Add(m, k.key), body: body}, nil
}
