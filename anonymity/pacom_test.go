package anonymity

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUseCases(t *testing.T) {
	s, err := PrivateUseCase(1 << 20)
	require.NoError(t, err)
	require.Equal(t, 20.0, s)
	s, err = PublicUseCase(1024)
	require.NoError(t, err)
	require.Equal(t, 10.0, s)
	_, err = PrivateUseCase(0)
	require.ErrorIs(t, err, ErrParameter)
	_, err = PublicUseCase(-3)
	require.ErrorIs(t, err, ErrParameter)
}

func TestTheorem2(t *testing.T) {
	tests := []struct {
		n    int
		q, r float64
		want float64
	}{
		{1024, 0, 3, 10},                        // no malicious bootstrap: log n
		{1000, 0.5, 1, math.Log2(500)},          // half trapped
		{1000, 0.5, 3, math.Log2(1000 * 0.875)}, // more swarms, fewer traps
		{100, 0.1, 2.5, math.Log2(100 * (1 - math.Pow(0.1, 2.5)))},
		{100, 1, 4, 0}, // everyone trapped
		{1, 0.9, 1, 0}, // fewer than one hidden client
	}
	for _, tt := range tests {
		got, err := Theorem2(tt.n, tt.q, tt.r)
		require.NoError(t, err)
		require.InDelta(t, tt.want, got, 1e-12, "%+v", tt)
	}
	// Anonymity grows with r (the paper's observation after Theorem 2).
	prev := -1.0
	for r := 1.0; r <= 8; r++ {
		s, err := Theorem2(1000, 0.3, r)
		require.NoError(t, err)
		require.Greater(t, s, prev)
		prev = s
	}
	for _, bad := range []struct {
		n    int
		q, r float64
	}{{0, 0.1, 1}, {10, -0.1, 1}, {10, 1.1, 1}, {10, 0.1, 0}, {10, math.NaN(), 1}, {10, 0.1, math.Inf(1)}} {
		_, err := Theorem2(bad.n, bad.q, bad.r)
		require.ErrorIs(t, err, ErrParameter, "%+v", bad)
	}
}

// TestSimulateCollaboration checks Theorem 2 against its Monte-Carlo
// simulation over a small grid: the entropy measured when the sender is
// hidden matches log2(n(1 − q^r)) within a few hundredths of a bit, and the
// trap rates match q^r.
func TestSimulateCollaboration(t *testing.T) {
	for _, n := range []int{200, 1000} {
		for _, qr := range []struct{ bootstraps, malicious, swarms int }{{10, 1, 1}, {10, 3, 2}, {10, 5, 1}, {10, 5, 3}} {
			cfg := CollaborationConfig{Clients: n, Swarms: qr.swarms, Bootstraps: qr.bootstraps, Malicious: qr.malicious, Trials: 300}
			res, err := SimulateCollaboration(newRand(uint64(n+qr.swarms)), cfg)
			require.NoError(t, err)
			trap := math.Pow(cfg.Q(), float64(cfg.Swarms))
			want, _ := Theorem2(n, cfg.Q(), float64(cfg.Swarms))
			require.Equal(t, want, res.Theorem)
			require.InDelta(t, want, res.Hidden, 0.03, "%+v", cfg)
			require.InDelta(t, trap*float64(n), res.TrappedClients, 0.05*trap*float64(n)+1)
			require.InDelta(t, trap, res.TrappedSender, 4*math.Sqrt(trap*(1-trap)/300)+0.01)
			require.InDelta(t, (1-res.TrappedSender)*res.Hidden, res.Overall, 1e-9)
		}
	}
	_, err := SimulateCollaboration(newRand(1), CollaborationConfig{Clients: 10, Swarms: 1, Bootstraps: 2, Malicious: 3, Trials: 1})
	require.ErrorIs(t, err, ErrParameter)
	// Everything malicious: every sender is trapped.
	res, err := SimulateCollaboration(newRand(1), CollaborationConfig{Clients: 10, Swarms: 2, Bootstraps: 2, Malicious: 2, Trials: 5})
	require.NoError(t, err)
	require.True(t, math.IsNaN(res.Hidden))
	require.Zero(t, res.Overall)
	require.Equal(t, 1.0, res.TrappedSender)
}
