package reencrypt

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// A restarted client restores its peer from bytes it saved, not by
// replaying randomness: [Peer.MarshalBinary] saves the private key,
// [RestorePeer] loads it, and [Peer.LoadLicence] verifies and installs the
// saved licence ([Licence.MarshalBinary]).

const peerKeyMagic = "SBK1"

// PeerKeySize returns the length of a saved peer key in group g:
// 4 ("SBK1") + 32 (torrent) + [elgamal.ScalarSize] (68 bytes for
// ristretto255).
// It is 0 for a nil group.
func PeerKeySize(g group.Group) int {
	if g == nil {
		return 0
	}
	return 4 + 32 + elgamal.ScalarSize(g)
}

// MarshalBinary saves the peer's private key, bound to its torrent:
// "SBK1" ‖ torrent (32) ‖ private scalar ([elgamal.ScalarSize]), in
// [PeerKeySize] bytes. It is a secret: store it as a private key (for
// example encrypted with filippo.io/age). The licence is saved apart, with
// [Licence.MarshalBinary].
func (p *Peer) MarshalBinary() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	s, err := p.sk.MarshalBinary()
	// p.check saw a private key, which NewPeer or RestorePeer made valid, and a
	// valid key always marshals (mutation: unreachable).
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, PeerKeySize(p.g))
	b = append(b, peerKeyMagic...)
	b = append(b, p.torrent.ID[:]...)
	return append(b, s...), nil
}

// RestorePeer loads a peer of torrent t from the bytes [Peer.MarshalBinary]
// saved. It rejects a torrent NewPeer would reject, a key of the wrong
// length or version, a key saved for another torrent ([ErrWrongTorrent]),
// and an unreduced or zero scalar ([ErrMalformed]). The peer has no licence
// and no expected hashes until they are installed again.
func RestorePeer(t *Torrent, data []byte) (*Peer, error) {
	g, err := checkTorrent(t)
	if err != nil {
		return nil, err
	}
	if len(data) != PeerKeySize(g) || string(data[:4]) != peerKeyMagic {
		return nil, fmt.Errorf("%w: a saved %s peer key is %d bytes starting %q", ErrMalformed, elgamal.GroupName(g), PeerKeySize(g), peerKeyMagic)
	}
	if !bytes.Equal(data[4:36], t.ID[:]) {
		return nil, fmt.Errorf("%w: peer key saved for torrent %x", ErrWrongTorrent, data[4:12])
	}
	sk, err := elgamal.ParsePrivateKey(g, data[36:])
	if err != nil {
		return nil, fmt.Errorf("%w: peer key: %w", ErrMalformed, err)
	}
	return newPeer(t, g, sk), nil
}

// LoadLicence verifies a saved licence with the tracker's key
// ([ParseLicence]) and installs it ([Peer.InstallLicence]), which
// recomputes the per-piece unblinding keys: they are never saved.
func (p *Peer) LoadLicence(data []byte, trackerKey ed25519.PublicKey) error {
	if err := p.check(); err != nil {
		return err
	}
	l, err := ParseLicence(p.g, data, trackerKey)
	if err != nil {
		return err
	}
	return p.InstallLicence(l)
}
