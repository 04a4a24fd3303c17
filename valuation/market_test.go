package valuation

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func newTestMarket(t testing.TB, w Weights, torrents, pieces int, peers ...PeerID) *Market {
	t.Helper()
	m, err := NewMarket(Config{Weights: w})
	require.NoError(t, err)
	for i := range torrents {
		require.NoError(t, m.AddTorrent(TorrentID(i), pieces))
	}
	for _, p := range peers {
		require.NoError(t, m.AddPeer(p))
	}
	return m
}

func TestWeightsValidate(t *testing.T) {
	tests := []struct {
		name string
		w    Weights
		ok   bool
	}{
		{"defaults", DefaultWeights(), true},
		{"one factor", Weights{Request: 1}, true},
		{"all zero", Weights{}, false},
		{"negative", Weights{Completeness: -1, Request: 1}, false},
		{"NaN", Weights{Have: math.NaN(), Request: 1}, false},
		{"infinite", Weights{DemandSupply: math.Inf(1)}, false},
		{"overflow", Weights{Completeness: math.MaxFloat64, Request: math.MaxFloat64}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrWeight)
			}
		})
	}
}

func TestNewMarketConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		err  error
	}{
		{"zero config", Config{}, nil},
		{"bad weight", Config{Weights: Weights{Request: math.NaN()}}, ErrWeight},
		{"negative half-life", Config{HaveHalfLife: -time.Second}, ErrConfig},
		{"NaN scale", Config{RequestScale: math.NaN()}, ErrConfig},
		{"negative scale", Config{HaveScale: -1}, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMarket(tt.cfg)
			if tt.err == nil {
				require.NoError(t, err)
				require.Equal(t, DefaultWeights(), m.Config().Weights)
				return
			}
			require.ErrorIs(t, err, tt.err)
		})
	}
}

func TestBadObservations(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 2, 10, 1)
	require.NoError(t, m.ObserveHave(10*time.Second, 1, 0, 3))
	tests := []struct {
		name string
		f    func() error
		err  error
	}{
		{"unknown peer", func() error { return m.ObserveHave(time.Hour, 9, 0, 1) }, ErrUnknownPeer},
		{"unknown torrent", func() error { return m.ObserveRequest(time.Hour, 1, 7, 1) }, ErrUnknownTorrent},
		{"piece too large", func() error { return m.ObserveHave(time.Hour, 1, 0, 10) }, ErrPiece},
		{"negative piece", func() error { return m.ObserveRequest(time.Hour, 1, 0, -1) }, ErrPiece},
		{"clock backwards", func() error { return m.ObserveHave(5*time.Second, 1, 1, 1) }, ErrClockBackwards},
		{"query clock backwards", func() error { _, err := m.Value(time.Second, 0); return err }, ErrClockBackwards},
		{"short bitfield", func() error { return m.ObserveBitfield(time.Hour, 1, 0, []byte{0xff}) }, ErrBitfield},
		{"spare bits", func() error { return m.ObserveBitfield(time.Hour, 1, 0, []byte{0xff, 0xff}) }, ErrBitfield},
		{"own pieces", func() error { return m.SetOwnPieces(0, 11) }, ErrPiece},
		{"join pieces", func() error { return m.ObserveJoin(time.Hour, 1, 0, -1) }, ErrPiece},
		{"duplicate torrent", func() error { return m.AddTorrent(0, 10) }, ErrDuplicate},
		{"zero pieces", func() error { return m.AddTorrent(5, 0) }, ErrPiece},
		{"duplicate peer", func() error { return m.AddPeer(1) }, ErrDuplicate},
		{"remove unknown", func() error { return m.RemovePeer(2) }, ErrUnknownPeer},
		{"value unknown", func() error { _, err := m.Value(10*time.Second, 3); return err }, ErrUnknownTorrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.f(), tt.err)
		})
	}
	// A rejected bitfield changed nothing.
	n, err := m.Advertisers(0)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	// Nor did the rejected observations stamped an hour later move the
	// clock: a valid one at 11 s is still in order.
	require.NoError(t, m.ObserveHave(11*time.Second, 1, 0, 4))
}

