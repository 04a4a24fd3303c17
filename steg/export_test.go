package steg

// Internals exposed to the external tests (package steg_test), which run
// their nodes in internal/swarmsim; that package imports steg, so they
// cannot be internal tests.

// KeyForTest returns a deterministic key for tests.
func KeyForTest(seed byte) []byte { return testKey(seed) }

// LongestRuns returns, after each piece of seq, the longest run of any
// function of f ending at that piece: the quantity Algorithm 3 compares
// with c (pieces must be valid and distinct).
func LongestRuns(f *Family, seq []int) []int {
	tr := newRunTracker(f)
	out := make([]int, len(seq))
	for k, b := range seq {
		tr.push(b)
		longest := int32(0)
		for i := range f.n {
			longest = max(longest, tr.run[i])
		}
		out[k] = int(longest)
	}
	return out
}

// NewObserverWithClasses returns an Observer of a file of len(class)
// pieces whose partition into k classes is class, not a random one: an
// observer holding the key.
func NewObserverWithClasses(class []uint8, k int) *Observer {
	return &Observer{m: len(class), k: k, class: class}
}
