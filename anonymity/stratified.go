package anonymity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Stratum is one cluster of observations, such as the k downloads of one
// node: Values, of which the first Marked are the marked ones (the native
// interest) and the rest unmarked (cover).
type Stratum struct {
	Values []float64
	Marked int
}

// StratifiedPermutationTest tests whether marked observations differ from
// unmarked ones when observations come in clusters, respecting the
// clustering: one node's start ranks are a permutation of 1..k, so its
// native and cover ranks are dependent, and pooled two-sample tests
// ([MannWhitney], [KolmogorovSmirnov]) that treat them as independent are
// miscalibrated on them. Under the null hypothesis of [Marketplace §5.3] —
// intent cannot be told from behaviour — which of a node's observations are
// marked is a uniformly random choice within the node; the test redraws
// that choice independently per stratum rounds times and compares the
// statistic, the mean over strata of (mean marked − mean unmarked), with
// its permutation distribution. The p-value is (1 + #{|T*| ≥ |T|}) / (1 +
// rounds), valid at every sample size. Reproducible from rng.
//
// Strata with no marked or no unmarked value carry no information and are
// skipped. It returns [ErrParameter] for a nil rng or rounds outside [1,
// MaxPermutationRounds], [ErrNonFinite] for NaN or ±Inf, [ErrNegative] for
// a negative Marked or one above len(Values), and [ErrEmpty] when no
// stratum has both kinds. The strata are not modified.
func StratifiedPermutationTest(rng *rand.Rand, strata []Stratum, rounds int) (PermutationResult, error) {
	if rng == nil {
		return PermutationResult{}, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if rounds < 1 || rounds > MaxPermutationRounds {
		return PermutationResult{}, fmt.Errorf("%w: %d permutation rounds", ErrParameter, rounds)
	}
	type group struct {
		v      []float64
		marked int
		total  float64
	}
	var groups []group
	observed := 0.0
	for i, s := range strata {
		if s.Marked < 0 || s.Marked > len(s.Values) {
			return PermutationResult{}, fmt.Errorf("%w: stratum %d marks %d of %d", ErrNegative, i, s.Marked, len(s.Values))
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return PermutationResult{}, fmt.Errorf("%w: stratum %d holds %v", ErrNonFinite, i, v)
			}
		}
		if s.Marked == 0 || s.Marked == len(s.Values) {
			continue
		}
		g := group{v: slices.Clone(s.Values), marked: s.Marked}
		for _, v := range g.v {
			g.total += v
		}
		observed += diffOfMeans(g.v, g.marked, g.total)
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return PermutationResult{}, fmt.Errorf("%w: no stratum has both marked and unmarked values", ErrEmpty)
	}
	k := float64(len(groups))
	observed /= k
	extreme := 0
	for range rounds {
		stat := 0.0
		for _, g := range groups {
			// A random choice of g.marked values as marked: a partial
			// Fisher–Yates shuffle of the first g.marked positions.
			for i := range g.marked {
				j := i + rng.IntN(len(g.v)-i)
				g.v[i], g.v[j] = g.v[j], g.v[i]
			}
			stat += diffOfMeans(g.v, g.marked, g.total)
		}
		if math.Abs(stat/k) >= math.Abs(observed)-1e-12 {
			extreme++
		}
	}
	return PermutationResult{
		Statistic: observed,
		PValue:    float64(1+extreme) / float64(1+rounds),
		Nodes:     len(groups),
		Rounds:    rounds,
	}, nil
}

// HeldOutAdvantage is the advantage of the best threshold distinguisher
// ([BestThreshold]) fitted on one pair of samples (trainX, trainY) and
// evaluated on another (testX, testY): its balanced accuracy on the test
// samples minus ½. Fitting and scoring on the same samples overstates the
// advantage by the noise the threshold was chosen to exploit (about
// 0.87/2·√(1/n+1/m) under the null hypothesis, 0.05 at 100 against 400);
// held out, the estimate is unbiased for the fitted rule and may be
// negative.
//
// It returns the errors of [BestThreshold] for any of the four samples.
func HeldOutAdvantage(trainX, trainY, testX, testY []float64) (float64, error) {
	d, err := BestThreshold(trainX, trainY)
	if err != nil {
		return 0, err
	}
	if err := checkSample("test x", testX); err != nil {
		return 0, err
	}
	if err := checkSample("test y", testY); err != nil {
		return 0, err
	}
	classX := func(v float64) bool {
		if d.XAbove {
			return v > d.Threshold
		}
		return v <= d.Threshold
	}
	var tp, tn float64
	for _, v := range testX {
		if classX(v) {
			tp++
		}
	}
	for _, v := range testY {
		if !classX(v) {
			tn++
		}
	}
	return (tp/float64(len(testX))+tn/float64(len(testY)))/2 - 0.5, nil
}
