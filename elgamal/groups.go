package elgamal

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/cloudflare/circl/group"
)

// Default is the group used when a caller has no reason to choose another:
// [Ristretto255], a prime-order group with canonical 32-byte encodings.
var Default group.Group = Ristretto255

var (
	// ErrEncoding is returned for a malformed, non-canonical or wrong-length
	// encoding, or for an element outside the group.
	ErrEncoding = errors.New("elgamal: invalid encoding")
	// ErrIdentity is returned where the identity element is not allowed: as
	// a public key, or as the first component of a ciphertext.
	ErrIdentity = errors.New("elgamal: identity element")
	// ErrGroupMismatch is returned when values of different groups are combined.
	ErrGroupMismatch = errors.New("elgamal: values from different groups")
	// ErrUnknownGroup is returned by [GroupByName] for a name it does not know.
	ErrUnknownGroup = errors.New("elgamal: unknown group")
	// ErrRandomness is returned when the random source fails.
	ErrRandomness = errors.New("elgamal: reading randomness failed")
	// ErrInvalidArgument is returned for a nil group, key, element,
	// scalar, ciphertext or table, and for a zero-value key or ciphertext
	// (one not made by this package's constructors).
	ErrInvalidArgument = errors.New("elgamal: invalid argument")
)

// errNilGroup is the error for a nil group.
var errNilGroup = fmt.Errorf("%w: nil group", ErrInvalidArgument)

// randReader returns rnd, or crypto/rand.Reader if rnd is nil.
func randReader(rnd io.Reader) io.Reader {
	if rnd == nil {
		return rand.Reader
	}
	return rnd
}

var registry = []struct {
	name string
	g    group.Group
}{
	{"ristretto255", Ristretto255},
	{"p256", P256},
	{"p384", P384},
	{"p521", P521},
	{"modp512", ModP512},
	{"modp768", ModP768},
	{"modp1024", ModP1024},
	{"modp1536", ModP1536},
	{"modp2048", ModP2048},
	{"ristretto255-circl", group.Ristretto255},
	{"p256-circl", group.P256},
	{"p384-circl", group.P384},
	{"p521-circl", group.P521},
}

