package steg

// runTracker follows, for every function of a family, the length of the
// current run of consecutive pieces in one class of that function: the
// run of H_i ending at the last piece is ≥ c exactly when the last c
// pieces all fall in one class of H_i, the test of Algorithm 3.
type runTracker struct {
	n     int
	cache *classCache
	last  classMask
	run   [MaxFunctions]int32
	seen  []uint64 // pieces already pushed (or announced in a BITFIELD)
	count int      // pieces pushed
}

func newRunTracker(f *Family) *runTracker {
	return &runTracker{n: f.n, cache: newClassCache(f), seen: make([]uint64, (f.m+63)/64)}
}

func (t *runTracker) reset() {
	t.last = classMask{}
	t.run = [MaxFunctions]int32{}
	clear(t.seen)
	t.count = 0
}

func (t *runTracker) wasSeen(b int) bool { return t.seen[b>>6]>>(b&63)&1 != 0 }

func (t *runTracker) markSeen(b int) { t.seen[b>>6] |= 1 << (b & 63) }

// push extends every run with piece b, which the caller has checked.
func (t *runTracker) push(b int) {
	t.markSeen(b)
	m := t.cache.get(b)
	if t.count == 0 {
		for i := range t.n {
			t.run[i] = 1
		}
	} else {
		for w := range m {
			same := ^(m[w] ^ t.last[w])
			lo, hi := w*64, min(w*64+64, t.n)
			for i := lo; i < hi; i++ {
				if same>>(i-lo)&1 != 0 {
					t.run[i]++
				} else {
					t.run[i] = 1
				}
			}
		}
	}
	t.last = *m
	t.count++
}
