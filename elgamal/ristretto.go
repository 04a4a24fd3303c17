package elgamal

import (
	"crypto"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"

	"github.com/cloudflare/circl/expander"
	"github.com/cloudflare/circl/group"
	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/cryptobyte"
)

// Ristretto255 is the ristretto255 group of RFC 9496 as a circl
// [group.Group], backed by github.com/gtank/ristretto255 and so by
// filippo.io/edwards25519, whose scalar multiplication is faster on
// current Go than that of circl's own [group.Ristretto255] (which rides on
// github.com/bwesterb/go-ristretto). The two agree on every encoding, hash
// and scalar (the tests check it); they are different groups to Go, so
// their elements must not be mixed, and [GroupName] calls circl's
// "ristretto255-circl".
//
// Elements encode in 32 bytes; decoding accepts only canonical encodings
// of group elements (RFC 9496 §4.3.1). Scalars encode in 32 bytes, little
// endian, and decoding accepts only values below the group order.
// [group.Group.HashToElement] is hash_to_ristretto255 of RFC 9380
// Appendix B with expand_message_xmd and SHA-512, and HashToScalar reduces
// 64 bytes of the same expansion, as circl does. Arithmetic is constant
// time except [group.Scalar.SetBigInt].
var Ristretto255 group.Group = ristretto{}

type ristretto struct{}

// ristrettoElement is an element of [Ristretto255].
type ristrettoElement struct{ e ristretto255.Element }

// ristrettoScalar is a scalar of [Ristretto255].
type ristrettoScalar struct{ s ristretto255.Scalar }

var (
	_ group.Group   = ristretto{}
	_ group.Element = (*ristrettoElement)(nil)
	_ group.Scalar  = (*ristrettoScalar)(nil)
)

// ristrettoOrder is the order l of ristretto255, 2^252 +
// 27742317777372353535851937790883648493.
var ristrettoOrder, _ = new(big.Int).SetString("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed", 16)

func (ristretto) String() string { return "ristretto255" }

func (ristretto) Params() *group.Params {
	return &group.Params{ElementLength: 32, CompressedElementLength: 32, ScalarLength: 32}
}

func (ristretto) NewElement() group.Element {
	return &ristrettoElement{e: *ristretto255.NewIdentityElement()}
}

func (ristretto) NewScalar() group.Scalar { return &ristrettoScalar{s: *ristretto255.NewScalar()} }

func (ristretto) Identity() group.Element {
	return &ristrettoElement{e: *ristretto255.NewIdentityElement()}
}

func (ristretto) Generator() group.Element {
	return &ristrettoElement{e: *ristretto255.NewGeneratorElement()}
}

// RandomElement maps 64 bytes of rnd (crypto/rand.Reader if nil) to an
// element with RFC 9496's element derivation. It panics if rnd fails, as
// circl's groups do.
func (ristretto) RandomElement(rnd io.Reader) group.Element {
	var b [64]byte
	if _, err := io.ReadFull(randReader(rnd), b[:]); err != nil {
		panic(err)
	}
	return newRistrettoElementUniform(b[:])
}

// RandomScalar reduces 64 bytes of rnd (crypto/rand.Reader if nil) modulo
// the group order. It panics if rnd fails.
func (ristretto) RandomScalar(rnd io.Reader) group.Scalar {
	var b [64]byte
	if _, err := io.ReadFull(randReader(rnd), b[:]); err != nil {
		panic(err)
	}
	return newRistrettoScalarUniform(b[:])
}

// RandomNonZeroScalar is RandomScalar, drawn again while zero.
func (g ristretto) RandomNonZeroScalar(rnd io.Reader) group.Scalar {
	for {
		if s := g.RandomScalar(rnd); !s.IsZero() {
			return s
		}
	}
}

// xmd64 is expand_message_xmd with SHA-512 (RFC 9380 §5.3.1), 64 bytes.
func xmd64(msg, dst []byte) []byte {
	return expander.NewExpanderMD(crypto.SHA512, dst).Expand(msg, 64)
}

// HashToElement is hash_to_ristretto255 (RFC 9380 Appendix B), suite
// ristretto255_XMD:SHA-512_R255MAP_RO_.
func (ristretto) HashToElement(msg, dst []byte) group.Element {
	return newRistrettoElementUniform(xmd64(msg, dst))
}

// HashToElementNonUniform is HashToElement.
func (g ristretto) HashToElementNonUniform(msg, dst []byte) group.Element {
	return g.HashToElement(msg, dst)
}

