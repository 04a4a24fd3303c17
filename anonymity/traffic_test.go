package anonymity

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPatternVector(t *testing.T) {
	ms := time.Millisecond
	times := []time.Duration{-5 * ms, 0, 10 * ms, 49 * ms, 50 * ms, 120 * ms, 149 * ms, 150 * ms, 500 * ms}
	x, err := PatternVector(times, 0, 50*ms, 3)
	require.NoError(t, err)
	require.Equal(t, []float64{3, 1, 2}, x)

	_, err = PatternVector([]time.Duration{10, 5}, 0, 1, 4)
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = PatternVector(nil, 0, 0, 4)
	require.ErrorIs(t, err, ErrParameter)
	_, err = PatternVector(nil, 0, 1, 0)
	require.ErrorIs(t, err, ErrParameter)
	x, err = PatternVector(nil, 0, 1, 2)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 0}, x)
}

// TestPatternVectorExtremeTimes covers timestamps whose distance from start
// overflows int64: such a packet was indexed at a negative interval (a
// panic); it falls in interval (t − start)/interval like any other.
func TestPatternVectorExtremeTimes(t *testing.T) {
	x, err := PatternVector([]time.Duration{0, math.MaxInt64}, math.MinInt64, 1, 3)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 0, 0}, x, "both packets are far beyond 3 intervals")
	x, err = PatternVector([]time.Duration{math.MinInt64, -1, 0, math.MaxInt64}, math.MinInt64, math.MaxInt64, 3)
	require.NoError(t, err)
	require.Equal(t, []float64{1, 2, 1}, x)
}

func FuzzPatternVector(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 200}, int64(0), int64(3), 4)
	f.Add([]byte{9, 1}, int64(-2), int64(1), 1)
	f.Fuzz(func(t *testing.T, raw []byte, start, interval int64, q int) {
		q %= 1 << 12
		times := make([]time.Duration, len(raw))
		for i, b := range raw {
			times[i] = time.Duration(b)
		}
		x, err := PatternVector(times, time.Duration(start), time.Duration(interval), q)
		if err != nil {
			return
		}
		require.Len(t, x, q)
		total := 0.0
		for _, v := range x {
			require.GreaterOrEqual(t, v, 0.0)
			require.Equal(t, math.Trunc(v), v)
			total += v
		}
		require.LessOrEqual(t, total, float64(len(times)))
	})
}

// poissonCounts returns a pattern of Poisson(rate) counts.
func poissonCounts(r *rand.Rand, q int, rate float64) []float64 {
	x := make([]float64, q)
	for i := range x {
		// Knuth's method is fine for small rates.
		l, k, p := math.Exp(-rate), 0.0, 1.0
		for {
			p *= r.Float64()
			if p <= l {
				break
			}
			k++
		}
		x[i] = k
	}
	return x
}

func TestMetrics(t *testing.T) {
	r := newRand(5)
	x := poissonCounts(r, 256, 4)
	y := poissonCounts(r, 256, 4)
	shifted := append(append([]float64{}, x[3:]...), x[:3]...) // circular delay
	negated := make([]float64, len(x))
	for i, v := range x {
		negated[i] = 10 - v
	}
	constant := make([]float64, len(x))
	for i := range constant {
		constant[i] = 2
	}
	metrics := map[string]Metric{
		"spectral":    new(Spectral),
		"correlation": Correlation{},
		"lagged":      Correlation{MaxLag: 5},
		"mi":          MutualInformation{},
	}
	for name, m := range metrics {
		t.Run(name, func(t *testing.T) {
			self, err := Distance(m, x, x)
			require.NoError(t, err)
			require.InDelta(t, 0, self, 1e-9)
			indep, err := Distance(m, x, y)
			require.NoError(t, err)
			require.Greater(t, indep, 0.1)
			c, err := Distance(m, x, constant)
			require.NoError(t, err)
			require.Equal(t, 1.0, c)
			_, err = Distance(m, x, y[:10])
			require.ErrorIs(t, err, ErrLengthMismatch)
			_, err = Distance(m, nil, nil)
			require.ErrorIs(t, err, ErrEmpty)
			bad := append([]float64{}, x...)
			bad[7] = math.NaN()
			_, err = Distance(m, x, bad)
			require.ErrorIs(t, err, ErrNonFinite)
		})
	}
	// Delay: the spectrum's magnitudes ignore a circular shift and the
	// lagged correlation finds it; the lag-0 correlation does not.
	d, err := SpectralDistance(x, shifted)
	require.NoError(t, err)
	require.InDelta(t, 0, d, 1e-9)
	d, err = Distance(Correlation{MaxLag: 5}, shifted, x)
	require.NoError(t, err)
	require.Less(t, d, 0.05)
	d, err = CorrelationDistance(x, shifted)
	require.NoError(t, err)
	require.Greater(t, d, 0.5)
	// Anti-correlation: correlation distance 2, mutual information 0.
	d, err = CorrelationDistance(x, negated)
	require.NoError(t, err)
	require.InDelta(t, 2, d, 1e-9)
	d, err = MutualInformationDistance(x, negated)
	require.NoError(t, err)
	require.InDelta(t, 0, d, 1e-9)
	_, err = Distance(MutualInformation{Bins: -1}, x, x)
	require.ErrorIs(t, err, ErrParameter)
}

