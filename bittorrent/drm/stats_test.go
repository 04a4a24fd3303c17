package drm_test

import (
	"math"
	"slices"
	"testing"
)

// medianCI returns the median of xs and a distribution-free confidence
// interval for it at level conf (0.95: 95%), from order statistics: with
// x(1) ≤ … ≤ x(n), the interval [x(k), x(n+1−k)] holds the true median
// with probability 1 − 2·P(B ≤ k−1), B binomial(n, ½), whatever the
// distribution, and k is the largest rank for which that is at least
// conf. ok is false when n is too small for any interval at that level
// (below 6 samples for 95%). It does not change xs.
func medianCI(xs []float64, conf float64) (med, lo, hi float64, ok bool) {
	s := slices.Clone(xs)
	slices.Sort(s)
	med = quantile(s, 0.5)
	n := len(s)
	k := 0 // the largest usable rank, 1-based; 0 if none
	cdf := 0.0
	for i := 0; i < n/2; i++ {
		cdf += binomHalf(n, i) // P(B ≤ i)
		if 2*cdf > 1-conf {
			break
		}
		k = i + 1
	}
	if k == 0 {
		return med, math.NaN(), math.NaN(), false
	}
	return med, s[k-1], s[n-k], true
}

// binomHalf returns P(B = i) for B binomial(n, ½), in logarithms so that
// large n neither overflows nor underflows on the way.
func binomHalf(n, i int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(i + 1))
	c, _ := math.Lgamma(float64(n - i + 1))
	return math.Exp(a - b - c - float64(n)*math.Ln2)
}

// TestMedianCI checks the order-statistic ranks against the usual table of
// distribution-free 95% confidence intervals for a median, and for
// n = 2000 against binomial sums computed exactly in integers: on the
// samples 1…n the interval's ends are the ranks themselves.
func TestMedianCI(t *testing.T) {
	tests := []struct {
		n      int
		lo, hi float64
		ok     bool
	}{
		{n: 1, ok: false},
		{n: 5, ok: false},
		{n: 6, lo: 1, hi: 6, ok: true},
		{n: 9, lo: 2, hi: 8, ok: true},
		{n: 12, lo: 3, hi: 10, ok: true},
		{n: 18, lo: 5, hi: 14, ok: true},
		{n: 24, lo: 7, hi: 18, ok: true},
		{n: 36, lo: 12, hi: 25, ok: true},
		{n: 2000, lo: 956, hi: 1045, ok: true}, // exact binomial sums, not the normal approximation
	}
	for _, tt := range tests {
		xs := make([]float64, tt.n)
		for i := range xs {
			xs[len(xs)-1-i] = float64(i + 1) // reversed: medianCI must sort
		}
		med, lo, hi, ok := medianCI(xs, 0.95)
		if want := float64(tt.n+1) / 2; med != want {
			t.Errorf("n=%d: median %v, want %v", tt.n, med, want)
		}
		if ok != tt.ok || ok && (lo != tt.lo || hi != tt.hi) {
			t.Errorf("n=%d: interval [%v, %v] ok=%v, want [%v, %v] ok=%v", tt.n, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
		if xs[0] != float64(tt.n) && tt.n > 0 {
			t.Errorf("n=%d: medianCI reordered its argument", tt.n)
		}
	}
}

// TestSwarmOrdersBalanced: BenchmarkSwarmLoss's orders put every role in
// every position equally often and run each compared pair in either order
// equally often, so that a first or last run's bias cancels.
func TestSwarmOrdersBalanced(t *testing.T) {
	var at [3][3]int // at[role][position]
	before := map[[2]int]int{}
	for _, o := range swarmOrders {
		seen := [3]bool{}
		for pos, role := range o {
			at[role][pos]++
			seen[role] = true
		}
		if seen != [3]bool{true, true, true} {
			t.Fatalf("order %v is not a permutation of the three roles", o)
		}
		for _, pair := range [][2]int{{plainRole, drmRole}, {plainRole, aaRole}} {
			if slices.Index(o[:], pair[0]) < slices.Index(o[:], pair[1]) {
				before[pair]++
			}
		}
	}
	want := len(swarmOrders) / 3
	for role := range at {
		for pos, k := range at[role] {
			if k != want {
				t.Errorf("role %d runs in position %d in %d of %d orders, want %d", role, pos, k, len(swarmOrders), want)
			}
		}
	}
	for _, pair := range [][2]int{{plainRole, drmRole}, {plainRole, aaRole}} {
		if 2*before[pair] != len(swarmOrders) {
			t.Errorf("roles %v: the first runs first in %d of %d orders", pair, before[pair], len(swarmOrders))
		}
	}
}
