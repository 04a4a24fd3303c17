package swarmmodel

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func swarmConfig(t testing.TB, l0 float64, tau time.Duration) SwarmConfig {
	e := mustEvolution(t, l0, tau, 1/8.42)
	return SwarmConfig{Evolution: e, Upload: PerHour(0.25), Download: PerHour(2), Efficiency: 0.5, Horizon: 3000 * time.Hour}
}

// TestSwarmMatchesFluid: averaged over runs, the discrete swarm follows the
// fluid model once the flash crowd has been served (the fluid model's
// fractional seeds serve the first downloaders faster than one whole seed).
func TestSwarmMatchesFluid(t *testing.T) {
	cfg := swarmConfig(t, 50, 87*time.Hour)
	cfg.Horizon, cfg.SampleEvery = 240*time.Hour, 4*time.Hour
	f, err := NewFluid(cfg.Evolution, cfg.Upload, cfg.Download, cfg.Efficiency)
	require.NoError(t, err)
	tr, err := f.Solve(cfg.Horizon, 61)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	const runs = 10
	var simX, simY, fluX, fluY float64
	mx := make([]float64, 61)
	my := make([]float64, 61)
	for range runs {
		r, err := SimulateSwarm(cfg, rng)
		require.NoError(t, err)
		require.Len(t, r.X, 61)
		for i := range r.X {
			require.Equal(t, tr.T[i], r.T[i])
			mx[i] += float64(r.X[i]) / runs
			my[i] += float64(r.Y[i]) / runs
		}
	}
	for i := 6; i < 61; i++ { // from 24 h on
		simX += mx[i]
		simY += my[i]
		fluX += tr.X[i]
		fluY += tr.Y[i]
	}
	require.InEpsilon(t, fluX, simX, 0.05, "downloaders")
	require.InEpsilon(t, fluY, simY, 0.05, "seeds")
	// Seed peak lags the downloader peak (Fig. 7a), in both models.
	tsx, _ := Trajectory{T: tr.T}.Peak(mx)
	tsy, _ := Trajectory{T: tr.T}.Peak(my)
	require.Greater(t, tsy, tsx)
	tfx, _ := tr.Peak(tr.X)
	tfy, _ := tr.Peak(tr.Y)
	require.Greater(t, tfy, tfx)
}

func meanDeath(t *testing.T, cfg SwarmConfig, runs int, seed uint64) (death, failure, expDeath float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	tauH := hours(cfg.Evolution.Tau())
	for range runs {
		r, err := SimulateSwarm(cfg, rng)
		require.NoError(t, err)
		require.Equal(t, r.Arrivals, r.Completed+r.Failed)
		require.False(t, r.Censored)
		death += r.Death.Hours()
		failure += r.FailureRatio()
		expDeath += math.Exp(-r.Death.Hours() / tauH)
	}
	n := float64(runs)
	return death / n, failure / n, expDeath / n
}

// TestSwarmLifespan checks Eq. 3.2–3.5 against the discrete swarm. The
// failure ratio is the fraction of the population arriving after death,
// E[e^(−T/τ)] (the step from Eq. 3.2 to 3.4), and the death time grows as
// τ·log(λ0/γ): ten times the arrival rate lives τ·log 10 longer. The
// absolute death time falls short of T_life because a small swarm can lose
// its last seed by chance before 1/λ(t) > 1/γ (measured: 0.61·T_life at λ0 = 2/h, 0.83·T_life at
// 20/h, with γ = 1/8.42 h and τ = 87 h).
func TestSwarmLifespan(t *testing.T) {
	const tau = 87 * time.Hour
	small := swarmConfig(t, 2, tau)
	large := swarmConfig(t, 20, tau)
	dSmall, fSmall, eSmall := meanDeath(t, small, 100, 1)
	dLarge, fLarge, eLarge := meanDeath(t, large, 100, 2)
	// Peers still downloading when the last seed leaves fail too, so the
	// measured ratio is slightly above E[e^(−T/τ)].
	require.InEpsilon(t, eSmall, fSmall, 0.15)
	require.InEpsilon(t, eLarge, fLarge, 0.15)
	require.GreaterOrEqual(t, fSmall, eSmall)
	require.InEpsilon(t, hours(tau)*math.Ln10, dLarge-dSmall, 0.25, "lifespan grows by τ·log 10")
	for _, c := range []struct {
		cfg   SwarmConfig
		death float64
	}{{small, dSmall}, {large, dLarge}} {
		life := c.cfg.Evolution.Lifespan().Hours()
		require.Less(t, c.death, life)
		require.Greater(t, c.death, 0.5*life)
	}
	require.Less(t, fLarge, fSmall)
}

