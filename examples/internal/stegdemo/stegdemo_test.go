package stegdemo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	cfg := TourConfig(1)
	cfg.Runs = 4
	var out strings.Builder
	require.NoError(t, Run(&out, cfg))
	s := out.String()
	require.Contains(t, s, "recovers swarm id 42 after 24 HAVEs")
	require.Contains(t, s, `decodes "42@10.0.0.7"`)
	require.Contains(t, s, "found the id in 4 of 4 hiding nodes")

	bad := cfg
	bad.Slot = 3
	require.Error(t, Run(&out, bad))
}
