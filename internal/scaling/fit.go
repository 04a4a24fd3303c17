package scaling

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Errors returned by [Fit].
var (
	// ErrTooFewPoints: a power law needs at least two distinct sizes.
	ErrTooFewPoints = errors.New("scaling: too few points to fit")
	// ErrBadPoint: a size or cost that is not a positive finite number,
	// or sizes and costs of different lengths.
	ErrBadPoint = errors.New("scaling: invalid point")
)

// Fit fits cost = a·size^exponent by least squares on the logarithms of
// both and returns the exponent and the coefficient of determination r2 of
// the fit in log-log space (1 for a perfect power law).
//
// Every size and cost must be positive and finite, and at least two sizes
// must differ. A constant cost has exponent 0 and r2 1.
func Fit(sizes, costs []float64) (exponent, r2 float64, err error) {
	if len(sizes) != len(costs) {
		return 0, 0, fmt.Errorf("%w: %d sizes, %d costs", ErrBadPoint, len(sizes), len(costs))
	}
	x := make([]float64, len(sizes))
	y := make([]float64, len(costs))
	for i := range sizes {
		for _, v := range []float64{sizes[i], costs[i]} {
			if !(v > 0) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("%w: point %d has size %v, cost %v", ErrBadPoint, i, sizes[i], costs[i])
			}
		}
		x[i], y[i] = math.Log(sizes[i]), math.Log(costs[i])
	}
	if len(x) < 2 || stat.Variance(x, nil) == 0 {
		return 0, 0, fmt.Errorf("%w: need 2 distinct sizes, got %d", ErrTooFewPoints, distinct(sizes))
	}
	if stat.Variance(y, nil) == 0 {
		return 0, 1, nil
	}
	alpha, beta := stat.LinearRegression(x, y, nil, false)
	return beta, stat.RSquared(x, y, nil, alpha, beta), nil
}

func distinct(xs []float64) int {
	seen := map[float64]bool{}
	for _, x := range xs {
		seen[x] = true
	}
	return len(seen)
}
