package reencrypt

import (
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// Piece is an encrypted piece as it travels between peers: the piece index,
// the capsule — the piece element M_i blinded for one downloader k as
// M_i + r_ik·s_k·G, the additive form of Definition 2.2's m_i·g^(r_ik·s_k) —
// and the body, the piece bytes sealed once with XChaCha20-Poly1305 under a
// key derived from M_i. Re-encryption ([Peer.Transform]) changes only the
// capsule, so it costs one group operation whatever the piece size.
//
// The wire form is index (4 bytes, big-endian) ‖ capsule ([elgamal.ElementSize]
// bytes) ‖ body (plain length + 16 bytes).
type Piece struct {
	Index   uint32
	capsule group.Element
	body    []byte
}

// Body returns the encrypted body. It is shared, not copied: do not modify it.
func (p *Piece) Body() []byte { return p.body }

// Capsule returns a copy of the piece's capsule.
func (p *Piece) Capsule() group.Element { return p.capsule.Copy() }

// Size returns the length of the wire form.
func (p *Piece) Size() int { return 4 + elgamal.ElementSize(p.capsule.Group()) + len(p.body) }

// AppendBinary appends the wire form of p to b.
func (p *Piece) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, p.Index)
	b = elgamal.AppendElement(b, p.capsule)
	return append(b, p.body...), nil
}

// MarshalBinary returns the wire form of p.
func (p *Piece) MarshalBinary() ([]byte, error) {
	return p.AppendBinary(make([]byte, 0, p.Size()))
}

// ParsePiece decodes the wire form of a piece of group g. The body is
// copied. It checks the encoding only; [Peer.Receive] also checks the piece
// against the torrent and the tracker's expected hashes.
func ParsePiece(g group.Group, data []byte) (*Piece, error) {
	n := elgamal.ElementSize(g)
	if len(data) < 4+n+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: piece of %d bytes is too short", ErrMalformed, len(data))
	}
	if len(data)-4-n-chacha20poly1305.Overhead > MaxPieceSize {
		return nil, fmt.Errorf("%w: piece larger than %d bytes", ErrMalformed, MaxPieceSize)
	}
	capsule, err := elgamal.DecodeElement(g, data[4:4+n])
	if err != nil {
		return nil, fmt.Errorf("%w: capsule: %w", ErrMalformed, err)
	}
	return &Piece{
		Index:   binary.BigEndian.Uint32(data),
		capsule: capsule,
		body:    append([]byte(nil), data[4+n:]...),
	}, nil
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
