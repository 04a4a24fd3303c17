package marketsim

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/valuation"
)

// TestMisuse: every invalid configuration is an error, never a panic.
func TestMisuse(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"k zero", func(c *Config) { c.K = 0 }},
		{"k too large", func(c *Config) { c.K = valuation.MaxK + 1 }},
		{"fewer torrents than k", func(c *Config) { c.Torrents = 2 }},
		{"no clients", func(c *Config) { c.Clients = 0 }},
		{"piece larger than file", func(c *Config) { c.PieceSize = int(c.FileSize) + 1 }},
		{"zero bandwidth", func(c *Config) { c.Bandwidth = 0 }},
		{"NaN popularity", func(c *Config) { c.PopularClients = math.NaN() }},
		{"neighbours above max", func(c *Config) { c.Neighbours = c.MaxNeighbours + 1 }},
		{"zero bucket", func(c *Config) { c.Bucket = 0 }},
		{"size spread 1", func(c *Config) { c.SizeSpread = 1 }},
		{"negative tau", func(c *Config) { c.ArrivalTau = -time.Second }},
		{"too many nodes", func(c *Config) { c.Clients = 1 << 22 }},
		{"too many buckets", func(c *Config) { c.Bucket = time.Millisecond }},
		{"bad class", func(c *Config) { c.Classes = []BandwidthClass{{Share: math.Inf(1), Up: 1, Down: 1}} }},
		{"NaN weight", func(c *Config) { c.Valuation.Weights.Request = math.NaN() }},
		{"negative weight", func(c *Config) { c.Valuation.Weights.Have = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SmallConfig(1)
			tt.edit(&c)
			_, err := Run(c)
			require.Error(t, err)
			if c.Valuation.Weights.Validate() != nil {
				require.ErrorIs(t, err, valuation.ErrWeight)
			} else {
				require.ErrorIs(t, err, ErrConfig)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, err := Run(SmallConfig(7))
	require.NoError(t, err)
	b, err := Run(SmallConfig(7))
	require.NoError(t, err)
	a.Wall, b.Wall = 0, 0
	require.Empty(t, differingFields(a, b), "the same seed, the same Result")
	c, err := Run(SmallConfig(8))
	require.NoError(t, err)
	require.NotEqual(t, a.Bytes, c.Bytes, "another seed, another run")
}

// TestMarketplaceProperties checks the paper's claims on a reduced
// marketplace over a few seeds [Paper §5.3, §5.4]: every client completes k
// downloads at a small overhead, and its native interest does not stand out
// by start rank, end rank or download volume.
func TestMarketplaceProperties(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4}
	rs, err := RunSeeds(SmallConfig(0), seeds, 2)
	require.NoError(t, err)
	for _, r := range rs {
		cfg := r.Config
		require.Equal(t, cfg.Clients, r.Finished, "seed %d: every client finishes", cfg.Seed)
		for _, d := range r.Downloads {
			require.GreaterOrEqual(t, d, float64(cfg.K)-1e-9, "a client downloads at least k torrents")
		}
		require.Len(t, r.NativeEnd, cfg.Clients, "the native interest is always among the k downloads")
		require.Len(t, r.CoverEnd, cfg.Clients*(cfg.K-1))
		sum := 0
		for _, p := range r.Popularity {
			sum += p
		}
		require.Equal(t, cfg.Clients, sum)
	}
	s := Summarize(rs)
	k := float64(rs[0].Config.K)
	require.Less(t, s.Downloads.Mean, 1.3*k, "overhead well under the paper's 2k bound")
	for _, tt := range s.Tests {
		// The native mean lies within one standard deviation of cover.
		require.Less(t, math.Abs(tt.Native.Mean-tt.Cover.Mean), tt.Cover.SD, tt.Name)
		require.Greater(t, tt.MWP, 0.001, "%s: native and cover not told apart", tt.Name)
	}
}

// TestCompletenessMatters checks §5.2's finding that a bias toward
// finishing what was started is essential: without the completeness factor
// clients drop partial downloads, download more and finish later.
func TestCompletenessMatters(t *testing.T) {
	seeds := []uint64{1, 2}
	// k = 5 among 20 torrents of 16 MB: enough choice and long enough
	// downloads for the market to move.
	cfg := SmallConfig(0)
	cfg.K, cfg.Torrents, cfg.Clients, cfg.FileSize = 5, 20, 40, 16_000_000
	cfg.PopularTorrents = 0.1
	// The sweep's setting: the other factors at 1.
	cfg.Valuation.Weights = valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}
	with, err := RunSeeds(cfg, seeds, 2)
	require.NoError(t, err)
	cfg.Valuation.Weights.Completeness = 0
	without, err := RunSeeds(cfg, seeds, 2)
	require.NoError(t, err)
	a, b := Summarize(with), Summarize(without)
	require.Greater(t, b.Downloads.Mean, 1.04*a.Downloads.Mean)
	require.Greater(t, b.MeanDone.Mean, a.MeanDone.Mean)
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"late start", func(c *Config) { c.ActiveSet.LateStart = 2 * time.Minute }},
		{"even split", func(c *Config) { c.EvenSplit = true }},
		{"size spread", func(c *Config) { c.SizeSpread = 0.5 }},
		{"heterogeneous links", func(c *Config) {
			c.Classes = []BandwidthClass{{Share: 1, Up: 250_000, Down: 500_000}, {Share: 2, Up: 1_000_000, Down: 4_000_000}}
		}},
		{"arrivals", func(c *Config) { c.ArrivalTau = 5 * time.Minute }},
		{"k=1", func(c *Config) { c.K = 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SmallConfig(3)
			tt.edit(&c)
			r, err := Run(c)
			require.NoError(t, err)
			require.Equal(t, c.Clients, r.Finished)
			require.Len(t, r.NativeEnd, c.Clients)
			for _, d := range r.Downloads {
				require.GreaterOrEqual(t, d, float64(c.K)*(1-c.SizeSpread)/(1+c.SizeSpread)-1e-9)
			}
		})
	}
}

