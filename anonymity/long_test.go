package anonymity

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLongReproductions checks the full-scale figures quoted in the package
// documentation. It takes about 20 s and runs only with
// SWARMBLOCKS_LONG=1.
func TestLongReproductions(t *testing.T) {
	if os.Getenv("SWARMBLOCKS_LONG") != "1" {
		t.Skip("set SWARMBLOCKS_LONG=1 to run the full-scale reproductions")
	}
	t.Run("Theorem2", func(t *testing.T) {
		r := newRand(1)
		for _, n := range []int{100, 1000, 10000} {
			for _, mal := range []int{1, 3, 5} {
				for _, sw := range []int{1, 2, 4} {
					res, err := SimulateCollaboration(r, CollaborationConfig{Clients: n, Swarms: sw, Bootstraps: 10, Malicious: mal, Trials: 400})
					require.NoError(t, err)
					require.InDelta(t, res.Theorem, res.Hidden, 0.03, "n=%d q=%d/10 r=%d", n, mal, sw)
					require.InDelta(t, math.Pow(float64(mal)/10, float64(sw)), res.TrappedSender, 0.08)
				}
			}
		}
	})
	t.Run("Fig13and15", func(t *testing.T) {
		observe := []time.Duration{time.Second, 80 * time.Second}
		mix, err := DetectionCurve(newRand(2), PaperMix(), new(Spectral), 50*time.Millisecond, observe, 200)
		require.NoError(t, err)
		require.Less(t, mix[0], 0.8)
		require.GreaterOrEqual(t, mix[1], 0.99)
		pacom, err := DetectionCurve(newRand(3), PaperPACOM(), new(Spectral), 50*time.Millisecond, observe, 200)
		require.NoError(t, err)
		for _, r := range pacom {
			require.InDelta(t, 1.0/3, r, 0.05)
		}
	})
	t.Run("Fig9", func(t *testing.T) {
		ss, err := GenerateSessions(newRand(4), PaperSessionModel(50000, 18*day))
		require.NoError(t, err)
		bg, err := NewSessionTrace(ss)
		require.NoError(t, err)
		cfg := PaperInnocent(14, 100)
		cfg.Start = 2 * day
		none, err := SimulateInnocentReceiver(newRand(5), bg, cfg)
		require.NoError(t, err)
		require.Equal(t, 1.0, none[13])
		cfg.Extend = true
		ext, err := SimulateInnocentReceiver(newRand(6), bg, cfg)
		require.NoError(t, err)
		require.LessOrEqual(t, ext[13], 0.1)
		for _, n := range []time.Duration{12 * time.Hour, 24 * time.Hour} {
			mc := PaperMalicious(14, 100, n)
			mc.Start = 2 * day
			p, err := SimulateMaliciousReceiver(newRand(7), bg, mc)
			require.NoError(t, err)
			require.LessOrEqual(t, p, 0.02, "rotation every %v", n)
		}
		mc := PaperMalicious(14, 100, 0)
		mc.Start = 2 * day
		p, err := SimulateMaliciousReceiver(newRand(8), bg, mc)
		require.NoError(t, err)
		require.Equal(t, 1.0, p)
	})
}
