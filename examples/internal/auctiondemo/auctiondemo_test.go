package auctiondemo

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRun runs a small market; Run itself checks that no buyer pays more
// than its valuation, that a replayed token is refused and that the
// ledger balances against the wallets.
func TestRun(t *testing.T) {
	cfg := TourConfig(3)
	cfg.Duration = 8 * time.Second
	cfg.StartTokens = 6
	var out bytes.Buffer
	require.NoError(t, Run(&out, cfg))
	require.Contains(t, out.String(), "audit: the books balance and match the wallets")
	require.Contains(t, out.String(), "double spend:")
}

// TestReproducible checks that the market is determined by the seed: two
// runs print the same report except for the key-generation time.
func TestReproducible(t *testing.T) {
	cfg := TourConfig(11)
	cfg.Duration = 5 * time.Second
	cfg.Buyers = 5
	cfg.StartTokens = 5
	var a, b bytes.Buffer
	require.NoError(t, Run(&a, cfg))
	require.NoError(t, Run(&b, cfg))
	strip := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.Contains(l, "generated in") {
				out = append(out, l)
			}
		}
		return out
	}
	require.Equal(t, strip(a.String()), strip(b.String()))
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
