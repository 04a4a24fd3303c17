package reencrypt

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// Policy is the usage policy a licence carries (Algorithm 3, message 9),
// enforced by the trusted player ([Player]).
type Policy struct {
	// NotAfter is when the licence expires; the zero time means never.
	NotAfter time.Time
	// MaxPlays is how many times the content may be played; 0 means
	// without limit.
	MaxPlays uint32
}

// Licence is what the tracker (as licence server) issues to one peer in
// Algorithm 3: the decryption keys L_i = r_ik·G (the additive form of
// g^(r_ik)) for every piece, a usage policy, and an ed25519 signature of the
// tracker over all of it. The keys alone decrypt nothing: a capsule also
// needs the peer's private key, so a licence is useless to another peer.
//
// The wire form is "SBL1" ‖ torrent (32) ‖ peer (32) ‖ not-after (8, Unix
// seconds, 0 for never) ‖ max plays (4) ‖ n (4) ‖ n keys ‖ signature (64).
// The not-after time is rounded down to the second, so a licence never
// outlives its policy; one that would round to 0 is encoded as −1.
type Licence struct {
	Torrent TorrentID
	Peer    PeerID
	Policy  Policy
	keys    []group.Element
	raw     []byte
}

const licenceMagic = "SBL1"

// licenceSigContext separates licence signatures from any other use of the
// tracker's key.
const licenceSigContext = "swarmblocks/reencrypt licence v1\x00"

// clone returns a copy of l that shares nothing with it.
func (l *Licence) clone() *Licence {
	c := *l
	c.keys = make([]group.Element, len(l.keys))
	for i, k := range l.keys {
		c.keys[i] = k.Copy()
	}
	c.raw = append([]byte(nil), l.raw...)
	return &c
}

// Pieces returns the number of decryption keys, one per piece.
func (l *Licence) Pieces() int { return len(l.keys) }

// MarshalBinary returns the signed wire form.
func (l *Licence) MarshalBinary() ([]byte, error) {
	if len(l.raw) == 0 {
		return nil, fmt.Errorf("%w: empty licence", ErrMalformed)
	}
	return append([]byte(nil), l.raw...), nil
}

func licenceBody(g group.Group, t TorrentID, p PeerID, pol Policy, keys []group.Element) []byte {
	n := elgamal.ElementSize(g)
	b := make([]byte, 0, 84+len(keys)*n+ed25519.SignatureSize)
	b = append(b, licenceMagic...)
	b = append(b, t[:]...)
	b = append(b, p[:]...)
	var na int64
	if !pol.NotAfter.IsZero() {
		na = pol.NotAfter.Unix()
		if na == 0 {
			// 0 encodes "never": a licence expiring within the epoch's
			// first second expires a second early instead.
			na = -1
		}
	}
	b = binary.BigEndian.AppendUint64(b, uint64(na))
	b = binary.BigEndian.AppendUint32(b, pol.MaxPlays)
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		b = elgamal.AppendElement(b, k)
	}
	return b
}

func licenceSigned(g group.Group, body []byte) []byte {
	m := make([]byte, 0, len(licenceSigContext)+16+len(body))
	m = append(m, licenceSigContext...)
	m = append(m, elgamal.GroupName(g)...)
	m = append(m, 0)
	return append(m, body...)
}

// ParseLicence decodes a licence of group g and verifies the tracker's
// signature with trackerKey. It rejects a wrong length, a bad signature,
// malformed or identity keys, and more than [MaxPieces] keys.
func ParseLicence(g group.Group, data []byte, trackerKey ed25519.PublicKey) (*Licence, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	const head = 84
	// A licence of exactly head+signature bytes has no key and fails the count
	// check below (mutation: boundary equivalent).
	if len(data) < head+ed25519.SignatureSize || string(data[:4]) != licenceMagic {
		return nil, fmt.Errorf("%w: not a licence", ErrMalformed)
	}
	count := binary.BigEndian.Uint32(data[80:84])
	n := elgamal.ElementSize(g)
	if count == 0 || count > MaxPieces || len(data) != head+int(count)*n+ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: licence length does not match its %d keys", ErrMalformed, count)
	}
	if len(trackerKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: tracker key of %d bytes", ErrBadSignature, len(trackerKey))
	}
	body, sig := data[:len(data)-ed25519.SignatureSize], data[len(data)-ed25519.SignatureSize:]
	if !ed25519.Verify(trackerKey, licenceSigned(g, body), sig) {
		return nil, ErrBadSignature
	}
	l := &Licence{keys: make([]group.Element, count), raw: append([]byte(nil), data...)}
	copy(l.Torrent[:], data[4:36])
	copy(l.Peer[:], data[36:68])
	if na := int64(binary.BigEndian.Uint64(data[68:76])); na != 0 {
		l.Policy.NotAfter = time.Unix(na, 0).UTC()
	}
	l.Policy.MaxPlays = binary.BigEndian.Uint32(data[76:80])
	for i := range l.keys {
		e, err := elgamal.DecodeElement(g, data[head+i*n:head+(i+1)*n])
		if err != nil {
			return nil, fmt.Errorf("%w: licence key %d: %w", ErrMalformed, i, err)
		}
		if e.IsIdentity() {
			return nil, fmt.Errorf("%w: licence key %d is the identity", ErrMalformed, i)
		}
		l.keys[i] = e
	}
	return l, nil
}
