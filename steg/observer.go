package steg

import (
	"fmt"
	"math/rand/v2"
)

// Observer is an eavesdropper without the key ([PACOM] Threat Model I):
// it sees the HAVE sequence of a peer and tests it for the structure
// Algorithm 2 could leave. Lacking the hash family it draws a random
// partition of the pieces of its own into k classes and looks for
// clustering of its classes in time. Against the hidden partition its own
// is independent, so an encoding node should look exactly like a plain
// rarest-first node; the package documentation reports the p-values over
// many runs.
type Observer struct {
	m, k  int
	class []uint8
}

// NewObserver returns an observer of a file of m pieces whose own
// partition has k classes, 2 ≤ k ≤ 16, drawn with rng (not nil).
func NewObserver(m, k int, rng *rand.Rand) (*Observer, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: NewObserver with a nil *rand.Rand", ErrNil)
	}
	if m < 2 || m > MaxBlocks {
		return nil, fmt.Errorf("%w: m = %d not in [2, %d]", ErrBlocks, m, MaxBlocks)
	}
	if k < 2 || k > 16 {
		return nil, fmt.Errorf("%w: k = %d classes not in [2, 16]", ErrFunctions, k)
	}
	o := &Observer{m: m, k: k, class: make([]uint8, m)}
	for b := range o.class {
		o.class[b] = uint8(rng.IntN(k))
	}
	return o, nil
}

func (o *Observer) check(seq []int, least int) error {
	if len(seq) < least {
		return fmt.Errorf("%w: %d pieces, need %d", ErrShortSequence, len(seq), least)
	}
	for k, b := range seq {
		if b < 0 || b >= o.m {
			return fmt.Errorf("%w: piece %d at position %d not in [0, %d)", ErrBlockRange, b, k, o.m)
		}
	}
	return nil
}

// ChiSquare cuts seq into segments consecutive parts of equal length and
// tests whether the observer's classes are spread evenly over them
// (Pearson's chi-square test of independence, (segments−1)(k−1) degrees of
// freedom). Algorithm 2 run with the observer's own partition would give a
// p-value near 0.
func (o *Observer) ChiSquare(seq []int, segments int) (TestResult, error) {
	if segments < 2 {
		return TestResult{}, fmt.Errorf("%w: %d segments", ErrWindow, segments)
	}
	if err := o.check(seq, 2*segments); err != nil {
		return TestResult{}, err
	}
	table := make([][]int, segments)
	for i := range table {
		table[i] = make([]int, o.k)
	}
	for pos, b := range seq {
		table[pos*segments/len(seq)][o.class[b]]++
	}
	return chiSquareTable(table), nil
}

// Runs is the Wald–Wolfowitz runs test of the sequence "is the piece in
// the observer's class 0": a node that downloads one class before another
// makes too few runs.
func (o *Observer) Runs(seq []int) (TestResult, error) {
	if err := o.check(seq, 2); err != nil {
		return TestResult{}, err
	}
	bits := make([]bool, len(seq))
	for i, b := range seq {
		bits[i] = o.class[b] == 0
	}
	return runsTest(bits), nil
}

// PositionKS compares, with the two-sample Kolmogorov–Smirnov test, the
// positions in seq of the pieces of the observer's class 0 with those of
// the other pieces: in an order independent of the partition they are
// spread alike.
func (o *Observer) PositionKS(seq []int) (TestResult, error) {
	if err := o.check(seq, 2); err != nil {
		return TestResult{}, err
	}
	var in, out []float64
	for i, b := range seq {
		if o.class[b] == 0 {
			in = append(in, float64(i))
		} else {
			out = append(out, float64(i))
		}
	}
	return KSTwoSample(in, out), nil
}
