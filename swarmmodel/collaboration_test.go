package swarmmodel

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// paperTau is τ for the paper's mean torrent (8.34-day lifespan at a 10%
// failure ratio).
const paperTau = 87 * time.Hour

// TestCollaborationPaperExample reproduces §4.2: with p = 0.8551 and β ≈ 6,
// a 10% failure ratio falls to about 10^−6 (Eq. 4.25), and the exact
// R'_fail is below R_fail^β as the paper states.
func TestCollaborationPaperExample(t *testing.T) {
	e := mustEvolution(t, 10, paperTau, 1) // R_fail = 0.1
	r, err := RequestRateForBeta(6, paperTau, 0.8551)
	require.NoError(t, err)
	require.InDelta(t, 81.7, r.Mean().Hours(), 0.1, "one request every 81.7 h")
	c, err := NewCollaboration(0.8551, r)
	require.NoError(t, err)
	beta, err := c.Beta(e)
	require.NoError(t, err)
	require.InDelta(t, 6, beta, 1e-9)
	q, err := c.Q(e)
	require.NoError(t, err)
	require.Greater(t, q, 1.0)

	approx, err := c.FailureRatioApprox(e)
	require.NoError(t, err)
	require.InEpsilon(t, 1e-6, approx, 1e-9)
	exact, err := c.FailureRatio(e)
	require.NoError(t, err)
	require.Less(t, exact, approx, "R'_fail < R_fail^β")
	require.Greater(t, exact, 1e-9)

	life, err := c.Lifespan(e)
	require.NoError(t, err)
	lifeApprox, err := c.LifespanApprox(e)
	require.NoError(t, err)
	require.InEpsilon(t, 6*e.Lifespan().Hours(), lifeApprox.Hours(), 1e-9)
	// The exact lifespan adds the dropped term τ·log(q/(q−1))/(β−… ) of
	// Eq. 4.24: longer than β·T_life, within 30% of it.
	require.Greater(t, life, lifeApprox)
	require.InEpsilon(t, lifeApprox.Hours(), life.Hours(), 0.3)
	// λ' is still ≥ γ just before T'_life and below it after.
	require.GreaterOrEqual(t, float64(c.ArrivalRate(e, life-time.Minute)), 1.0)
	for d := time.Minute; d < 2000*time.Hour; d += 7 * time.Hour {
		require.Less(t, float64(c.ArrivalRate(e, life+d)), 1.0, "λ' recovers after death at +%v", d)
	}
	// Decreasing γ tenfold only divides R_fail by 10 (polynomial effect).
	e10 := mustEvolution(t, 10, paperTau, 0.1)
	require.InEpsilon(t, 0.01, e10.FailureRatio(), 1e-12)
}

func TestCollaborationArrivalRate(t *testing.T) {
	e := mustEvolution(t, 10, paperTau, 1)
	c, err := NewCollaboration(0.8551, PerHour(1.0/80))
	require.NoError(t, err)
	for _, h := range []float64{0, 1, 79.9, 80, 80.1, 200, 1000, 5000} {
		tt := time.Duration(h * float64(time.Hour))
		// Direct sum of Eq. 4.22.
		k := int(math.Floor(h / 80))
		var want float64
		for l := 0; l <= k; l++ {
			want += math.Pow(0.8551, float64(l)) * float64(e.ArrivalRate(tt-time.Duration(float64(l)*80*float64(time.Hour))))
		}
		require.InEpsilon(t, want, float64(c.ArrivalRate(e, tt)), 1e-9, "t = %v h", h)
	}
	require.Zero(t, c.ArrivalRate(e, -time.Second))
	// q = 1 exactly: the geometric sum degenerates to k+1.
	require.InEpsilon(t, 2.0, math.Exp(logGeomSum(0, 2)), 1e-12)
	require.InEpsilon(t, 1+0.5+0.25, math.Exp(logGeomSum(math.Log(0.5), 3)), 1e-12)
	require.InEpsilon(t, 1+3+9.0, math.Exp(logGeomSum(math.Log(3), 3)), 1e-12)
}

