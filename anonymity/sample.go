package anonymity

import (
	"fmt"
	"math"
	"slices"
)

// checkSample returns an error for an empty sample or one holding NaN or
// ±Inf; name labels it in the message.
func checkSample(name string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("%w: sample %s", ErrEmpty, name)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: sample %s[%d] is %v", ErrNonFinite, name, i, v)
		}
	}
	return nil
}

// sortedCopy returns a sorted copy of x, leaving x untouched.
func sortedCopy(x []float64) []float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s
}
