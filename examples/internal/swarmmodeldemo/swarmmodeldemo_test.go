package swarmmodeldemo

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunSmall(t *testing.T) {
	cfg := TourConfig(3)
	cfg.OutDir = t.TempDir()
	cfg.Runs, cfg.Ratios, cfg.WorkloadDays, cfg.ExchangeTries, cfg.Days = 2, []float64{10}, 20, 10, 10
	var buf bytes.Buffer
	require.NoError(t, Run(&buf, cfg))
	out := buf.String()
	for _, want := range []string{"seed 3", "p = 1 − λ_p/λ_q = 1 − 19.37/133.39 = 0.8548", "β = 6.00", "R'_fail ≈ R_fail^β = 1.0e-06"} {
		require.True(t, strings.Contains(out, want), "missing %q in\n%s", want, out)
	}
	for _, f := range []string{"evolution.png", "speed.png", "collaboration.png"} {
		st, err := os.Stat(filepath.Join(cfg.OutDir, f))
		require.NoError(t, err)
		require.Positive(t, st.Size())
	}
	cfg.Runs = 0
	require.Error(t, Run(&buf, cfg))
}
