package sim

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzGrow: any growth configuration either is refused with an error or
// yields a network whose measures are finite and consistent.
func FuzzGrow(f *testing.F) {
	f.Add(uint64(1), uint16(64), 0.05, uint8(10), uint8(100))
	f.Add(uint64(2), uint16(0), -1.0, uint8(0), uint8(0))
	f.Add(uint64(3), uint16(300), math.NaN(), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, seed uint64, clients uint16, rejoin float64, boot, maxConn uint8) {
		cfg := GrowthConfig{Seed: seed, Clients: int(clients % 512), Rejoin: rejoin,
			Bootstrappers: int(boot), MaxConnections: int(maxConn), Sources: 32}
		g, err := Grow(cfg)
		if err != nil {
			return
		}
		require.Equal(t, cfg.Clients, g.Clients)
		require.False(t, math.IsNaN(g.AvgPath) || math.IsInf(g.AvgPath, 0), "AvgPath %v", g.AvgPath)
		require.GreaterOrEqual(t, g.Connected, 0.0)
		require.LessOrEqual(t, g.Connected, 1.0)
		require.GreaterOrEqual(t, g.AvgPath, 0.0)
	})
}

// FuzzRunTraffic: short traffic runs on the Fig. 11 network with random
// rates and circuits never fail a client and conserve segments.
func FuzzRunTraffic(f *testing.F) {
	f.Add(uint64(1), uint8(0), 20.0, 5.0, false)
	f.Add(uint64(2), uint8(3), 0.0, 100.0, true)
	f.Fuzz(func(t *testing.T, seed uint64, circuit uint8, reqRate, msgRate float64, naive bool) {
		mode := PACOMMode
		if naive {
			mode = NaiveMode
		}
		// A run's cost grows with the rates (0.4 s at 20,000 requests per
		// second and link); fold large ones below 1,000 so that no input
		// runs long enough to stall the fuzzer. RunTraffic's own bound on
		// the rates is checked in TestTrafficBadConfig.
		if reqRate > 1000 {
			reqRate = math.Mod(reqRate, 1000)
		}
		if msgRate > 1000 {
			msgRate = math.Mod(msgRate, 1000)
		}
		circuits := Table4()
		cfg := Fig11Traffic(seed, [][]int{circuits[int(circuit)%len(circuits)]}, mode, 2*time.Second)
		cfg.RequestRate, cfg.MessageRate = reqRate, msgRate
		tr, err := RunTraffic(cfg)
		if err != nil {
			return
		}
		require.Zero(t, tr.Errors)
		require.LessOrEqual(t, tr.Delivered+tr.Dropped, tr.Sent)
		if r := tr.CoverRatio(); !math.IsNaN(r) {
			require.GreaterOrEqual(t, r, 0.0)
			require.LessOrEqual(t, r, 1.0)
		}
	})
}

// BenchmarkGrow measures the growth simulation at 1,024 clients.
func BenchmarkGrow(b *testing.B) {
	cfg := PaperGrowth(1024, 0.05, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Grow(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunTraffic measures ten simulated seconds of the Fig. 11
// network carrying Table 4's circuits over real links.
func BenchmarkRunTraffic(b *testing.B) {
	cfg := Fig11Traffic(1, Table4(), PACOMMode, 10*time.Second)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RunTraffic(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
