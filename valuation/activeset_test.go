package valuation

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func universe(n int) []TorrentID {
	u := make([]TorrentID, n)
	for i := range u {
		u[i] = TorrentID(i)
	}
	return u
}

func TestNewActiveSet(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int
		lateStart time.Duration
		wantLen   int
		native    bool
	}{
		{"paper k=5", 5, 40, 0, 5, true},
		{"k=1", 1, 40, 0, 1, true},
		{"small universe", 5, 3, 0, 4, true}, // native + the 3 others
		{"late start", 5, 40, time.Hour, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			a, err := NewActiveSet(ActiveSetConfig{K: tt.k, LateStart: tt.lateStart}, 100, universe(tt.n), rng)
			require.NoError(t, err)
			m := a.AppendMembers(nil)
			require.Len(t, m, tt.wantLen)
			sorted := slices.Clone(m)
			slices.Sort(sorted)
			require.Len(t, slices.Compact(sorted), tt.wantLen, "duplicates")
			require.Equal(t, tt.native, a.Contains(100))
		})
	}
	for _, k := range []int{0, -1, MaxK + 1} {
		_, err := NewActiveSet(ActiveSetConfig{K: k}, 0, universe(10), rand.New(rand.NewPCG(1, 2)))
		require.ErrorIs(t, err, ErrConfig)
	}
}

// TestJoinUniform checks that the k−1 cover torrents are drawn uniformly
// (§5.1) and that the native interest sits at a uniform position.
func TestJoinUniform(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	counts := make([]int, 10)
	pos := make([]int, 5)
	const trials = 20000
	for range trials {
		a, err := NewActiveSet(ActiveSetConfig{K: 5}, 0, universe(10), rng)
		require.NoError(t, err)
		for i, m := range a.AppendMembers(nil) {
			counts[m]++
			if m == 0 {
				pos[i]++
			}
		}
	}
	require.Equal(t, trials, counts[0])
	for _, c := range counts[1:] {
		require.InDelta(t, trials*4/9, c, trials*0.03) // each cover with probability 4/9
	}
	for _, c := range pos {
		require.InDelta(t, trials/5, c, trials*0.03)
	}
}

func TestReplacement(t *testing.T) {
	const pieces = 100
	m := newTestMarket(t, DefaultWeights(), 10, pieces, 1, 2, 3)
	rng := rand.New(rand.NewPCG(5, 6))
	a, err := NewActiveSet(ActiveSetConfig{K: 3, MinInterval: time.Minute}, 0, universe(10), rng)
	require.NoError(t, err)
	members := a.AppendMembers(nil)
	var hot TorrentID
	for _, c := range universe(10) {
		if !a.Contains(c) {
			hot = c
			break
		}
	}
	// The neighbours advertise and request a torrent outside the set.
	now := time.Second
	for _, p := range []PeerID{1, 2, 3} {
		require.NoError(t, m.ObserveJoin(now, p, hot, 0))
		for i := range 5 {
			require.NoError(t, m.ObserveRequest(now, p, hot, i))
		}
	}
	ch, err := a.Update(now, m)
	require.NoError(t, err)
	require.True(t, ch.Swapped)
	require.Equal(t, hot, ch.Joined)
	require.NotEqual(t, TorrentID(0), ch.Dropped, "the native interest is never dropped")
	require.Contains(t, members, ch.Dropped)
	require.True(t, a.Contains(hot))
	require.Equal(t, 3, a.Len())

	// Within MinInterval nothing changes, however hot another torrent is.
	var hot2 TorrentID
	for _, c := range universe(10) {
		if !a.Contains(c) {
			hot2 = c
			break
		}
	}
	for _, p := range []PeerID{1, 2, 3} {
		require.NoError(t, m.ObserveJoin(now+time.Second, p, hot2, 0))
		for i := range 20 {
			require.NoError(t, m.ObserveRequest(now+time.Second, p, hot2, i))
		}
	}
	ch, err = a.Update(now+30*time.Second, m)
	require.NoError(t, err)
	require.False(t, ch.Swapped)
	ch, err = a.Update(now+2*time.Minute, m)
	require.NoError(t, err)
	require.True(t, ch.Swapped)

	require.ErrorIs(t, func() error { _, err := a.Update(now, m); return err }(), ErrClockBackwards)
}

