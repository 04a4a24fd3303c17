package elgamal

import (
	"errors"
	"fmt"
	"io"

	"github.com/cloudflare/circl/group"
)

// ErrDecrypt is returned when a ciphertext does not decrypt: a hybrid
// ciphertext that fails authentication, or an exponential ciphertext whose
// plaintext is outside the searched range.
var ErrDecrypt = errors.New("elgamal: decryption failed")

// Ciphertext is an ElGamal ciphertext (C1, C2) = (r·G, M + r·Y) of a group
// element M under public key Y. Ciphertexts are additively homomorphic:
// the sum of encryptions of M and N is an encryption of M + N.
type Ciphertext struct {
	c1, c2 group.Element
}

// NewCiphertext assembles a ciphertext from its two components.
func NewCiphertext(c1, c2 group.Element) (*Ciphertext, error) {
	if c1 == nil || c2 == nil {
		return nil, fmt.Errorf("%w: nil ciphertext component", ErrInvalidArgument)
	}
	if !sameGroup(c1.Group(), c2.Group()) {
		return nil, ErrGroupMismatch
	}
	return &Ciphertext{c1: c1.Copy(), c2: c2.Copy()}, nil
}

// check returns [ErrInvalidArgument] for a nil or zero-value ciphertext.
func (c *Ciphertext) check() error {
	if c == nil || c.c1 == nil || c.c2 == nil {
		return fmt.Errorf("%w: nil or zero-value ciphertext", ErrInvalidArgument)
	}
	return nil
}

// Group returns the ciphertext's group, or nil for a zero-value ciphertext.
func (c *Ciphertext) Group() group.Group {
	if c.check() != nil {
		return nil
	}
	return c.c1.Group()
}

// C1 returns a copy of the first component, r·G, or nil for a zero-value
// ciphertext.
func (c *Ciphertext) C1() group.Element {
	if c.check() != nil {
		return nil
	}
	return c.c1.Copy()
}

// C2 returns a copy of the second component, M + r·Y, or nil for a
// zero-value ciphertext.
func (c *Ciphertext) C2() group.Element {
	if c.check() != nil {
		return nil
	}
	return c.c2.Copy()
}

// Encrypt encrypts the group element m under k, reading randomness from
// rnd; a nil rnd means crypto/rand.Reader.
func (k *PublicKey) Encrypt(rnd io.Reader, m group.Element) (*Ciphertext, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("%w: nil plaintext element", ErrInvalidArgument)
	}
	if !sameGroup(k.g, m.Group()) {
		return nil, ErrGroupMismatch
	}
	r, err := RandomScalar(k.g, rnd)
	if err != nil {
		return nil, err
	}
	return k.encryptWith(r, m), nil
}

func (k *PublicKey) encryptWith(r group.Scalar, m group.Element) *Ciphertext {
	c1 := k.g.NewElement().MulGen(r)
	c2 := k.g.NewElement().Mul(k.y, r)
	c2.Add(c2, m)
	return &Ciphertext{c1: c1, c2: c2}
}

// Decrypt returns the element M = C2 − s·C1.
func (k *PrivateKey) Decrypt(c *Ciphertext) (group.Element, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if !sameGroup(k.pub.g, c.Group()) {
		return nil, ErrGroupMismatch
	}
	d := k.Mul(c.c1)
	d.Neg(d)
	return d.Add(d, c.c2), nil
}

// Add returns a + b, an encryption of the sum of their plaintexts.
func Add(a, b *Ciphertext) (*Ciphertext, error) {
	if err := errors.Join(a.check(), b.check()); err != nil {
		return nil, err
	}
	if !sameGroup(a.Group(), b.Group()) {
		return nil, ErrGroupMismatch
	}
	g := a.Group()
	return &Ciphertext{c1: g.NewElement().Add(a.c1, b.c1), c2: g.NewElement().Add(a.c2, b.c2)}, nil
}

// Sub returns a − b, an encryption of the difference of their plaintexts.
func Sub(a, b *Ciphertext) (*Ciphertext, error) {
	if err := errors.Join(a.check(), b.check()); err != nil {
		return nil, err
	}
	if !sameGroup(a.Group(), b.Group()) {
		return nil, ErrGroupMismatch
	}
	g := a.Group()
	n1, n2 := g.NewElement().Neg(b.c1), g.NewElement().Neg(b.c2)
	return &Ciphertext{c1: n1.Add(n1, a.c1), c2: n2.Add(n2, a.c2)}, nil
}

// ScalarMul returns k·a, an encryption of k times a's plaintext.
func ScalarMul(a *Ciphertext, k group.Scalar) (*Ciphertext, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if k == nil {
		return nil, fmt.Errorf("%w: nil scalar", ErrInvalidArgument)
	}
	if !sameGroup(a.Group(), k.Group()) {
		return nil, ErrGroupMismatch
	}
	g := a.Group()
	return &Ciphertext{c1: g.NewElement().Mul(a.c1, k), c2: g.NewElement().Mul(a.c2, k)}, nil
}

// Rerandomize returns a fresh encryption of c's plaintext under k, unlinkable
// to c by anyone without the private key: c plus an encryption of the
// identity. A nil rnd means crypto/rand.Reader.
func (k *PublicKey) Rerandomize(rnd io.Reader, c *Ciphertext) (*Ciphertext, error) {
	if err := errors.Join(k.check(), c.check()); err != nil {
		return nil, err
	}
	// Add below refuses c of another group with the same error; checking
	// first only spares drawing the randomness. mutation: equivalent.
	if !sameGroup(k.g, c.Group()) {
		return nil, ErrGroupMismatch
	}
	r, err := RandomScalar(k.g, rnd)
	if err != nil {
		return nil, err
	}
	return Add(c, k.encryptWith(r, k.g.Identity()))
}

// CiphertextSize returns the length of an encoded ciphertext of g:
// 2·[ElementSize], or 0 for a nil group.
func CiphertextSize(g group.Group) int { return 2 * ElementSize(g) }

// MarshalBinary encodes c as C1 ‖ C2 in [CiphertextSize] bytes. A ciphertext
// whose C1 is the identity carries its plaintext in the clear (C2 = M); it is
// refused with [ErrIdentity] (re-randomize it first).
func (c *Ciphertext) MarshalBinary() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if c.c1.IsIdentity() {
		return nil, fmt.Errorf("%w: ciphertext C1", ErrIdentity)
	}
	out := make([]byte, 0, CiphertextSize(c.Group()))
	out = AppendElement(out, c.c1)
	return AppendElement(out, c.c2), nil
}

// ParseCiphertext decodes a ciphertext of g, rejecting wrong lengths,
// malformed or non-canonical elements and an identity C1.
func ParseCiphertext(g group.Group, data []byte) (*Ciphertext, error) {
	if g == nil {
		return nil, errNilGroup
	}
	n := ElementSize(g)
	if len(data) != 2*n {
		return nil, fmt.Errorf("%w: ciphertext of %s must be %d bytes, got %d", ErrEncoding, GroupName(g), 2*n, len(data))
	}
	c1, err := DecodeElement(g, data[:n])
	if err != nil {
		return nil, err
	}
	if c1.IsIdentity() {
		return nil, fmt.Errorf("%w: ciphertext C1", ErrIdentity)
	}
	c2, err := DecodeElement(g, data[n:])
	if err != nil {
		return nil, err
	}
	return &Ciphertext{c1: c1, c2: c2}, nil
}
