package anonymity

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestIntentLogHandmade(t *testing.T) {
	s := time.Second
	events := []Event{
		{Kind: Start, At: 0, Node: 1, Torrent: 7},
		{Kind: Start, At: 1 * s, Node: 1, Torrent: 3}, // native, rank 2
		{Kind: Transfer, At: 2 * s, Node: 1, Torrent: 7, Peer: 9, Bytes: 100},
		{Kind: Transfer, At: 3 * s, Node: 1, Torrent: 3, Peer: 9, Bytes: 50},
		{Kind: Transfer, At: 4 * s, Node: 1, Torrent: 3, Peer: 8, Bytes: 30},
		{Kind: Start, At: 5 * s, Node: 2, Torrent: 3}, // node 2's cover
		{Kind: End, At: 11 * s, Node: 1, Torrent: 3},  // native ends first
		{Kind: Transfer, At: 12 * s, Node: 1, Torrent: 7, Peer: 8, Bytes: 40},
		{Kind: End, At: 13 * s, Node: 1, Torrent: 7},
	}
	l, err := NewIntentLog(events, []Interest{{1, 3}})
	require.NoError(t, err)
	require.Equal(t, 2, l.Nodes())
	require.Equal(t, Ranks{Native: []float64{2}, Cover: []float64{1, 1}}, l.StartRanks())
	require.Equal(t, Ranks{Native: []float64{1}, Cover: []float64{2}}, l.EndRanks())

	// Observer 9 first served torrent 7 (2 s) then 3 (3 s); observer 8
	// served 3 (4 s) then 7 (12 s).
	require.Equal(t, Ranks{Native: []float64{1, 2}, Cover: []float64{2, 1}}, l.ObserverStartRanks())
	require.Equal(t, Ranks{Native: []float64{1, 2}, Cover: []float64{2, 1}}, l.ObserverEndRanks())

	g, err := l.Volumes(10 * s)
	require.NoError(t, err)
	require.Equal(t, 2, g.Buckets())
	// Node 1: native 80 bytes in bucket 0, none in 1; cover torrent 7
	// 100 then 40. Node 2 has only a cover torrent, with no bytes.
	require.Equal(t, [][]float64{{80}, {0}}, g.Native)
	require.Equal(t, [][]float64{{100, 0}, {40}}, g.Cover)
	nm, nsd, cm, _ := g.Summary(0)
	require.Equal(t, 80.0, nm)
	require.Equal(t, 0.0, nsd)
	require.Equal(t, 50.0, cm)
	pn, pc := g.Pooled()
	require.Equal(t, []float64{80, 0}, pn)
	require.Equal(t, []float64{100, 0, 40}, pc)

	o, err := l.ObserverVolumes(10 * s)
	require.NoError(t, err)
	// Observer 8 saw native 30 and cover 0 | 40; observer 9 saw native 50
	// and cover 100 | 0. (Same numbers as the global view by chance of
	// this log: one cover torrent per node.)
	require.Equal(t, [][]float64{{30, 50}, {0, 0}}, o.Native)
	require.Equal(t, [][]float64{{0, 100}, {40, 0}}, o.Cover)

	_, err = l.Volumes(0)
	require.ErrorIs(t, err, ErrParameter)
}

// TestIntentLogExtremeTimes covers a log spanning more than the largest
// time.Duration: the transfer's bucket was computed from an overflowed,
// negative offset and its bytes silently vanished from the profile.
func TestIntentLogExtremeTimes(t *testing.T) {
	events := []Event{
		{Kind: Start, At: math.MinInt64, Node: 0, Torrent: 0},
		{Kind: Transfer, At: math.MaxInt64 - 2, Node: 0, Torrent: 0, Peer: 1, Bytes: 100},
	}
	l, err := NewIntentLog(events, []Interest{{0, 0}})
	require.NoError(t, err)
	p, err := l.Volumes(math.MaxInt64)
	require.NoError(t, err)
	require.Equal(t, [][]float64{{0}, {100}}, p.Native)
	p, err = l.ObserverVolumes(math.MaxInt64)
	require.NoError(t, err)
	require.Equal(t, [][]float64{{0}, {100}}, p.Native)
	_, err = l.Volumes(time.Hour)
	require.ErrorIs(t, err, ErrParameter, "far more than MaxBuckets buckets")
}

