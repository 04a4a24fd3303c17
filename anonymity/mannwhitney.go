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

// mwExactLimit bounds (n+m)·min(n, m) for the exact Mann–Whitney
// p-value, whose subset-sum recursion costs about 2·((n+m)·min(n, m))²
// additions: at most ~3·10⁷ here (tens of milliseconds). Above it the
// normal approximation is used; at the boundary (45 against 45, 20 against
// 180, 10 against 390) it is within 0.005 of the exact p-value near
// α = 0.05, which TestMannWhitneySwitch checks. The normal approximation
// stays poor whatever the size when one sample has only a few values (for
// one value U is uniform); such a sample above the limit (one value
// against more than 4,000) gets the approximation nonetheless.
const mwExactLimit = 4000

// MannWhitney runs the two-sided Mann–Whitney U (Wilcoxon rank-sum) test of
// x against y. Ranks are averaged over ties (midranks).
//
// When (len(x)+len(y))·min(len(x), len(y)) ≤ 4,000 the p-value is exact
// and conditional on the tie pattern: the null distribution of U is that of
// a uniformly random split of the pooled midranks into samples of the
// given sizes (a permutation test, which is what a rank test with ties
// means), computed by counting subsets of the midranks with each rank sum.
// This is the correct test for discrete data such as start and end ranks,
// where the normal approximation errs anti-conservatively on small samples
// (x = [0 0 0 0 0] against y = [0 0 0 0 1] has exact p = 1; the normal
// approximation gives 0.42). Above that size it uses the normal
// approximation (gonum's [distuv.UnitNormal]) with the tie-corrected
// variance and a continuity correction. The two-sided p-value is
// 2·min(Pr(U ≤ u), Pr(U ≥ u)), capped at 1. If every value is tied the
// p-value is 1.
//
// The test assumes independent observations. Observations that come in
// clusters (the k downloads of one node) need [StratifiedPermutationTest].
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
	var rankX, tieTerm float64      // Σ ranks of x; Σ (t³ − t) over tie groups
	ranks2 := make([]int, len(all)) // doubled midranks, integers
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j averaged
		for k := i; k < j; k++ {
			ranks2[k] = i + j + 1
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
	if tieTerm == float64(len(all))*float64(len(all)*len(all)-1) {
		return MannWhitneyResult{U: u, PValue: 1, Exact: true}, nil // one tie group
	}
	if (n+m)*min(n, m) <= mwExactLimit {
		return MannWhitneyResult{U: u, PValue: mwExact(ranks2, n, int(math.Round(2*rankX))), Exact: true}, nil
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

// mwExact returns the two-sided exact p-value of the doubled rank sum
// sum2 of a sample of size n whose pooled doubled midranks are ranks2:
// 2·min(Pr(S ≤ sum2), Pr(S ≥ sum2)), capped at 1, where S is the doubled
// rank sum of a uniformly random n-subset of ranks2. It counts subsets of
// each size and sum with the 0/1-knapsack recursion, over the smaller of
// the two samples (the other's sum is the total minus it).
func mwExact(ranks2 []int, n, sum2 int) float64 {
	total := 0
	for _, r := range ranks2 {
		total += r
	}
	s := n
	if m := len(ranks2) - n; m < n {
		s, sum2 = m, total-sum2 // the smaller sample, whose sum mirrors
	}
	// The largest sum of s doubled ranks.
	hi := 0
	for _, r := range ranks2[len(ranks2)-s:] {
		hi += r
	}
	// count[j][v]: subsets of size j of the ranks seen so far with sum v.
	// Counts stay below C(n+m, s), under 10^19 for every size within
	// mwExactLimit, where float64 sums them exactly enough.
	count := make([][]float64, s+1)
	for j := range count {
		count[j] = make([]float64, hi+1)
	}
	count[0][0] = 1
	for i, r := range ranks2 {
		for j := min(i+1, s); j >= 1; j-- {
			dst, src := count[j], count[j-1]
			for v := hi; v >= r; v-- {
				dst[v] += src[v-r]
			}
		}
	}
	var lo, up, all float64
	for v, c := range count[s] {
		all += c
		if v <= sum2 {
			lo += c
		}
		if v >= sum2 {
			up += c
		}
	}
	return clamp01(2 * min(lo, up) / all)
}