func TestCollaborationErrors(t *testing.T) {
	_, err := NewCollaboration(1, 1)
	require.ErrorIs(t, err, ErrProbability)
	_, err = NewCollaboration(0.5, 0)
	require.ErrorIs(t, err, ErrRate)
	_, err = NewCollaboration(Probability(math.NaN()), 1)
	require.ErrorIs(t, err, ErrProbability)
	// Peers that come back too rarely cannot extend the lifespan: q ≤ 1.
	c, err := NewCollaboration(0.5, PerHour(1))
	require.NoError(t, err)
	e := mustEvolution(t, 10, paperTau, 1)
	_, err = c.Beta(e)
	require.ErrorIs(t, err, ErrNoCollaborationGain)
	_, err = c.LifespanApprox(e)
	require.ErrorIs(t, err, ErrNoCollaborationGain)
	_, err = c.FailureRatioApprox(e)
	require.ErrorIs(t, err, ErrNoCollaborationGain)
	// The exact lifespan still exists, and is at least T_life.
	life, err := c.Lifespan(e)
	require.NoError(t, err)
	require.GreaterOrEqual(t, life, e.Lifespan())
	for _, beta := range []float64{1, 0.5, math.NaN(), math.Inf(1)} {
		_, err := RequestRateForBeta(beta, paperTau, 0.8)
		require.ErrorIs(t, err, ErrParameter)
	}
	_, err = RequestRateForBeta(6, 0, 0.8)
	require.ErrorIs(t, err, ErrDuration)
	_, err = RequestRateForBeta(6, paperTau, 1.5)
	require.ErrorIs(t, err, ErrProbability)
}

// FuzzCollaboration: for any accepted parameters the results are finite or
// an error.
func FuzzCollaboration(f *testing.F) {
	f.Add(10.0, 87.0, 1.0, 0.8551, 1/81.7)
	f.Add(1e6, 0.01, 1e-6, 0.999999, 1e-6)
	f.Add(0.1, 1000.0, 10.0, 0.01, 100.0)
	f.Fuzz(func(t *testing.T, l0, tauH, gamma, p, r float64) {
		e, err := NewEvolution(PerHour(l0), hoursToDuration(tauH), PerHour(gamma))
		if err != nil {
			return
		}
		c, err := NewCollaboration(Probability(p), PerHour(r))
		if err != nil {
			return
		}
		finite := func(x float64) { require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%v", x) }
		finite(e.Lifespan().Hours())
		finite(e.FailureRatio())
		if q, err := c.Q(e); err == nil {
			finite(q)
		}
		if life, err := c.Lifespan(e); err == nil {
			require.GreaterOrEqual(t, life, time.Duration(0))
			rf, err := c.FailureRatio(e)
			require.NoError(t, err)
			finite(rf)
			require.LessOrEqual(t, rf, 1.0)
		}
		if b, err := c.Beta(e); err == nil {
			finite(b)
			require.Greater(t, b, 1.0)
			if rf, err := c.FailureRatioApprox(e); err == nil {
				finite(rf)
			}
		}
	})
}

func TestZeroValues(t *testing.T) {
	e := mustEvolution(t, 10, paperTau, 1)
	var c Collaboration
	_, err := c.Beta(e)
	require.ErrorIs(t, err, ErrParameter)
	_, err = c.Lifespan(e)
	require.ErrorIs(t, err, ErrParameter)
	_, err = c.Q(e)
	require.ErrorIs(t, err, ErrParameter)
	require.Zero(t, c.ArrivalRate(e, time.Hour))
	good, err := NewCollaboration(0.8, 1)
	require.NoError(t, err)
	_, err = good.Lifespan(Evolution{})
	require.ErrorIs(t, err, ErrParameter)
	require.Equal(t, 1.0, Evolution{}.FailureRatio())
	require.Empty(t, Evolution{}.SampleArrivals(nil, 0, nil))
	_, err = Fluid{}.Solve(time.Hour, 2)
	require.ErrorIs(t, err, ErrParameter)
	_, err = Fluid{}.ClosedForm()
	require.ErrorIs(t, err, ErrParameter)
	_, err = MultiTorrent{}.W(1, 2)
	require.ErrorIs(t, err, ErrParameter)
}
