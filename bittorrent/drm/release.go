package drm

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/anacrolix/torrent/bencode"
	"github.com/anacrolix/torrent/metainfo"
	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// Release is what a content owner distributes for a protected torrent: a
// BitTorrent metainfo whose data is the sealed bodies, in piece order
// ([reencrypt.Seed.WriteTo]), and the public [reencrypt.Torrent] that says
// how long each plain piece is and which hash each body has.
//
// Both are public. The metainfo's SHA-1 piece hashes let any BitTorrent
// client verify and share the bodies, which are the same for every
// downloader; the capsules that open them travel apart, in the carrier's
// extension messages. A metainfo that lies about the bodies only yields
// pieces that do not decrypt.
type Release struct {
	MetaInfo *metainfo.MetaInfo
	Torrent  *reencrypt.Torrent
}

// NewRelease makes the release of a published torrent: a single-file
// metainfo named name over the seed's sealed bodies, cut into pieces of
// pieceLength bytes. The content must have been cut with
// [reencrypt.SplitPieces] at the same pieceLength, so that piece i of the
// torrent is exactly body i.
func NewRelease(seed *reencrypt.Seed, name string, pieceLength int) (*Release, error) {
	if seed == nil {
		return nil, fmt.Errorf("%w: nil seed", ErrRelease)
	}
	if name == "" || name != filepath.Base(name) {
		return nil, fmt.Errorf("%w: file name %q is not a plain name", ErrRelease, name)
	}
	if _, err := reencrypt.PlainPieceSize(pieceLength); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRelease, err)
	}
	tor := seed.Torrent()
	var data bytes.Buffer
	data.Grow(int(tor.SealedLength()))
	if _, err := seed.WriteTo(&data); err != nil {
		return nil, fmt.Errorf("drm: sealed bodies: %w", err)
	}
	info := metainfo.Info{Name: name, PieceLength: int64(pieceLength), Length: int64(data.Len())}
	var err error
	if info.Pieces, err = metainfo.GeneratePieces(&data, info.PieceLength, nil); err != nil {
		return nil, fmt.Errorf("drm: hashing pieces: %w", err)
	}
	mi := &metainfo.MetaInfo{}
	if mi.InfoBytes, err = bencode.Marshal(&info); err != nil {
		return nil, fmt.Errorf("drm: encoding info: %w", err)
	}
	r := &Release{MetaInfo: mi, Torrent: tor}
	if _, err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// check verifies that piece i of the metainfo is body i of the protected
// torrent, for every i, and returns the torrent's group.
func (r *Release) check() (group.Group, error) {
	if r == nil || r.MetaInfo == nil || r.Torrent == nil {
		return nil, fmt.Errorf("%w: incomplete release", ErrRelease)
	}
	g, err := elgamal.GroupByName(r.Torrent.Group)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRelease, err)
	}
	info, err := r.MetaInfo.UnmarshalInfo()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRelease, err)
	}
	n := r.Torrent.Pieces()
	if n == 0 || len(r.Torrent.BodyHashes) != n {
		return nil, fmt.Errorf("%w: protected torrent has %d pieces", ErrRelease, n)
	}
	if len(info.Files) != 0 || info.NumPieces() != n || info.TotalLength() != r.Torrent.SealedLength() {
		return nil, fmt.Errorf("%w: %d pieces, %d bytes in the metainfo; %d pieces, %d bytes sealed",
			ErrRelease, info.NumPieces(), info.TotalLength(), n, r.Torrent.SealedLength())
	}
	for i, l := range r.Torrent.Lengths[:n-1] {
		if int64(reencrypt.SealedSize(l)) != info.PieceLength {
			return nil, fmt.Errorf("%w: body %d has %d bytes, pieces have %d", ErrRelease, i, reencrypt.SealedSize(l), info.PieceLength)
		}
	}
	return g, nil
}
