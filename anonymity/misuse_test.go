package anonymity

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMisuse: nil, empty, NaN and out-of-range input gets an error, never a
// panic; a nil *rand.Rand is an error for every simulation.
func TestMisuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	nan := []float64{1, math.NaN()}
	ok := []float64{1, 2, 3}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"KS empty", func() error { _, err := KolmogorovSmirnov(nil, ok); return err }, ErrEmpty},
		{"KS NaN", func() error { _, err := KolmogorovSmirnov(ok, nan); return err }, ErrNonFinite},
		{"Mann–Whitney empty", func() error { _, err := MannWhitney(ok, nil); return err }, ErrEmpty},
		{"Mann–Whitney +Inf", func() error { _, err := MannWhitney([]float64{math.Inf(1)}, ok); return err }, ErrNonFinite},
		{"best threshold NaN", func() error { _, err := BestThreshold(nan, ok); return err }, ErrNonFinite},
		{"held-out advantage empty test", func() error { _, err := HeldOutAdvantage(ok, ok, ok, nil); return err }, ErrEmpty},
		{"stratified nil rng", func() error {
			_, err := StratifiedPermutationTest(nil, []Stratum{{Values: ok, Marked: 1}}, 10)
			return err
		}, ErrParameter},
		{"stratified zero rounds", func() error {
			_, err := StratifiedPermutationTest(rng, []Stratum{{Values: ok, Marked: 1}}, 0)
			return err
		}, ErrParameter},
		{"stratified marks too many", func() error {
			_, err := StratifiedPermutationTest(rng, []Stratum{{Values: ok, Marked: 4}}, 10)
			return err
		}, ErrNegative},
		{"stratified NaN", func() error {
			_, err := StratifiedPermutationTest(rng, []Stratum{{Values: nan, Marked: 1}}, 10)
			return err
		}, ErrNonFinite},
		{"stratified nothing to compare", func() error {
			_, err := StratifiedPermutationTest(rng, []Stratum{{Values: ok, Marked: 0}}, 10)
			return err
		}, ErrEmpty},
		{"intent log nil rng", func() error { _, _, err := SimulateIntentLog(nil, IntentModel{}); return err }, ErrParameter},
		{"innocent receiver nil rng", func() error {
			_, err := SimulateInnocentReceiver(nil, &SessionTrace{}, InnocentConfig{})
			return err
		}, ErrParameter},
		{"malicious receiver nil rng", func() error {
			_, err := SimulateMaliciousReceiver(nil, &SessionTrace{}, MaliciousConfig{})
			return err
		}, ErrParameter},
		{"collaboration nil rng", func() error { _, err := SimulateCollaboration(nil, CollaborationConfig{}); return err }, ErrParameter},
		{"relay nil rng", func() error { _, err := SimulateRelay(nil, RelayConfig{}, time.Second); return err }, ErrParameter},
		{"detection curve nil rng", func() error {
			_, err := DetectionCurve(nil, RelayConfig{}, nil, time.Second, nil, 1)
			return err
		}, ErrParameter},
		{"watermarked relay nil rng", func() error {
			_, _, err := SimulateWatermarkedRelay(nil, RelayConfig{}, Watermark{}, time.Second)
			return err
		}, ErrParameter},
		{"active detection nil rng", func() error {
			_, err := ActiveDetectionCurve(nil, RelayConfig{}, Watermark{}, nil, 1)
			return err
		}, ErrParameter},
		{"sessions nil rng", func() error { _, err := GenerateSessions(nil, SessionModel{}); return err }, ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), tt.want)
		})
	}
}
