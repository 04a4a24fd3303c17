package anonymity

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzMetrics feeds arbitrary pattern vectors to every distance and to the
// link matcher: distances stay in their documented ranges, a pattern is at
// distance ≈ 0 from itself unless it is constant, and matching never
// panics.
func FuzzMetrics(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(2))
	f.Add([]byte{0, 0, 0, 0}, uint8(0))
	f.Add([]byte{255, 0, 255, 0, 255, 0, 1}, uint8(5))
	f.Fuzz(func(t *testing.T, raw []byte, lag uint8) {
		if len(raw) < 2 {
			return
		}
		raw = raw[:min(len(raw), 512)]
		q := len(raw) / 2
		x, y := make([]float64, q), make([]float64, q)
		for i := range q {
			x[i], y[i] = float64(raw[i]), float64(raw[q+i])
		}
		metrics := []Metric{new(Spectral), Correlation{MaxLag: int(lag % 8)}, MutualInformation{MaxLag: int(lag % 8)}, MutualInformation{Bins: int(lag%5) + 1}}
		for _, m := range metrics {
			d, err := Distance(m, x, y)
			require.NoError(t, err)
			require.False(t, math.IsNaN(d))
			require.GreaterOrEqual(t, d, 0.0)
			require.LessOrEqual(t, d, 2.0)
			self, err := Distance(m, x, x)
			require.NoError(t, err)
			constant := slices.Min(x) == slices.Max(x)
			if !constant {
				if _, ok := m.(*Spectral); !ok || q > 2 {
					require.LessOrEqual(t, self, d+1e-9, "%T: self-distance above cross-distance", m)
				}
			}
			lm, err := MatchLinks(m, [][]float64{x, y}, [][]float64{y, x})
			require.NoError(t, err)
			require.Len(t, lm, 2)
			for _, r := range lm {
				require.Contains(t, r.Ties, r.Output)
			}
		}
	})
}

// FuzzIntersectionAttack checks the attack's invariant on arbitrary
// snapshot sequences: the suspects are always in the latest snapshot and in
// every snapshot since the last restart, and a verdict, once announced,
// never changes.
func FuzzIntersectionAttack(f *testing.F) {
	f.Add([]byte{5, 1, 2, 3, 4, 5, 3, 2, 3, 5, 2, 3, 5})
	f.Add([]byte{1, 9, 1, 8, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := NewIntersectionAttack(2)
		require.NoError(t, err)
		var since [][]int
		var verdict []int
		for len(raw) > 0 {
			n := int(raw[0] % 8)
			raw = raw[1:]
			n = min(n, len(raw))
			snap := make([]int, n)
			for i := range n {
				snap[i] = int(raw[i] % 16)
			}
			raw = raw[n:]
			before := a.Restarts()
			a.Observe(snap)
			if a.Restarts() > before || a.Snapshots() == 1 {
				since = nil
			}
			since = append(since, snap)
			for _, s := range a.Suspects() {
				for _, sn := range since {
					require.Contains(t, sn, s)
				}
			}
			if v, ok := a.Verdict(); ok {
				if verdict == nil {
					verdict = v
					require.LessOrEqual(t, len(v), 2)
					require.NotEmpty(t, v)
				}
				require.Equal(t, verdict, v)
			}
		}
	})
}

// FuzzMeasureCounts checks count-based entropy against the weight-based
// one on arbitrary counts.
func FuzzMeasureCounts(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var counts []uint64
		for len(raw) >= 8 {
			counts = append(counts, binary.LittleEndian.Uint64(raw)>>8) // no overflow
			raw = raw[8:]
		}
		m, err := MeasureCounts(counts)
		if err != nil {
			return
		}
		w := make([]float64, len(counts))
		for i, c := range counts {
			w[i] = float64(c)
		}
		mw, err := Measure(w)
		require.NoError(t, err)
		require.InDelta(t, mw.Entropy, m.Entropy, 1e-6)
		require.InDelta(t, mw.MinEntropy, m.MinEntropy, 1e-6)
		require.Equal(t, mw.Support, m.Support)
	})
}
