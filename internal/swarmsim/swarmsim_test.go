package swarmsim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/steg"
)

// newSwarm returns a picker for m blocks and a swarm of shape cfg around
// it, both drawing from rng.
func newSwarm(t *testing.T, m int, rng *rand.Rand, cfg Config) (*steg.Picker, *Swarm) {
	t.Helper()
	p, err := steg.NewPicker(m, rng)
	require.NoError(t, err)
	s, err := New(p, rng, cfg)
	require.NoError(t, err)
	return p, s
}

func TestNewErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	p, err := steg.NewPicker(64, rng)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    *steg.Picker
		rng  *rand.Rand
		cfg  Config
	}{
		{"nil picker", nil, rng, Config{Leechers: 3}},
		{"nil rng", p, nil, Config{Leechers: 3}},
		{"negative seeds", p, rng, Config{Seeds: -1, Leechers: 3}},
		{"negative leechers", p, rng, Config{Leechers: -3}},
		{"watched above 1", p, rng, Config{Leechers: 3, WatchOnJoin: true, Watched: 1.5}},
		{"watched negative", p, rng, Config{Leechers: 3, WatchOnJoin: true, Watched: -0.1}},
		{"watched NaN", p, rng, Config{Leechers: 3, WatchOnJoin: true, Watched: math.NaN()}},
		{"watched without WatchOnJoin", p, rng, Config{Leechers: 3, Watched: 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.p, tc.rng, tc.cfg)
			require.ErrorIs(t, err, ErrConfig)
			require.Nil(t, s)
		})
	}
	s, err := New(p, rng, Config{Seeds: 1, Leechers: 3})
	require.NoError(t, err)
	_, _, err = s.Download(10, 0, p.Next, p.Downloaded)
	require.ErrorIs(t, err, ErrConfig)
	require.Panics(t, func() { s.Watch(math.NaN()) })
	require.Panics(t, func() { s.Watch(1.01) })
}

// checkSwarm asserts the model's invariants: the picker's availability and
// the eavesdropper's view count exactly the peers (watched peers) holding
// each block, the seeds hold every block and the swarm keeps its size.
func checkSwarm(t *testing.T, s *Swarm, cfg Config) {
	t.Helper()
	require.Len(t, s.peers, cfg.Seeds+cfg.Leechers)
	require.Len(t, s.watched, len(s.peers))
	for b := range s.m {
		have, seen := 0, 0
		for k, bf := range s.peers {
			if bf.Has(b) {
				have++
				if s.watched[k] {
					seen++
				}
			} else {
				require.GreaterOrEqual(t, k, cfg.Seeds, "seed %d misses block %d", k, b)
			}
		}
		require.Equal(t, have, s.p.Availability(b), "availability of block %d", b)
		require.Equal(t, seen, s.view[b], "eavesdropper's view of block %d", b)
		if !s.watching {
			require.Zero(t, s.view[b])
		}
	}
}

// TestInvariants runs whole downloads in every configuration and checks the
// invariants after construction, after Watch and after every step.
func TestInvariants(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      Config
		watch    float64 // < 0: no Watch call
		inflight int
	}{
		{"default order, no eavesdropper", Config{Seeds: 2, Leechers: 12}, -1, 1},
		{"default order, Watch", Config{Seeds: 2, Leechers: 12}, 0.5, 4},
		{"watch on join", Config{Seeds: 2, Leechers: 12, WatchOnJoin: true, Watched: 0.5, InOrder: true}, -1, 1},
		{"watch on join, pipelined", Config{Seeds: 1, Leechers: 5, WatchOnJoin: true, Watched: 1, InOrder: true}, -1, 3},
		{"leechers only", Config{Leechers: 8}, 1, 2},
		{"seeds only", Config{Seeds: 3}, 0.7, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const m = 128
			rng := rand.New(rand.NewPCG(3, 4))
			p, s := newSwarm(t, m, rng, tc.cfg)
			checkSwarm(t, s, tc.cfg)
			if tc.watch >= 0 {
				s.Watch(tc.watch)
				checkSwarm(t, s, tc.cfg)
			}
			steps := 0
			seq, rank, err := s.Download(m, tc.inflight, p.Next, func(b int) error {
				checkSwarm(t, s, tc.cfg) // the previous step's result
				steps++
				return p.Downloaded(b)
			})
			require.NoError(t, err)
			checkSwarm(t, s, tc.cfg)
			require.Len(t, seq, steps)
			require.Equal(t, m, p.Owned(), "a swarm with seeds or growing leechers delivers the whole file")
			require.GreaterOrEqual(t, rank, 0.0)
			require.LessOrEqual(t, rank, 1.0)
			if !s.watching {
				require.Zero(t, rank)
			}
		})
	}
}

