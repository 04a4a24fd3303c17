package anonymity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// splits calls f with every split of pooled into a sample of size n (the
// positions chosen) and the rest, C(len(pooled), n) calls in all.
func splits(pooled []float64, n int, f func(x, y []float64)) {
	x := make([]float64, 0, n)
	y := make([]float64, 0, len(pooled)-n)
	var rec func(i int)
	rec = func(i int) {
		if i == len(pooled) {
			if len(x) == n {
				f(x, y)
			}
			return
		}
		if len(x) < n {
			x = append(x, pooled[i])
			rec(i + 1)
			x = x[:len(x)-1]
		}
		if len(y) < len(pooled)-n {
			y = append(y, pooled[i])
			rec(i + 1)
			y = y[:len(y)-1]
		}
	}
	rec(0)
}

// bruteMannWhitney is the permutation p-value of U by enumeration:
// 2·min(Pr(U* ≤ U), Pr(U* ≥ U)) over every split of the pooled sample.
func bruteMannWhitney(t *testing.T, x, y []float64) float64 {
	obs, err := MannWhitney(x, y)
	require.NoError(t, err)
	var lo, hi, all float64
	splits(append(append([]float64{}, x...), y...), len(x), func(a, b []float64) {
		u := rankSumU(a, b)
		all++
		if u <= obs.U+1e-9 {
			lo++
		}
		if u >= obs.U-1e-9 {
			hi++
		}
	})
	return min(1, 2*min(lo, hi)/all)
}

// rankSumU is U of a against b by direct pair counting, independent of
// the package's midrank arithmetic.
func rankSumU(a, b []float64) float64 {
	u := 0.0
	for _, v := range a {
		for _, w := range b {
			switch {
			case v > w:
				u++
			case v == w:
				u += 0.5
			}
		}
	}
	return u
}

// bruteKS is the permutation p-value of D by enumeration.
func bruteKS(t *testing.T, x, y []float64) float64 {
	obs, err := KolmogorovSmirnov(x, y)
	require.NoError(t, err)
	var ge, all float64
	splits(append(append([]float64{}, x...), y...), len(x), func(a, b []float64) {
		all++
		if ecdfDistance(a, b) >= obs.D-1e-9 {
			ge++
		}
	})
	return ge / all
}

// ecdfDistance is D by evaluating both empirical CDFs at every pooled value,
// independent of gonum.
func ecdfDistance(a, b []float64) float64 {
	d := 0.0
	for _, t := range append(append([]float64{}, a...), b...) {
		fa, fb := 0.0, 0.0
		for _, v := range a {
			if v <= t {
				fa++
			}
		}
		for _, v := range b {
			if v <= t {
				fb++
			}
		}
		d = max(d, math.Abs(fa/float64(len(a))-fb/float64(len(b))))
	}
	return d
}

func levels(r *rand.Rand, n, k int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(r.IntN(k))
	}
	return s
}

// TestExactAgainstEnumeration checks the exact Mann–Whitney and KS
// p-values, with and without ties, against enumeration of every split of
// the pooled sample.
func TestExactAgainstEnumeration(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		mw   float64 // known p-value, or −1
	}{
		// The example: the normal approximation gave 0.42.
		{"one odd value", []float64{0, 0, 0, 0, 0}, []float64{0, 0, 0, 0, 1}, 1},
		{"two levels", []float64{0, 0, 1, 1, 1}, []float64{0, 0, 0, 0, 1, 0}, -1},
		{"ranks 1..5", []float64{1, 1, 2, 1, 3}, []float64{5, 4, 3, 4, 5, 2}, -1},
		{"no ties", []float64{0.3, 1.2, 2.5}, []float64{0.1, 0.2, 4, 5}, -1},
		{"unequal sizes", []float64{2}, []float64{1, 2, 2, 3, 3, 3, 1}, -1},
	}
	r := rand.New(rand.NewPCG(4, 5))
	for i := range 12 {
		n, m, k := 1+r.IntN(7), 1+r.IntN(7), 2+r.IntN(4)
		tests = append(tests, struct {
			name string
			x, y []float64
			mw   float64
		}{"random", levels(r, n, k), levels(r, m, k), -1})
		_ = i
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mw, err := MannWhitney(tt.x, tt.y)
			require.NoError(t, err)
			require.True(t, mw.Exact)
			require.InDelta(t, bruteMannWhitney(t, tt.x, tt.y), mw.PValue, 1e-9, "x=%v y=%v", tt.x, tt.y)
			if tt.mw >= 0 {
				require.InDelta(t, tt.mw, mw.PValue, 1e-12)
			}
			ks, err := KolmogorovSmirnov(tt.x, tt.y)
			require.NoError(t, err)
			require.True(t, ks.Exact)
			require.InDelta(t, ecdfDistance(tt.x, tt.y), ks.D, 1e-12)
			require.InDelta(t, bruteKS(t, tt.x, tt.y), ks.PValue, 1e-9, "x=%v y=%v", tt.x, tt.y)
		})
	}
}

