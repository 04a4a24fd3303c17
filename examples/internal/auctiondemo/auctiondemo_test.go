package auctiondemo

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRun runs a small market; Run itself checks that no buyer pays more
// than its valuation, that a replayed token is refused and that the
// ledger balances against the wallets.
func TestRun(t *testing.T) {
	cfg := TourConfig(3)
	cfg.Duration = 10 * time.Second
	cfg.StartTokens = 8
	var out bytes.Buffer
	require.NoError(t, Run(&out, cfg))
	require.Contains(t, out.String(), "audit: the books balance and match the wallets")
	require.Contains(t, out.String(), "double spend:")
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, mut := range []func(*Config){
		func(c *Config) { c.Sellers = 0 },
		func(c *Config) { c.Replicas = 4 },
		func(c *Config) { c.Duration = 0 },
		func(c *Config) { c.StartTokens = -1 },
		func(c *Config) { c.Corrupt = 2 },
	} {
		cfg := TourConfig(1)
		mut(&cfg)
		require.Error(t, Run(&bytes.Buffer{}, cfg))
	}
}
