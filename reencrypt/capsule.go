package reencrypt

import (
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// Capsule is the per-downloader part of a piece: the piece index and the
// piece element M_i blinded for one downloader k, M_i + r_ik·Y_k (the
// additive form of Definition 2.2's m_i·g^(r_ik·s_k)). It is all that
// changes when a piece is re-encrypted ([Peer.TransformCapsule]), so a
// carrier can send bodies as ordinary torrent data, the same for every
// downloader, and capsules alone in a side message.
//
// Its wire form has a fixed size, [CapsuleSize] bytes: index (4 bytes,
// big-endian) ‖ element ([elgamal.ElementSize] bytes, canonical). The
// identity element is refused: the tracker's keys never produce it, and a
// capsule equal to it would carry nothing blinded.
type Capsule struct {
	Index   uint32
	element group.Element
}

// CapsuleSize returns the length of a capsule's wire form in group g:
// 4 + [elgamal.ElementSize] (36 bytes for ristretto255, 260 for modp2048).
// It is 0 for a nil group.
func CapsuleSize(g group.Group) int {
	if g == nil {
		return 0
	}
	return 4 + elgamal.ElementSize(g)
}

// NewCapsule returns an empty capsule of group g, ready for
// [Capsule.UnmarshalBinary]. Use [ParseCapsule] to decode in one step.
func NewCapsule(g group.Group) (*Capsule, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	return &Capsule{element: g.NewElement()}, nil
}

// ParseCapsule decodes a capsule of group g from exactly [CapsuleSize]
// bytes, rejecting other lengths, non-canonical or out-of-group elements and
// the identity with [ErrMalformed].
func ParseCapsule(g group.Group, data []byte) (*Capsule, error) {
	c, err := NewCapsule(g)
	// NewCapsule fails only for a nil group, and UnmarshalBinary on the nil
	// capsule then returns the same ErrGroup (mutation: equivalent).
	if err != nil {
		return nil, err
	}
	if err := c.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return c, nil
}

// Group returns the capsule's group, or nil for the zero Capsule.
func (c *Capsule) Group() group.Group {
	if c == nil || c.element == nil {
		return nil
	}
	return c.element.Group()
}

// Equal reports whether c and x are the same capsule: same index, same
// element.
func (c *Capsule) Equal(x *Capsule) bool {
	if c == nil || x == nil || c.element == nil || x.element == nil {
		return c == x
	}
	return c.Index == x.Index &&
		elgamal.GroupName(c.Group()) == elgamal.GroupName(x.Group()) &&
		c.element.IsEqual(x.element)
}

// AppendBinary appends the wire form of c to b.
func (c *Capsule) AppendBinary(b []byte) ([]byte, error) {
	if c == nil || c.element == nil {
		return nil, fmt.Errorf("%w: empty capsule", ErrMalformed)
	}
	b = binary.BigEndian.AppendUint32(b, c.Index)
	return elgamal.AppendElement(b, c.element), nil
}

// MarshalBinary returns the wire form of c.
func (c *Capsule) MarshalBinary() ([]byte, error) {
	return c.AppendBinary(make([]byte, 0, CapsuleSize(c.Group())))
}

// UnmarshalBinary decodes data into c, in c's group: c must come from
// [NewCapsule] or an earlier decoding. It rejects what [ParseCapsule]
// rejects; on error c is unchanged.
func (c *Capsule) UnmarshalBinary(data []byte) error {
	if c == nil || c.element == nil {
		return fmt.Errorf("%w: capsule without a group (use NewCapsule or ParseCapsule)", ErrGroup)
	}
	g := c.element.Group()
	if len(data) != CapsuleSize(g) {
		return fmt.Errorf("%w: capsule must be %d bytes, got %d", ErrMalformed, CapsuleSize(g), len(data))
	}
	e, err := elgamal.DecodeElement(g, data[4:])
	if err != nil {
		return fmt.Errorf("%w: capsule: %w", ErrMalformed, err)
	}
	if e.IsIdentity() {
		return fmt.Errorf("%w: identity capsule", ErrMalformed)
	}
	c.Index = binary.BigEndian.Uint32(data)
	c.element = e
	return nil
}

// clone returns a deep copy of c.
func (c *Capsule) clone() *Capsule {
	return &Capsule{Index: c.Index, element: c.element.Copy()}
}
