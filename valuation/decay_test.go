package valuation

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDecayOverManyHalfLives: over thousands of half-lives — past the
// rebasing of the decay clocks every 256 half-lives and far past where an
// unrebased scale would overflow (1024) — the HAVE and REQUEST factors
// equal the decayed shares computed directly from the event times.
func TestDecayOverManyHalfLives(t *testing.T) {
	const halfLife = time.Second
	m, err := NewMarket(Config{HaveHalfLife: halfLife, RequestHalfLife: halfLife / 2})
	require.NoError(t, err)
	for i := range 3 {
		require.NoError(t, m.AddTorrent(TorrentID(i), 100))
	}
	require.NoError(t, m.AddPeer(1))
	for i := range 3 {
		// Unnamed adverts: repeated HAVEs count (named ones are
		// deduplicated per piece).
		require.NoError(t, m.ObserveJoin(0, 1, TorrentID(i), 0))
	}
	type event struct {
		at      time.Duration
		t       TorrentID
		request bool
	}
	var events []event
	for i := range 6000 {
		at := time.Duration(i) * 700 * time.Millisecond // 4,200 half-lives
		ev := event{at: at, t: TorrentID(i % 3), request: i%5 == 0}
		events = append(events, ev)
		if ev.request {
			require.NoError(t, m.ObserveRequest(at, 1, ev.t, i%100))
		} else {
			require.NoError(t, m.ObserveHave(at, 1, ev.t, i%100))
		}
	}
	now := events[len(events)-1].at + 300*time.Millisecond
	share := func(t TorrentID, request bool, hl time.Duration) float64 {
		var x, all float64
		for _, e := range events {
			if e.request != request {
				continue
			}
			w := math.Exp2(-float64(now-e.at) / float64(hl))
			all += w
			if e.t == t {
				x += w
			}
		}
		return x / (all + 1) // the default scale, 1
	}
	for tid := range TorrentID(3) {
		f, err := m.Factors(now, tid)
		require.NoError(t, err)
		require.InEpsilon(t, share(tid, false, halfLife), f.Have, 1e-9, "torrent %d", tid)
		require.InEpsilon(t, share(tid, true, halfLife/2), f.Request, 1e-9, "torrent %d", tid)
	}
}

// TestDecayCacheExact: a DecayCache returns math.Exp2's exact value for
// every exponent, including ones that share a table entry, zero, negative
// zero and underflow; Markets sharing one give bit-identical factors to
// Markets without.
func TestDecayCacheExact(t *testing.T) {
	var c DecayCache
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-300, -1075, -2000, 1023.9, 1e6}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		xs = append(xs, float64(rng.Int64N(int64(8*time.Hour)))/float64(2*time.Minute))
	}
	for pass := range 2 { // the second pass reads the entries the first filled
		for _, x := range xs {
			if got, want := c.exp2(x), math.Exp2(x); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("pass %d: exp2(%v) = %v, want %v", pass, x, got, want)
			}
		}
	}

	shared := new(DecayCache)
	var plain, cached []*Market
	for i := range 4 {
		cfg := Config{HaveHalfLife: time.Duration(i+1) * time.Second}
		m, err := NewMarket(cfg)
		require.NoError(t, err)
		cfg.DecayCache = shared
		mc, err := NewMarket(cfg)
		require.NoError(t, err)
		plain, cached = append(plain, m), append(cached, mc)
	}
	for _, m := range append(slices.Clone(plain), cached...) {
		for ti := range TorrentID(3) {
			require.NoError(t, m.AddTorrent(ti, 50))
		}
		require.NoError(t, m.AddPeer(7))
	}
	var now time.Duration
	for i := range 3000 {
		now += time.Duration(rng.Int64N(int64(2 * time.Second)))
		tid, piece := TorrentID(i%3), i%50
		for j := range plain {
			if i%4 == 0 {
				require.NoError(t, plain[j].ObserveRequest(now, 7, tid, piece))
				require.NoError(t, cached[j].ObserveRequest(now, 7, tid, piece))
			} else {
				require.NoError(t, plain[j].ObserveHave(now, 7, tid, piece))
				require.NoError(t, cached[j].ObserveHave(now, 7, tid, piece))
			}
			a, err := plain[j].Factors(now, tid)
			require.NoError(t, err)
			b, err := cached[j].Factors(now, tid)
			require.NoError(t, err)
			if a != b {
				t.Fatalf("event %d, market %d: factors %+v with a shared cache, %+v without", i, j, b, a)
			}
		}
	}
}