// TestReproducible: a run is a function of the seed, and the two draw
// orders give different runs from the same seed.
func TestReproducible(t *testing.T) {
	run := func(cfg Config, seed uint64) ([]int, float64) {
		rng := rand.New(rand.NewPCG(seed, 9))
		p, s := newSwarm(t, 256, rng, cfg)
		if !cfg.WatchOnJoin {
			s.Watch(0.5)
		}
		seq, rank, err := s.Download(256, 1, p.Next, p.Downloaded)
		require.NoError(t, err)
		return seq, rank
	}
	def := Config{Seeds: 2, Leechers: 30}
	join := Config{Seeds: 2, Leechers: 30, WatchOnJoin: true, Watched: 0.5, InOrder: true}
	for _, cfg := range []Config{def, join} {
		a, ra := run(cfg, 1)
		b, rb := run(cfg, 1)
		require.Equal(t, a, b)
		require.Equal(t, ra, rb)
		c, _ := run(cfg, 2)
		require.NotEqual(t, a, c)
	}
	a, _ := run(def, 1)
	b, _ := run(join, 1)
	require.NotEqual(t, a, b)
}

// TestRankRarestFirst: through every peer the eavesdropper sees the
// picker's own availability, so a plain rarest-first node has rank 0
// exactly; a node that picks the most common block instead ranks high.
func TestRankRarestFirst(t *testing.T) {
	const m = 256
	rng := rand.New(rand.NewPCG(5, 6))
	p, s := newSwarm(t, m, rng, Config{Seeds: 1, Leechers: 20})
	s.Watch(1)
	seq, rank, err := s.Download(m/2, 1, p.Next, p.Downloaded)
	require.NoError(t, err)
	require.Len(t, seq, m/2)
	require.Zero(t, rank)

	rng = rand.New(rand.NewPCG(5, 6))
	p, s = newSwarm(t, m, rng, Config{Seeds: 1, Leechers: 20})
	s.Watch(1)
	commonest := func() (int, error) {
		best := -1
		for b := range m {
			if !p.Has(b) && (best < 0 || p.Availability(b) > p.Availability(best)) {
				best = b
			}
		}
		if best < 0 {
			return 0, steg.ErrComplete
		}
		return best, nil
	}
	_, rank, err = s.Download(m/2, 1, commonest, p.Downloaded)
	require.NoError(t, err)
	require.Greater(t, rank, 0.5)
}

// TestDownloadStops: Download stops at count blocks, at the end of the
// file, and on the first error of next or done.
func TestDownloadStops(t *testing.T) {
	const m = 64
	rng := rand.New(rand.NewPCG(7, 8))
	p, s := newSwarm(t, m, rng, Config{Seeds: 1, Leechers: 4})
	seq, _, err := s.Download(10, 3, p.Next, p.Downloaded)
	require.NoError(t, err)
	require.Len(t, seq, 10)
	seq, _, err = s.Download(10*m, 3, p.Next, p.Downloaded)
	require.NoError(t, err)
	require.Len(t, seq, m-10-2, "two requests of the first call are still reserved")
	require.Equal(t, m-2, p.Owned())

	boom := errors.New("boom")
	p, s = newSwarm(t, m, rng, Config{Seeds: 1, Leechers: 4})
	_, _, err = s.Download(m, 1, func() (int, error) { return 0, boom }, p.Downloaded)
	require.ErrorIs(t, err, boom)
	_, _, err = s.Download(m, 1, p.Next, func(int) error { return boom })
	require.ErrorIs(t, err, boom)
}