// HashToScalar reduces 64 bytes of expand_message_xmd with SHA-512 modulo
// the group order.
func (ristretto) HashToScalar(msg, dst []byte) group.Scalar {
	return newRistrettoScalarUniform(xmd64(msg, dst))
}

// newRistrettoElementUniform maps 64 uniform bytes to an element with RFC
// 9496's element derivation function (§4.3.4).
func newRistrettoElementUniform(b []byte) *ristrettoElement {
	e := new(ristrettoElement)
	if _, err := e.e.SetUniformBytes(b); err != nil {
		panic("elgamal: ristretto255 element from " + fmt.Sprint(len(b)) + " bytes, want 64")
	}
	return e
}

// newRistrettoScalarUniform reduces 64 uniform bytes modulo the group order.
func newRistrettoScalarUniform(b []byte) *ristrettoScalar {
	s := new(ristrettoScalar)
	if _, err := s.s.SetUniformBytes(b); err != nil {
		panic("elgamal: ristretto255 scalar from " + fmt.Sprint(len(b)) + " bytes, want 64")
	}
	return s
}

func cvtRistrettoElement(x group.Element) *ristrettoElement {
	e, ok := x.(*ristrettoElement)
	if !ok {
		panic(group.ErrType)
	}
	return e
}

func cvtRistrettoScalar(x group.Scalar) *ristrettoScalar {
	s, ok := x.(*ristrettoScalar)
	if !ok {
		panic(group.ErrType)
	}
	return s
}

func (e *ristrettoElement) Group() group.Group { return Ristretto255 }

func (e *ristrettoElement) String() string { return e.e.String() }

func (e *ristrettoElement) Set(x group.Element) group.Element {
	e.e.Set(&cvtRistrettoElement(x).e)
	return e
}

func (e *ristrettoElement) Copy() group.Element {
	c := new(ristrettoElement)
	c.e.Set(&e.e)
	return c
}

var ristrettoIdentity = ristretto255.NewIdentityElement()

func (e *ristrettoElement) IsIdentity() bool { return e.e.Equal(ristrettoIdentity) == 1 }

func (e *ristrettoElement) IsEqual(x group.Element) bool {
	return e.e.Equal(&cvtRistrettoElement(x).e) == 1
}

// CMov sets e to x if b is 1 and leaves it if b is 0, in constant time by
// selecting between the two encodings; it panics if b is neither.
func (e *ristrettoElement) CMov(b int, x group.Element) group.Element {
	checkSelector(b)
	return e.CSelect(b, x, e)
}

// CSelect sets e to x if b is 1 and to y if b is 0, in constant time; it
// panics if b is neither 0 nor 1.
func (e *ristrettoElement) CSelect(b int, x, y group.Element) group.Element {
	checkSelector(b)
	out := cvtRistrettoElement(y).e.Bytes()
	subtle.ConstantTimeCopy(b, out, cvtRistrettoElement(x).e.Bytes())
	if _, err := e.e.SetCanonicalBytes(out); err != nil {
		panic("elgamal: re-decoding a ristretto255 encoding failed")
	}
	return e
}

func (e *ristrettoElement) Add(x, y group.Element) group.Element {
	e.e.Add(&cvtRistrettoElement(x).e, &cvtRistrettoElement(y).e)
	return e
}

func (e *ristrettoElement) Dbl(x group.Element) group.Element {
	xe := &cvtRistrettoElement(x).e
	e.e.Add(xe, xe)
	return e
}

func (e *ristrettoElement) Neg(x group.Element) group.Element {
	e.e.Negate(&cvtRistrettoElement(x).e)
	return e
}

func (e *ristrettoElement) Mul(x group.Element, s group.Scalar) group.Element {
	e.e.ScalarMult(&cvtRistrettoScalar(s).s, &cvtRistrettoElement(x).e)
	return e
}

func (e *ristrettoElement) MulGen(s group.Scalar) group.Element {
	e.e.ScalarBaseMult(&cvtRistrettoScalar(s).s)
	return e
}

func (e *ristrettoElement) MarshalBinary() ([]byte, error) {
	return e.e.Bytes(), nil
}

func (e *ristrettoElement) MarshalBinaryCompress() ([]byte, error) { return e.MarshalBinary() }

// UnmarshalBinary decodes a canonical 32-byte encoding (RFC 9496 §4.3.1);
// on error e is unchanged.
func (e *ristrettoElement) UnmarshalBinary(data []byte) error {
	if _, err := e.e.SetCanonicalBytes(data); err != nil {
		return group.ErrUnmarshal
	}
	return nil
}