// TestMetricsExtremeMagnitudes checks that every distance depends only on
// the shape of the patterns, not their magnitude: finite patterns scaled
// by powers of two up to the edges of float64 (near MaxFloat64, where sums
// of squares overflow, and subnormal, where they underflow) give the
// distance of the unscaled patterns, never NaN and never a panic.
func TestMetricsExtremeMagnitudes(t *testing.T) {
	r := newRand(9)
	x := poissonCounts(r, 64, 4)
	y := noisyCopy(r, x)
	x[5] = 40 // a burst, so that max |x| is not the typical count
	metrics := map[string]Metric{
		"spectral":    new(Spectral),
		"correlation": Correlation{MaxLag: 2},
		"mi":          MutualInformation{MaxLag: 2},
		"mi3":         MutualInformation{Bins: 3},
	}
	scale := func(v []float64, e int) []float64 {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = math.Ldexp(v[i], e)
		}
		return out
	}
	for name, m := range metrics {
		t.Run(name, func(t *testing.T) {
			want, err := Distance(m, x, y)
			require.NoError(t, err)
			for _, ex := range []int{1017, 600, 300, -300, -600, -1020, -1070} {
				for _, ey := range []int{0, ex} {
					got, err := Distance(m, scale(x, ex), scale(y, ey))
					require.NoError(t, err)
					require.InDelta(t, want, got, 1e-9, "x·2^%d, y·2^%d", ex, ey)
					self, err := Distance(m, scale(x, ex), scale(x, ex))
					require.NoError(t, err)
					require.InDelta(t, 0, self, 1e-9, "x·2^%d against itself", ex)
				}
			}
			// Values of both signs near the largest float64.
			wide := []float64{math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 0, -math.MaxFloat64 / 2}
			d, err := Distance(m, wide, wide)
			require.NoError(t, err)
			require.InDelta(t, 0, d, 1e-9)
		})
	}
}

// noisyCopy returns x with each count thinned and jittered: what a relay
// that forwards its input produces.
func noisyCopy(r *rand.Rand, x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		for range int(v) {
			j := i
			if r.Float64() < 0.2 && i+1 < len(x) {
				j = i + 1
			}
			y[j]++
		}
	}
	return y
}

func TestDetectionRate(t *testing.T) {
	r := newRand(11)
	const links, q = 4, 512
	inputs := make([][]float64, links)
	outputs := make([][]float64, links)
	truth := []int{2, 0, 3, 1}
	for i := range inputs {
		inputs[i] = poissonCounts(r, q, 3)
		outputs[truth[i]] = noisyCopy(r, inputs[i])
	}
	for _, m := range []Metric{new(Spectral), Correlation{MaxLag: 1}, MutualInformation{}} {
		rate, err := DetectionRate(m, inputs, outputs, truth)
		require.NoError(t, err)
		require.Equal(t, 1.0, rate, "%T", m)
	}
	for _, m := range []Metric{Correlation{MaxLag: -1}, MutualInformation{MaxLag: -1}, MutualInformation{Bins: -1}, MutualInformation{Bins: MaxBins + 1}} {
		_, err := DetectionRate(m, inputs, outputs, truth)
		require.ErrorIs(t, err, ErrParameter, "%#v", m)
	}
	// Independent outputs: the rate is near 1/links on average.
	sum := 0.0
	const trials = 200
	for range trials {
		for i := range outputs {
			outputs[i] = poissonCounts(r, 64, 3)
			inputs[i] = poissonCounts(r, 64, 3)
		}
		rate, err := DetectionRate(new(Spectral), inputs, outputs, truth)
		require.NoError(t, err)
		sum += rate
	}
	require.InDelta(t, 1.0/links, sum/trials, 0.05)

	// Silent links tie: each of the k tied outputs earns 1/k.
	silent := [][]float64{make([]float64, 8), make([]float64, 8), make([]float64, 8)}
	rate, err := DetectionRate(new(Spectral), silent[:1], silent, []int{1})
	require.NoError(t, err)
	require.InDelta(t, 1.0/3, rate, 1e-12)
	m, err := MatchLinks(new(Spectral), silent[:1], silent)
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 2}, m[0].Ties)
	require.Equal(t, 0, m[0].Output)

	_, err = DetectionRate(new(Spectral), silent, silent, []int{0})
	require.ErrorIs(t, err, ErrLengthMismatch)
	_, err = DetectionRate(new(Spectral), silent[:1], silent, []int{3})
	require.ErrorIs(t, err, ErrParameter)
	_, err = MatchLinks(new(Spectral), nil, silent)
	require.ErrorIs(t, err, ErrEmpty)
	_, err = MatchLinks(new(Spectral), [][]float64{make([]float64, 4)}, silent)
	require.ErrorIs(t, err, ErrLengthMismatch)
}

func BenchmarkSpectralDistance(b *testing.B) {
	r := newRand(2)
	x, y := poissonCounts(r, 1024, 5), poissonCounts(r, 1024, 5)
	b.Run("len=1024", func(b *testing.B) {
		var s Spectral
		fx, fy := make([]float64, 0, 512), make([]float64, 0, 512)
		b.ReportAllocs()
		b.SetBytes(2 * 1024 * 8)
		for b.Loop() {
			var err error
			if fx, err = s.Features(fx, x); err != nil {
				b.Fatal(err)
			}
			if fy, err = s.Features(fy, y); err != nil {
				b.Fatal(err)
			}
			_ = s.Compare(fx, fy)
		}
	})
}

func BenchmarkLinkMatching(b *testing.B) {
	for _, n := range []int{3, 100} {
		r := newRand(3)
		in, out := make([][]float64, n), make([][]float64, n)
		for i := range in {
			in[i] = poissonCounts(r, 1024, 5)
			out[i] = noisyCopy(r, in[i])
		}
		b.Run("links="+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := MatchLinks(new(Spectral), in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
