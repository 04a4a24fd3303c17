package swarmmodel

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func testWorkload(t testing.TB, cfg WorkloadConfig, seed uint64) *Workload {
	w, err := NewWorkload(cfg, rand.New(rand.NewPCG(seed, 0x5eed)))
	require.NoError(t, err)
	return w
}

// checkWorkloadInvariants drains up to max events and asserts the
// properties every consumer relies on.
func checkWorkloadInvariants(t testing.TB, w *Workload, max int) (n int) {
	type peerInfo struct {
		nth    int
		state  EventKind
		final  bool
		joined map[TorrentID]bool
	}
	peers := map[PeerID]*peerInfo{}
	born := map[TorrentID]time.Duration{}
	var last time.Duration
	nextTorrent := TorrentID(0)
	horizon := w.Config().Horizon
	for ev := range w.Events() {
		n++
		require.GreaterOrEqual(t, ev.Time, last, "events out of order")
		last = ev.Time
		if horizon > 0 {
			require.LessOrEqual(t, ev.Time, horizon)
		}
		if ev.Kind == TorrentBorn {
			require.Equal(t, nextTorrent, ev.Torrent, "torrent ids in birth order")
			nextTorrent++
			born[ev.Torrent] = ev.Time
		} else {
			bt, ok := born[ev.Torrent]
			require.True(t, ok, "event for unborn torrent %d", ev.Torrent)
			require.LessOrEqual(t, bt, ev.Time)
			p := peers[ev.Peer]
			switch ev.Kind {
			case Request:
				if p == nil {
					require.Equal(t, 1, ev.Nth, "first request is the peer's birth")
					p = &peerInfo{joined: map[TorrentID]bool{}}
					peers[ev.Peer] = p
				} else {
					require.False(t, p.final, "peer reappears after its final leave")
					require.Equal(t, Leave, p.state)
					require.Equal(t, p.nth+1, ev.Nth)
				}
				require.False(t, p.joined[ev.Torrent], "peer joins a torrent twice")
				p.joined[ev.Torrent] = true
				p.nth = ev.Nth
			case Complete:
				require.NotNil(t, p)
				require.Equal(t, Request, p.state)
				require.Equal(t, p.nth, ev.Nth)
			case Leave:
				require.NotNil(t, p)
				require.Equal(t, Complete, p.state)
				p.final = ev.Final
			default:
				t.Fatalf("unknown event kind %v", ev.Kind)
			}
			p.state = ev.Kind
		}
		if n == max {
			break
		}
	}
	return n
}

func TestWorkloadDeterministic(t *testing.T) {
	cfg := PaperWorkload()
	a, b := testWorkload(t, cfg, 7), testWorkload(t, cfg, 7)
	c := testWorkload(t, cfg, 8)
	differ := false
	for range 20000 {
		ea, oka := a.Next()
		eb, okb := b.Next()
		ec, _ := c.Next()
		require.True(t, oka && okb)
		require.Equal(t, ea, eb)
		differ = differ || ea != ec
	}
	require.True(t, differ, "different seeds gave the same trace")
}

func TestWorkloadInvariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func() WorkloadConfig
	}{
		{"paper", PaperWorkload},
		{"fixed-torrents", func() WorkloadConfig {
			c := PaperWorkload()
			c.TorrentBirthRate = 0
			c.InitialTorrents = 3 // peers run out of torrents quickly
			c.Continue = 0.95
			return c
		}},
		{"horizon", func() WorkloadConfig {
			c := PaperWorkload()
			c.Horizon = 200 * time.Hour
			return c
		}},
		{"no-initial", func() WorkloadConfig {
			c := PaperWorkload()
			c.InitialTorrents = 0
			c.TorrentBirthRate = PerHour(0.01) // peers wait for the first torrent
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := checkWorkloadInvariants(t, testWorkload(t, tc.cfg(), 1), 15000)
			require.Positive(t, n)
		})
	}
}

