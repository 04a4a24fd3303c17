package valuation

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMisuse: nil, zero, NaN and out-of-range input gets an error, never a
// panic, and a rejected observation changes nothing.
func TestMisuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	market := func(t *testing.T) *Market {
		m, err := NewMarket(Config{})
		require.NoError(t, err)
		require.NoError(t, m.AddTorrent(3, 10))
		require.NoError(t, m.AddPeer(7))
		return m
	}
	tests := []struct {
		name string
		call func(t *testing.T) error
		want error
	}{
		{"active set nil rng", func(*testing.T) error {
			_, err := NewActiveSet(ActiveSetConfig{K: 2}, 1, []TorrentID{1, 2, 3}, nil)
			return err
		}, ErrConfig},
		{"active set zero k", func(*testing.T) error {
			_, err := NewActiveSet(ActiveSetConfig{}, 1, []TorrentID{1, 2}, rng)
			return err
		}, ErrConfig},
		{"active set NaN hysteresis", func(*testing.T) error {
			_, err := NewActiveSet(ActiveSetConfig{K: 2, Hysteresis: math.NaN()}, 1, []TorrentID{1, 2}, rng)
			return err
		}, ErrConfig},
		{"unchoker nil rng", func(*testing.T) error { _, err := NewUnchoker(UnchokeConfig{}, nil); return err }, ErrConfig},
		{"market NaN weight", func(*testing.T) error {
			_, err := NewMarket(Config{Weights: Weights{Have: math.NaN()}})
			return err
		}, ErrWeight},
		{"market negative half-life", func(*testing.T) error {
			_, err := NewMarket(Config{HaveHalfLife: -time.Second})
			return err
		}, ErrConfig},
		{"market NaN scale", func(*testing.T) error { _, err := NewMarket(Config{RequestScale: math.NaN()}); return err }, ErrConfig},
		{"torrent of zero pieces", func(t *testing.T) error { return market(t).AddTorrent(4, 0) }, ErrPiece},
		{"duplicate torrent", func(t *testing.T) error { return market(t).AddTorrent(3, 10) }, ErrDuplicate},
		{"duplicate peer", func(t *testing.T) error { return market(t).AddPeer(7) }, ErrDuplicate},
		{"HAVE from a stranger", func(t *testing.T) error { return market(t).ObserveHave(0, 8, 3, 0) }, ErrUnknownPeer},
		{"HAVE for an unknown torrent", func(t *testing.T) error { return market(t).ObserveHave(0, 7, 4, 0) }, ErrUnknownTorrent},
		{"HAVE past the last piece", func(t *testing.T) error { return market(t).ObserveHave(0, 7, 3, 10) }, ErrPiece},
		{"negative REQUEST piece", func(t *testing.T) error { return market(t).ObserveRequest(0, 7, 3, -1) }, ErrPiece},
		{"nil BITFIELD", func(t *testing.T) error { return market(t).ObserveBitfield(0, 7, 3, nil) }, ErrBitfield},
		{"join with too many pieces", func(t *testing.T) error { return market(t).ObserveJoin(0, 7, 3, 11) }, ErrPiece},
		{"clock backwards", func(t *testing.T) error {
			m := market(t)
			require.NoError(t, m.ObserveHave(time.Second, 7, 3, 0))
			return m.ObserveHave(0, 7, 3, 1)
		}, ErrClockBackwards},
		{"remove a stranger", func(t *testing.T) error { return market(t).RemovePeer(8) }, ErrUnknownPeer},
		{"value of an unknown torrent", func(t *testing.T) error { _, err := market(t).Value(0, 4); return err }, ErrUnknownTorrent},
		{"own pieces out of range", func(t *testing.T) error { return market(t).SetOwnPieces(3, 11) }, ErrPiece},
		{"complete a non-member", func(*testing.T) error {
			a, err := NewActiveSet(ActiveSetConfig{K: 2}, 1, []TorrentID{1, 2}, rng)
			require.NoError(t, err)
			_, err = a.Complete(9)
			return err
		}, ErrNotMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(t), tt.want)
		})
	}
	// SelectNeighbours has no error: a nil rng breaks ties in list order.
	require.Equal(t, []PeerID{2, 1}, SelectNeighbours(nil, [][]PeerID{{1, 2}, {2}}, 2, false, nil))
	require.Equal(t, []PeerID{1, 2, 3}, SelectNeighbours(nil, [][]PeerID{{1, 3}, {2}}, 3, true, nil))
}