func (s *ristrettoScalar) Group() group.Group { return Ristretto255 }

func (s *ristrettoScalar) String() string { return s.s.String() }

func (s *ristrettoScalar) Set(x group.Scalar) group.Scalar {
	s.s.Set(&cvtRistrettoScalar(x).s)
	return s
}

func (s *ristrettoScalar) Copy() group.Scalar {
	c := new(ristrettoScalar)
	c.s.Set(&s.s)
	return c
}

var ristrettoZero = ristretto255.NewScalar()

func (s *ristrettoScalar) IsZero() bool { return s.s.Equal(ristrettoZero) == 1 }

func (s *ristrettoScalar) IsEqual(x group.Scalar) bool {
	return s.s.Equal(&cvtRistrettoScalar(x).s) == 1
}

// setLE sets s to the canonical little-endian encoding b (b < l).
func (s *ristrettoScalar) setLE(b *[32]byte) group.Scalar {
	if _, err := s.s.SetCanonicalBytes(b[:]); err != nil {
		panic("elgamal: a reduced ristretto255 scalar was not canonical")
	}
	return s
}

// SetUint64 sets s to x (every uint64 is below the group order).
func (s *ristrettoScalar) SetUint64(x uint64) group.Scalar {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], x)
	return s.setLE(&b)
}

// SetBigInt sets s to x mod l. It is not constant time. Unlike circl's NIST
// scalars it does not modify x.
func (s *ristrettoScalar) SetBigInt(x *big.Int) group.Scalar {
	var be, le [32]byte
	new(big.Int).Mod(x, ristrettoOrder).FillBytes(be[:])
	for i := range be {
		le[i] = be[31-i]
	}
	return s.setLE(&le)
}

// CMov sets s to x if b is 1 and leaves it if b is 0, in constant time; it
// panics if b is neither.
func (s *ristrettoScalar) CMov(b int, x group.Scalar) group.Scalar {
	checkSelector(b)
	return s.CSelect(b, x, s)
}

// CSelect sets s to x if b is 1 and to y if b is 0, in constant time; it
// panics if b is neither.
func (s *ristrettoScalar) CSelect(b int, x, y group.Scalar) group.Scalar {
	checkSelector(b)
	var out [32]byte
	copy(out[:], cvtRistrettoScalar(y).s.Bytes())
	subtle.ConstantTimeCopy(b, out[:], cvtRistrettoScalar(x).s.Bytes())
	return s.setLE(&out)
}

func (s *ristrettoScalar) Add(x, y group.Scalar) group.Scalar {
	s.s.Add(&cvtRistrettoScalar(x).s, &cvtRistrettoScalar(y).s)
	return s
}

func (s *ristrettoScalar) Sub(x, y group.Scalar) group.Scalar {
	s.s.Subtract(&cvtRistrettoScalar(x).s, &cvtRistrettoScalar(y).s)
	return s
}

func (s *ristrettoScalar) Mul(x, y group.Scalar) group.Scalar {
	s.s.Multiply(&cvtRistrettoScalar(x).s, &cvtRistrettoScalar(y).s)
	return s
}

func (s *ristrettoScalar) Neg(x group.Scalar) group.Scalar {
	s.s.Negate(&cvtRistrettoScalar(x).s)
	return s
}

// Inv sets s to 1/x; the inverse of zero is zero.
func (s *ristrettoScalar) Inv(x group.Scalar) group.Scalar {
	s.s.Invert(&cvtRistrettoScalar(x).s)
	return s
}

func (s *ristrettoScalar) MarshalBinary() ([]byte, error) {
	return s.s.Bytes(), nil
}

// UnmarshalBinary decodes a canonical 32-byte little-endian scalar below
// the group order; on error s is unchanged.
func (s *ristrettoScalar) UnmarshalBinary(data []byte) error {
	if _, err := s.s.SetCanonicalBytes(data); err != nil {
		return group.ErrUnmarshal
	}
	return nil
}

// Marshal appends s's encoding to b.
func (s *ristrettoScalar) Marshal(b *cryptobyte.Builder) error {
	b.AddBytes(s.s.Bytes())
	return nil
}

// Unmarshal reads a canonical scalar from str; on failure s is unchanged.
func (s *ristrettoScalar) Unmarshal(str *cryptobyte.String) bool {
	var b []byte
	if str == nil || !str.ReadBytes(&b, 32) {
		return false
	}
	_, err := s.s.SetCanonicalBytes(b)
	return err == nil
}
