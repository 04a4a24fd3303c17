package anonymity

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMeasure(t *testing.T) {
	tests := []struct {
		name    string
		w       []float64
		h, minH float64
		n, supp int
	}{
		{"uniform8", []float64{1, 1, 1, 1, 1, 1, 1, 1}, 3, 3, 8, 8},
		{"probabilities", []float64{0.5, 0.25, 0.25}, 1.5, 1, 3, 3},
		{"unnormalised", []float64{2, 1, 1}, 1.5, 1, 3, 3},
		{"zeros", []float64{0, 0.5, 0, 0.5, 0}, 1, 1, 5, 2},
		{"certain", []float64{0, 0, 7}, 0, 0, 3, 1},
		{"single", []float64{1}, 0, 0, 1, 1},
		{"huge", []float64{1e308, 1e308, 1e308, 1e308}, 2, 2, 4, 4},
		{"tiny", []float64{5e-324, 5e-324}, 1, 1, 2, 2},
		{"negligible", []float64{1, 1e-300}, 1e-300 * 300 * math.Log2(10), 0, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Measure(tt.w)
			require.NoError(t, err)
			require.InDelta(t, tt.h, m.Entropy, 1e-12)
			require.InDelta(t, tt.minH, m.MinEntropy, 1e-12)
			require.Equal(t, tt.n, m.N)
			require.Equal(t, tt.supp, m.Support)
			require.LessOrEqual(t, m.MinEntropy, m.Entropy+1e-12)
			require.InDelta(t, math.Exp2(tt.h), m.EffectiveSize(), 1e-9)
		})
	}
}

// TestMeasurePaths checks that the direct and the rescaled summation agree:
// the same distribution scaled by 2^±400 leaves the direct path's range.
func TestMeasurePaths(t *testing.T) {
	w := []float64{1, 2, 3, 0, 7, 1e-3, 5}
	base, err := Measure(w)
	require.NoError(t, err)
	for _, k := range []int{400, -400, 1000, -1000} {
		scaled := make([]float64, len(w))
		for i, v := range w {
			scaled[i] = math.Ldexp(v, k)
		}
		m, err := Measure(scaled)
		require.NoError(t, err)
		require.InDelta(t, base.Entropy, m.Entropy, 1e-12, "2^%d", k)
		require.InDelta(t, base.MinEntropy, m.MinEntropy, 1e-12, "2^%d", k)
	}
}

func TestMeasureDegree(t *testing.T) {
	m, err := Measure([]float64{1, 1, 1, 1})
	require.NoError(t, err)
	require.InDelta(t, 1, m.Degree(), 1e-15)
	m, err = Measure([]float64{1, 0, 0, 0})
	require.NoError(t, err)
	require.Zero(t, m.Degree())
	m, err = Measure([]float64{3})
	require.NoError(t, err)
	require.Zero(t, m.Degree())
	// Half the mass on one of 4 candidates, the rest spread: S = 1.5 +
	// ... compute directly.
	p := []float64{0.5, 1.0 / 6, 1.0 / 6, 1.0 / 6}
	want := 0.5 + 3*(1.0/6)*math.Log2(6)
	m, err = Measure(p)
	require.NoError(t, err)
	require.InDelta(t, want/2, m.Degree(), 1e-12)
}

func TestMeasureCounts(t *testing.T) {
	tests := []struct {
		counts  []uint64
		h, minH float64
	}{
		{[]uint64{2, 1, 1}, 1.5, 1},
		{[]uint64{5, 5, 5, 5}, 2, 2},
		{[]uint64{0, 9, 0}, 0, 0},
		{[]uint64{1 << 62, 1 << 62}, 1, 1},
	}
	for _, tt := range tests {
		m, err := MeasureCounts(tt.counts)
		require.NoError(t, err)
		require.InDelta(t, tt.h, m.Entropy, 1e-12, "%v", tt.counts)
		require.InDelta(t, tt.minH, m.MinEntropy, 1e-12, "%v", tt.counts)
		// The same distribution as weights agrees.
		w := make([]float64, len(tt.counts))
		for i, c := range tt.counts {
			w[i] = float64(c)
		}
		h, err := Entropy(w)
		require.NoError(t, err)
		require.InDelta(t, h, m.Entropy, 1e-12)
	}
}

func TestMeasureErrors(t *testing.T) {
	tests := []struct {
		w   []float64
		err error
	}{
		{nil, ErrEmpty},
		{[]float64{}, ErrEmpty},
		{[]float64{0.5, math.NaN()}, ErrNonFinite},
		{[]float64{math.Inf(1), 1}, ErrNonFinite},
		{[]float64{0.5, -0.1, 0.6}, ErrNegative},
		{[]float64{0, 0, 0}, ErrNotNormalisable},
	}
	for _, tt := range tests {
		_, err := Measure(tt.w)
		require.ErrorIs(t, err, tt.err, "%v", tt.w)
	}
	_, err := MeasureCounts(nil)
	require.ErrorIs(t, err, ErrEmpty)
	_, err = MeasureCounts([]uint64{0, 0})
	require.ErrorIs(t, err, ErrNotNormalisable)
	_, err = MeasureCounts([]uint64{math.MaxUint64, 2})
	require.ErrorIs(t, err, ErrNotNormalisable)
}

// TestEntropyLarge checks accuracy on a large near-uniform distribution,
// where naive summation of −p log p drifts.
func TestEntropyLarge(t *testing.T) {
	const n = 1 << 20
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 + float64(i%2)*1e-9
	}
	h, err := Entropy(w)
	require.NoError(t, err)
	require.InDelta(t, 20, h, 1e-9)
}

func FuzzMeasure(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 0.0)
	f.Add(0.0, 0.0, 0.0, 0.0)
	f.Add(1e308, 1e-308, 5e-324, 1.0)
	f.Add(-1.0, 2.0, math.NaN(), math.Inf(1))
	f.Fuzz(func(t *testing.T, a, b, c, d float64) {
		w := []float64{a, b, c, d}
		m, err := Measure(w)
		if err != nil {
			return
		}
		require.GreaterOrEqual(t, m.Entropy, 0.0)
		require.LessOrEqual(t, m.Entropy, math.Log2(float64(m.Support))+1e-9)
		require.LessOrEqual(t, m.MinEntropy, m.Entropy+1e-9)
		require.GreaterOrEqual(t, m.Degree(), 0.0)
		require.LessOrEqual(t, m.Degree(), 1+1e-9)
		// Scaling the weights does not change the distribution.
		for i := range w {
			w[i] /= 4
		}
		if m2, err := Measure(w); err == nil && m2.Support == m.Support {
			require.InDelta(t, m.Entropy, m2.Entropy, 1e-9)
		}
	})
}

func BenchmarkEntropy(b *testing.B) {
	for _, n := range []int{1000, 1_000_000} {
		w := make([]float64, n)
		for i := range w {
			w[i] = float64(i%97 + 1)
		}
		b.Run("n="+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				if _, err := Entropy(w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
