package steg

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStats checks the local statistics against known values.
func TestStats(t *testing.T) {
	// Q(λ) at the 5% critical value of the Kolmogorov distribution
	require.InDelta(t, 0.05, kolmogorovQ(1.3581), 1e-3)
	require.InDelta(t, 0.01, kolmogorovQ(1.6276), 1e-3)
	require.Equal(t, 1.0, kolmogorovQ(0))
	// identical samples: D = 0, p = 1
	x := []float64{0.1, 0.2, 0.3, 0.4}
	r := KSTwoSample(x, x)
	require.Zero(t, r.Statistic)
	require.Equal(t, 1.0, r.P)
	// disjoint samples of 50: D = 1, p tiny
	var a, b []float64
	for i := range 50 {
		a = append(a, float64(i))
		b = append(b, float64(100+i))
	}
	r = KSTwoSample(a, b)
	require.InDelta(t, 1.0, r.Statistic, 1e-12)
	require.Less(t, r.P, 1e-9)
	require.Equal(t, 1.0, KSTwoSample(nil, a).P)
	// runs: alternation and clustering are both extreme
	alt, clu := make([]bool, 40), make([]bool, 40)
	for i := range alt {
		alt[i] = i%2 == 0
		clu[i] = i < 20
	}
	require.Less(t, runsTest(alt).P, 1e-6)
	require.Less(t, runsTest(clu).P, 1e-6)
	require.Equal(t, 1.0, runsTest(make([]bool, 5)).P)
	// chi-square: a 2×2 table with independence exactly
	require.InDelta(t, 1.0, chiSquareTable([][]int{{10, 20}, {10, 20}}).P, 1e-12)
	require.Less(t, chiSquareTable([][]int{{50, 0}, {0, 50}}).P, 1e-9)
	require.Equal(t, 1.0, chiSquareTable([][]int{{5, 0}, {5, 0}}).P)
}
