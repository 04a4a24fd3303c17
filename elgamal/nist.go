package elgamal

import (
	"io"
	"math/big"

	"filippo.io/nistec"
	"github.com/cloudflare/circl/group"
	"golang.org/x/crypto/cryptobyte"
)

// The NIST curves P-256, P-384 and P-521 as circl groups whose points are
// those of filippo.io/nistec (the standard library's constant-time point
// arithmetic, exported): point addition allocates nothing beyond its
// result, where circl's goes through crypto/elliptic's big.Int interface.
// Scalars, hashing to the curve and random elements are circl's (its
// hash_to_curve suites of RFC 9380), so encodings, scalars and hashes are
// byte for byte those of circl's [group.P256], [group.P384] and
// [group.P521] (the tests check it); elements are compressed SEC 1 points
// and the identity a single zero byte, as in circl.
var (
	P256 group.Group = &nistGroup[nistec.P256Point, *nistec.P256Point]{name: "p256", circl: group.P256, newPoint: nistec.NewP256Point}
	P384 group.Group = &nistGroup[nistec.P384Point, *nistec.P384Point]{name: "p384", circl: group.P384, newPoint: nistec.NewP384Point}
	P521 group.Group = &nistGroup[nistec.P521Point, *nistec.P521Point]{name: "p521", circl: group.P521, newPoint: nistec.NewP521Point}
)

// nistPoint is the method set of filippo.io/nistec's point types.
type nistPoint[T any] interface {
	*T
	Set(*T) *T
	SetGenerator() *T
	SetBytes([]byte) (*T, error)
	BytesCompressed() []byte
	Add(*T, *T) *T
	Double(*T) *T
	Negate(*T) *T
	ScalarMult(*T, []byte) (*T, error)
	ScalarBaseMult([]byte) (*T, error)
	IsInfinity() int
	Equal(*T) int
}

type nistGroup[T any, P nistPoint[T]] struct {
	name     string
	circl    group.Group
	newPoint func() P // the identity
}

type nistElement[T any, P nistPoint[T]] struct {
	g *nistGroup[T, P]
	p P
}

// nistScalar wraps a scalar of the corresponding circl group, so that it
// belongs to this group.
type nistScalar[T any, P nistPoint[T]] struct {
	g *nistGroup[T, P]
	s group.Scalar
}

func (g *nistGroup[T, P]) String() string { return g.name }

func (g *nistGroup[T, P]) Params() *group.Params { return g.circl.Params() }

func (g *nistGroup[T, P]) NewElement() group.Element { return g.Identity() }

func (g *nistGroup[T, P]) NewScalar() group.Scalar {
	return &nistScalar[T, P]{g: g, s: g.circl.NewScalar()}
}

func (g *nistGroup[T, P]) Identity() group.Element { return &nistElement[T, P]{g: g, p: g.newPoint()} }

func (g *nistGroup[T, P]) Generator() group.Element {
	e := &nistElement[T, P]{g: g, p: g.newPoint()}
	e.p.SetGenerator()
	return e
}

// fromCircl converts an element of the circl group through its encoding.
func (g *nistGroup[T, P]) fromCircl(c group.Element) group.Element {
	b, err := c.MarshalBinaryCompress()
	if err != nil {
		panic("elgamal: encoding a circl point failed: " + err.Error())
	}
	e := &nistElement[T, P]{g: g, p: g.newPoint()}
	if _, err := e.p.SetBytes(b); err != nil {
		panic("elgamal: a circl point does not decode: " + err.Error())
	}
	return e
}

// RandomElement is circl's: a hash to the curve of random bytes from rnd
// (crypto/rand.Reader if nil). It panics if rnd fails.
func (g *nistGroup[T, P]) RandomElement(rnd io.Reader) group.Element {
	return g.fromCircl(g.circl.RandomElement(randReader(rnd)))
}

// RandomScalar is circl's, reading rnd (crypto/rand.Reader if nil).
func (g *nistGroup[T, P]) RandomScalar(rnd io.Reader) group.Scalar {
	return &nistScalar[T, P]{g: g, s: g.circl.RandomScalar(randReader(rnd))}
}

