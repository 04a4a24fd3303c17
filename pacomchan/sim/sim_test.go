package sim

import (
	"math"
	mrand "math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func long(t *testing.T) {
	if os.Getenv("SWARMBLOCKS_LONG") != "1" {
		t.Skip("set SWARMBLOCKS_LONG=1 for the paper-scale run")
	}
}

// TestFig10 checks Fig. 10's claims at 2,048 clients: without rejoining the
// average shortest path keeps growing; with 5 % or 10 % of clients
// rejoining it is shorter, and below 4.
func TestFig10(t *testing.T) {
	var paths [3]float64
	for i, r := range []float64{0, 0.05, 0.10} {
		g, err := Grow(PaperGrowth(2048, r, 1))
		require.NoError(t, err)
		require.Equal(t, 1.0, g.Connected, "bootstrapping keeps the network connected")
		require.LessOrEqual(t, g.MeanDegree, 100.0)
		paths[i] = g.AvgPath
	}
	require.Greater(t, paths[0], paths[1]+0.3, "rejoining shortens paths")
	require.Less(t, paths[1], 4.0)
	require.Less(t, paths[2], 4.0)
	small, err := Grow(PaperGrowth(256, 0, 1))
	require.NoError(t, err)
	require.Less(t, small.AvgPath, paths[0], "path length grows with the network")
}

func TestFig10Long(t *testing.T) {
	long(t)
	for _, r := range []float64{0.05, 0.10} {
		g, err := Grow(PaperGrowth(8192, r, 1))
		require.NoError(t, err)
		t.Logf("8192 clients, %.0f%% rejoin: average path %.2f", 100*r, g.AvgPath)
		require.Less(t, g.AvgPath, 4.0, "§6.3: under 4 at 8,192 clients")
	}
	g, err := Grow(PaperGrowth(8192, 0, 1))
	require.NoError(t, err)
	require.Greater(t, g.AvgPath, 6.0, "0%% rejoin grows linearly")
}

func TestGrowBadConfig(t *testing.T) {
	for _, cfg := range []GrowthConfig{
		{Clients: 1, Bootstrappers: 1, MaxConnections: 1},
		{Clients: 10, Rejoin: -0.1, Bootstrappers: 1, MaxConnections: 1},
		{Clients: 10, Rejoin: 2, Bootstrappers: 1, MaxConnections: 1},
		{Clients: 10, Bootstrappers: 0, MaxConnections: 1},
	} {
		_, err := Grow(cfg)
		require.Error(t, err, "%+v", cfg)
	}
}

// TestTheorem1 measures the correlation between the input and output
// packet counts of every relay of the Table 4 circuits, each circuit alone
// on the Fig. 11 network: near 0 under PACOM, near 1 for a naive relay.
func TestTheorem1(t *testing.T) {
	pacom, _, err := Theorem1(Fig11Traffic(1, nil, PACOMMode, 40*time.Second), time.Second, 1)
	require.NoError(t, err)
	naive, _, err := Theorem1(Fig11Traffic(1, nil, NaiveMode, 40*time.Second), time.Second, 1)
	require.NoError(t, err)
	require.Equal(t, 24, pacom.Relays)
	require.InDelta(t, 0, pacom.Mean, 0.1, "PACOM: independent links")
	require.Greater(t, naive.Mean, 0.85, "naive relay: output follows input")
	require.Greater(t, naive.Min, pacom.Max, "every naive relay is more correlated than every PACOM relay")
}

func TestTheorem1Long(t *testing.T) {
	long(t)
	pacom, _, err := Theorem1(Fig11Traffic(1, nil, PACOMMode, 120*time.Second), time.Second, 10)
	require.NoError(t, err)
	t.Logf("%+v", pacom)
	require.InDelta(t, 0, pacom.Mean, 0.03)
}

// TestFig18 checks that cover traffic adapts: the more circuits, the less
// of each client's bandwidth is cover (§6.7).
func TestFig18(t *testing.T) {
	base := Fig11Traffic(1, nil, PACOMMode, 30*time.Second)
	base.MessageRate = DefaultFig18MessageRate
	pts, err := Fig18(base, []int{1, 2, 4}, 1)
	require.NoError(t, err)
	require.InDelta(t, 0.5, pts[0].Cover, 0.15, "about half at one circuit per client")
	require.Greater(t, pts[0].Cover, pts[1].Cover)
	require.Greater(t, pts[1].Cover, pts[2].Cover)
	require.Less(t, pts[2].Cover, 0.3, "little cover at four circuits per client")

	for _, k := range []int{0, -1} {
		_, err := Fig18(base, []int{k}, 1)
		require.Error(t, err, "%d circuits per client", k)
	}
	rng := mrand.New(mrand.NewPCG(1, 1))
	_, err = RandomCircuits(rng, Topology{Clients: 2, Edges: [][2]int{{0, 5}}}, 1, 1)
	require.Error(t, err, "edge outside the clients")
	_, err = RandomCircuits(rng, Fig11(), 1, 0)
	require.Error(t, err, "zero hops")
}

