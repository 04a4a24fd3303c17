package bitstorenetdemo

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRun runs the tour's walkthrough: the file must come back identical.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, Run(&out, TourConfig(1)))
	t.Log(out.String())
	require.Contains(t, out.String(), "identical")
}

func TestRunRejectsBadConfig(t *testing.T) {
	c := TourConfig(1)
	c.Crash = c.Nodes
	require.Error(t, Run(&bytes.Buffer{}, c))
}