// RandomNonZeroScalar is circl's, reading rnd (crypto/rand.Reader if nil).
func (g *nistGroup[T, P]) RandomNonZeroScalar(rnd io.Reader) group.Scalar {
	return &nistScalar[T, P]{g: g, s: g.circl.RandomNonZeroScalar(randReader(rnd))}
}

// HashToElement is circl's hash_to_curve (RFC 9380, random-oracle suite).
func (g *nistGroup[T, P]) HashToElement(msg, dst []byte) group.Element {
	return g.fromCircl(g.circl.HashToElement(msg, dst))
}

// HashToElementNonUniform is circl's encode_to_curve (RFC 9380).
func (g *nistGroup[T, P]) HashToElementNonUniform(msg, dst []byte) group.Element {
	return g.fromCircl(g.circl.HashToElementNonUniform(msg, dst))
}

// HashToScalar is circl's.
func (g *nistGroup[T, P]) HashToScalar(msg, dst []byte) group.Scalar {
	return &nistScalar[T, P]{g: g, s: g.circl.HashToScalar(msg, dst)}
}

func (g *nistGroup[T, P]) cvtElt(x group.Element) *nistElement[T, P] {
	e, ok := x.(*nistElement[T, P])
	if !ok || e.g != g {
		panic(group.ErrType)
	}
	return e
}

func (g *nistGroup[T, P]) cvtScl(x group.Scalar) *nistScalar[T, P] {
	s, ok := x.(*nistScalar[T, P])
	if !ok || s.g != g {
		panic(group.ErrType)
	}
	return s
}

func (e *nistElement[T, P]) Group() group.Group { return e.g }

func (e *nistElement[T, P]) Set(x group.Element) group.Element {
	e.p.Set(e.g.cvtElt(x).p)
	return e
}

func (e *nistElement[T, P]) Copy() group.Element {
	c := &nistElement[T, P]{g: e.g, p: e.g.newPoint()}
	c.p.Set(e.p)
	return c
}

func (e *nistElement[T, P]) IsIdentity() bool { return e.p.IsInfinity() == 1 }

func (e *nistElement[T, P]) IsEqual(x group.Element) bool { return e.p.Equal(e.g.cvtElt(x).p) == 1 }

// CMov sets e to x if b is 1 and leaves it if b is 0; it panics otherwise.
// It is not constant time in b.
func (e *nistElement[T, P]) CMov(b int, x group.Element) group.Element {
	checkSelector(b)
	if b == 1 {
		e.Set(x)
	}
	return e
}

// CSelect sets e to x if b is 1 and to y if b is 0; it panics otherwise.
// It is not constant time in b.
func (e *nistElement[T, P]) CSelect(b int, x, y group.Element) group.Element {
	checkSelector(b)
	if b == 1 {
		return e.Set(x)
	}
	return e.Set(y)
}

func (e *nistElement[T, P]) Add(x, y group.Element) group.Element {
	e.p.Add(e.g.cvtElt(x).p, e.g.cvtElt(y).p)
	return e
}

func (e *nistElement[T, P]) Dbl(x group.Element) group.Element {
	e.p.Double(e.g.cvtElt(x).p)
	return e
}

func (e *nistElement[T, P]) Neg(x group.Element) group.Element {
	e.p.Negate(e.g.cvtElt(x).p)
	return e
}

// scalarBytes returns s as the fixed-size big-endian bytes nistec takes.
func (s *nistScalar[T, P]) scalarBytes() []byte {
	b, err := s.s.MarshalBinary()
	if err != nil {
		panic("elgamal: encoding a scalar failed: " + err.Error())
	}
	return b
}

func (e *nistElement[T, P]) Mul(x group.Element, s group.Scalar) group.Element {
	if _, err := e.p.ScalarMult(e.g.cvtElt(x).p, e.g.cvtScl(s).scalarBytes()); err != nil {
		panic("elgamal: scalar multiplication failed: " + err.Error())
	}
	return e
}

