package sim

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestGrowTopology: the network GrowTopology returns is the one Grow
// measures (same edge count), with edges inside the clients and no
// duplicates.
func TestGrowTopology(t *testing.T) {
	cfg := PaperGrowth(300, 0.05, 3)
	top, g, err := GrowTopology(cfg)
	require.NoError(t, err)
	g2, err := Grow(cfg)
	require.NoError(t, err)
	require.Equal(t, g2, g)
	require.Equal(t, 300, top.Clients)
	require.Equal(t, g.Edges, len(top.Edges))
	seen := map[[2]int]bool{}
	for _, e := range top.Edges {
		require.Less(t, e[0], e[1])
		require.Less(t, e[1], top.Clients)
		require.False(t, seen[e])
		seen[e] = true
	}
}

// TestFig18FidelityLong measures Fig. 18 on the Fig. 10 topologies (5 %
// rejoining), with the message rate calibrated so that one circuit per
// client gives the paper's 50 % cover, and logs the cover at four circuits
// (the paper: about 10 %). Sizes from SWARMBLOCKS_FIG18_SIZES (default
// 1024,2048,4096,8192), traffic duration SWARMBLOCKS_FIG18_SECONDS
// (default 5). Heavy: minutes per size.
func TestFig18FidelityLong(t *testing.T) {
	long(t)
	sizes := "1024,2048,4096,8192"
	if s := os.Getenv("SWARMBLOCKS_FIG18_SIZES"); s != "" {
		sizes = s
	}
	secs := 5
	if s := os.Getenv("SWARMBLOCKS_FIG18_SECONDS"); s != "" {
		var err error
		secs, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err)
		top, g, err := GrowTopology(PaperGrowth(n, 0.05, 1))
		require.NoError(t, err)
		base := Fig11Traffic(1, nil, PACOMMode, time.Duration(secs)*time.Second)
		base.Topology = top
		start := time.Now()
		fid, err := Fig18Fidelity(base, 0.5, []int{1, 4}, 1)
		require.NoError(t, err)
		t.Logf("seed 1, %d clients (mean degree %.1f): rate %.2f/s; cover %.1f %% at 1 circuit, %.1f %% at 4 (%v)",
			n, g.MeanDegree, fid.Rate, 100*fid.Points[0].Cover, 100*fid.Points[1].Cover, time.Since(start).Round(time.Second))
		require.Greater(t, fid.Points[0].Cover, fid.Points[1].Cover)
	}
}
