package bitstoredemo

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	cfg := TourConfig(1)
	cfg.Nodes, cfg.Chunks = 300, 8
	var out bytes.Buffer
	require.NoError(t, Run(&out, cfg))
	require.Contains(t, out.String(), "chunks lost: 0 of 8")
	require.True(t, strings.Contains(out.String(), "ring is ideal again"))
	// Reproducible from the seed.
	var again bytes.Buffer
	require.NoError(t, Run(&again, cfg))
	strip := func(s string) string { // drop the wall-clock build time
		i := strings.Index(s, "ring ideal after")
		j := strings.Index(s[i:], ";")
		return s[:i] + s[i+j:]
	}
	require.Equal(t, strip(out.String()), strip(again.String()))
}
