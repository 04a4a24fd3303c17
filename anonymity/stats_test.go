package anonymity

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKolmogorovSmirnovKnown(t *testing.T) {
	tests := []struct {
		name  string
		x, y  []float64
		d, p  float64
		exact bool
	}{
		// Completely separated 5 vs 5: p = 2/C(10,5).
		{"separated", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 1, 2.0 / 252, true},
		{"identical", []float64{1, 2, 3}, []float64{3, 2, 1}, 0, 1, true},
		// D = 0.5 for 4 vs 4: 16 of the 70 lattice paths stay in the band
		// |i − j| < 2, so p = 1 − 16/70.
		{"half", []float64{1, 2, 5, 6}, []float64{3, 4, 7, 8}, 0.5, 1 - 16.0/70, true},
		// Unequal sizes: 1 vs 3 separated, D = 1 on 2 of the 4 paths.
		{"unequal", []float64{1}, []float64{2, 3, 4}, 1, 0.5, true},
		// Ties between the samples: D is taken after each distinct value.
		{"ties", []float64{1, 1, 2, 2}, []float64{1, 2, 2, 2}, 0.25, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := KolmogorovSmirnov(tt.x, tt.y)
			require.NoError(t, err)
			require.InDelta(t, tt.d, r.D, 1e-12)
			require.InDelta(t, tt.p, r.PValue, 1e-9)
			require.Equal(t, tt.exact, r.Exact)
		})
	}
}

func TestKolmogorovQ(t *testing.T) {
	// Reference values of the Kolmogorov distribution's complement.
	tests := []struct{ lambda, q float64 }{
		{0, 1},
		{0.5, 0.9639452436648751},
		{1.0, 0.26999967167735456},
		{1.36, 0.049485876755377876},
		{1.63, 0.009846364888486529},
		{3, 3.045996e-8},
	}
	for _, tt := range tests {
		require.InDelta(t, tt.q, kolmogorovQ(tt.lambda), 1e-5*math.Max(tt.q, 1e-3), "λ=%v", tt.lambda)
	}
	// The two series agree where they switch.
	require.InDelta(t, kolmogorovQ(1.18-1e-12), kolmogorovQ(1.18), 1e-12)
}

// TestKSExactMatchesAsymptotic checks the exact p-value against the
// asymptotic one at sample sizes where both apply.
func TestKSExactMatchesAsymptotic(t *testing.T) {
	r := newRand(3)
	for range 20 {
		x, y := normals(r, 100, 0), normals(r, 100, 0.3)
		res, err := KolmogorovSmirnov(x, y)
		require.NoError(t, err)
		require.True(t, res.Exact)
		e := 50.0
		asym := kolmogorovQ((math.Sqrt(e) + 0.12 + 0.11/math.Sqrt(e)) * res.D)
		require.InDelta(t, res.PValue, asym, 0.02+0.1*res.PValue)
	}
}

// TestTestsCalibrated checks the size and power of both tests: under the
// null hypothesis p < 0.05 happens about 5% of the time, and a one-sigma
// shift with 200 samples is almost always detected.
func TestTestsCalibrated(t *testing.T) {
	for _, n := range []int{15, 300} { // exact and asymptotic regimes
		r := newRand(uint64(n))
		const trials = 400
		var ksNull, mwNull, ksAlt, mwAlt int
		for range trials {
			x, y := normals(r, n, 0), normals(r, n, 0)
			ks, err := KolmogorovSmirnov(x, y)
			require.NoError(t, err)
			mw, err := MannWhitney(x, y)
			require.NoError(t, err)
			if ks.PValue < 0.05 {
				ksNull++
			}
			if mw.PValue < 0.05 {
				mwNull++
			}
			x, y = normals(r, n, 0), normals(r, n, 1)
			ks, _ = KolmogorovSmirnov(x, y)
			mw, _ = MannWhitney(x, y)
			if ks.PValue < 0.05 {
				ksAlt++
			}
			if mw.PValue < 0.05 {
				mwAlt++
			}
		}
		// Binomial(400, 0.05): mean 20, sd 4.4; KS is conservative for
		// small samples (discrete D).
		require.Less(t, ksNull, 36, "n=%d KS size", n)
		require.Less(t, mwNull, 36, "n=%d MW size", n)
		require.Greater(t, mwNull, 6, "n=%d MW size", n)
		if n == 300 {
			require.Greater(t, ksNull, 6, "KS size")
			require.Equal(t, trials, ksAlt)
			require.Equal(t, trials, mwAlt)
		} else {
			require.Greater(t, ksAlt, trials/3)
			require.Greater(t, mwAlt, trials/3)
		}
	}
}

