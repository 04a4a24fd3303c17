package steg

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestResult is the outcome of one statistical test: its statistic and the
// p-value, the probability under the null hypothesis (an innocent
// rarest-first client) of a statistic at least as extreme.
type TestResult struct {
	Statistic float64
	P         float64
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// Q(λ) = 2 Σ_{k≥1} (−1)^(k−1) exp(−2k²λ²).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	sum, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		term := sign * math.Exp(-2*float64(k*k)*lambda*lambda)
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
		sign = -sign
	}
	return min(max(2*sum, 0), 1)
}

// ksP returns the asymptotic p-value of a KS statistic d for effective
// sample size ne, with the Stephens correction (√ne + 0.12 + 0.11/√ne)·d.
func ksP(d, ne float64) float64 {
	s := math.Sqrt(ne)
	return kolmogorovQ((s + 0.12 + 0.11/s) * d)
}

// KSTwoSample is the two-sample Kolmogorov–Smirnov test of whether x and y
// come from one distribution (statistic from gonum's
// stat.KolmogorovSmirnov, asymptotic p-value). x and y are not modified.
func KSTwoSample(x, y []float64) TestResult {
	if len(x) == 0 || len(y) == 0 {
		return TestResult{P: 1}
	}
	xs, ys := slices.Clone(x), slices.Clone(y)
	slices.Sort(xs)
	slices.Sort(ys)
	d := stat.KolmogorovSmirnov(xs, nil, ys, nil)
	nx, ny := float64(len(x)), float64(len(y))
	return TestResult{Statistic: d, P: ksP(d, nx*ny/(nx+ny))}
}

// chiSquareTable is Pearson's chi-square test of independence of a table
// of counts; empty rows and columns are dropped from the degrees of
// freedom.
func chiSquareTable(t [][]int) TestResult {
	rows, cols := len(t), len(t[0])
	rs, cs := make([]float64, rows), make([]float64, cols)
	total := 0.0
	for i := range t {
		for j, v := range t[i] {
			rs[i] += float64(v)
			cs[j] += float64(v)
			total += float64(v)
		}
	}
	var obs, exp []float64
	nr, nc := 0, 0
	for _, v := range rs {
		if v > 0 {
			nr++
		}
	}
	for _, v := range cs {
		if v > 0 {
			nc++
		}
	}
	for i := range t {
		for j, v := range t[i] {
			if e := rs[i] * cs[j] / total; e > 0 {
				obs = append(obs, float64(v))
				exp = append(exp, e)
			}
		}
	}
	df := (nr - 1) * (nc - 1)
	if df < 1 {
		return TestResult{P: 1}
	}
	x := stat.ChiSquare(obs, exp)
	return TestResult{Statistic: x, P: min(distuv.ChiSquared{K: float64(df)}.Survival(x), 1)}
}

// runsTest is the Wald–Wolfowitz runs test of a binary sequence (normal
// approximation, two-sided): too few runs mean clustering, too many
// alternation.
func runsTest(bits []bool) TestResult {
	n1, n2, runs := 0.0, 0.0, 0.0
	for i, b := range bits {
		if b {
			n1++
		} else {
			n2++
		}
		if i == 0 || b != bits[i-1] {
			runs++
		}
	}
	n := n1 + n2
	if n1 == 0 || n2 == 0 {
		return TestResult{P: 1}
	}
	mu := 2*n1*n2/n + 1
	v := 2 * n1 * n2 * (2*n1*n2 - n) / (n * n * (n - 1))
	if v <= 0 {
		return TestResult{P: 1}
	}
	z := (runs - mu) / math.Sqrt(v)
	return TestResult{Statistic: z, P: 2 * distuv.UnitNormal.Survival(math.Abs(z))}
}
