package swarmmodel

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSampleArrivals(t *testing.T) {
	e := mustEvolution(t, 20, 50*time.Hour, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	var total, early float64
	const runs = 200
	for range runs {
		a := e.SampleArrivals(rng, 0, nil)
		require.IsNonDecreasing(t, a)
		total += float64(len(a))
		for _, x := range a {
			if x <= 50*time.Hour {
				early++
			}
		}
	}
	// N_all = λ0·τ = 1000; the expected count by τ is N_all·(1 − 1/e).
	require.InEpsilon(t, e.Population(), total/runs, 0.01)
	require.InEpsilon(t, e.Arrivals(50*time.Hour), early/runs, 0.01)
	a := e.SampleArrivals(rng, 10*time.Hour, nil)
	require.LessOrEqual(t, a[len(a)-1], 10*time.Hour)
}

// TestFitArrivals recovers λ0 and τ from simulated arrivals by the §3.2
// regression. Averaged over torrents the estimate is unbiased only with the
// Euler–Mascheroni correction: without it λ0 would come out 1.78× too small.
func TestFitArrivals(t *testing.T) {
	for _, tc := range []struct {
		l0  float64
		tau time.Duration
	}{{50, 87 * time.Hour}, {10, 200 * time.Hour}, {200, 24 * time.Hour}} {
		e := mustEvolution(t, tc.l0, tc.tau, 1)
		rng := rand.New(rand.NewPCG(uint64(tc.l0), 3))
		var l0Sum, tauSum float64
		const runs = 20
		for range runs {
			fit, err := FitArrivals(e.SampleArrivals(rng, 0, nil))
			require.NoError(t, err)
			l0Sum += float64(fit.Lambda0)
			tauSum += fit.Tau.Hours()
		}
		require.InEpsilon(t, tc.l0, l0Sum/runs, 0.05, "λ0")
		require.InEpsilon(t, tc.tau.Hours(), tauSum/runs, 0.05, "τ")
	}
}

// TestFitPopulation: the CCDF fit of Fig. 1–2 recovers N_all and τ, and the
// average relative deviation of log N is small for large torrents, as the
// paper found (about 6% overall, less for larger torrents).
func TestFitPopulation(t *testing.T) {
	e := mustEvolution(t, 50, 87*time.Hour, 1)
	rng := rand.New(rand.NewPCG(5, 5))
	a := e.SampleArrivals(rng, 0, nil)
	fit, err := FitPopulation(a)
	require.NoError(t, err)
	require.InEpsilon(t, float64(len(a)), fit.Population, 0.1)
	require.InEpsilon(t, 87, fit.Tau.Hours(), 0.1)
	require.InEpsilon(t, 50, float64(fit.Lambda0()), 0.15)
	require.Less(t, fit.Deviation, 0.06)
	require.Positive(t, fit.Deviation)
	// A perfectly exponential CCDF has no deviation at all: place the k-th
	// arrival where N0 = n − k exactly on the line.
	const n = 100
	exact := make([]time.Duration, n)
	for k := range exact {
		exact[k] = hoursToDuration(-87 * math.Log(float64(n-k)/n))
	}
	fit, err = FitPopulation(exact)
	require.NoError(t, err)
	require.InDelta(t, 0, fit.Deviation, 1e-6)
	require.InEpsilon(t, 87, fit.Tau.Hours(), 1e-6)
	require.InEpsilon(t, n, fit.Population, 1e-6)
}

func TestFitErrors(t *testing.T) {
	h := time.Hour
	for _, tc := range []struct {
		name  string
		times []time.Duration
	}{
		{"empty", nil},
		{"one", []time.Duration{h}},
		{"ties only", []time.Duration{h, h, h, h, h}},
		{"negative", []time.Duration{-h, h, 2 * h, 3 * h, 5 * h}},
		{"speeding up", []time.Duration{0, 10 * h, 15 * h, 17 * h, 18 * h, 18*h + 30*time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitArrivals(tc.times)
			require.ErrorIs(t, err, ErrSamples)
		})
	}
	_, err := FitPopulation(nil)
	require.ErrorIs(t, err, ErrSamples)
	_, err = FitPopulation([]time.Duration{-h, 0, h})
	require.ErrorIs(t, err, ErrSamples)
	_, err = FitPopulation([]time.Duration{h, h, h})
	require.ErrorIs(t, err, ErrSamples)
}

// TestPaperP reproduces §4.1: p = 1 − 19.37/133.39 ≈ 0.8548, close to the
// 0.8551 of the rank fit; a peer joins 1/(1−p) ≈ 6.9 torrents on average
// (the paper also quotes 7.514 measured).
func TestPaperP(t *testing.T) {
	p, err := PFromRates(PerHour(19.37), PerHour(133.39))
	require.NoError(t, err)
	require.InDelta(t, 0.8548, float64(p), 5e-5)
	require.InDelta(t, 0.8551, float64(p), 5e-4)
	m, err := MeanTorrents(0.8551)
	require.NoError(t, err)
	require.InDelta(t, 6.901, m, 1e-3)
	m, err = MeanTorrents(p)
	require.NoError(t, err)
	require.InDelta(t, 133.39/19.37, m, 1e-9)

	_, err = PFromRates(PerHour(20), PerHour(20))
	require.ErrorIs(t, err, ErrProbability)
	_, err = PFromRates(0, PerHour(20))
	require.ErrorIs(t, err, ErrRate)
	_, err = MeanTorrents(1)
	require.ErrorIs(t, err, ErrProbability)
}

// geometricCounts draws n torrent counts with P(k) = p^(k−1)(1−p).
func geometricCounts(rng *rand.Rand, n int, p float64) []int {
	c := make([]int, n)
	for i := range c {
		k := 1
		for rng.Float64() < p {
			k++
		}
		c[i] = k
	}
	return c
}

func TestPFromCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, p := range []float64{0.3, 0.8551, 0.95} {
		counts := geometricCounts(rng, 20000, p)
		got, err := PFromCounts(counts)
		require.NoError(t, err)
		require.InDelta(t, p, float64(got), 0.01, "MLE")
		got, err = PFromRanks(counts)
		require.NoError(t, err)
		if p >= 0.8 { // the straight line of Eq. 4.12 ignores the integer steps, which matter for small p
			require.InDelta(t, p, float64(got), 0.01, "rank regression (Eq. 4.12)")
		}
	}
	_, err := PFromCounts(nil)
	require.ErrorIs(t, err, ErrSamples)
	_, err = PFromCounts([]int{1, 1, 1})
	require.ErrorIs(t, err, ErrSamples)
	_, err = PFromCounts([]int{1, 0, 3})
	require.ErrorIs(t, err, ErrParameter)
	_, err = PFromRanks([]int{2, 2, 2, 2})
	require.ErrorIs(t, err, ErrSamples)
	_, err = PFromRanks([]int{2, -1, 2, 2})
	require.ErrorIs(t, err, ErrParameter)
}

