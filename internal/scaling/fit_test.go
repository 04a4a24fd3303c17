package scaling

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func powerLaw(a, e float64, sizes []float64) []float64 {
	costs := make([]float64, len(sizes))
	for i, n := range sizes {
		costs[i] = a * math.Pow(n, e)
	}
	return costs
}

func TestFitRecoversPowerLaws(t *testing.T) {
	decades := []float64{1e3, 1e4, 1e5, 1e6}
	doubling := []float64{250, 500, 1000, 2000, 4000}
	for _, tc := range []struct {
		name     string
		sizes    []float64
		costs    []float64
		exponent float64
		tol      float64
		r2Below1 bool
	}{
		{"linear", decades, powerLaw(3e-7, 1, decades), 1, 1e-12, false},
		{"quadratic", doubling, powerLaw(2, 2, doubling), 2, 1e-12, false},
		{"square root", doubling, powerLaw(5, 0.5, doubling), 0.5, 1e-12, false},
		{"inverse", decades, powerLaw(1e9, -1, decades), -1, 1e-12, false},
		{"two points", []float64{10, 1000}, []float64{7, 7000}, 1.5, 1e-12, false},
		{"constant", decades, []float64{4, 4, 4, 4}, 0, 0, false},
		{"unsorted sizes", []float64{1e5, 1e3, 1e4}, powerLaw(1, 1.25, []float64{1e5, 1e3, 1e4}), 1.25, 1e-12, false},
		// N·log2 N over 10^3…10^6: its local slope, 1 + 1/ln N, lies
		// between 1.07 and 1.14; the fit is not a perfect line.
		{"n log n", decades, []float64{1e3 * math.Log2(1e3), 1e4 * math.Log2(1e4), 1e5 * math.Log2(1e5), 1e6 * math.Log2(1e6)}, 1.10, 0.03, true},
		// Multiplicative noise of ±10% around N^1.2.
		{"noisy", doubling, []float64{1.1 * math.Pow(250, 1.2), 0.9 * math.Pow(500, 1.2), 1.05 * math.Pow(1000, 1.2), 0.95 * math.Pow(2000, 1.2), 1.1 * math.Pow(4000, 1.2)}, 1.2, 0.05, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, r2, err := Fit(tc.sizes, tc.costs)
			require.NoError(t, err)
			require.InDelta(t, tc.exponent, e, tc.tol)
			if tc.r2Below1 {
				require.Less(t, r2, 1-1e-9)
				require.Greater(t, r2, 0.95)
			} else {
				require.InDelta(t, 1, r2, 1e-9)
			}
		})
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name         string
		sizes, costs []float64
		err          error
	}{
		{"no points", nil, nil, ErrTooFewPoints},
		{"one point", []float64{10}, []float64{1}, ErrTooFewPoints},
		{"one distinct size", []float64{10, 10, 10}, []float64{1, 2, 3}, ErrTooFewPoints},
		{"lengths differ", []float64{10, 100}, []float64{1}, ErrBadPoint},
		{"zero size", []float64{0, 100}, []float64{1, 2}, ErrBadPoint},
		{"negative size", []float64{-10, 100}, []float64{1, 2}, ErrBadPoint},
		{"zero cost", []float64{10, 100}, []float64{1, 0}, ErrBadPoint},
		{"negative cost", []float64{10, 100}, []float64{-1, 2}, ErrBadPoint},
		{"NaN size", []float64{nan, 100}, []float64{1, 2}, ErrBadPoint},
		{"NaN cost", []float64{10, 100}, []float64{1, nan}, ErrBadPoint},
		{"infinite size", []float64{10, inf}, []float64{1, 2}, ErrBadPoint},
		{"infinite cost", []float64{10, 100}, []float64{inf, 2}, ErrBadPoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, r2, err := Fit(tc.sizes, tc.costs)
			require.ErrorIs(t, err, tc.err)
			require.Zero(t, e)
			require.Zero(t, r2)
		})
	}
}

func FuzzFit(f *testing.F) {
	f.Add(1e3, 1e4, 1e5, 1.0, 10.0, 100.0)
	f.Add(10.0, 10.0, 10.0, 1.0, 2.0, 3.0)
	f.Add(0.0, -1.0, math.NaN(), math.Inf(1), 0.0, 1.0)
	f.Fuzz(func(t *testing.T, n1, n2, n3, c1, c2, c3 float64) {
		e, r2, err := Fit([]float64{n1, n2, n3}, []float64{c1, c2, c3})
		if err != nil {
			require.Zero(t, e)
			return
		}
		// Sizes and costs of any magnitude give a finite exponent and an
		// r² in [0, 1] (up to rounding).
		require.False(t, math.IsNaN(e) || math.IsInf(e, 0), "exponent %v", e)
		require.False(t, math.IsNaN(r2), "r2 %v", r2)
		require.GreaterOrEqual(t, r2, -1e-9)
		require.LessOrEqual(t, r2, 1+1e-9)
	})
}