func TestMannWhitneyKnown(t *testing.T) {
	// Separated 3 vs 3: U = 0, exact p = 2/C(6,3) = 0.1.
	r, err := MannWhitney([]float64{1, 2, 3}, []float64{4, 5, 6})
	require.NoError(t, err)
	require.True(t, r.Exact)
	require.Equal(t, 0.0, r.U)
	require.InDelta(t, 0.1, r.PValue, 1e-12)
	// Reversed: U = 9, same p.
	r, err = MannWhitney([]float64{4, 5, 6}, []float64{1, 2, 3})
	require.NoError(t, err)
	require.Equal(t, 9.0, r.U)
	require.InDelta(t, 0.1, r.PValue, 1e-12)
	// Unequal sizes: 2 vs 5 separated, p = 2/C(7,2); and 5 vs 2.
	r, err = MannWhitney([]float64{1, 2}, []float64{3, 4, 5, 6, 7})
	require.NoError(t, err)
	require.True(t, r.Exact)
	require.InDelta(t, 2.0/21, r.PValue, 1e-12)
	r, err = MannWhitney([]float64{3, 4, 5, 6, 7}, []float64{1, 2})
	require.NoError(t, err)
	require.Equal(t, 10.0, r.U)
	require.InDelta(t, 2.0/21, r.PValue, 1e-12)
	// 1 vs 3, the single x below all: Pr(U ≤ 0) = 1/4.
	r, err = MannWhitney([]float64{1}, []float64{2, 3, 4})
	require.NoError(t, err)
	require.InDelta(t, 0.5, r.PValue, 1e-12)
	// 2 vs 2, x = {1,4}, y = {2,3}: U = 2 = nm/2, p = 1.
	r, err = MannWhitney([]float64{1, 4}, []float64{2, 3})
	require.NoError(t, err)
	require.Equal(t, 2.0, r.U)
	require.InDelta(t, 1, r.PValue, 1e-12)
	// Everything tied: no evidence.
	r, err = MannWhitney([]float64{7, 7, 7}, []float64{7, 7})
	require.NoError(t, err)
	require.Equal(t, 3.0, r.U)
	require.Equal(t, 1.0, r.PValue)
	require.True(t, r.Exact)
}

// TestMannWhitneyExactVsNormal compares the exact p-value with the normal
// approximation at 20 vs 20, where they should nearly agree.
func TestMannWhitneyExactVsNormal(t *testing.T) {
	r := newRand(9)
	for range 20 {
		x, y := normals(r, 20, 0), normals(r, 20, 0.5)
		res, err := MannWhitney(x, y)
		require.NoError(t, err)
		require.True(t, res.Exact)
		// The normal approximation with continuity correction.
		z := (math.Abs(res.U-200) - 0.5) / math.Sqrt(400.0*41/12)
		approx := math.Erfc(z / math.Sqrt2)
		require.InDelta(t, res.PValue, approx, 0.01)
	}
}

