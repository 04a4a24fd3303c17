package anonymity

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSessionTrace(t *testing.T) {
	h := time.Hour
	tr, err := NewSessionTrace([]Session{
		{Client: 1, Start: 0, End: 2 * h},
		{Client: 1, Start: 2 * h, End: 3 * h}, // touching: merged
		{Client: 1, Start: 10 * h, End: 12 * h},
		{Client: 2, Start: 1 * h, End: 11 * h},
		{Client: 3, Start: 5 * h, End: 5 * h}, // empty: dropped
		{Client: 4, Start: 20 * h, End: 100 * h},
	})
	require.NoError(t, err)
	require.Equal(t, 3, tr.Clients())
	require.Equal(t, []int{1}, tr.Online(0))
	require.Equal(t, []int{1, 2}, tr.Online(2*h+30*time.Minute))
	require.Equal(t, []int{2}, tr.Online(3*h))
	require.Equal(t, []int{1, 2}, tr.Online(10*h))
	require.Equal(t, []int{1}, tr.Online(11*h))
	require.Empty(t, tr.Online(12*h))
	require.Equal(t, []int{4}, tr.Online(99*h))
	require.True(t, tr.IsOnline(1, 2*h))
	require.False(t, tr.IsOnline(1, 3*h))
	require.False(t, tr.IsOnline(3, 5*h))
	require.False(t, tr.IsOnline(99, 5*h))

	_, err = NewSessionTrace([]Session{{Client: 1, Start: 5, End: 4}})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = NewSessionTrace([]Session{{Client: -1, Start: 5, End: 6}})
	require.ErrorIs(t, err, ErrParameter)
}

// TestSessionTraceExtremeTimes covers sessions longer than the largest
// time.Duration (their length overflowed, and Online missed them) and
// snapshots so early that the search window's start overflowed.
func TestSessionTraceExtremeTimes(t *testing.T) {
	for _, tc := range []struct {
		s  Session
		at time.Duration
	}{
		{Session{Client: 3, Start: math.MinInt64, End: math.MaxInt64}, 0},
		{Session{Client: 3, Start: math.MinInt64, End: math.MaxInt64}, math.MinInt64},
		{Session{Client: 3, Start: math.MinInt64 + 5, End: 0}, -10},
		{Session{Client: 3, Start: -1, End: math.MaxInt64}, math.MaxInt64 - 1},
	} {
		tr, err := NewSessionTrace([]Session{tc.s, {Client: 1, Start: 0, End: 1}})
		require.NoError(t, err)
		require.True(t, tr.IsOnline(3, tc.at))
		require.Contains(t, tr.Online(tc.at), 3, "%+v at %v", tc.s, tc.at)
	}
}

// FuzzSessionTrace checks that Online and IsOnline agree with a brute-force
// reading of arbitrary sessions, or that the trace is rejected.
func FuzzSessionTrace(f *testing.F) {
	f.Add([]byte{1, 0, 5, 2, 3, 9, 1, 4, 2}, int64(4))
	f.Add([]byte{0, 9, 1}, int64(0))
	f.Fuzz(func(t *testing.T, raw []byte, at int64) {
		var ss []Session
		for i := 0; i+3 <= len(raw); i += 3 {
			ss = append(ss, Session{Client: int(raw[i]%8) - 1, Start: time.Duration(raw[i+1] % 32), End: time.Duration(raw[i+2] % 32)})
		}
		tr, err := NewSessionTrace(ss)
		if err != nil {
			return
		}
		when := time.Duration(at % 40)
		var want []int
		for _, s := range ss {
			if s.Start <= when && when < s.End && !slices.Contains(want, s.Client) {
				want = append(want, s.Client)
			}
		}
		slices.Sort(want)
		got := tr.Online(when)
		require.Equal(t, len(want), len(got), "%v at %v", ss, when)
		if len(want) > 0 {
			require.Equal(t, want, got)
		}
		for c := range 8 {
			require.Equal(t, slices.Contains(want, c), tr.IsOnline(c, when))
		}
	})
}

func TestIntersectionAttack(t *testing.T) {
	_, err := NewIntersectionAttack(0)
	require.ErrorIs(t, err, ErrParameter)
	a, err := NewIntersectionAttack(2)
	require.NoError(t, err)
	a.Observe([]int{5, 1, 2, 3, 4, 4})
	require.Equal(t, []int{1, 2, 3, 4, 5}, a.Suspects())
	_, ok := a.Verdict()
	require.False(t, ok)
	a.Observe([]int{2, 3, 5, 9})
	require.Equal(t, []int{2, 3, 5}, a.Suspects())
	a.Observe([]int{3, 5, 7})
	v, ok := a.Verdict()
	require.True(t, ok)
	require.Equal(t, []int{3, 5}, v)
	// The sender went away: empty intersection, the attack restarts.
	a.Observe([]int{8, 9})
	require.Equal(t, []int{8, 9}, a.Suspects())
	require.Equal(t, 1, a.Restarts())
	require.Equal(t, 4, a.Snapshots())
	v, _ = a.Verdict()
	require.Equal(t, []int{3, 5}, v, "the first verdict stands")
}

