package swarmmodel

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func mustEvolution(t testing.TB, l0 float64, tau time.Duration, gamma float64) Evolution {
	e, err := NewEvolution(PerHour(l0), tau, PerHour(gamma))
	require.NoError(t, err)
	return e
}

func TestEvolutionClosedForms(t *testing.T) {
	for _, tc := range []struct {
		name               string
		l0, gamma          float64
		tau                time.Duration
		life               time.Duration
		nAll, nFail, rFail float64
	}{
		// R_fail = 10% at τ = 87 h gives the paper's mean lifespan of
		// 8.34 days (Fig. 4): 87 h · ln 10 = 200.3 h.
		{"paper-mean", 10, 1, 87 * time.Hour, hoursToDuration(87 * math.Ln10), 870, 87, 0.1},
		{"slow-decay", 100, 1 / 8.42, 240 * time.Hour, hoursToDuration(240 * math.Log(842)), 24000, 240 / 8.42, 1 / 842.0},
		{"dead-at-birth", 0.5, 1, 10 * time.Hour, 0, 5, 5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEvolution(t, tc.l0, tc.tau, tc.gamma)
			require.InDelta(t, tc.life.Hours(), e.Lifespan().Hours(), 1e-6)
			require.InEpsilon(t, tc.nAll, e.Population(), 1e-12)
			require.InEpsilon(t, tc.nFail, e.Failures(), 1e-12)
			require.InEpsilon(t, tc.rFail, e.FailureRatio(), 1e-12)
			// N_fail is the expected arrivals after T_life (Eq. 3.4).
			require.InEpsilon(t, e.Failures(), e.Population()-e.Arrivals(e.Lifespan()), 1e-9)
			// At T_life the arrival rate has fallen to γ (Eq. 3.2).
			if e.Lifespan() > 0 {
				require.InEpsilon(t, tc.gamma, float64(e.ArrivalRate(e.Lifespan())), 1e-9)
			}
		})
	}
	e := mustEvolution(t, 10, 87*time.Hour, 1)
	require.InDelta(t, 8.34, e.Lifespan().Hours()/24, 0.01, "the paper's model mean, 8.34 days")
	require.Zero(t, e.ArrivalRate(-time.Hour))
	require.Zero(t, e.Arrivals(-time.Hour))
}

func TestEvolutionErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name      string
		l0, gamma float64
		tau       time.Duration
		err       error
	}{
		{"zero λ0", 0, 1, time.Hour, ErrRate},
		{"negative λ0", -1, 1, time.Hour, ErrRate},
		{"nan λ0", nan, 1, time.Hour, ErrRate},
		{"inf λ0", inf, 1, time.Hour, ErrRate},
		{"zero γ", 1, 0, time.Hour, ErrRate},
		{"nan γ", 1, nan, time.Hour, ErrRate},
		{"zero τ", 1, 1, 0, ErrDuration},
		{"negative τ", 1, 1, -time.Hour, ErrDuration},
		{"huge τ", 1, 1, 200 * 366 * 24 * time.Hour, ErrDuration},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewEvolution(PerHour(tc.l0), tc.tau, PerHour(tc.gamma))
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestRateConversions(t *testing.T) {
	require.InEpsilon(t, 2.0, Every(30*time.Minute).Per(time.Hour), 1e-12)
	require.Equal(t, 30*time.Minute, PerHour(2).Mean())
	require.Zero(t, PerHour(0).Mean())
	require.True(t, math.IsInf(float64(Every(0)), 1))
	require.Equal(t, "2/h", PerHour(2).String())
}