// decodeTimes turns fuzz bytes into arrival times (int64 nanoseconds).
func decodeTimes(b []byte) []time.Duration {
	ts := make([]time.Duration, 0, len(b)/8)
	for len(b) >= 8 {
		ts = append(ts, time.Duration(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return ts
}

func encodeTimes(ts []time.Duration) []byte {
	b := make([]byte, 0, 8*len(ts))
	for _, t := range ts {
		b = binary.LittleEndian.AppendUint64(b, uint64(t))
	}
	return b
}

// FuzzFitArrivals: the estimators return finite, in-range values or an
// error, never NaN and never a panic.
func FuzzFitArrivals(f *testing.F) {
	e, _ := NewEvolution(20, 50*time.Hour, 1)
	f.Add(encodeTimes(e.SampleArrivals(rand.New(rand.NewPCG(1, 1)), 0, nil)[:200]))
	f.Add(encodeTimes([]time.Duration{0, time.Hour, 3 * time.Hour, 7 * time.Hour}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts := decodeTimes(b)
		if fit, err := FitArrivals(ts); err == nil {
			require.Positive(t, float64(fit.Lambda0))
			require.False(t, math.IsInf(float64(fit.Lambda0), 0))
			require.Positive(t, fit.Tau)
			require.GreaterOrEqual(t, fit.Gaps, 3)
			_, err := fit.Evolution(1)
			require.NoError(t, err)
		}
		if fit, err := FitPopulation(ts); err == nil {
			require.Positive(t, fit.Population)
			require.False(t, math.IsInf(fit.Population, 0) || math.IsNaN(fit.Deviation))
			require.GreaterOrEqual(t, fit.Deviation, 0.0)
			require.Positive(t, fit.Tau)
		}
	})
}

// FuzzPFromCounts: any counts give p in (0, 1) or an error.
func FuzzPFromCounts(f *testing.F) {
	f.Add([]byte{1, 2, 3, 1, 1, 7, 2})
	f.Add([]byte{1, 1})
	f.Add([]byte{0, 5})
	f.Fuzz(func(t *testing.T, b []byte) {
		counts := make([]int, len(b))
		for i, x := range b {
			counts[i] = int(x)
		}
		for _, fn := range []func([]int) (Probability, error){PFromCounts, PFromRanks} {
			if p, err := fn(counts); err == nil {
				require.True(t, p > 0 && p < 1, "p = %v", p)
			}
		}
	})
}

func BenchmarkFitArrivals(b *testing.B) {
	e, _ := NewEvolution(1, time.Hour, 1)
	for _, n := range []int{100, 1000, 10000, 100000} {
		e2, _ := NewEvolution(Rate(float64(n)/hours(e.tau)), e.tau, 1)
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		a := e2.SampleArrivals(rng, 0, nil)
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FitArrivals(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
