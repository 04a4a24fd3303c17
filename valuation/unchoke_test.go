package valuation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestUnchokeConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  UnchokeConfig
		ok   bool
	}{
		{"zero", UnchokeConfig{}, true},
		{"no optimistic", UnchokeConfig{Optimistic: -1}, true},
		{"negative regular", UnchokeConfig{Regular: -2}, false},
		{"too many", UnchokeConfig{Regular: 1 << 20}, false},
		{"NaN memory", UnchokeConfig{ServiceMemory: math.NaN()}, false},
		{"memory 1", UnchokeConfig{ServiceMemory: 1}, false},
		{"negative rounds", UnchokeConfig{OptimisticRounds: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewUnchoker(tt.cfg, rand.New(rand.NewPCG(1, 1)))
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrConfig)
			}
		})
	}
	u, err := NewUnchoker(UnchokeConfig{}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.ErrorIs(t, u.Received(1, 0, -1), ErrBytes)
}

// TestValueWeightedUnchoke checks §5.1: upload service is weighted by the
// value of what was sent, so a peer that sent fewer bytes of a valuable
// torrent beats one that sent more bytes of a worthless one.
func TestValueWeightedUnchoke(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 2, 100, 1, 2, 3, 4, 5)
	now := time.Minute
	for i := range 20 {
		require.NoError(t, m.ObserveRequest(now, 5, 0, i)) // torrent 0 is in demand
	}
	require.NoError(t, m.SetOwnPieces(1, 100)) // torrent 1: complete, no demand
	u, err := NewUnchoker(UnchokeConfig{Regular: 2, Optimistic: -1}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.NoError(t, u.Received(1, 1, 10_000_000)) // many worthless bytes
	require.NoError(t, u.Received(2, 0, 1_000_000))  // valuable bytes
	require.NoError(t, u.Received(3, 0, 2_000_000))
	got, err := u.Round(now, m, []PeerID{1, 2, 3, 4}, nil)
	require.NoError(t, err)
	require.Equal(t, []PeerID{3, 2}, got)
	require.Zero(t, u.Score(1))
	// Only interested peers are unchoked.
	got, err = u.Round(now, m, []PeerID{1, 4}, nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []PeerID{1, 4}, got)
}

func TestOptimisticRotation(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 1, 10)
	require.NoError(t, m.SetOwnPieces(0, 5))
	u, err := NewUnchoker(UnchokeConfig{Regular: 1, Optimistic: 1, OptimisticRounds: 3}, rand.New(rand.NewPCG(7, 7)))
	require.NoError(t, err)
	peers := []PeerID{1, 2, 3, 4, 5, 6, 7, 8}
	seen := make(map[PeerID]bool)
	var prev PeerID
	for r := range 60 {
		require.NoError(t, u.Received(1, 0, 1000)) // peer 1 keeps the regular slot
		got, err := u.Round(time.Duration(r)*10*time.Second, m, peers, nil)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, PeerID(1), got[0])
		require.NotEqual(t, got[0], got[1])
		opt := got[1]
		if r%3 != 0 {
			require.Equal(t, prev, opt, "round %d: optimistic unchoke lasts 3 rounds", r)
		}
		prev = opt
		seen[opt] = true
	}
	require.Greater(t, len(seen), 4, "optimistic unchokes rotate over the peers")
}

func TestUnchokeForget(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 1, 10)
	require.NoError(t, m.SetOwnPieces(0, 5))
	u, err := NewUnchoker(UnchokeConfig{Regular: 1}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.NoError(t, u.Received(1, 0, 100))
	_, err = u.Round(0, m, []PeerID{1, 2}, nil)
	require.NoError(t, err)
	require.Positive(t, u.Score(1))
	u.Forget(1)
	require.Zero(t, u.Score(1))
	got, err := u.Round(0, m, []PeerID{2}, nil)
	require.NoError(t, err)
	require.False(t, slices.Contains(got, 1))
	// Peer 3 takes the forgotten peer's record and starts from nothing;
	// peer 1, come back, too; a large ID works like a small one.
	require.NoError(t, u.Received(3, 0, 50))
	require.NoError(t, u.Received(1, 0, 10))
	require.NoError(t, u.Received(1<<20, 0, 30))
	_, err = u.Round(0, m, []PeerID{1, 3, 1 << 20}, nil)
	require.NoError(t, err)
	require.InDelta(t, 5*u.Score(1), u.Score(3), 1e-9)
	require.InDelta(t, 3*u.Score(1), u.Score(1<<20), 1e-9)
	u.Forget(1 << 20)
	require.Zero(t, u.Score(1<<20))
	// Service for an unknown torrent is discarded, and counted.
	require.NoError(t, u.Received(2, 99, 100))
	_, err = u.Round(0, m, []PeerID{2}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(100), u.Discarded())
}

