package anonymity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSimulateRelay(t *testing.T) {
	for _, cfg := range []RelayConfig{
		PaperMix(),
		{Kind: TimedMix, Links: 3, Rate: 50, Timeout: 30 * time.Millisecond},
		PaperPACOM(),
	} {
		t.Run(cfg.Kind.String(), func(t *testing.T) {
			tr, err := SimulateRelay(newRand(1), cfg, 20*time.Second)
			require.NoError(t, err)
			require.Len(t, tr.Inputs, cfg.Links)
			require.Len(t, tr.Outputs, cfg.Links)
			require.ElementsMatch(t, tr.Truth, []int{0, 1, 2}[:cfg.Links])
			for i, in := range tr.Inputs {
				// Poisson flows: about Rate·20 packets.
				require.InDelta(t, cfg.Rate*20, float64(len(in)), 6*cfg.Rate)
				out := tr.Outputs[tr.Truth[i]]
				if cfg.Kind != RequestDriven {
					// A mix forwards every packet (but those still
					// buffered at the end), never before it arrived.
					require.InDelta(t, len(in), len(out), float64(cfg.Threshold+1))
					for k := range min(len(in), len(out)) {
						require.GreaterOrEqual(t, out[k], in[k])
					}
				}
			}
		})
	}
	bad := []RelayConfig{
		{Kind: 0, Links: 2, Rate: 1},
		{Kind: ThresholdMix, Links: 1, Rate: 1, Threshold: 1},
		{Kind: ThresholdMix, Links: 2, Rate: 0, Threshold: 1},
		{Kind: ThresholdMix, Links: 2, Rate: 1},
		{Kind: TimedMix, Links: 2, Rate: 1},
		{Kind: RequestDriven, Links: 2, Rate: 1e12},
	}
	for _, cfg := range bad {
		_, err := SimulateRelay(newRand(1), cfg, time.Second)
		require.ErrorIs(t, err, ErrParameter, "%+v", cfg)
	}
	_, err := SimulateRelay(newRand(1), PaperMix(), 0)
	require.ErrorIs(t, err, ErrParameter)
}

// TestDetectionCurves reproduces the shape of Figs. 13 and 15 at small
// scale: against a naive mix the attack's detection rate climbs towards 1
// with observation time, against PACOM's request-driven relay it stays at
// random guessing, 1/3 with three candidate output links.
func TestDetectionCurves(t *testing.T) {
	observe := []time.Duration{time.Second, 30 * time.Second}
	interval := 50 * time.Millisecond
	for _, m := range []Metric{new(Spectral), Correlation{MaxLag: 4}, MutualInformation{MaxLag: 4}} {
		mix, err := DetectionCurve(newRand(7), PaperMix(), m, interval, observe, 40)
		require.NoError(t, err)
		require.Greater(t, mix[1], mix[0], "%T: more observation, more detection", m)
		require.GreaterOrEqual(t, mix[1], 0.95, "%T", m)
		pacom, err := DetectionCurve(newRand(8), PaperPACOM(), m, interval, observe, 60)
		require.NoError(t, err)
		for _, r := range pacom {
			// 60 trials × 3 links: the standard error is ≈ 0.035.
			require.InDelta(t, 1.0/3, r, 0.12, "%T", m)
		}
	}
	_, err := DetectionCurve(newRand(1), PaperMix(), new(Spectral), interval, nil, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = DetectionCurve(newRand(1), PaperMix(), new(Spectral), interval, []time.Duration{time.Millisecond}, 1)
	require.ErrorIs(t, err, ErrParameter)
}

// TestActiveWatermark checks the active attack of §4.3: a watermark on the
// input links shows through a mix and not through PACOM's relay.
func TestActiveWatermark(t *testing.T) {
	observe := []time.Duration{2 * time.Second, 20 * time.Second}
	mix, err := ActiveDetectionCurve(newRand(3), PaperMix(), PaperWatermark(), observe, 40)
	require.NoError(t, err)
	require.GreaterOrEqual(t, mix[1], 0.95)
	require.Greater(t, mix[1], mix[0]-0.05)
	pacom, err := ActiveDetectionCurve(newRand(4), PaperPACOM(), PaperWatermark(), observe, 60)
	require.NoError(t, err)
	for _, r := range pacom {
		require.InDelta(t, 1.0/3, r, 0.12)
	}
	// The modulation is real: input rates follow the code.
	tr, codes, err := SimulateWatermarkedRelay(newRand(5), PaperMix(), Watermark{Chip: time.Second, Depth: 1}, 60*time.Second)
	require.NoError(t, err)
	in, _, err := tr.Patterns(time.Second, 60)
	require.NoError(t, err)
	for i := range in {
		for k, c := range codes[i] {
			if c < 0 {
				require.Zero(t, in[i][k], "depth 1 silences the flow during a −1 chip")
			}
		}
	}
	_, err = ActiveDetectionCurve(newRand(1), PaperMix(), Watermark{Chip: time.Second}, observe, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = ActiveDetectionCurve(newRand(1), PaperMix(), PaperWatermark(), []time.Duration{500 * time.Millisecond}, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, _, err = SimulateWatermarkedRelay(newRand(1), PaperMix(), Watermark{Chip: time.Second, Depth: 2}, time.Second)
	require.ErrorIs(t, err, ErrParameter)
}
