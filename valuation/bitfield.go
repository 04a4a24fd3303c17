package valuation

import (
	"fmt"
	"math/bits"
)

// bitset is a set of piece indices.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// BitfieldLen returns the length in bytes of a BitTorrent BITFIELD message
// payload for a torrent of the given number of pieces.
func BitfieldLen(pieces int) int { return (pieces + 7) / 8 }

// parseBitfield decodes a BitTorrent BITFIELD payload (piece 0 is the high
// bit of the first byte) for a torrent of n pieces into dst, which must have
// room for n bits and be zero. It rejects a wrong length and set spare bits.
func parseBitfield(dst bitset, n int, p []byte) error {
	if len(p) != BitfieldLen(n) {
		return fmt.Errorf("%w: %d bytes for %d pieces, want %d", ErrBitfield, len(p), n, BitfieldLen(n))
	}
	if spare := len(p)*8 - n; spare > 0 && p[len(p)-1]&(1<<uint(spare)-1) != 0 {
		return fmt.Errorf("%w: spare bits set", ErrBitfield)
	}
	for i, c := range p {
		for c != 0 {
			j := bits.LeadingZeros8(c)
			c &^= 0x80 >> uint(j)
			dst.set(i*8 + j)
		}
	}
	return nil
}
