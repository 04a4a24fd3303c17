package valuation

import (
	"math"
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