// TestCompletenessProtects checks the paper's fix (§5.2): a nearly complete
// download is not dropped for a torrent a neighbour just started to
// download and announce (its demand/supply and HAVE factors high).
func TestCompletenessProtects(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 4, 100, 1)
	a, err := NewActiveSet(ActiveSetConfig{K: 2}, 0, []TorrentID{0, 1}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.True(t, a.Contains(1))
	require.NoError(t, m.SetOwnPieces(1, 99))
	require.NoError(t, m.ObserveJoin(0, 1, 2, 0))
	for i := range 2 {
		require.NoError(t, m.ObserveHave(0, 1, 2, i))
	}
	ch, err := a.Update(0, m)
	require.NoError(t, err)
	require.False(t, ch.Swapped)
	// Without the completeness bias it would have been dropped.
	m.cfg.Weights.Completeness = 0
	ch, err = a.Update(0, m)
	require.NoError(t, err)
	require.True(t, ch.Swapped)
}

func TestCompleteAndDone(t *testing.T) {
	a, err := NewActiveSet(ActiveSetConfig{K: 3}, 0, universe(10), rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	_, err = a.Complete(TorrentID(99))
	require.ErrorIs(t, err, ErrNotMember)
	ms := a.AppendMembers(nil)
	for i, x := range ms {
		require.False(t, a.Done())
		ch, err := a.Complete(x)
		require.NoError(t, err)
		require.False(t, ch.Swapped)
		_, err = a.Complete(x) // idempotent
		require.NoError(t, err)
		require.Equal(t, i+1, a.Completed())
		require.False(t, a.Downloading(x))
		require.True(t, a.Serves(x))
	}
	require.True(t, a.Done())
}

func TestLateStart(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 10, 10)
	a, err := NewActiveSet(ActiveSetConfig{K: 3, LateStart: time.Hour}, 0, universe(10), rand.New(rand.NewPCG(9, 9)))
	require.NoError(t, err)
	require.False(t, a.Contains(0), "this seed leaves the native interest out at join")
	ch, err := a.Update(time.Minute, m)
	require.NoError(t, err)
	require.False(t, ch.Swapped)
	ch, err = a.Update(time.Hour, m)
	require.NoError(t, err)
	require.True(t, ch.Swapped)
	require.Equal(t, TorrentID(0), ch.Joined)

	// If all but one slot complete first, the native takes the last one.
	b, err := NewActiveSet(ActiveSetConfig{K: 3, LateStart: time.Hour}, 0, universe(10), rand.New(rand.NewPCG(9, 9)))
	require.NoError(t, err)
	ms := b.AppendMembers(nil)
	_, err = b.Complete(ms[0])
	require.NoError(t, err)
	ch, err = b.Complete(ms[1])
	require.NoError(t, err)
	require.True(t, ch.Swapped)
	require.Equal(t, TorrentID(0), ch.Joined)
	require.Equal(t, ms[2], ch.Dropped)
	require.True(t, b.Contains(0))
	_, err = b.Complete(0)
	require.NoError(t, err)
	require.True(t, b.Done())
}

func TestSeedThreshold(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 3, 10, 1)
	a, err := NewActiveSet(ActiveSetConfig{K: 3, SeedThreshold: 0.5}, 0, universe(3), rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	_, err = a.Complete(1)
	require.NoError(t, err)
	require.NoError(t, m.SetOwnPieces(1, 10))
	_, err = a.Update(0, m)
	require.NoError(t, err)
	require.False(t, a.Serves(1), "no demand: not worth seeding")
	for i := range 10 {
		require.NoError(t, m.ObserveRequest(0, 1, 1, i))
	}
	_, err = a.Update(time.Second, m)
	require.NoError(t, err)
	require.True(t, a.Serves(1), "requested: seeded")
}