func TestBestThreshold(t *testing.T) {
	d, err := BestThreshold([]float64{1, 2, 3}, []float64{4, 5, 6, 7})
	require.NoError(t, err)
	require.Equal(t, 1.0, d.Accuracy)
	require.Equal(t, 0.5, d.Advantage())
	require.Equal(t, 3.0, d.Threshold)
	require.False(t, d.XAbove)
	d, err = BestThreshold([]float64{10, 11}, []float64{4, 5, 6, 7})
	require.NoError(t, err)
	require.Equal(t, 1.0, d.Accuracy)
	require.True(t, d.XAbove)
	require.Equal(t, 7.0, d.Threshold)
	d, err = BestThreshold([]float64{1, 2, 3}, []float64{3, 2, 1})
	require.NoError(t, err)
	require.Equal(t, 0.5, d.Accuracy)
	// Unequal sizes: balanced accuracy, not raw accuracy. x = {0}, y has
	// 9 values of which one is 0: predicting x for v ≤ 0 is right on all
	// of x and 8/9 of y.
	adv, err := Advantage([]float64{0}, []float64{0, 1, 1, 1, 1, 1, 1, 1, 1})
	require.NoError(t, err)
	require.InDelta(t, 0.5*(1+8.0/9)-0.5, adv, 1e-12)
	_, err = Advantage(nil, []float64{1})
	require.ErrorIs(t, err, ErrEmpty)
}

func TestStatsErrors(t *testing.T) {
	good := []float64{1, 2}
	for _, bad := range [][]float64{nil, {}, {1, math.NaN()}, {math.Inf(-1)}} {
		_, err := KolmogorovSmirnov(good, bad)
		require.Error(t, err)
		_, err = KolmogorovSmirnov(bad, good)
		require.Error(t, err)
		_, err = MannWhitney(bad, good)
		require.Error(t, err)
		_, err = MannWhitney(good, bad)
		require.Error(t, err)
		_, err = BestThreshold(bad, good)
		require.Error(t, err)
		_, err = Compare(good, bad)
		require.Error(t, err)
	}
	_, err := MannWhitney(nil, good)
	require.ErrorIs(t, err, ErrEmpty)
	_, err = KolmogorovSmirnov(good, []float64{math.NaN()})
	require.ErrorIs(t, err, ErrNonFinite)
}

func bytesToSample(b []byte) []float64 {
	x := make([]float64, len(b))
	for i, v := range b {
		x[i] = float64(v % 16) // small range: many ties
	}
	return x
}

// FuzzTwoSample checks the invariants of the two-sample statistics on
// arbitrary samples: D in [0,1], p-values in [0,1], U equal to the pair
// count, U_x + U_y = nm, and the distinguisher's advantage equal to D/2.
func FuzzTwoSample(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{4, 5, 6})
	f.Add([]byte{1, 1, 1, 1}, []byte{1})
	f.Add([]byte{0, 15, 3, 3, 9}, []byte{2, 2, 7})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		// Short samples keep the brute-force check fast; the property does
		// not depend on the size.
		a, b = a[:min(len(a), 300)], b[:min(len(b), 300)]
		x, y := bytesToSample(a), bytesToSample(b)
		c, err := Compare(x, y)
		if len(x) == 0 || len(y) == 0 {
			require.ErrorIs(t, err, ErrEmpty)
			return
		}
		require.NoError(t, err)
		require.True(t, c.KS.D >= 0 && c.KS.D <= 1)
		require.True(t, c.KS.PValue >= 0 && c.KS.PValue <= 1)
		require.True(t, c.MannWhitney.PValue >= 0 && c.MannWhitney.PValue <= 1)
		require.InDelta(t, c.KS.D/2, c.Best.Advantage(), 1e-12)
		pairs := 0.0
		for _, u := range x {
			for _, v := range y {
				switch {
				case u > v:
					pairs++
				case u == v:
					pairs += 0.5
				}
			}
		}
		require.Equal(t, pairs, c.MannWhitney.U)
		rev, err := MannWhitney(y, x)
		require.NoError(t, err)
		require.Equal(t, float64(len(x)*len(y)), c.MannWhitney.U+rev.U)
		require.InDelta(t, c.MannWhitney.PValue, rev.PValue, 1e-9)
	})
}

func BenchmarkKS(b *testing.B) {
	for _, n := range []int{100, 1000, 100_000} {
		r := newRand(1)
		x, y := normals(r, n, 0), normals(r, n, 0.1)
		b.Run("n="+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(16 * n))
			for b.Loop() {
				if _, err := KolmogorovSmirnov(x, y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