// TestUnchokeBadValuations checks that a torrent the Valuer does not know
// costs only its own service, and that any other valuation error leaves the
// Unchoker as it was, so the round can be run again.
func TestUnchokeBadValuations(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 1, 100, 1, 2)
	now := time.Minute
	for i := range 10 {
		require.NoError(t, m.ObserveRequest(now, 1, 0, i))
	}
	u, err := NewUnchoker(UnchokeConfig{Regular: 1, Optimistic: -1}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.NoError(t, u.Received(1, 0, 1000))
	require.NoError(t, u.Received(2, 7, 5000)) // torrent 7 is unknown to m
	require.NoError(t, u.Received(2, 0, 10))

	// A clock going backwards fails the round and changes nothing.
	_, err = u.Round(time.Second, m, []PeerID{1, 2}, nil)
	require.ErrorIs(t, err, ErrClockBackwards)
	require.Zero(t, u.Score(1))
	require.Zero(t, u.Discarded())

	got, err := u.Round(now, m, []PeerID{1, 2}, nil)
	require.NoError(t, err)
	require.Equal(t, []PeerID{1}, got)
	require.Equal(t, int64(5000), u.Discarded())
	v, err := m.Value(now, 0)
	require.NoError(t, err)
	require.InDelta(t, 1000*v, u.Score(1), 1e-9)
	require.InDelta(t, 10*v, u.Score(2), 1e-9)

	// The next round is not poisoned by the unknown torrent.
	_, err = u.Round(now+10*time.Second, m, []PeerID{1, 2}, nil)
	require.NoError(t, err)

	// Byte counts saturate instead of wrapping negative.
	require.NoError(t, u.Received(1, 0, math.MaxInt64))
	require.NoError(t, u.Received(1, 0, math.MaxInt64))
	_, err = u.Round(now+20*time.Second, m, []PeerID{1, 2}, nil)
	require.NoError(t, err)
	require.Greater(t, u.Score(1), 0.0)
}

// countingValuer values torrent t at t+1 and counts the valuations.
type countingValuer struct{ calls map[TorrentID]int }

func (v *countingValuer) Value(_ time.Duration, t TorrentID) (float64, error) {
	v.calls[t]++
	return float64(t) + 1, nil
}

func (v *countingValuer) AppendAdvertised(dst []TorrentID) []TorrentID { return dst }

// TestUnchokeRoundValuesEachTorrentOnce: a round values each torrent that
// peers uploaded exactly once, whether few torrents (a scan) or many (a
// map), and credits each peer the bytes times the value.
func TestUnchokeRoundValuesEachTorrentOnce(t *testing.T) {
	for _, torrents := range []int{3, maxScannedValues, maxScannedValues + 1, 100} {
		t.Run(fmt.Sprintf("torrents=%d", torrents), func(t *testing.T) {
			u, err := NewUnchoker(UnchokeConfig{ServiceMemory: -1}, rand.New(rand.NewPCG(1, 1)))
			require.NoError(t, err)
			want := map[PeerID]float64{}
			for p := range PeerID(4) {
				for i := range torrents {
					tid := TorrentID((i*7 + int(p)) % torrents)
					n := int64(p+1) * 10
					require.NoError(t, u.Received(p, tid, n))
					want[p] += float64(n) * (float64(tid) + 1)
				}
			}
			v := &countingValuer{calls: map[TorrentID]int{}}
			_, err = u.Round(0, v, []PeerID{0, 1, 2, 3}, nil)
			require.NoError(t, err)
			require.Len(t, v.calls, torrents)
			for tid, c := range v.calls {
				require.Equal(t, 1, c, "torrent %d valued once", tid)
			}
			for p, s := range want {
				require.Equal(t, s, u.Score(p), "peer %d", p)
			}
		})
	}
}