// TestDiscreteCalibrated: on 5-level data (ranks of k = 5 downloads) both
// exact tests reject a true null hypothesis at close to, and not above, the
// nominal 5%. The continuous-data KS p-value rejected 1.3% here; the
// normal-approximation Mann–Whitney was anti-conservative on small samples.
func TestDiscreteCalibrated(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const trials = 600
	var ks, mw int
	for range trials {
		x, y := levels(r, 20, 5), levels(r, 80, 5)
		k, err := KolmogorovSmirnov(x, y)
		require.NoError(t, err)
		if k.PValue < 0.05 {
			ks++
		}
		u, err := MannWhitney(levels(r, 8, 3), levels(r, 8, 3))
		require.NoError(t, err)
		require.True(t, u.Exact)
		if u.PValue < 0.05 {
			mw++
		}
	}
	// Binomial(600, p ≤ 0.05): mean ≤ 30, sd ≤ 5.3. A discrete test's
	// size sits below α, but not far below with 5 levels and 100 values.
	require.Less(t, ks, 45, "KS size %d/%d", ks, trials)
	require.Greater(t, ks, 12, "KS size %d/%d: too conservative", ks, trials)
	require.Less(t, mw, 45, "MW size %d/%d", mw, trials)
}

// TestKSSwitch: at the largest exact size, the asymptotic p-value agrees
// with the exact one within 0.004 near α = 0.05 (at the old switch, 100
// against 100, it was 0.007 below it), so crossing the switch moves a
// p-value by no more than that.
func TestKSSwitch(t *testing.T) {
	n := 1000                                                      // n·m = ksExactLimit
	for _, d := range []float64{0.055, 0.06, 0.061, 0.065, 0.07} { // p from 0.1 to 0.015
		exact := ksExact(n, n, d, nil2(2*n))
		e := float64(n) / 2
		se := math.Sqrt(e)
		asym := kolmogorovQ((se + 0.12 + 0.11/se) * d)
		require.InDelta(t, exact, asym, 0.004, "D=%v exact %v asymptotic %v", d, exact, asym)
	}
}

// nil2 returns run ends for n pooled values without ties.
func nil2(n int) []bool {
	e := make([]bool, n+1)
	for i := range e {
		e[i] = true
	}
	return e
}

// TestMannWhitneySwitch: at the largest exact sizes the normal
// approximation agrees with the exact p-value near α = 0.05.
func TestMannWhitneySwitch(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, sz := range [][2]int{{44, 46}, {20, 180}, {10, 390}} {
		n, m := sz[0], sz[1]
		require.LessOrEqual(t, (n+m)*min(n, m), mwExactLimit)
		checked := 0
		// Up to three p-values near α per size: each exact p-value at
		// the limit costs ~10⁷ additions (seconds under -race).
		for range 12 {
			if checked == 3 {
				break
			}
			x, y := normals(r, n, 0), normals(r, m, 2*math.Sqrt(1/float64(n)+1/float64(m)))
			res, err := MannWhitney(x, y)
			require.NoError(t, err)
			require.True(t, res.Exact)
			if res.PValue < 0.01 || res.PValue > 0.2 {
				continue
			}
			checked++
			fn, fm := float64(n), float64(m)
			z := (math.Abs(res.U-fn*fm/2) - 0.5) / math.Sqrt(fn*fm*(fn+fm+1)/12)
			approx := math.Erfc(z / math.Sqrt2)
			require.InDelta(t, res.PValue, approx, 0.005, "%d vs %d", n, m)
		}
		require.Positive(t, checked, "%d vs %d: no p-value near α", n, m)
	}
}
