package swarmmodel

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMultiTorrentSelection(t *testing.T) {
	m, err := NewMultiTorrent(PerHour(0.9454), PerHour(19.37), 0.8551, PerHour(1/81.7), 87*time.Hour)
	require.NoError(t, err)
	// P_i sums to 1 over all torrents (Eq. 4.16).
	var sum float64
	for i := 1; i < 100000; i++ {
		sum += m.Selection(i)
	}
	require.InDelta(t, 1, sum, 1e-9)
	require.Zero(t, m.Selection(0))
	require.Greater(t, m.Selection(1), m.Selection(2))
	// λ0 = λ_q·(e^(1/(λ_t·τ)) − 1) ≈ λ_q/(λ_t·τ): every request lands
	// somewhere, so N_all = λ0·τ ≈ λ_q/λ_t requests per torrent.
	require.InEpsilon(t, 19.37/(1-0.8551), float64(m.RequestRate()), 1e-12)
	require.InEpsilon(t, float64(m.RequestRate())/0.9454, float64(m.Lambda0())*87, 0.01)
}

// TestWHandComputed checks the quadrature against a case with at most one
// further request (k ≤ 1), where Eq. 4.19 integrates in closed form:
// W_ij = ∫ λ0·e^(−(a_j−s)/τ)·p·C·e^(−(a_i−s+1/r)/τ) ds over
// s ∈ [1/r, min(a_j, a_i + 1/r)], with C = e^(1/(λ_t·τ)) − 1.
func TestWHandComputed(t *testing.T) {
	const tauH, period, p = 20.0, 10.0, 0.8
	m, err := NewMultiTorrent(PerHour(1), PerHour(5), p, PerHour(1/period), 20*time.Hour)
	require.NoError(t, err)
	c := math.Expm1(1 / tauH)
	l0 := float64(m.Lambda0())
	want := func(ai, aj float64) float64 {
		hi := math.Min(aj, ai+period)
		if hi <= period {
			return 0
		}
		return l0 * p * c * math.Exp(-(aj+ai+period)/tauH) * tauH / 2 * (math.Exp(2*hi/tauH) - math.Exp(2*period/tauH))
	}
	for _, tc := range []struct{ i, j int }{{3, 15}, {20, 15}, {1, 19}, {8, 12}, {15, 3}} {
		got, err := m.W(tc.i, tc.j)
		require.NoError(t, err)
		w := want(float64(tc.i), float64(tc.j))
		if w == 0 {
			require.Zero(t, got, "W(%d,%d)", tc.i, tc.j)
		} else {
			require.InEpsilon(t, w, got, 1e-9, "W(%d,%d)", tc.i, tc.j)
		}
	}
	// Torrent 3 is younger than one request period: nobody left it yet.
	for i := 1; i <= 30; i++ {
		w, err := m.W(i, 3)
		require.NoError(t, err)
		require.Zero(t, w)
	}
}

func TestGraph(t *testing.T) {
	m, err := NewMultiTorrent(PerHour(0.9454), PerHour(19.37), 0.8551, PerHour(1/20.0), 87*time.Hour)
	require.NoError(t, err)
	const n = 60
	g, err := m.Graph(n)
	require.NoError(t, err)
	require.Equal(t, n, g.N())
	var sp, sg float64
	for i := 1; i <= n; i++ {
		require.Zero(t, g.W(i, i))
		for j := 1; j <= n; j++ {
			require.GreaterOrEqual(t, g.W(i, j), 0.0)
		}
		sp += g.SP(i)
		sg += g.SG(i)
	}
	require.InEpsilon(t, sp, sg, 1e-12)
	require.Positive(t, sp)
	// The newest torrent's peers have had no time to serve it from
	// elsewhere; an older torrent is served by many.
	require.Less(t, g.SG(1), g.SG(30))
	require.Panics(t, func() { g.W(0, 1) })

	_, err = m.Graph(0)
	require.ErrorIs(t, err, ErrParameter)
	_, err = m.W(0, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewMultiTorrent(0, 1, 0.5, 1, time.Hour)
	require.ErrorIs(t, err, ErrRate)
	_, err = NewMultiTorrent(1, 1, 1, 1, time.Hour)
	require.ErrorIs(t, err, ErrProbability)
	_, err = NewMultiTorrent(1, 1, 0.5, 1, 0)
	require.ErrorIs(t, err, ErrDuration)
	_, err = NewMultiTorrent(PerHour(1e-6), 1, 0.5, 1, time.Hour)
	require.ErrorIs(t, err, ErrParameter)
}

// TestWMonteCarlo checks the quadrature of Eq. 4.19 with several further
// requests (k up to 4) against a direct simulation of the peers it counts:
// a peer joins torrent j at t0 − s (density ∝ λ_j), goes on at each of its
// k(s) later requests with probability p, must not pick torrent i before
// the last one and picks it at the last.
func TestWMonteCarlo(t *testing.T) {
	const tauH, period, p = 20.0, 10.0, 0.8
	m, err := NewMultiTorrent(PerHour(1), PerHour(5), p, PerHour(1/period), 20*time.Hour)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(17, 17))
	l0 := float64(m.Lambda0())
	for _, tc := range []struct{ i, j int }{{3, 35}, {12, 45}, {30, 20}} {
		ai, aj := float64(tc.i), float64(tc.j)
		// s = t0 − t: λ_j(t) ∝ e^(s/τ) on [0, a_j]; sample by inversion.
		mass := l0 * tauH * -math.Expm1(-aj/tauH)
		const draws = 400000
		hits := 0
		for range draws {
			u := rng.Float64()
			s := aj + tauH*math.Log(u+(1-u)*math.Exp(-aj/tauH))
			k := int(math.Floor(s / period))
			if k < 1 {
				continue
			}
			ok := true
			for l := 1; l <= k && ok; l++ {
				if rng.Float64() >= p {
					ok = false
					break
				}
				picked := rng.Float64() < m.selectionAtAge(ai-s+float64(l)*period)
				if l < k && picked || l == k && !picked {
					ok = false
				}
			}
			if ok {
				hits++
			}
		}
		want := mass * float64(hits) / draws
		got, err := m.W(tc.i, tc.j)
		require.NoError(t, err)
		t.Logf("W(%d,%d) = %.4g, simulated %.4g (%d hits)", tc.i, tc.j, got, want, hits)
		require.Greater(t, hits, 2000)
		require.InEpsilon(t, want, got, 0.05, "W(%d,%d): %d hits", tc.i, tc.j, hits)
	}
}