func TestWorkloadHorizonEnds(t *testing.T) {
	cfg := PaperWorkload()
	cfg.Horizon = 100 * time.Hour
	w := testWorkload(t, cfg, 3)
	n := 0
	for range w.Events() {
		n++
	}
	_, ok := w.Next()
	require.False(t, ok)
	// About λ_t·100 h torrent births and λ_p·100 h peer births at least.
	require.Greater(t, n, int(cfg.PeerBirthRate.Per(cfg.Horizon)))
}

// TestWorkloadStatistics checks the distributions the paper measured: the
// number of torrents per peer is geometric with mean 1/(1−p) (Eq. 4.13),
// seeding times are exponential with mean τ_sd, and the aggregate request
// rate is λ_q = λ_p/(1−p) (Eq. 4.14).
func TestWorkloadStatistics(t *testing.T) {
	cfg := PaperWorkload()
	cfg.MeanSleeping = 10 * time.Hour // shorter cycles: more finished peers per event
	cfg.Horizon = 2000 * time.Hour
	w := testWorkload(t, cfg, 11)
	const cutoff = 1000 * time.Hour // peers born before it are mostly dead by the horizon
	count := map[PeerID]int{}
	dead := map[PeerID]bool{}
	bornEarly := map[PeerID]bool{}
	seedStart := map[PeerID]time.Duration{}
	var seedSum time.Duration
	var seedN int
	var requestsLate int
	for ev := range w.Events() {
		switch ev.Kind {
		case Request:
			if ev.Nth == 1 && ev.Time < cutoff {
				bornEarly[ev.Peer] = true
			}
			count[ev.Peer]++
			if ev.Time >= cutoff {
				requestsLate++
			}
		case Complete:
			seedStart[ev.Peer] = ev.Time
		case Leave:
			seedSum += ev.Time - seedStart[ev.Peer]
			seedN++
			if ev.Final {
				dead[ev.Peer] = true
			}
		}
	}
	var sum, n float64
	for id := range bornEarly {
		if dead[id] {
			sum += float64(count[id])
			n++
		}
	}
	p := float64(cfg.Continue)
	require.Greater(t, n, 15000.0)
	// Peers still alive at the horizon are excluded, which biases the mean
	// down very slightly; 3% covers it and ~4 standard errors.
	require.InEpsilon(t, 1/(1-p), sum/n, 0.03, "mean torrents per peer")
	require.InEpsilon(t, hours(cfg.MeanSeeding), hours(seedSum)/float64(seedN), 0.02, "mean seeding time")
	lq := float64(requestsLate) / hours(cfg.Horizon-cutoff)
	require.InEpsilon(t, float64(cfg.RequestRate()), lq, 0.03, "request rate λ_q")
}

func TestWorkloadConfigErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		mod  func(*WorkloadConfig)
		err  error
	}{
		{"zero peer rate", func(c *WorkloadConfig) { c.PeerBirthRate = 0 }, ErrRate},
		{"nan peer rate", func(c *WorkloadConfig) { c.PeerBirthRate = Rate(nan) }, ErrRate},
		{"inf torrent rate", func(c *WorkloadConfig) { c.TorrentBirthRate = Rate(math.Inf(1)) }, ErrRate},
		{"negative torrent rate", func(c *WorkloadConfig) { c.TorrentBirthRate = -1 }, ErrRate},
		{"p = 1", func(c *WorkloadConfig) { c.Continue = 1 }, ErrProbability},
		{"p = 0", func(c *WorkloadConfig) { c.Continue = 0 }, ErrProbability},
		{"p nan", func(c *WorkloadConfig) { c.Continue = Probability(nan) }, ErrProbability},
		{"tau 0", func(c *WorkloadConfig) { c.Tau = 0 }, ErrDuration},
		{"negative seeding", func(c *WorkloadConfig) { c.MeanSeeding = -time.Hour }, ErrDuration},
		{"no torrents", func(c *WorkloadConfig) { c.InitialTorrents, c.TorrentBirthRate = 0, 0 }, ErrParameter},
		{"negative initial", func(c *WorkloadConfig) { c.InitialTorrents = -1 }, ErrParameter},
		{"negative horizon", func(c *WorkloadConfig) { c.Horizon = -1 }, ErrDuration},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := PaperWorkload()
			tc.mod(&c)
			_, err := NewWorkload(c, rand.New(rand.NewPCG(1, 2)))
			require.ErrorIs(t, err, tc.err)
		})
	}
	_, err := NewWorkload(PaperWorkload(), nil)
	require.ErrorIs(t, err, ErrParameter)
}