func TestArrivalTimes(t *testing.T) {
	// Conditioned on the count, the arrival times of λ0·e^(−t/τ) are
	// exponential with mean τ.
	tau := time.Hour
	rng := rand.New(rand.NewPCG(5, 6))
	at := arrivalTimes(20000, tau, rng)
	var sum float64
	early := 0
	for _, a := range at {
		require.GreaterOrEqual(t, a, time.Duration(0))
		sum += a.Seconds()
		if a < tau {
			early++
		}
	}
	require.InDelta(t, tau.Seconds(), sum/float64(len(at)), 0.03*tau.Seconds())
	require.InDelta(t, 1-math.Exp(-1), float64(early)/float64(len(at)), 0.01)
}

func TestStats(t *testing.T) {
	same := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	_, p := KSTest(same, same)
	require.InDelta(t, 1, p, 1e-9)
	_, p = MannWhitney(same, same)
	require.Greater(t, p, 0.9)
	lo := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	hi := []float64{11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	d, p := KSTest(lo, hi)
	require.InDelta(t, 1.0, d, 1e-12)
	require.Less(t, p, 1e-3)
	_, p = MannWhitney(lo, hi)
	require.Less(t, p, 1e-3)
	d, p = KSTest(nil, hi)
	require.True(t, math.IsNaN(d) && math.IsNaN(p))
}

// TestChooseWeights: the choice is the fastest configuration in which
// every client finished and whose downloads lie in the band; without one,
// the configuration closest to the band's centre.
func TestChooseWeights(t *testing.T) {
	pt := func(f Factor, w, dl float64, done time.Duration) SweepPoint {
		return SweepPoint{Factor: f, Weight: w, Weights: SetWeight(Centre(), f, w), Downloads: MeanSD{Mean: dl}, MeanDone: done, Finished: 1}
	}
	tests := []struct {
		name string
		pts  []SweepPoint
		want int
	}{
		{"fastest in band", []SweepPoint{
			pt(FactorCompleteness, 16, 5.0, 5000), // fastest, but does not trade
			pt(FactorCompleteness, 1, 5.5, 6000),
			pt(FactorHave, 4, 5.7, 5900),    // in band and faster than completeness 1
			pt(FactorRequest, 8, 6.2, 5800), // faster, but above the band
		}, 2},
		{"band edges count", []SweepPoint{
			pt(FactorRequest, 0, 5.71-0.43, 6000), pt(FactorRequest, 2, 5.71+0.43, 5999),
		}, 1},
		{"unfinished runs do not count", []SweepPoint{
			func() SweepPoint { p := pt(FactorDemandSupply, 16, 5.7, 3000); p.Finished = 0.99; return p }(),
			pt(FactorHave, 0, 5.5, 6000),
		}, 1},
		{"none in band: closest to the centre", []SweepPoint{
			pt(FactorDemandSupply, 0, 5.0, 5000), pt(FactorDemandSupply, 2, 5.2, 5100), pt(FactorDemandSupply, 4, 7.0, 5050),
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, i := ChooseWeights(tt.pts, PaperDownloads)
			require.Equal(t, tt.want, i)
			require.Equal(t, tt.pts[tt.want].Weights, w)
		})
	}
	w, i := ChooseWeights(nil, PaperDownloads)
	require.Equal(t, -1, i)
	require.Equal(t, Centre(), w)
}

// TestTrades: the reduced marketplace trades — clients replace partly
// downloaded torrents, losing the pieces — when the completeness bias is
// moderate (the sweep's centre), and practically never under a strong
// completeness bias without want requests, the non-trading regime the
// issue found at the old defaults.
func TestTrades(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4}
	cfg := SmallConfig(0)
	cfg.Valuation.Weights = valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}
	rs, err := RunSeeds(cfg, seeds, 2)
	require.NoError(t, err)
	s := Summarize(rs)
	require.GreaterOrEqual(t, s.Partial, 2.0, "partial replacements per run")
	var lost int64
	for _, r := range rs {
		lost += r.LostBytes
		require.LessOrEqual(t, r.Partial, r.Replacements)
	}
	require.Positive(t, lost, "a dropped partial download loses its pieces")
	require.Greater(t, s.Downloads.Mean, float64(cfg.K), "the lost pieces are overhead")

	cfg.Valuation.Weights = valuation.Weights{Completeness: 16, Have: 1, Request: 1}
	cfg.NoWants = true
	rs, err = RunSeeds(cfg, seeds, 2)
	require.NoError(t, err)
	require.Less(t, Summarize(rs).Partial, 0.5)
}

