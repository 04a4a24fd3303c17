package elgamal

import (
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/cloudflare/circl/group"
)

// PublicKey is an ElGamal public key Y = s·G. It is never the identity.
type PublicKey struct {
	g group.Group
	y group.Element
}

// PrivateKey is an ElGamal private key: a non-zero scalar s.
type PrivateKey struct {
	pub PublicKey
	s   group.Scalar
}

// GenerateKey returns a fresh key pair of group g, reading randomness from
// rnd; a nil rnd means crypto/rand.Reader.
func GenerateKey(g group.Group, rnd io.Reader) (*PrivateKey, error) {
	s, err := RandomScalar(g, rnd)
	if err != nil {
		return nil, err
	}
	return newPrivateKey(g, s), nil
}

func newPrivateKey(g group.Group, s group.Scalar) *PrivateKey {
	return &PrivateKey{pub: PublicKey{g: g, y: g.NewElement().MulGen(s)}, s: s}
}

// NewPrivateKey returns the private key with scalar s. It returns
// [ErrIdentity] if s is zero and [ErrInvalidArgument] if it is nil.
func NewPrivateKey(s group.Scalar) (*PrivateKey, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil scalar", ErrInvalidArgument)
	}
	if s.IsZero() {
		return nil, fmt.Errorf("%w: zero private scalar", ErrIdentity)
	}
	return newPrivateKey(s.Group(), s.Copy()), nil
}

// NewPublicKey returns the public key y. It returns [ErrIdentity] if y is
// the identity and [ErrInvalidArgument] if it is nil.
func NewPublicKey(y group.Element) (*PublicKey, error) {
	if y == nil {
		return nil, fmt.Errorf("%w: nil element", ErrInvalidArgument)
	}
	if y.IsIdentity() {
		return nil, ErrIdentity
	}
	return &PublicKey{g: y.Group(), y: y.Copy()}, nil
}

// check returns [ErrInvalidArgument] for a nil or zero-value key.
func (k *PublicKey) check() error {
	if k == nil || k.g == nil || k.y == nil {
		return fmt.Errorf("%w: nil or zero-value public key", ErrInvalidArgument)
	}
	return nil
}

// Group returns the key's group, or nil for a zero-value key.
func (k *PublicKey) Group() group.Group {
	if k == nil {
		return nil
	}
	return k.g
}

// Element returns a copy of the key's group element Y, or nil for a
// zero-value key.
func (k *PublicKey) Element() group.Element {
	if k.check() != nil {
		return nil
	}
	return k.y.Copy()
}

// Equal reports whether k and x are the same key. Zero-value keys equal
// nothing.
func (k *PublicKey) Equal(x *PublicKey) bool {
	if k.check() != nil || x.check() != nil {
		return false
	}
	return sameGroup(k.g, x.g) && k.y.IsEqual(x.y)
}

// MarshalBinary encodes the key in [ElementSize] bytes.
func (k *PublicKey) MarshalBinary() ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return AppendElement(nil, k.y), nil
}

// ParsePublicKey decodes a public key of group g, rejecting malformed
// encodings and the identity.
func ParsePublicKey(g group.Group, data []byte) (*PublicKey, error) {
	y, err := DecodeElement(g, data)
	if err != nil {
		return nil, err
	}
	if y.IsIdentity() {
		return nil, fmt.Errorf("%w: as public key", ErrIdentity)
	}
	return &PublicKey{g: g, y: y}, nil
}

// check returns [ErrInvalidArgument] for a nil or zero-value key.
func (k *PrivateKey) check() error {
	if k == nil || k.s == nil || k.pub.check() != nil {
		return fmt.Errorf("%w: nil or zero-value private key", ErrInvalidArgument)
	}
	return nil
}

// Public returns the public half of the key (a zero-value public key for a
// zero-value private key, or nil for a nil one).
func (k *PrivateKey) Public() *PublicKey {
	if k == nil {
		return nil
	}
	return &k.pub
}

// Group returns the key's group, or nil for a zero-value key.
func (k *PrivateKey) Group() group.Group {
	if k == nil {
		return nil
	}
	return k.pub.g
}

// Mul returns s·e, the key's scalar applied to e: the Diffie–Hellman
// operation that decryption uses. It is exposed for protocols, such as
// proxy re-encryption, built on ElGamal. It returns nil if k is a zero
// value or e is nil or of another group.
func (k *PrivateKey) Mul(e group.Element) group.Element {
	if k.check() != nil || e == nil || !sameGroup(k.pub.g, e.Group()) {
		return nil
	}
	return k.pub.g.NewElement().Mul(e, k.s)
}

// Equal reports whether k and x are the same key, in constant time for the
// curve groups. Zero-value keys equal nothing.
func (k *PrivateKey) Equal(x *PrivateKey) bool {
	if k.check() != nil || x.check() != nil || !sameGroup(k.pub.g, x.pub.g) {
		return false
	}
	a, _ := k.s.MarshalBinary()
	b, _ := x.s.MarshalBinary()
	return subtle.ConstantTimeCompare(a, b) == 1
}

// MarshalBinary encodes the private scalar in [ScalarSize] bytes.
func (k *PrivateKey) MarshalBinary() ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return k.s.MarshalBinary()
}

// ParsePrivateKey decodes a private key of group g, rejecting wrong lengths,
// unreduced scalars and zero.
func ParsePrivateKey(g group.Group, data []byte) (*PrivateKey, error) {
	s, err := DecodeScalar(g, data)
	if err != nil {
		return nil, err
	}
	if s.IsZero() {
		return nil, fmt.Errorf("%w: zero private scalar", ErrIdentity)
	}
	return newPrivateKey(g, s), nil
}