// FuzzWorkload: any accepted configuration yields a well-formed event
// stream.
func FuzzWorkload(f *testing.F) {
	f.Add(0.9454, 1, 19.37, 0.8551, 87.0, 2.0, 8.42, 71.0, 0.0, uint64(1))
	f.Add(0.0, 2, 5.0, 0.99, 1.0, 0.1, 0.1, 0.1, 50.0, uint64(2))
	f.Add(1e6, 0, 1e-6, 1e-9, 1e-9, 1e5, 1e-3, 1e5, 1e3, uint64(3))
	f.Fuzz(func(t *testing.T, lt float64, init int, lp, p, tau, dl, sd, sl, horizon float64, seed uint64) {
		h := func(x float64) time.Duration { return hoursToDuration(x) }
		cfg := WorkloadConfig{
			TorrentBirthRate: Rate(lt), InitialTorrents: init % 1000, PeerBirthRate: Rate(lp),
			Continue: Probability(p), Tau: h(tau), MeanDownload: h(dl), MeanSeeding: h(sd),
			MeanSleeping: h(sl), Horizon: h(horizon),
		}
		w, err := NewWorkload(cfg, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			require.Nil(t, w)
			return
		}
		checkWorkloadInvariants(t, w, 5000)
	})
}

func BenchmarkWorkload(b *testing.B) {
	b.Run("events=1e6", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := testWorkload(b, PaperWorkload(), 1)
			for range 1_000_000 {
				if _, ok := w.Next(); !ok {
					b.Fatal("workload ended")
				}
			}
		}
		b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// TestWorkloadTorrentArrivals: a torrent's arrivals decay as λ0·e^(−t/τ)
// (Eq. 3.1). Pooled over torrents, the age of the requested torrent at
// request time is exponential with mean τ, as the CCDF of Fig. 1(a) is a
// straight line on a log scale; each torrent receives λ_q/λ_t requests on
// average.
func TestWorkloadTorrentArrivals(t *testing.T) {
	cfg := PaperWorkload()
	cfg.Tau = 40 * time.Hour
	cfg.MeanSleeping = 10 * time.Hour
	cfg.Horizon = 1500 * time.Hour
	w := testWorkload(t, cfg, 21)
	born := map[TorrentID]time.Duration{}
	perTorrent := map[TorrentID]int{}
	var ages []time.Duration
	const from, to = 500 * time.Hour, 1000 * time.Hour // steady state, long before the horizon
	for ev := range w.Events() {
		switch ev.Kind {
		case TorrentBorn:
			born[ev.Torrent] = ev.Time
		case Request:
			b := born[ev.Torrent]
			if ev.Time >= from {
				ages = append(ages, ev.Time-b)
			}
			if b >= from && b < to {
				perTorrent[ev.Torrent]++
			}
		}
	}
	var sum float64
	for _, a := range ages {
		sum += hours(a)
	}
	require.Greater(t, len(ages), 50000)
	require.InEpsilon(t, hours(cfg.Tau), sum/float64(len(ages)), 0.05, "mean age of requested torrents")
	fit, err := FitPopulation(ages)
	require.NoError(t, err)
	require.InEpsilon(t, hours(cfg.Tau), fit.Tau.Hours(), 0.1, "CCDF slope")
	require.Less(t, fit.Deviation, 0.1)

	var total float64
	n := 0
	for id, b := range born {
		if b >= from && b < to {
			total += float64(perTorrent[id])
			n++
		}
	}
	require.Greater(t, n, 300)
	require.InEpsilon(t, float64(cfg.RequestRate()/cfg.TorrentBirthRate), total/float64(n), 0.1, "requests per torrent")
}