func TestIntentLogErrors(t *testing.T) {
	st := Event{Kind: Start, At: 5, Node: 1, Torrent: 2}
	tests := []struct {
		name   string
		events []Event
		err    error
	}{
		{"backwards", []Event{st, {Kind: Start, At: 4, Node: 1, Torrent: 3}}, ErrTimeBackwards},
		{"twice", []Event{st, st}, ErrMalformedLog},
		{"end without start", []Event{{Kind: End, At: 1, Node: 1, Torrent: 2}}, ErrMalformedLog},
		{"end twice", []Event{st, {Kind: End, At: 6, Node: 1, Torrent: 2}, {Kind: End, At: 7, Node: 1, Torrent: 2}}, ErrMalformedLog},
		{"transfer before start", []Event{{Kind: Transfer, At: 1, Node: 1, Torrent: 2, Bytes: 1}}, ErrMalformedLog},
		{"transfer after end", []Event{st, {Kind: End, At: 6, Node: 1, Torrent: 2}, {Kind: Transfer, At: 7, Node: 1, Torrent: 2}}, ErrMalformedLog},
		{"negative bytes", []Event{st, {Kind: Transfer, At: 6, Node: 1, Torrent: 2, Bytes: -1}}, ErrNegative},
		{"negative peer", []Event{st, {Kind: Transfer, At: 6, Node: 1, Torrent: 2, Peer: -1}}, ErrParameter},
		{"negative node", []Event{{Kind: Start, Node: -1}}, ErrParameter},
		{"unknown kind", []Event{{Kind: 9}}, ErrMalformedLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewIntentLog(tt.events, nil)
			require.ErrorIs(t, err, tt.err)
		})
	}
	_, err := NewIntentLog(nil, []Interest{{-1, 0}})
	require.ErrorIs(t, err, ErrParameter)
	far := []Event{st, {Kind: Transfer, At: 1 << 62, Node: 1, Torrent: 2}}
	l, err := NewIntentLog(far, nil)
	require.NoError(t, err)
	_, err = l.Volumes(time.Nanosecond)
	require.ErrorIs(t, err, ErrParameter)
	// A log whose profile would be huge is refused before allocating it.
	var huge []Event
	for node := range 1100 {
		huge = append(huge, Event{Kind: Start, Node: node})
	}
	for node := range 1100 {
		huge = append(huge, Event{Kind: Transfer, At: (MaxBuckets - 1) * time.Second, Node: node, Bytes: 1})
	}
	hl, err := NewIntentLog(huge, nil)
	require.NoError(t, err)
	_, err = hl.Volumes(time.Second)
	require.ErrorIs(t, err, ErrParameter)
	_, err = hl.ObserverVolumes(time.Second)
	require.ErrorIs(t, err, ErrParameter)
	p, err := hl.Volumes(time.Hour)
	require.NoError(t, err)
	require.Equal(t, 19, p.Buckets())
	// Report fails cleanly without native interests.
	_, err = l.Report(time.Second)
	require.ErrorIs(t, err, ErrEmpty)
}

