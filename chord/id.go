package chord

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"

	"lukechampine.com/blake3"
)

// IDBits is the size of the identifier ring: identifiers are integers modulo
// 2^IDBits.
const IDBits = 256

// IDSize is the size in bytes of an encoded [ID].
const IDSize = IDBits / 8

// ErrIDLength is returned when an identifier is decoded from a slice whose
// length is not [IDSize].
var ErrIDLength = errors.New("chord: identifier must be 32 bytes")

// ID is a point on the identifier ring, an unsigned 256-bit integer stored
// big-endian. Node identifiers and keys share the ring: the node responsible
// for key k is successor(k), the first node whose identifier is equal to or
// follows k clockwise.
type ID [IDSize]byte

// HashID hashes data to a point on the ring with BLAKE3 under the domain
// separation string "swarmblocks chord id". Nodes derive their identifier
// from their public key or address this way; DHash keys blocks by content
// with [BlockKey].
func HashID(data []byte) ID {
	h := blake3.New(IDSize, nil)
	h.Write([]byte("swarmblocks chord id\x00"))
	h.Write(data)
	var id ID
	h.Sum(id[:0])
	return id
}

// IDFromBytes decodes a 32-byte big-endian identifier. Every 32-byte string
// is a valid point on the ring; any other length is rejected.
func IDFromBytes(b []byte) (ID, error) {
	var id ID
	if len(b) != IDSize {
		return id, fmt.Errorf("%w: got %d", ErrIDLength, len(b))
	}
	copy(id[:], b)
	return id, nil
}

// IDFromUint64 returns the identifier whose value is v (the low 64 bits of
// the ring). It is meant for tests and small worked examples.
func IDFromUint64(v uint64) ID {
	var id ID
	binary.BigEndian.PutUint64(id[24:], v)
	return id
}

func (a ID) words() (w0, w1, w2, w3 uint64) {
	return binary.BigEndian.Uint64(a[0:]), binary.BigEndian.Uint64(a[8:]),
		binary.BigEndian.Uint64(a[16:]), binary.BigEndian.Uint64(a[24:])
}

func fromWords(w0, w1, w2, w3 uint64) ID {
	var id ID
	binary.BigEndian.PutUint64(id[0:], w0)
	binary.BigEndian.PutUint64(id[8:], w1)
	binary.BigEndian.PutUint64(id[16:], w2)
	binary.BigEndian.PutUint64(id[24:], w3)
	return id
}

// Cmp compares a and b as unsigned integers (not on the ring): it returns -1,
// 0 or +1.
func (a ID) Cmp(b ID) int {
	a0, a1, a2, a3 := a.words()
	b0, b1, b2, b3 := b.words()
	switch {
	case a0 != b0:
		return cmpU(a0, b0)
	case a1 != b1:
		return cmpU(a1, b1)
	case a2 != b2:
		return cmpU(a2, b2)
	default:
		return cmpU(a3, b3)
	}
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Add returns a + b mod 2^256.
func (a ID) Add(b ID) ID {
	a0, a1, a2, a3 := a.words()
	b0, b1, b2, b3 := b.words()
	s3, c := bits.Add64(a3, b3, 0)
	s2, c := bits.Add64(a2, b2, c)
	s1, c := bits.Add64(a1, b1, c)
	s0, _ := bits.Add64(a0, b0, c)
	return fromWords(s0, s1, s2, s3)
}

// Sub returns a − b mod 2^256: the clockwise distance from b to a.
func (a ID) Sub(b ID) ID {
	a0, a1, a2, a3 := a.words()
	b0, b1, b2, b3 := b.words()
	d3, c := bits.Sub64(a3, b3, 0)
	d2, c := bits.Sub64(a2, b2, c)
	d1, c := bits.Sub64(a1, b1, c)
	d0, _ := bits.Sub64(a0, b0, c)
	return fromWords(d0, d1, d2, d3)
}

// AddPow2 returns a + 2^i mod 2^256, the start of the i-th finger interval
// of a node with identifier a. It panics if i is not in [0, IDBits): that
// is a programming error, not input.
func (a ID) AddPow2(i int) ID {
	if i < 0 || i >= IDBits {
		panic("chord: finger index out of range")
	}
	var p ID
	p[IDSize-1-i/8] = 1 << (i % 8)
	return a.Add(p)
}

// Between reports whether x lies in the open ring interval (a, b), going
// clockwise from a. When a == b the interval is the whole ring except a,
// which is the reading Chord needs for a one-node ring.
func Between(x, a, b ID) bool {
	if a == b {
		return x != a
	}
	au := a.u()
	ax := x.u().sub(au)
	return !ax.zero() && ax.less(b.u().sub(au))
}

// BetweenRightIncl reports whether x lies in the half-open ring interval
// (a, b]. When a == b the interval is the whole ring: a lone node is
// responsible for every key.
func BetweenRightIncl(x, a, b ID) bool {
	if a == b {
		return true
	}
	au := a.u()
	ax := x.u().sub(au)
	return !ax.zero() && !b.u().sub(au).less(ax)
}

// Float returns a/2^256 in [0, 1), the position of a as a fraction of the
// ring. It is meant for statistics and plots.
func (a ID) Float() float64 {
	w0, w1, _, _ := a.words()
	return (float64(w0) + float64(w1)/(1<<64)) / (1 << 64)
}

// String returns the first 8 hex digits of a, enough to tell nodes apart in
// logs.
func (a ID) String() string { return hex.EncodeToString(a[:4]) }

// MarshalText encodes a as 64 lower-case hex digits.
func (a ID) MarshalText() ([]byte, error) {
	return []byte(hex.EncodeToString(a[:])), nil
}

// UnmarshalText decodes 64 hex digits.
func (a *ID) UnmarshalText(b []byte) error {
	if len(b) != 2*IDSize {
		return fmt.Errorf("%w: got %d hex digits", ErrIDLength, len(b))
	}
	var id ID
	if _, err := hex.Decode(id[:], b); err != nil {
		return fmt.Errorf("chord: identifier: %w", err)
	}
	*a = id
	return nil
}

// u256 is an identifier as four big-endian words, for fast distance
// arithmetic on the lookup path.
type u256 [4]uint64

func (a ID) u() u256 {
	w0, w1, w2, w3 := a.words()
	return u256{w0, w1, w2, w3}
}

// sub returns a − b mod 2^256.
func (a u256) sub(b u256) u256 {
	d3, c := bits.Sub64(a[3], b[3], 0)
	d2, c := bits.Sub64(a[2], b[2], c)
	d1, c := bits.Sub64(a[1], b[1], c)
	d0, _ := bits.Sub64(a[0], b[0], c)
	return u256{d0, d1, d2, d3}
}

func (a u256) less(b u256) bool {
	if a[0] != b[0] {
		return a[0] < b[0]
	}
	if a[1] != b[1] {
		return a[1] < b[1]
	}
	if a[2] != b[2] {
		return a[2] < b[2]
	}
	return a[3] < b[3]
}

func (a u256) zero() bool { return a[0]|a[1]|a[2]|a[3] == 0 }

// Bytes returns a copy of the 32-byte big-endian encoding of a.
func (a ID) Bytes() []byte { return append([]byte(nil), a[:]...) }
