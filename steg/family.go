package steg

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"lukechampine.com/blake3"
	"lukechampine.com/blake3/guts"
)

// Sizes and limits of a [Family].
const (
	// KeySize is the size in bytes of the secret shared by PACOM clients.
	KeySize = 32
	// DefaultFunctions is the number of hash functions of the paper (H_1 … H_100).
	DefaultFunctions = 100
	// MaxFunctions is the largest supported family: one BLAKE3 output
	// buffer (1,024 bytes) holds the 64-bit words of 128 functions.
	MaxFunctions = 128
	// MaxBlocks is the largest supported number of pieces m of the carrier
	// file (2^24 pieces of 16 KiB is a 256 GiB file).
	MaxBlocks = 1 << 24
)

// Domain-separation contexts for the keys derived from the shared secret.
const (
	hashContext     = "swarmblocks 2026-11-21 steg hash family v1"
	checksumContext = "swarmblocks 2026-11-21 steg frame checksum v1"
)

// classMask holds one class bit per function of a family: bit i−1 is set
// when H_i(b) < m/2, that is when piece b is in class 1 of H_i.
type classMask [MaxFunctions / 64]uint64

func (c *classMask) bit(i int) uint64 { return c[(i-1)>>6] >> ((i - 1) & 63) & 1 }

// Family is the keyed hash family H_1 … H_n of Appendix A of [PACOM]: n
// independent uniform maps from the piece indexes [0, m) to [0, m). Piece b
// is in class 1 of H_i when H_i(b) < m/2 and in class 2 otherwise.
//
// H_i(b) is derived from the BLAKE3 keyed hash (key derived from the shared
// secret with context "swarmblocks 2026-11-21 steg hash family v1") of the
// 16-byte input m ‖ b (two little-endian uint64): the extendable output is
// read as little-endian uint64 words w_1, w_2, …, and H_i(b) = ⌊w_i·m/2^64⌋,
// whose bias is below m/2^64. One BLAKE3 output buffer gives all n values of
// a piece at once, which is what a decoder needs.
//
// A Family is immutable and safe for concurrent use.
type Family struct {
	key [8]uint32 // derived BLAKE3 key words
	sum [KeySize]byte
	m   int
	n   int
}

// NewFamily returns the family of n functions over m pieces keyed by the
// KeySize-byte secret key. The same key, m and n give the same family on
// every client; different m give unrelated families.
func NewFamily(key []byte, blocks, functions int) (*Family, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: got %d bytes, want %d", ErrKeySize, len(key), KeySize)
	}
	if blocks < 2 || blocks > MaxBlocks {
		return nil, fmt.Errorf("%w: m = %d not in [2, %d]", ErrBlocks, blocks, MaxBlocks)
	}
	if functions < 1 || functions > MaxFunctions {
		return nil, fmt.Errorf("%w: n = %d not in [1, %d]", ErrFunctions, functions, MaxFunctions)
	}
	f := &Family{m: blocks, n: functions}
	var k [KeySize]byte
	blake3.DeriveKey(k[:], hashContext, key)
	for i := range f.key {
		f.key[i] = binary.LittleEndian.Uint32(k[4*i:])
	}
	blake3.DeriveKey(f.sum[:], checksumContext, key)
	return f, nil
}

// Blocks returns m, the number of pieces of the carrier file (the name
// follows Appendix A of [PACOM], which speaks of blocks).
func (f *Family) Blocks() int { return f.m }

// Functions returns n, the number of functions of the family.
func (f *Family) Functions() int { return f.n }

// node returns the BLAKE3 root node of the keyed hash of m ‖ b.
func (f *Family) node(b int) guts.Node {
	var in [64]byte
	binary.LittleEndian.PutUint64(in[0:], uint64(f.m))
	binary.LittleEndian.PutUint64(in[8:], uint64(b))
	return guts.Node{
		CV:       f.key,
		Block:    guts.BytesToWords(in),
		BlockLen: 16,
		Flags:    guts.FlagChunkStart | guts.FlagChunkEnd | guts.FlagRoot | guts.FlagKeyedHash,
	}
}

// reduce maps a uniform 64-bit word to [0, m).
func (f *Family) reduce(w uint64) int {
	hi, _ := bits.Mul64(w, uint64(f.m))
	return int(hi)
}

// Hash returns H_i(b), for 1 ≤ i ≤ n and 0 ≤ b < m.
func (f *Family) Hash(i, b int) (int, error) {
	if i < 1 || i > f.n {
		return 0, fmt.Errorf("%w: i = %d not in [1, %d]", ErrSymbol, i, f.n)
	}
	if b < 0 || b >= f.m {
		return 0, fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, f.m)
	}
	nd := f.node(b)
	nd.Counter = uint64((i - 1) / 8) // 8 words per 64-byte output block
	out := guts.CompressNode(nd)
	j := 2 * ((i - 1) % 8)
	return f.reduce(uint64(out[j]) | uint64(out[j+1])<<32), nil
}

// InClass1 reports whether piece b is in class 1 of H_i, that is whether
// H_i(b) < m/2 (compared exactly: 2·H_i(b) < m).
func (f *Family) InClass1(i, b int) (bool, error) {
	h, err := f.Hash(i, b)
	if err != nil {
		return false, err
	}
	return 2*h < f.m, nil
}

// Hashes writes H_1(b) … H_n(b) to dst[:n] and returns it; dst is grown if
// it is too short.
func (f *Family) Hashes(dst []int, b int) ([]int, error) {
	if b < 0 || b >= f.m {
		return dst[:0], fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, f.m)
	}
	var out [guts.MaxSIMD * guts.BlockSize]byte
	guts.CompressBlocks(&out, f.node(b))
	dst = append(dst[:0], make([]int, f.n)...)
	for i := range dst {
		dst[i] = f.reduce(binary.LittleEndian.Uint64(out[8*i:]))
	}
	return dst, nil
}

// classes returns the class bits of piece b under every function. The
// caller has checked that b is in range.
func (f *Family) classes(b int) classMask {
	var out [guts.MaxSIMD * guts.BlockSize]byte
	guts.CompressBlocks(&out, f.node(b))
	var c classMask
	for i := range f.n {
		if 2*f.reduce(binary.LittleEndian.Uint64(out[8*i:])) < f.m {
			c[i>>6] |= 1 << (i & 63)
		}
	}
	return c
}

// classCache memoizes the class masks of the pieces seen so far, in pages
// allocated on first use so that a large m costs only what is touched.
type classCache struct {
	f     *Family
	pages [][]classMask
	done  []uint64 // bitset: mask computed
}

const cachePage = 1024

func newClassCache(f *Family) *classCache {
	return &classCache{
		f:     f,
		pages: make([][]classMask, (f.m+cachePage-1)/cachePage),
		done:  make([]uint64, (f.m+63)/64),
	}
}

// get returns the class mask of piece b, 0 ≤ b < m.
func (c *classCache) get(b int) *classMask {
	p := c.pages[b/cachePage]
	if p == nil {
		p = make([]classMask, cachePage)
		c.pages[b/cachePage] = p
	}
	if c.done[b>>6]>>(b&63)&1 == 0 {
		p[b%cachePage] = c.f.classes(b)
		c.done[b>>6] |= 1 << (b & 63)
	}
	return &p[b%cachePage]
}