func TestGenerateSessions(t *testing.T) {
	m := PaperSessionModel(4000, 20*day)
	ss, err := GenerateSessions(newRand(3), m)
	require.NoError(t, err)
	var online time.Duration
	perClient := map[int]int{}
	for _, s := range ss {
		require.GreaterOrEqual(t, s.Start, time.Duration(0))
		require.LessOrEqual(t, s.End, m.Horizon)
		require.Less(t, s.Start, s.End)
		online += s.End - s.Start
		perClient[s.Client]++
	}
	// Unclipped sessions average 8.42 h; clipping only shortens them.
	mean := online.Hours() / float64(len(ss))
	require.InDelta(t, 8.42, mean, 1.0)
	// The number of torrents per client is geometric with mean
	// 1/(1−p) ≈ 6.9 (the paper measures 7.5 with its fitted law); clipping
	// to the horizon removes some, never adds.
	torrents := 0.0
	for _, c := range perClient {
		torrents += float64(c)
	}
	require.Less(t, torrents/float64(len(perClient)), 1/(1-m.TorrentsP)+0.3)
	require.Greater(t, torrents/float64(len(perClient)), 2.0)

	// Untruncated draws follow the geometric law.
	var sum float64
	r := newRand(4)
	for range 20000 {
		sum += float64(m.torrents(r))
	}
	require.InDelta(t, 1/(1-m.TorrentsP), sum/20000, 0.15)
	require.InDelta(t, m.meanTorrents(), sum/20000, 0.15)
	// Truncation: with a cap of 3 the law is p^(c−1)(1−p)/(1−p³) on 1..3.
	capped := m
	capped.MaxTorrents = 3
	var hist [4]int
	for range 30000 {
		hist[capped.torrents(r)]++
	}
	z := 1 + m.TorrentsP + m.TorrentsP*m.TorrentsP
	for c := 1; c <= 3; c++ {
		require.InDelta(t, math.Pow(m.TorrentsP, float64(c-1))/z, float64(hist[c])/30000, 0.015)
	}

	bad := m
	bad.TorrentsP = 1
	_, err = GenerateSessions(newRand(1), bad)
	require.ErrorIs(t, err, ErrParameter)
	bad = m
	bad.TorrentsP = 0.999999
	bad.MaxTorrents = 1 << 30
	_, err = GenerateSessions(newRand(1), bad)
	require.ErrorIs(t, err, ErrParameter)
	bad = m
	bad.Clients = 0
	_, err = GenerateSessions(newRand(1), bad)
	require.ErrorIs(t, err, ErrParameter)
	require.False(t, math.IsNaN(mean))
}

// TestIntersectionDefences reproduces Fig. 9 at small scale: without
// protection the attack on an innocent receiver succeeds within days, the
// uptime-extension defence keeps it rare; against a malicious receiver,
// slow identity rotation loses and fast rotation wins.
func TestIntersectionDefences(t *testing.T) {
	ss, err := GenerateSessions(newRand(5), PaperSessionModel(6000, 16*day))
	require.NoError(t, err)
	bg, err := NewSessionTrace(ss)
	require.NoError(t, err)

	cfg := PaperInnocent(10, 40)
	cfg.Start = 2 * day
	none, err := SimulateInnocentReceiver(newRand(6), bg, cfg)
	require.NoError(t, err)
	require.Len(t, none, 10)
	require.True(t, slices.IsSorted(none), "success can only grow: %v", none)
	require.GreaterOrEqual(t, none[9], 0.9)
	cfg.Extend = true
	ext, err := SimulateInnocentReceiver(newRand(6), bg, cfg)
	require.NoError(t, err)
	require.LessOrEqual(t, ext[9], 0.25)

	never, err := SimulateMaliciousReceiver(newRand(7), bg, PaperMalicious(10, 30, 0))
	require.NoError(t, err)
	require.Equal(t, 1.0, never)
	fast, err := SimulateMaliciousReceiver(newRand(7), bg, PaperMalicious(10, 30, 12*time.Hour))
	require.NoError(t, err)
	require.LessOrEqual(t, fast, 0.1)

	cfg.Days = 0
	_, err = SimulateInnocentReceiver(newRand(1), bg, cfg)
	require.ErrorIs(t, err, ErrParameter)
	_, err = SimulateInnocentReceiver(newRand(1), nil, PaperInnocent(1, 1))
	require.ErrorIs(t, err, ErrParameter)
	_, err = SimulateMaliciousReceiver(newRand(1), bg, PaperMalicious(1, 1, -time.Hour))
	require.ErrorIs(t, err, ErrParameter)
	tiny := PaperMalicious(30, 1, 0)
	tiny.Snapshot = time.Microsecond
	_, err = SimulateMaliciousReceiver(newRand(1), bg, tiny)
	require.ErrorIs(t, err, ErrParameter)
	late := PaperInnocent(1, 1)
	late.Start = 200 * 365 * day
	_, err = SimulateInnocentReceiver(newRand(1), bg, late)
	require.ErrorIs(t, err, ErrParameter)
}
