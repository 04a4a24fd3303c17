package reencrypt

import (
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// UploadKey is message 6 of Algorithm 1, from the tracker to the original
// seed: K = r_ij·Y_j, the additive form of (g^(s_j))^(r_ij), with which the
// seed blinds piece i for downloader j. It is a secret of the seed: K and
// j's capsule give M_i, which opens the piece, so the tracker gives it to
// the original seed only.
//
// Its wire form is torrent (32) ‖ index (4) ‖ to (32) ‖ K ([elgamal.ElementSize]).
type UploadKey struct {
	Torrent TorrentID
	Index   uint32
	To      PeerID
	key     group.Element
}

// ReKey is message 6 of Algorithm 2, from the tracker to an uploading peer
// j: Δ = r_ik·Y_k − r_ij·Y_j, the additive form of
// g^(r_ik·s_k − r_ij·s_j), with which j re-encrypts piece i for k. Δ is
// independent of the piece and, to j, indistinguishable from a random
// element: it tells j nothing it could use to decrypt.
//
// Its wire form is torrent (32) ‖ index (4) ‖ from (32) ‖ to (32) ‖ Δ.
type ReKey struct {
	Torrent  TorrentID
	Index    uint32
	From, To PeerID
	delta    group.Element
}

// MarshalBinary returns the wire form of k.
func (k *UploadKey) MarshalBinary() ([]byte, error) {
	if k.key == nil {
		return nil, fmt.Errorf("%w: empty upload key", ErrMalformed)
	}
	b := make([]byte, 0, 68+elgamal.ElementSize(k.key.Group()))
	b = append(b, k.Torrent[:]...)
	b = binary.BigEndian.AppendUint32(b, k.Index)
	b = append(b, k.To[:]...)
	return elgamal.AppendElement(b, k.key), nil
}

// ParseUploadKey decodes an upload key of group g. The identity is refused:
// the tracker never sends it, and it would leave a piece unblinded.
func ParseUploadKey(g group.Group, data []byte) (*UploadKey, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	n := elgamal.ElementSize(g)
	if len(data) != 68+n {
		return nil, fmt.Errorf("%w: upload key must be %d bytes, got %d", ErrMalformed, 68+n, len(data))
	}
	e, err := elgamal.DecodeElement(g, data[68:])
	if err != nil {
		return nil, fmt.Errorf("%w: upload key: %w", ErrMalformed, err)
	}
	if e.IsIdentity() {
		return nil, fmt.Errorf("%w: identity upload key", ErrMalformed)
	}
	k := &UploadKey{Index: binary.BigEndian.Uint32(data[32:]), key: e}
	copy(k.Torrent[:], data[:32])
	copy(k.To[:], data[36:68])
	return k, nil
}

// MarshalBinary returns the wire form of k.
func (k *ReKey) MarshalBinary() ([]byte, error) {
	if k.delta == nil {
		return nil, fmt.Errorf("%w: empty re-key", ErrMalformed)
	}
	b := make([]byte, 0, 100+elgamal.ElementSize(k.delta.Group()))
	b = append(b, k.Torrent[:]...)
	b = binary.BigEndian.AppendUint32(b, k.Index)
	b = append(b, k.From[:]...)
	b = append(b, k.To[:]...)
	return elgamal.AppendElement(b, k.delta), nil
}

// ParseReKey decodes a re-encryption key of group g.
func ParseReKey(g group.Group, data []byte) (*ReKey, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	n := elgamal.ElementSize(g)
	if len(data) != 100+n {
		return nil, fmt.Errorf("%w: re-key must be %d bytes, got %d", ErrMalformed, 100+n, len(data))
	}
	e, err := elgamal.DecodeElement(g, data[100:])
	if err != nil {
		return nil, fmt.Errorf("%w: re-key: %w", ErrMalformed, err)
	}
	k := &ReKey{Index: binary.BigEndian.Uint32(data[32:]), delta: e}
	copy(k.Torrent[:], data[:32])
	copy(k.From[:], data[36:68])
	copy(k.To[:], data[68:100])
	return k, nil
}
