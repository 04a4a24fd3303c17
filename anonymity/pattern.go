package anonymity

import (
	"fmt"
	"time"
)

// MaxPatternLen bounds the number of intervals [PatternVector] accepts, so a
// hostile trace cannot make it allocate without limit.
const MaxPatternLen = 1 << 24

// PatternVector returns the traffic pattern of a link, Eq. (9) of
// [PACOM §4.3]: X = (x_1, …, x_q), where x_k is the number of packets whose
// timestamp falls in the k-th interval [start + (k−1)·interval,
// start + k·interval). Packets outside the q intervals are ignored. The
// counts are returned as float64 because every distance treats the pattern
// as a real-valued signal; they are exact integers.
//
// times must be non-decreasing (a capture in order); it returns
// [ErrTimeBackwards] otherwise, and [ErrParameter] for interval ≤ 0 or q
// outside [1, MaxPatternLen].
func PatternVector(times []time.Duration, start, interval time.Duration, q int) ([]float64, error) {
	if interval <= 0 {
		return nil, fmt.Errorf("%w: interval %v must be positive", ErrParameter, interval)
	}
	if q < 1 || q > MaxPatternLen {
		return nil, fmt.Errorf("%w: pattern length %d outside [1, %d]", ErrParameter, q, MaxPatternLen)
	}
	x := make([]float64, q)
	for i, t := range times {
		if i > 0 && t < times[i-1] {
			return nil, fmt.Errorf("%w: packet %d at %v after packet %d at %v", ErrTimeBackwards, i, t, i-1, times[i-1])
		}
		if t < start {
			continue
		}
		// t − start can exceed the largest Duration; as an unsigned
		// difference it is exact.
		k := uint64(t-start) / uint64(interval)
		if k >= uint64(q) {
			continue
		}
		x[k]++
	}
	return x, nil
}
