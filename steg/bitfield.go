package steg

import (
	"fmt"
	"math/bits"
)

// Bitfield is the set of blocks a peer has, in the bit order of BEP 3: the
// high bit of the first byte is block 0. Its size in bytes is ⌈m/8⌉ and the
// spare bits of the last byte are always zero.
type Bitfield struct {
	m int
	b []byte
}

// NewBitfield returns the empty bitfield of m blocks, 1 ≤ m ≤ [MaxBlocks].
func NewBitfield(m int) (*Bitfield, error) {
	if m < 1 || m > MaxBlocks {
		return nil, fmt.Errorf("%w: m = %d not in [1, %d]", ErrBlocks, m, MaxBlocks)
	}
	return &Bitfield{m: m, b: make([]byte, (m+7)/8)}, nil
}

// ParseBitfield parses the BEP 3 bitfield payload p of a file of m blocks.
// It rejects payloads that are not ⌈m/8⌉ bytes long and payloads with spare
// bits set, as BEP 3 requires.
func ParseBitfield(p []byte, m int) (*Bitfield, error) {
	bf, err := NewBitfield(m)
	if err != nil {
		return nil, err
	}
	if len(p) != len(bf.b) {
		return nil, fmt.Errorf("%w: bitfield of %d bytes, want %d for %d blocks", ErrFrameLength, len(p), len(bf.b), m)
	}
	if spare := len(p)*8 - m; spare > 0 && p[len(p)-1]&(1<<spare-1) != 0 {
		return nil, ErrSpareBits
	}
	copy(bf.b, p)
	return bf, nil
}

// Len returns m, the number of blocks.
func (bf *Bitfield) Len() int { return bf.m }

// Has reports whether block b is in the set; it is false for any b out of
// [0, m).
func (bf *Bitfield) Has(b int) bool {
	if b < 0 || b >= bf.m {
		return false
	}
	return bf.b[b>>3]&(0x80>>(b&7)) != 0
}

// Set adds block b to the set.
func (bf *Bitfield) Set(b int) error {
	if b < 0 || b >= bf.m {
		return fmt.Errorf("%w: block %d not in [0, %d)", ErrBlockRange, b, bf.m)
	}
	bf.b[b>>3] |= 0x80 >> (b & 7)
	return nil
}

// Clear removes block b from the set.
func (bf *Bitfield) Clear(b int) error {
	if b < 0 || b >= bf.m {
		return fmt.Errorf("%w: block %d not in [0, %d)", ErrBlockRange, b, bf.m)
	}
	bf.b[b>>3] &^= 0x80 >> (b & 7)
	return nil
}

// Count returns the number of blocks in the set.
func (bf *Bitfield) Count() int {
	n := 0
	for _, x := range bf.b {
		n += bits.OnesCount8(x)
	}
	return n
}

// Clone returns a copy of bf.
func (bf *Bitfield) Clone() *Bitfield {
	return &Bitfield{m: bf.m, b: append([]byte(nil), bf.b...)}
}

// Bytes returns the ⌈m/8⌉-byte BEP 3 payload of bf (a copy).
func (bf *Bitfield) Bytes() []byte { return append([]byte(nil), bf.b...) }