// TestSwarmCollaboration reproduces §4.2 in the discrete swarm: with
// returning peers (p = 0.8551, β ≈ 6) a torrent whose model failure ratio
// is 10% loses (almost) nobody, and lives many times longer.
func TestSwarmCollaboration(t *testing.T) {
	cfg := swarmConfig(t, 10/8.42, 87*time.Hour) // R_fail = γ/λ0 = 0.1
	cfg.Upload, cfg.Download = PerHour(1), PerHour(4)
	cfg.OriginSeeding = 24 * time.Hour
	require.InEpsilon(t, 0.1, cfg.Evolution.FailureRatio(), 1e-9)
	const runs = 150
	dAlone, fAlone, _ := meanDeath(t, cfg, runs, 3)
	r, err := RequestRateForBeta(6, 87*time.Hour, 0.8551)
	require.NoError(t, err)
	c, err := NewCollaboration(0.8551, r)
	require.NoError(t, err)
	cfg.Collaboration = &c
	cfg.Horizon = 30000 * time.Hour
	rng := rand.New(rand.NewPCG(4, 4))
	var arrivals, failed, returns int
	var death float64
	for range runs {
		res, err := SimulateSwarm(cfg, rng)
		require.NoError(t, err)
		require.False(t, res.Censored)
		arrivals += res.Arrivals
		failed += res.Failed
		returns += res.Returns
		death += res.Death.Hours() / runs
	}
	require.Greater(t, fAlone, 0.1, "alone, the small torrent fails at least R_fail")
	require.Less(t, float64(failed)/float64(arrivals), 1e-3, "collaboration: failure ratio %d/%d", failed, arrivals)
	require.Greater(t, death, 6*dAlone, "collaboration stretches the life by more than β")
	require.Positive(t, returns)
}

func TestSwarmDeterministic(t *testing.T) {
	cfg := swarmConfig(t, 20, 50*time.Hour)
	cfg.SampleEvery = 10 * time.Hour
	a, err := SimulateSwarm(cfg, rand.New(rand.NewPCG(5, 5)))
	require.NoError(t, err)
	b, err := SimulateSwarm(cfg, rand.New(rand.NewPCG(5, 5)))
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Positive(t, a.Arrivals)
}

func TestSwarmErrors(t *testing.T) {
	good := swarmConfig(t, 10, 87*time.Hour)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name string
		mod  func(*SwarmConfig)
		err  error
	}{
		{"zero evolution", func(c *SwarmConfig) { c.Evolution = Evolution{} }, ErrParameter},
		{"zero upload", func(c *SwarmConfig) { c.Upload = 0 }, ErrRate},
		{"bad η", func(c *SwarmConfig) { c.Efficiency = -0.1 }, ErrParameter},
		{"no horizon", func(c *SwarmConfig) { c.Horizon = 0 }, ErrDuration},
		{"negative sampling", func(c *SwarmConfig) { c.SampleEvery = -1 }, ErrParameter},
		{"too many samples", func(c *SwarmConfig) { c.SampleEvery = time.Nanosecond }, ErrParameter},
		{"origin past horizon", func(c *SwarmConfig) { c.OriginSeeding = 4000 * time.Hour }, ErrDuration},
		{"bad collaboration", func(c *SwarmConfig) { c.Collaboration = &Collaboration{} }, ErrProbability},
		{"huge population", func(c *SwarmConfig) {
			c.Evolution, _ = NewEvolution(PerHour(1e6), 1000*time.Hour, 1)
		}, ErrParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.mod(&c)
			_, err := SimulateSwarm(c, rng)
			require.ErrorIs(t, err, tc.err)
		})
	}
	_, err := SimulateSwarm(good, nil)
	require.ErrorIs(t, err, ErrParameter)
}

// FuzzSimulateSwarm: any accepted configuration gives a consistent result.
func FuzzSimulateSwarm(f *testing.F) {
	f.Add(10.0, 87.0, 0.12, 0.25, 2.0, 0.5, 3000.0, 24.0, 10.0, 0.0, 0.0, uint64(1))
	f.Add(2.0, 20.0, 1.0, 1.0, 4.0, 0.0, 500.0, 0.0, 0.0, 0.8551, 0.0122, uint64(2))
	f.Fuzz(func(t *testing.T, l0, tauH, gamma, mu, c, eta, horizonH, originH, sampleH, p, r float64, seed uint64) {
		e, err := NewEvolution(PerHour(l0), hoursToDuration(tauH), PerHour(gamma))
		if err != nil || e.Population() > 5000 || horizonH > 1e4 || (sampleH > 0 && horizonH/sampleH > 1e4) {
			return
		}
		cfg := SwarmConfig{Evolution: e, Upload: PerHour(mu), Download: PerHour(c), Efficiency: eta,
			Horizon: hoursToDuration(horizonH), OriginSeeding: hoursToDuration(originH), SampleEvery: hoursToDuration(sampleH)}
		if p != 0 || r != 0 {
			co, err := NewCollaboration(Probability(p), PerHour(r))
			if err != nil || co.R().Mean() < time.Hour {
				return
			}
			cfg.Collaboration = &co
		}
		res, err := SimulateSwarm(cfg, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			return
		}
		require.Equal(t, res.Arrivals, res.Completed+res.Failed)
		require.GreaterOrEqual(t, res.Failed, 0)
		require.LessOrEqual(t, res.Death, cfg.Horizon)
		require.GreaterOrEqual(t, res.Death, time.Duration(0))
		require.Len(t, res.Y, len(res.T))
		for _, y := range res.Y {
			require.GreaterOrEqual(t, y, 0)
		}
		for _, x := range res.X {
			require.GreaterOrEqual(t, x, 0)
		}
	})
}