func TestComparePaired(t *testing.T) {
	run := func(seed uint64, dl []float64, done time.Duration) *Result {
		return &Result{Config: Config{Seed: seed, K: 5}, Downloads: dl, MeanDone: done}
	}
	base := []*Result{run(1, []float64{5.5, 5.5}, 100*time.Second), run(2, []float64{6, 5}, 200*time.Second)}
	variant := []*Result{run(1, []float64{5.6, 5.6}, 110*time.Second), run(2, []float64{5.5, 5.5}, 180*time.Second)}
	p, err := ComparePaired(base, variant)
	require.NoError(t, err)
	require.Equal(t, 2, p.Seeds)
	require.Equal(t, 1, p.Worse)
	// Overheads 0.5 → 0.6 (+20%) and 0.5 → 0.5 (0%).
	require.InDelta(t, 0.1, p.Overhead.Mean, 1e-12)
	require.InDelta(t, math.Sqrt(0.02), p.Overhead.SD, 1e-12)
	// Finish times +10% and −10%.
	require.InDelta(t, 0, p.MeanDone.Mean, 1e-12)
	require.InDelta(t, (5.6/5.5-1)/2, p.Downloads.Mean, 1e-12)

	_, err = ComparePaired(base, variant[:1])
	require.Error(t, err)
	_, err = ComparePaired(base, []*Result{variant[1], variant[0]})
	require.Error(t, err, "seeds must pair")
	_, err = ComparePaired([]*Result{run(1, []float64{5}, time.Second)}, variant[:1])
	require.Error(t, err, "no overhead to compare with")
}

// TestSweep: each point runs its factor at its weight with the others at 1;
// the centre, met once per factor, runs once and is reported for each.
func TestSweep(t *testing.T) {
	pts, err := Sweep(SmallConfig(0), []Factor{FactorHave, FactorRequest}, []float64{0, 1}, []uint64{1, 2}, 2)
	require.NoError(t, err)
	require.Len(t, pts, 4)
	for i, want := range []struct {
		f Factor
		v float64
	}{{FactorHave, 0}, {FactorHave, 1}, {FactorRequest, 0}, {FactorRequest, 1}} {
		require.Equal(t, want.f, pts[i].Factor)
		require.Equal(t, want.v, pts[i].Weight)
		require.Equal(t, SetWeight(Centre(), want.f, want.v), pts[i].Weights)
		require.Equal(t, 2, pts[i].Runs)
		require.Equal(t, 1.0, pts[i].Finished)
	}
	require.Equal(t, pts[1].Downloads, pts[3].Downloads, "the centre")
	require.NotEqual(t, pts[0].Weights, pts[2].Weights)
	_, err = Sweep(SmallConfig(0), []Factor{FactorHave}, []float64{0}, []uint64{1}, 1)
	require.NoError(t, err)
	c := SmallConfig(0)
	c.Valuation.Weights = valuation.Weights{}
	_, err = Sweep(c, []Factor{FactorCompleteness}, []float64{-1}, []uint64{1}, 1)
	require.ErrorIs(t, err, valuation.ErrWeight)
}
