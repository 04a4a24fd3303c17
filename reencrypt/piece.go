package reencrypt

import (
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// Piece is an encrypted piece as it travels between peers: its [Capsule] —
// the index and the piece element M_i blinded for one downloader k as
// M_i + r_ik·s_k·G, the additive form of Definition 2.2's m_i·g^(r_ik·s_k) —
// and the body, the piece bytes sealed once with XChaCha20-Poly1305 under a
// key derived from M_i. Re-encryption ([Peer.Transform]) changes only the
// capsule, so it costs one group operation whatever the piece size, and the
// body is the same for every downloader.
//
// The wire form is the capsule's ([CapsuleSize] bytes: index ‖ element)
// followed by the body (plain length + [BodyOverhead] bytes). A carrier that
// sends bodies as torrent data and capsules apart never needs it: it builds
// the piece with [NewPiece].
type Piece struct {
	Index   uint32
	capsule group.Element
	body    []byte
}

// NewPiece assembles a piece from its capsule and its sealed body, as a
// carrier receives them apart. The body is shared, not copied: the caller
// must not modify it while the piece is in use. It checks shapes only
// ([Peer.Verify] checks the piece against the torrent).
func NewPiece(c *Capsule, body []byte) (*Piece, error) {
	switch {
	case c == nil || c.element == nil:
		return nil, fmt.Errorf("%w: empty capsule", ErrMalformed)
	case len(body) < BodyOverhead || len(body)-BodyOverhead > MaxPieceSize:
		return nil, fmt.Errorf("%w: sealed body of %d bytes", ErrMalformed, len(body))
	}
	return &Piece{Index: c.Index, capsule: c.element.Copy(), body: body}, nil
}

// Body returns the encrypted body. It is shared, not copied: do not modify it.
func (p *Piece) Body() []byte { return p.body }

// Capsule returns a copy of the piece's capsule, or nil for the zero Piece.
func (p *Piece) Capsule() *Capsule {
	if p.capsule == nil {
		return nil
	}
	return &Capsule{Index: p.Index, element: p.capsule.Copy()}
}

// Size returns the length of the wire form, or 0 for the zero Piece.
func (p *Piece) Size() int {
	if p.capsule == nil {
		return 0
	}
	return CapsuleSize(p.capsule.Group()) + len(p.body)
}

// AppendBinary appends the wire form of p to b.
func (p *Piece) AppendBinary(b []byte) ([]byte, error) {
	if p.capsule == nil {
		return nil, fmt.Errorf("%w: piece without capsule", ErrMalformed)
	}
	b = binary.BigEndian.AppendUint32(b, p.Index)
	b = elgamal.AppendElement(b, p.capsule)
	return append(b, p.body...), nil
}

// MarshalBinary returns the wire form of p.
func (p *Piece) MarshalBinary() ([]byte, error) {
	return p.AppendBinary(make([]byte, 0, p.Size()))
}

// ParsePiece decodes the wire form of a piece of group g. The body is
// copied. It checks the encoding only — a canonical, non-identity capsule
// and a body of [BodyOverhead] to MaxPieceSize+BodyOverhead bytes;
// [Peer.Receive] also checks the piece against the torrent and the
// tracker's expected hashes.
func ParsePiece(g group.Group, data []byte) (*Piece, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	n := CapsuleSize(g)
	if len(data) < n+BodyOverhead {
		return nil, fmt.Errorf("%w: piece of %d bytes is too short", ErrMalformed, len(data))
	}
	if len(data)-n-BodyOverhead > MaxPieceSize {
		return nil, fmt.Errorf("%w: piece larger than %d bytes", ErrMalformed, MaxPieceSize)
	}
	c, err := ParseCapsule(g, data[:n])
	if err != nil {
		return nil, err
	}
	return &Piece{Index: c.Index, capsule: c.element, body: append([]byte(nil), data[n:]...)}, nil
}

// bodyAAD binds a body to its torrent and index.
func bodyAAD(t TorrentID, i uint32) []byte {
	aad := make([]byte, 0, 36)
	aad = append(aad, t[:]...)
	return binary.BigEndian.AppendUint32(aad, i)
}

// sealBody encrypts a plain piece under the key derived from its element.
// Key and nonce are derived from M_i, which is unique to (tracker, torrent,
// piece), and the torrent identifier is the hash of the content, so a key
// never seals two different plaintexts.
func sealBody(dst []byte, t TorrentID, i uint32, m group.Element, plain []byte) []byte {
	aad := bodyAAD(t, i)
	key, nonce := elgamal.DeriveKey(bodyKeyContext, m, aad)
	aead, _ := chacha20poly1305.NewX(key[:])
	return aead.Seal(dst, nonce[:], plain, aad)
}

func openBody(dst []byte, t TorrentID, i uint32, m group.Element, body []byte) ([]byte, error) {
	aad := bodyAAD(t, i)
	key, nonce := elgamal.DeriveKey(bodyKeyContext, m, aad)
	aead, _ := chacha20poly1305.NewX(key[:])
	pt, err := aead.Open(dst, nonce[:], body, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// capsuleHash is the §2.3 expected hash of the piece peer k receives: it
// covers the index, the capsule blinded for k and the body's hash.
func capsuleHash(i uint32, capsule group.Element, bodyHash [32]byte) [32]byte {
	h := blake3.New(32, nil)
	h.Write([]byte("swarmblocks/reencrypt piece hash v1\x00"))
	var ib [4]byte
	binary.BigEndian.PutUint32(ib[:], i)
	h.Write(ib[:])
	h.Write(elgamal.AppendElement(nil, capsule))
	h.Write(bodyHash[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}
