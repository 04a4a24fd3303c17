package pacomchan

import (
	"math/bits"
	"math/rand/v2"
)

// bitset is a fixed-length set of block indices: B(P) of Algorithm 1.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) unset(i int)    { b[i>>6] &^= 1 << (uint(i) & 63) }

// fill sets the first n bits.
func (b bitset) fill(n int) {
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n & 63; r != 0 {
		b[len(b)-1] = 1<<uint(r) - 1
	}
}

// pickAndNot returns a uniformly random index in a − b − c, or −1 if that
// set is empty.
func pickAndNot(rng *rand.Rand, a, b, c bitset) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] &^ b[i] &^ c[i])
	}
	if n == 0 {
		return -1
	}
	k := rng.IntN(n)
	for i := range a {
		w := a[i] &^ b[i] &^ c[i]
		c := bits.OnesCount64(w)
		if k >= c {
			k -= c
			continue
		}
		for ; k > 0; k-- {
			w &= w - 1 // drop the lowest set bit
		}
		return i<<6 + bits.TrailingZeros64(w)
	}
	return -1
}