// TestDetection runs the flow-correlation attack of §6.6: it identifies
// the output link of naive relays almost always, and does no better than
// random guessing against PACOM relays.
func TestDetection(t *testing.T) {
	windows := []time.Duration{10 * time.Second, 30 * time.Second}
	naive, err := Detection(Fig11Traffic(1, nil, NaiveMode, 0), Table4(), false, []int{1, 2, 3}, windows, 1)
	require.NoError(t, err)
	pacom, err := Detection(Fig11Traffic(1, nil, PACOMMode, 0), Table4(), false, []int{1, 2, 3}, windows, 1)
	require.NoError(t, err)
	mean := func(ps []DetectionPoint) (rate, random float64) {
		for _, p := range ps {
			rate += p.Rate / float64(len(ps))
			random += p.Random / float64(len(ps))
		}
		return
	}
	nr, _ := mean(naive)
	pr, prandom := mean(pacom)
	t.Logf("detection rate: naive %.2f, PACOM %.2f, random guessing %.2f", nr, pr, prandom)
	require.Greater(t, nr, 0.75, "naive relays are found")
	require.Less(t, pr, prandom+0.2, "PACOM: about random guessing")
	require.Greater(t, nr, pr+0.4)
	for _, p := range pacom {
		require.Equal(t, 8, p.Attempts)
	}
}

func TestTrafficDeterministic(t *testing.T) {
	cfg := Fig11Traffic(7, Table4(), PACOMMode, 10*time.Second)
	a, err := RunTraffic(cfg)
	require.NoError(t, err)
	b, err := RunTraffic(cfg)
	require.NoError(t, err)
	require.Equal(t, a.Counts, b.Counts, "the same seed gives the same run")
	require.Equal(t, a.Delivered, b.Delivered)
	cfg.Seed = 8
	c, err := RunTraffic(cfg)
	require.NoError(t, err)
	require.NotEqual(t, a.Counts, c.Counts)
	require.Greater(t, a.Delivered, a.Sent*9/10, "unsaturated: nearly everything arrives")
	require.Zero(t, a.Errors)
	require.Zero(t, a.Dropped)
	require.Positive(t, a.MeanLatency())
}

func TestTrafficRejoin(t *testing.T) {
	cfg := Fig11Traffic(1, Table4(), PACOMMode, 10*time.Second)
	cfg.FileBlocks = 50
	tr, err := RunTraffic(cfg)
	require.NoError(t, err)
	require.Positive(t, tr.Rejoins, "clients completing a file rejoin another swarm")
	require.Zero(t, tr.Errors)
	require.Greater(t, tr.Delivered, tr.Sent*9/10, "and the channels stay open")
}

func TestTrafficBadConfig(t *testing.T) {
	good := Fig11Traffic(1, Table4(), PACOMMode, time.Second)
	bad := []func(*TrafficConfig){
		func(c *TrafficConfig) { c.Topology.Clients = 1 },
		func(c *TrafficConfig) { c.Duration = 0 },
		func(c *TrafficConfig) { c.RequestRate = 0 },
		// Rates whose Poisson gaps round to 0 ns never let the clock
		// advance: they ran forever.
		func(c *TrafficConfig) { c.RequestRate = math.Inf(1) },
		func(c *TrafficConfig) { c.RequestRate = 1e12 },
		func(c *TrafficConfig) { c.MessageRate = math.Inf(1) },
		func(c *TrafficConfig) { c.MessageRate = 1e12 },
		func(c *TrafficConfig) { c.MessageRate = math.NaN() },
		func(c *TrafficConfig) { c.MaxDelay = 0 },
		func(c *TrafficConfig) { c.FileBlocks = 0 },
		func(c *TrafficConfig) { c.Circuits = [][]int{{0, 7}} }, // P1–P8 is no link
		func(c *TrafficConfig) { c.Topology.Edges = append(c.Topology.Edges, [2]int{0, 1}) },
	}
	for i, f := range bad {
		cfg := good
		cfg.Topology.Edges = append([][2]int(nil), good.Topology.Edges...)
		f(&cfg)
		_, err := RunTraffic(cfg)
		require.Error(t, err, "case %d", i)
	}
}

func TestFig11Table4(t *testing.T) {
	top := Fig11()
	require.Len(t, top.Edges, 19)
	counts := make([]int, 8)
	for _, c := range Table4() {
		require.Len(t, c, 5, "three relays")
		for _, p := range c {
			counts[p]++
		}
	}
	for p, n := range counts {
		require.Equal(t, 5, n, "P%d appears in 5 circuits (§6.6)", p+1)
	}
}
