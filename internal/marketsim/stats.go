package marketsim

import (
	"math"

	"github.com/swarmblocks/swarmblocks/anonymity"
	"gonum.org/v1/gonum/stat"
)

// KSTest returns the two-sample Kolmogorov–Smirnov statistic D of x and y
// and its two-sided p-value, from [anonymity.KolmogorovSmirnov]. It returns
// NaN for an empty or non-finite sample.
func KSTest(x, y []float64) (d, p float64) {
	r, err := anonymity.KolmogorovSmirnov(x, y)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	return r.D, r.PValue
}

// MannWhitney returns the Mann–Whitney U statistic of x against y and its
// two-sided p-value, from [anonymity.MannWhitney]. It returns NaN for an
// empty or non-finite sample.
func MannWhitney(x, y []float64) (u, p float64) {
	r, err := anonymity.MannWhitney(x, y)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	return r.U, r.PValue
}

// meanSD returns the mean and the sample standard deviation of x (NaN for an
// empty x, 0 deviation for a single value).
func meanSD(x []float64) (mean, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	if len(x) == 1 {
		return x[0], 0
	}
	mean, variance := stat.MeanVariance(x, nil)
	return mean, math.Sqrt(variance)
}