// TestIndistinguishability is the property of [Marketplace §5.3] run both
// ways: with an ideal marketplace (bias 0) native and cover behaviour are
// indistinguishable on every view, and with a leaky one (bias 0.8) start
// ranks, end ranks and volumes give intent away.
func TestIndistinguishability(t *testing.T) {
	run := func(bias float64) IntentReport {
		m := PaperIntentModel(0.2, bias)
		ev, native, err := SimulateIntentLog(newRand(42), m)
		require.NoError(t, err)
		l, err := NewIntentLog(ev, native)
		require.NoError(t, err)
		r, err := l.Report(100 * time.Second)
		require.NoError(t, err)
		return r
	}
	fair := run(0)
	for name, c := range map[string]Comparison{"start": fair.StartRank, "end": fair.EndRank, "global": fair.Global.Pooled, "observer": fair.PerObserver.Pooled,
		"observer start": fair.ObserverStartRank, "observer end": fair.ObserverEndRank} {
		require.Greater(t, c.KS.PValue, 0.01, "%s KS p", name)
		require.Greater(t, c.MannWhitney.PValue, 0.01, "%s MW p", name)
		require.Less(t, c.Best.Advantage(), 0.15, "%s advantage", name)
	}
	require.Greater(t, fair.Global.MinP, 0.01)
	require.Greater(t, fair.PerObserver.MinP, 0.01)
	leaky := run(0.8)
	for name, c := range map[string]Comparison{"start": leaky.StartRank, "end": leaky.EndRank} {
		require.Less(t, c.KS.PValue, 1e-4, "%s KS p", name)
		require.Less(t, c.MannWhitney.PValue, 1e-4, "%s MW p", name)
		require.Greater(t, c.Best.Advantage(), 0.2, "%s advantage", name)
	}
	require.Less(t, leaky.Global.MinP, 1e-4)
	require.Greater(t, leaky.Global.MaxAdvantage, 0.2)
	// A single observer sees less than the global view (Fig. 6 vs Fig. 5),
	// but still sees something.
	require.Less(t, leaky.ObserverStartRank.KS.PValue, 1e-4)
	require.Greater(t, leaky.ObserverStartRank.Best.Advantage(), 0.05)
	require.Less(t, leaky.ObserverStartRank.Best.Advantage(), leaky.StartRank.Best.Advantage())
	require.Less(t, leaky.PerObserver.MaxAdvantage, leaky.Global.MaxAdvantage)
}

func TestIntentModelErrors(t *testing.T) {
	m := PaperIntentModel(0.01, 0)
	m.Bias = 2
	_, _, err := SimulateIntentLog(newRand(1), m)
	require.ErrorIs(t, err, ErrParameter)
	m = PaperIntentModel(0.01, 0)
	m.K = 50
	_, _, err = SimulateIntentLog(newRand(1), m)
	require.ErrorIs(t, err, ErrParameter)
}

// FuzzIntentLog feeds arbitrary logs: they are either rejected with an
// error or every statistic stays consistent (ranks are positive and within
// the number of downloads, volume samples are non-negative and add up to
// at most the logged bytes).
func FuzzIntentLog(f *testing.F) {
	f.Add([]byte{1, 0, 1, 2, 0, 3, 1, 2, 9, 5, 2, 4, 1, 2, 0, 0})
	f.Add([]byte{1, 1, 1, 1, 3, 1, 1, 1, 2, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var events []Event
		at := time.Duration(0)
		var total int64
		for i := 0; i+5 <= len(raw); i += 5 {
			at += time.Duration(int8(raw[i+1])) * time.Second // may go backwards
			e := Event{Kind: EventKind(raw[i] % 4), At: at, Node: int(raw[i+2] % 4), Torrent: int(raw[i+3] % 4), Peer: int(raw[i+4] % 3), Bytes: int64(raw[i+4])}
			events = append(events, e)
		}
		l, err := NewIntentLog(events, []Interest{{0, 0}, {1, 1}})
		if err != nil {
			return
		}
		for _, e := range events {
			if e.Kind == Transfer {
				total += e.Bytes
			}
		}
		for _, r := range []Ranks{l.StartRanks(), l.EndRanks(), l.ObserverStartRanks(), l.ObserverEndRanks()} {
			for _, v := range append(r.Native, r.Cover...) {
				require.GreaterOrEqual(t, v, 1.0)
				require.LessOrEqual(t, v, 4.0)
			}
		}
		for _, end := range []bool{false, true} {
			if r, err := l.RankPermutationTest(newRand(1), end, 20); err == nil {
				require.True(t, r.PValue > 0 && r.PValue <= 1)
				require.LessOrEqual(t, r.Nodes, l.Nodes())
			} else {
				require.ErrorIs(t, err, ErrEmpty)
			}
		}
		for _, view := range []func(time.Duration) (*VolumeProfile, error){l.Volumes, l.ObserverVolumes} {
			p, err := view(7 * time.Second)
			require.NoError(t, err)
			n, c := p.Pooled()
			sum := 0.0
			for _, v := range append(n, c...) {
				require.GreaterOrEqual(t, v, 0.0)
				sum += v
			}
			require.LessOrEqual(t, sum, float64(total)+1e-6)
		}
	})
}
