package chord

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDiskEstimate(t *testing.T) {
	got, err := DiskEstimate(MininovaTorrents, MininovaUsers, MininovaFileBytes, 10)
	require.NoError(t, err)
	require.InDelta(t, 242e6, float64(got), 0.5e6, "Appendix A: ≈242 MB per user")
	for _, bad := range [][4]int64{{1, 0, 1, 1}, {-1, 1, 1, 1}, {1, 1, -1, 1}, {1, 1, 1, -1}, {math.MaxInt64, 1, 2, 1}} {
		_, err := DiskEstimate(bad[0], bad[1], bad[2], int(bad[3]))
		require.ErrorIs(t, err, ErrModel)
	}
}

func TestAppendixB(t *testing.T) {
	term, err := ClaimBTerm(10, 3)
	require.NoError(t, err)
	require.InDelta(t, 1.0/120, term, 1e-15)
	full, err := FullReplicationLoss(10, 0.1)
	require.NoError(t, err)
	require.InDelta(t, 1e-10, full, 1e-22, "§4.2: on the order of 10^-10")
	_, err = FullReplicationLoss(10, math.NaN())
	require.ErrorIs(t, err, ErrModel)
	_, err = NewLazyRepairModel(10, 11, 0.1)
	require.ErrorIs(t, err, ErrModel)
	_, err = NewLazyRepairModel(10, 3, math.NaN())
	require.ErrorIs(t, err, ErrModel)

	tests := []struct {
		q, c int
		p    float64
	}{{10, 3, 0.1}, {10, 10, 0.1}, {10, 1, 0.1}, {5, 2, 0.5}, {1, 1, 0.3}, {10, 0, 0.1}}
	for _, tt := range tests {
		m, err := NewLazyRepairModel(tt.q, tt.c, tt.p)
		require.NoError(t, err)
		// Each row keeps total probability: survivors plus loss.
		for a := 1; a <= tt.q; a++ {
			sum := 0.0
			for _, v := range m.t[a][1:] {
				sum += v
			}
			require.InDelta(t, 1-math.Pow(tt.p, float64(a)), sum, 1e-12)
		}
		loss, mean := m.StationaryLoss()
		require.True(t, loss > 0 && loss < 1, "loss %v", loss)
		require.True(t, mean >= 1 && mean <= float64(tt.q))
		if tt.c == tt.q { // full repair: every interval starts with q replicas
			require.InDelta(t, math.Pow(tt.p, float64(tt.q)), loss, 1e-9*math.Pow(tt.p, float64(tt.q)))
			require.InDelta(t, float64(tt.q), mean, 1e-9)
		}
		if tt.c == 0 { // no repair: one replica left on average, lost at rate p
			require.InDelta(t, tt.p, loss, 1e-9)
		}
	}
	// More repair never hurts.
	prev := 1.0
	for c := 0; c <= 10; c++ {
		m, err := NewLazyRepairModel(10, c, 0.1)
		require.NoError(t, err)
		loss, _ := m.StationaryLoss()
		require.Less(t, loss, prev)
		prev = loss
	}
	m, err := NewLazyRepairModel(10, 3, 0.1)
	require.NoError(t, err)
	within, visits := m.LossWithin(1000)
	require.InDelta(t, 4e-4, within, 1e-4)
	require.InDelta(t, 1000, visits, 1)
}