func (e *nistElement[T, P]) MulGen(s group.Scalar) group.Element {
	if _, err := e.p.ScalarBaseMult(e.g.cvtScl(s).scalarBytes()); err != nil {
		panic("elgamal: scalar multiplication failed: " + err.Error())
	}
	return e
}

// MarshalBinary returns the compressed SEC 1 encoding, as circl's
// MarshalBinaryCompress does (a single zero byte for the identity).
func (e *nistElement[T, P]) MarshalBinary() ([]byte, error) { return e.p.BytesCompressed(), nil }

// MarshalBinaryCompress is MarshalBinary.
func (e *nistElement[T, P]) MarshalBinaryCompress() ([]byte, error) {
	return e.p.BytesCompressed(), nil
}

// UnmarshalBinary decodes a compressed or uncompressed SEC 1 point, or the
// single zero byte of the identity, checking that it is on the curve; on
// error e is unchanged.
func (e *nistElement[T, P]) UnmarshalBinary(data []byte) error {
	p := e.g.newPoint()
	if _, err := p.SetBytes(data); err != nil {
		return group.ErrUnmarshal
	}
	e.p = p
	return nil
}

func (s *nistScalar[T, P]) Group() group.Group { return s.g }

func (s *nistScalar[T, P]) String() string { return s.s.(interface{ String() string }).String() }

func (s *nistScalar[T, P]) Set(x group.Scalar) group.Scalar {
	s.s.Set(s.g.cvtScl(x).s)
	return s
}

func (s *nistScalar[T, P]) Copy() group.Scalar { return &nistScalar[T, P]{g: s.g, s: s.s.Copy()} }

func (s *nistScalar[T, P]) IsZero() bool { return s.s.IsZero() }

func (s *nistScalar[T, P]) IsEqual(x group.Scalar) bool { return s.s.IsEqual(s.g.cvtScl(x).s) }

func (s *nistScalar[T, P]) SetUint64(x uint64) group.Scalar { s.s.SetUint64(x); return s }

// SetBigInt sets s to x mod n. Unlike circl's it does not modify x.
func (s *nistScalar[T, P]) SetBigInt(x *big.Int) group.Scalar {
	s.s.SetBigInt(new(big.Int).Set(x))
	return s
}

func (s *nistScalar[T, P]) CMov(b int, x group.Scalar) group.Scalar {
	s.s.CMov(b, s.g.cvtScl(x).s)
	return s
}

func (s *nistScalar[T, P]) CSelect(b int, x, y group.Scalar) group.Scalar {
	s.s.CSelect(b, s.g.cvtScl(x).s, s.g.cvtScl(y).s)
	return s
}

func (s *nistScalar[T, P]) Add(x, y group.Scalar) group.Scalar {
	s.s.Add(s.g.cvtScl(x).s, s.g.cvtScl(y).s)
	return s
}

func (s *nistScalar[T, P]) Sub(x, y group.Scalar) group.Scalar {
	s.s.Sub(s.g.cvtScl(x).s, s.g.cvtScl(y).s)
	return s
}

func (s *nistScalar[T, P]) Mul(x, y group.Scalar) group.Scalar {
	s.s.Mul(s.g.cvtScl(x).s, s.g.cvtScl(y).s)
	return s
}

func (s *nistScalar[T, P]) Neg(x group.Scalar) group.Scalar {
	s.s.Neg(s.g.cvtScl(x).s)
	return s
}

func (s *nistScalar[T, P]) Inv(x group.Scalar) group.Scalar {
	s.s.Inv(s.g.cvtScl(x).s)
	return s
}

func (s *nistScalar[T, P]) MarshalBinary() ([]byte, error) { return s.s.MarshalBinary() }

func (s *nistScalar[T, P]) UnmarshalBinary(data []byte) error { return s.s.UnmarshalBinary(data) }

func (s *nistScalar[T, P]) Marshal(b *cryptobyte.Builder) error { return s.s.Marshal(b) }

func (s *nistScalar[T, P]) Unmarshal(str *cryptobyte.String) bool {
	if str == nil {
		return false
	}
	return s.s.Unmarshal(str)
}
