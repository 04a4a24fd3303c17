package anonymity

import (
	"math"
)

// Distinguisher is the best single-threshold classifier between two
// samples, the adversary of an indistinguishability experiment: shown one
// value drawn with probability ½ from either population, it guesses "x"
// when the value is at most Threshold (or above it, if XAbove).
type Distinguisher struct {
	// Threshold is the decision boundary.
	Threshold float64
	// XAbove reports that values above Threshold are classified as x.
	XAbove bool
	// Accuracy is the balanced accuracy ½(TPR + TNR) on the two samples:
	// the success probability under equal priors, in [½, 1].
	Accuracy float64
}

// Advantage returns Accuracy − ½: 0 for indistinguishable samples, ½ for
// perfectly separated ones. It equals half the Kolmogorov–Smirnov D.
func (d Distinguisher) Advantage() float64 { return d.Accuracy - 0.5 }

// BestThreshold finds the threshold classifier with the highest balanced
// accuracy between samples x and y (equal priors, so unequal sample sizes do
// not reward always guessing the larger one). It sweeps every distinct
// value of the pooled sample in O((n+m) log(n+m)).
//
// It returns [ErrEmpty] for an empty sample and [ErrNonFinite] for NaN or
// ±Inf.
func BestThreshold(x, y []float64) (Distinguisher, error) {
	if err := checkSample("x", x); err != nil {
		return Distinguisher{}, err
	}
	if err := checkSample("y", y); err != nil {
		return Distinguisher{}, err
	}
	xs, ys := sortedCopy(x), sortedCopy(y)
	fn, fm := float64(len(xs)), float64(len(ys))
	// Predicting x for v ≤ t has balanced accuracy ½(Fx(t) + 1 − Fy(t)).
	best := Distinguisher{Threshold: math.Min(xs[0], ys[0]), Accuracy: 0.5}
	bestGap := 0.0
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		t := math.Inf(1)
		if i < len(xs) {
			t = xs[i]
		}
		if j < len(ys) && ys[j] < t {
			t = ys[j]
		}
		for i < len(xs) && xs[i] == t {
			i++
		}
		for j < len(ys) && ys[j] == t {
			j++
		}
		gap := float64(i)/fn - float64(j)/fm
		if math.Abs(gap) > bestGap {
			bestGap = math.Abs(gap)
			best = Distinguisher{Threshold: t, XAbove: gap < 0, Accuracy: 0.5 + math.Abs(gap)/2}
		}
	}
	return best, nil
}

// Advantage returns the advantage of the best threshold distinguisher
// between x and y (see [BestThreshold]).
func Advantage(x, y []float64) (float64, error) {
	d, err := BestThreshold(x, y)
	return d.Advantage(), err
}

// Comparison summarises how distinguishable two samples are: both
// two-sample tests and the best threshold distinguisher.
type Comparison struct {
	KS          KSResult
	MannWhitney MannWhitneyResult
	Best        Distinguisher
}

// Compare runs [KolmogorovSmirnov], [MannWhitney] and [BestThreshold] on x
// (e.g. native-interest observations) against y (cover traffic).
func Compare(x, y []float64) (Comparison, error) {
	ks, err := KolmogorovSmirnov(x, y)
	if err != nil {
		return Comparison{}, err
	}
	mw, err := MannWhitney(x, y)
	if err != nil {
		return Comparison{}, err
	}
	best, err := BestThreshold(x, y)
	if err != nil {
		return Comparison{}, err
	}
	return Comparison{KS: ks, MannWhitney: mw, Best: best}, nil
}
