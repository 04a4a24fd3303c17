package swarmmodel

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMisuse: every constructor and simulation rejects nil, zero, NaN and
// out-of-range input with an error, never a panic.
func TestMisuse(t *testing.T) {
	evo, err := NewEvolution(10, time.Hour, 1)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"evolution NaN λ0", func() error { _, err := NewEvolution(Rate(math.NaN()), time.Hour, 1); return err }, ErrRate},
		{"evolution zero τ", func() error { _, err := NewEvolution(10, 0, 1); return err }, ErrDuration},
		{"collaboration NaN p", func() error { _, err := NewCollaboration(Probability(math.NaN()), 1); return err }, ErrProbability},
		{"collaboration zero r", func() error { _, err := NewCollaboration(0.5, 0); return err }, ErrRate},
		{"fluid zero evolution", func() error { _, err := NewFluid(Evolution{}, 1, 1, 0.5); return err }, ErrParameter},
		{"fluid NaN η", func() error { _, err := NewFluid(evo, 1, 1, math.NaN()); return err }, ErrParameter},
		{"multi-torrent NaN λ_t", func() error {
			_, err := NewMultiTorrent(Rate(math.NaN()), 1, 0.5, 1, time.Hour)
			return err
		}, ErrRate},
		{"swarm nil rng", func() error { _, err := SimulateSwarm(SwarmConfig{Evolution: evo}, nil); return err }, ErrParameter},
		{"workload nil rng", func() error { _, err := NewWorkload(WorkloadConfig{}, nil); return err }, ErrParameter},
		{"workload zero config", func() error { _, err := NewWorkload(WorkloadConfig{}, rng); return err }, nil},
		{"fit no arrivals", func() error { _, err := FitArrivals(nil); return err }, ErrSamples},
		{"p from no counts", func() error { _, err := PFromCounts(nil); return err }, ErrSamples},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.want == nil {
				require.Error(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
	// SampleArrivals returns no error: an invalid Evolution or a nil rng
	// samples nothing.
	require.Empty(t, evo.SampleArrivals(nil, 0, nil))
}