func TestBitfieldRoundTrip(t *testing.T) {
	m := newTestMarket(t, DefaultWeights(), 1, 12, 1)
	// Pieces 0, 7, 8 and 11: 1000_0001 1001_0000.
	require.NoError(t, m.ObserveBitfield(0, 1, 0, []byte{0x81, 0x90}))
	ps := requireAdvert(t, m, 1, 0)
	require.Equal(t, 4, ps.n)
	for i := range 12 {
		require.Equal(t, i == 0 || i == 7 || i == 8 || i == 11, ps.bits.has(i), "piece %d", i)
	}
	// A HAVE for a held piece is a no-op, a new one counts.
	require.NoError(t, m.ObserveHave(0, 1, 0, 7))
	require.Equal(t, int64(4), m.torrents[0].haveSum)
	require.NoError(t, m.ObserveHave(0, 1, 0, 1))
	require.Equal(t, int64(5), m.torrents[0].haveSum)
	// Replacing the bitfield replaces the counts.
	require.NoError(t, m.ObserveBitfield(0, 1, 0, []byte{0, 0}))
	require.Equal(t, int64(0), m.torrents[0].haveSum)
	require.Equal(t, 1, m.torrents[0].advertisers)
	require.NoError(t, m.RemovePeer(1))
	require.Equal(t, 0, m.torrents[0].advertisers)
}

// TestFactorProperties checks the direction of each factor [Paper §4,
// §5.2]: more completeness, more demand, fresher HAVEs and more requests
// raise a torrent's value; more supply lowers it.
func TestFactorProperties(t *testing.T) {
	const pieces = 100
	now := time.Minute
	peers := []PeerID{1, 2, 3, 4}
	w := Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}

	t.Run("completeness", func(t *testing.T) {
		m := newTestMarket(t, w, 2, pieces)
		require.NoError(t, m.SetOwnPieces(0, 60))
		require.NoError(t, m.SetOwnPieces(1, 20))
		requireGreater(t, m, now, 0, 1)
		// A completed torrent has nothing left to finish.
		require.NoError(t, m.SetOwnPieces(0, pieces))
		f, err := m.Factors(now, 0)
		require.NoError(t, err)
		require.Zero(t, f.Completeness)
	})
	t.Run("demand over supply", func(t *testing.T) {
		m := newTestMarket(t, w, 2, pieces, peers...)
		for _, p := range peers {
			require.NoError(t, m.ObserveJoin(now, p, 0, 10)) // needy neighbours
			require.NoError(t, m.ObserveJoin(now, p, 1, 90)) // well supplied
		}
		requireGreater(t, m, now, 0, 1)
		// More needy neighbours raise the value further.
		m2 := newTestMarket(t, w, 1, pieces, peers...)
		require.NoError(t, m2.ObserveJoin(now, 1, 0, 10))
		one, _ := m2.Value(now, 0)
		four, _ := m.Value(now, 0)
		require.Greater(t, four, one)
	})
	t.Run("have freshness", func(t *testing.T) {
		m := newTestMarket(t, w, 2, pieces, 1)
		for i := range 10 {
			require.NoError(t, m.ObserveHave(0, 1, 1, i)) // old HAVEs
		}
		for i := range 10 {
			require.NoError(t, m.ObserveHave(10*time.Minute, 1, 0, i)) // fresh ones
		}
		// Same supply and demand; only freshness differs.
		requireGreater(t, m, 10*time.Minute, 0, 1)
		f, _ := m.Factors(10*time.Minute, 1)
		require.Less(t, f.Have, 0.05)
	})
	t.Run("request rate dominates", func(t *testing.T) {
		// Weights where requests dominate and the weaker factors are a
		// fallback, the paper's conclusion.
		m := newTestMarket(t, Weights{Completeness: 1, DemandSupply: 0.25, Have: 0.25, Request: 4}, 2, pieces, peers...)
		for _, p := range peers {
			require.NoError(t, m.ObserveJoin(now, p, 1, 0)) // t1 looks in demand
			require.NoError(t, m.ObserveHave(now, p, 1, 0))
		}
		for i := range 5 {
			require.NoError(t, m.ObserveRequest(now, 1, 0, i)) // but t0 is requested
		}
		requireGreater(t, m, now, 0, 1)
		// Without recent requests the weaker factors take over.
		later := now + time.Hour
		requireGreater(t, m, later, 1, 0)
	})
}

func requireGreater(t *testing.T, m *Market, now time.Duration, hi, lo TorrentID) {
	t.Helper()
	a, err := m.Value(now, hi)
	require.NoError(t, err)
	b, err := m.Value(now, lo)
	require.NoError(t, err)
	require.Greater(t, a, b)
}

func TestValueBounds(t *testing.T) {
	w := DefaultWeights()
	m := newTestMarket(t, w, 1, 8, 1, 2)
	require.NoError(t, m.SetOwnPieces(0, 7))
	for i := range 8 {
		require.NoError(t, m.ObserveHave(0, 1, 0, i))
		require.NoError(t, m.ObserveRequest(0, 2, 0, i))
	}
	require.NoError(t, m.ObserveJoin(0, 2, 0, 0))
	v, err := m.Value(0, 0)
	require.NoError(t, err)
	require.Greater(t, v, 0.0)
	require.Less(t, v, w.Sum())
}
