package pacomrealdemo

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRun runs the demonstration briefly: every message arrives and the
// report names latency, cover and correlation.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	cfg := DefaultConfig(1)
	cfg.Duration = 2 * time.Second
	require.NoError(t, Run(&out, cfg))
	s := out.String()
	for _, want := range []string{"messages delivered, in order, once", "latency median", "cover ratio", "naive relay"} {
		require.True(t, strings.Contains(s, want), "missing %q in\n%s", want, s)
	}
}