// Groups returns the names of the supported groups, curves first, in a
// fixed order: ristretto255, p256, p384, p521, modp512, modp768, modp1024,
// modp1536, modp2048, ristretto255-circl, p256-circl, p384-circl,
// p521-circl. The groups modp512 and modp768 are too small to protect
// anything; they exist to measure the DRM paper's smaller rows. The -circl
// groups are circl's own implementations, kept for comparison: they encode
// exactly as [Ristretto255], [P256], [P384] and [P521] but are slower.
func Groups() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// GroupByName returns the group with the given name, one of [Groups].
func GroupByName(name string) (group.Group, error) {
	for _, r := range registry {
		if r.name == name {
			return r.g, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownGroup, name)
}

// GroupName returns the name under which g is listed by [Groups], or the
// group's own String for a group this package does not list.
func GroupName(g group.Group) string {
	// mutation: equivalent — *ModPGroup's String returns mg.name too, and no modp name is one the switch below renames.
	if mg, ok := g.(*ModPGroup); ok {
		return mg.name
	}
	if _, ok := g.(ristretto); ok {
		return "ristretto255"
	}
	s, ok := g.(fmt.Stringer)
	if !ok {
		return fmt.Sprintf("%T", g)
	}
	switch s.String() {
	case "ristretto255":
		return "ristretto255-circl"
	case "P-256":
		return "p256-circl"
	case "P-384":
		return "p384-circl"
	case "P-521":
		return "p521-circl"
	}
	return s.String()
}

// sameGroup reports whether a and b are the same group. circl's short
// Weierstrass groups are not comparable with ==, so groups are compared by
// name.
// A nil group is the same as no group.
func sameGroup(a, b group.Group) bool {
	return a != nil && b != nil && GroupName(a) == GroupName(b)
}

func isShortWeierstrass(g group.Group) bool {
	switch GroupName(g) {
	case "p256", "p384", "p521", "p256-circl", "p384-circl", "p521-circl":
		return true
	}
	return false
}

// maxElementSize is the largest [ElementSize] of this package's groups,
// that of modp2048: buffers of this size hold any of their encodings
// without allocating.
const maxElementSize = 256

// ElementSize returns the length in bytes of an encoded element of g: the
// compressed point for the NIST curves, 32 bytes for ristretto255, the size
// of p for the mod-p groups. It returns 0 for a nil group.
func ElementSize(g group.Group) int {
	switch g := g.(type) {
	case nil:
		return 0
	case *ModPGroup:
		return g.pBytes // without the allocation of Params
	case ristretto:
		return 32
	}
	return int(g.Params().CompressedElementLength)
}

// ScalarSize returns the length in bytes of an encoded scalar of g, or 0
// for a nil group.
func ScalarSize(g group.Group) int {
	switch g := g.(type) {
	case nil:
		return 0
	case *ModPGroup:
		return g.qBytes
	case ristretto:
		return 32
	}
	return int(g.Params().ScalarLength)
}

// AppendElement appends the fixed-size encoding of e to dst. The identity of
// a NIST curve, which circl encodes as a single zero byte, is encoded as
// [ElementSize] zero bytes so that every encoding of a group has one length.
// It panics if e is nil: there is no encoding to append and no error to
// return, and every element this package returns is non-nil.
func AppendElement(dst []byte, e group.Element) []byte {
	if a, ok := e.(*ModPElement); ok {
		dst, _ = a.AppendBinary(dst)
		return dst
	}
	b, err := e.MarshalBinaryCompress()
	if err != nil {
		panic("elgamal: marshaling a group element failed: " + err.Error())
	}
	if n := ElementSize(e.Group()); len(b) != n {
		return append(dst, make([]byte, n)...)
	}
	return append(dst, b...)
}

// DecodeElement decodes an element of g from exactly [ElementSize] bytes.
// It rejects wrong lengths, non-canonical encodings and values outside the
// prime-order group. The identity is accepted; callers that must not see it
// check [group.Element.IsIdentity].
func DecodeElement(g group.Group, data []byte) (group.Element, error) {
	if g == nil {
		return nil, errNilGroup
	}
	n := ElementSize(g)
	// The re-encoding check below also refuses every other length, since
	// AppendElement always writes n bytes; this check gives the clearer
	// error and skips the decoding. mutation: equivalent.
	if len(data) != n {
		return nil, fmt.Errorf("%w: element of %s must be %d bytes, got %d", ErrEncoding, GroupName(g), n, len(data))
	}
	var e group.Element
	if mg, ok := g.(*ModPGroup); ok {
		// Not g.NewElement(): UnmarshalBinary replaces the integer, so the
		// identity's would be garbage at once.
		e = &ModPElement{g: mg}
	} else {
		e = g.NewElement()
	}
	// Bytes the group's decoder refuses are not the encoding of any element,
	// so the canonical check below refuses them too (and the NIST identity,
	// all zeros, is what it re-encodes to). mutation: equivalent.
	if err := e.UnmarshalBinary(data); err != nil {
		if isShortWeierstrass(g) && allZero(data) {
			return g.Identity(), nil
		}
		return nil, fmt.Errorf("%w: %s element: %v", ErrEncoding, GroupName(g), err)
	}
	// Reject anything the group's decoder accepted but would not produce.
	var buf [maxElementSize]byte
	if re := AppendElement(buf[:0], e); string(re) != string(data) {
		return nil, fmt.Errorf("%w: non-canonical %s element", ErrEncoding, GroupName(g))
	}
	return e, nil
}

// DecodeScalar decodes a scalar of g from exactly [ScalarSize] bytes,
// rejecting values that are not reduced modulo the group order.
func DecodeScalar(g group.Group, data []byte) (group.Scalar, error) {
	if g == nil {
		return nil, errNilGroup
	}
	if n := ScalarSize(g); len(data) != n {
		return nil, fmt.Errorf("%w: scalar of %s must be %d bytes, got %d", ErrEncoding, GroupName(g), n, len(data))
	}
	s := g.NewScalar()
	if err := s.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%w: %s scalar not reduced", ErrEncoding, GroupName(g))
	}
	return s, nil
}

// RandomScalar returns a uniformly random non-zero scalar of g read from rnd.
// Unlike circl's RandomScalar (which for ristretto255 ignores its reader),
// every bit comes from rnd, so a deterministic reader gives deterministic
// keys for known-answer tests. The bias is below 2^-128. A nil rnd means
// crypto/rand.Reader.
func RandomScalar(g group.Group, rnd io.Reader) (group.Scalar, error) {
	if g == nil {
		return nil, errNilGroup
	}
	rnd = randReader(rnd)
	buf := make([]byte, ScalarSize(g)+16)
	for {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRandomness, err)
		}
		// SetBigInt of circl's NIST scalars reduces its argument in place,
		// so each call gets a fresh big.Int.
		s := g.NewScalar().SetBigInt(new(big.Int).SetBytes(buf))
		if !s.IsZero() {
			return s, nil
		}
	}
}

// ScalarFromBytes maps wide uniform bytes (at least [ScalarSize]+16 of them,
// such as the output of a keyed hash) to a scalar of g, uniform up to 2^-128.
// It returns [ErrEncoding] if wide is too short.
func ScalarFromBytes(g group.Group, wide []byte) (group.Scalar, error) {
	if g == nil {
		return nil, errNilGroup
	}
	if len(wide) < ScalarSize(g)+16 {
		return nil, fmt.Errorf("%w: need at least %d bytes to derive a scalar", ErrEncoding, ScalarSize(g)+16)
	}
	return g.NewScalar().SetBigInt(new(big.Int).SetBytes(wide)), nil
}

func allZero(b []byte) bool {
	var acc byte
	for _, x := range b {
		acc |= x
	}
	return acc == 0
}
