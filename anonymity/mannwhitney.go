package anonymity

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MannWhitneyResult is the outcome of a two-sided Mann–Whitney U test.
type MannWhitneyResult struct {
	// U is the statistic of the first sample: the number of pairs (x_i, y_j)
	// with x_i > y_j, plus one half for each tie. U/(n·m) estimates
	// Pr(X > Y) + ½Pr(X = Y), the common-language effect size.
	U float64
	// Z is the normal score of U (tie-corrected variance, continuity
	// correction); zero when Exact.
	Z float64
	// PValue is the two-sided p-value under the null hypothesis that both
	// samples come from the same distribution.
	PValue float64
	// Exact reports whether PValue comes from the exact null distribution
	// of U (small samples without ties) rather than the normal
	// approximation.
	Exact bool
}

// mwExactLimit bounds n·m for the exact Mann–Whitney p-value, whose
// recursion costs O(n·m·n·m).
const mwExactLimit = 400

// MannWhitney runs the two-sided Mann–Whitney U (Wilcoxon rank-sum) test of
// x against y. Ranks are averaged over ties. Without ties and with
// len(x)·len(y) ≤ 400 the p-value is exact; otherwise it uses the normal
// approximation (gonum's [distuv.UnitNormal]) with the tie-corrected
// variance and a continuity correction. If every value is tied the p-value
// is 1.
//
// It returns [ErrEmpty] for an empty sample and [ErrNonFinite] for NaN or
// ±Inf; the inputs are not modified.
func MannWhitney(x, y []float64) (MannWhitneyResult, error) {
	if err := checkSample("x", x); err != nil {
		return MannWhitneyResult{}, err
	}
	if err := checkSample("y", y); err != nil {
		return MannWhitneyResult{}, err
	}
	n, m := len(x), len(y)
	type obs struct {
		v     float64
		fromX bool
	}
	all := make([]obs, 0, n+m)
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	slices.SortFunc(all, func(a, b obs) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	var rankX, tieTerm float64 // Σ ranks of x; Σ (t³ − t) over tie groups
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j averaged
		for k := i; k < j; k++ {
			if all[k].fromX {
				rankX += avg
			}
		}
		if t := float64(j - i); t > 1 {
			tieTerm += t*t*t - t
		}
		i = j
	}
	fn, fm := float64(n), float64(m)
	u := rankX - fn*(fn+1)/2
	if tieTerm == 0 && n*m <= mwExactLimit {
		return MannWhitneyResult{U: u, PValue: mwExact(n, m, u), Exact: true}, nil
	}
	nn := fn + fm
	variance := fn * fm / 12 * ((nn + 1) - tieTerm/(nn*(nn-1)))
	if variance <= 0 {
		return MannWhitneyResult{U: u, PValue: 1}, nil
	}
	dev := math.Abs(u-fn*fm/2) - 0.5
	if dev < 0 {
		dev = 0
	}
	z := dev / math.Sqrt(variance)
	if u < fn*fm/2 {
		z = -z
	}
	return MannWhitneyResult{U: u, Z: z, PValue: clamp01(2 * distuv.UnitNormal.Survival(math.Abs(z)))}, nil
}

// mwExact returns the two-sided exact p-value of U for sample sizes n and m
// without ties: 2·min(Pr(U ≤ u), Pr(U ≥ u)), capped at 1. The null
// distribution follows p(a,b,k) = a/(a+b)·p(a−1,b,k−b) + b/(a+b)·p(a,b−1,k),
// the largest element belonging to the first or the second sample; rows are
// kept as probabilities so nothing overflows.
func mwExact(n, m int, u float64) float64 {
	// The null distribution of U is the same for sizes (n, m) and (m, n):
	// keep the rows short.
	n, m = max(n, m), min(n, m)
	size := n*m + 1
	// prev[b] is the distribution for (a−1, b); cur[b] for (a, b).
	prev := make([][]float64, m+1)
	cur := make([][]float64, m+1)
	for b := range prev {
		prev[b] = make([]float64, size)
		cur[b] = make([]float64, size)
		prev[b][0] = 1 // a = 0: U = 0 surely
	}
	for a := 1; a <= n; a++ {
		clear(cur[0])
		cur[0][0] = 1 // b = 0: U = 0 surely
		for b := 1; b <= m; b++ {
			fa, fb := float64(a), float64(b)
			pa, pb := fa/(fa+fb), fb/(fa+fb)
			row, left, down := cur[b], prev[b], cur[b-1]
			for k := range row {
				v := pb * down[k]
				if k >= b {
					v += pa * left[k-b]
				}
				row[k] = v
			}
		}
		prev, cur = cur, prev
	}
	dist := prev[m]
	k := int(math.Round(u))
	var lo, hi float64
	for i, p := range dist {
		if i <= k {
			lo += p
		}
		if i >= k {
			hi += p
		}
	}
	return clamp01(2 * min(lo, hi))
}
