package valuation

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// observeOneByOne is what [Market.Observe] must equal: each observation
// through ObserveHave or ObserveRequest, stopping at the first error.
func observeOneByOne(m *Market, batch []Observation) error {
	for _, o := range batch {
		var err error
		if o.Request {
			err = m.ObserveRequest(o.At, o.Peer, o.Torrent, int(o.Piece))
		} else {
			err = m.ObserveHave(o.At, o.Peer, o.Torrent, int(o.Piece))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// batchMarkets returns two Markets in the same state: torrents 0..3 of 40
// pieces, peers 0..5, some adverts named and some not.
func batchMarkets(t *testing.T) (*Market, *Market) {
	var ms [2]*Market
	for i := range ms {
		m, err := NewMarket(Config{HaveHalfLife: 3 * time.Second, RequestHalfLife: time.Second})
		require.NoError(t, err)
		for ti := range TorrentID(4) {
			require.NoError(t, m.AddTorrent(ti, 40))
		}
		for p := range PeerID(6) {
			require.NoError(t, m.AddPeer(p))
			require.NoError(t, m.ObserveJoin(0, p, TorrentID(p%4), int(p)))
		}
		ms[i] = m
	}
	return ms[0], ms[1]
}

// requireSameMarket fails unless a and b hold the same adverts, clock and
// factors.
func requireSameMarket(t *testing.T, a, b *Market) {
	t.Helper()
	type advert struct {
		p    PeerID
		ti   int32
		n    int
		bits string
	}
	dump := func(m *Market) []advert {
		var out []advert
		for p, v := range m.allAdverts() {
			out = append(out, advert{p, v.ti, v.n, fmt.Sprint(v.bits)})
		}
		return out
	}
	require.Equal(t, dump(a), dump(b), "adverts")
	require.Equal(t, a.now, b.now, "clock")
	now := max(a.now, b.now) + time.Second
	for ti := range TorrentID(4) {
		fa, err := a.Factors(now, ti)
		require.NoError(t, err)
		fb, err := b.Factors(now, ti)
		require.NoError(t, err)
		require.Equal(t, fa, fb, "factors of torrent %d", ti)
	}
}

// TestObserveBatch: Observe equals one call per observation, including the
// observations recorded before an error and the error itself.
func TestObserveBatch(t *testing.T) {
	ok := []Observation{
		{At: 1, Peer: 0, Torrent: 0, Piece: 5},
		{At: 1, Peer: 1, Torrent: 0, Piece: 5, Request: true},
		{At: 2, Peer: 2, Torrent: 3, Piece: 39}, // advertises a new torrent
		{At: 2, Peer: 2, Torrent: 3, Piece: 39}, // a repeat: ignored
		{At: 3, Peer: 5, Torrent: 1, Piece: 0},
	}
	tests := []struct {
		name    string
		batch   []Observation
		wantErr error
	}{
		{"empty", nil, nil},
		{"valid", ok, nil},
		{"unknown peer", append(slices.Clone(ok[:2]), Observation{At: 2, Peer: 9, Torrent: 0}, ok[2]), ErrUnknownPeer},
		{"unknown torrent", append(slices.Clone(ok[:3]), Observation{At: 2, Peer: 1, Torrent: 7, Request: true}, ok[4]), ErrUnknownTorrent},
		{"clock backwards", append(slices.Clone(ok[:3]), Observation{At: 0, Peer: 1, Torrent: 0}, ok[4]), ErrClockBackwards},
		{"piece out of range", append(slices.Clone(ok[:1]), Observation{At: 2, Peer: 1, Torrent: 0, Piece: 40}, ok[4]), ErrPiece},
		{"negative piece", append(slices.Clone(ok[:4]), Observation{At: 3, Peer: 1, Torrent: 0, Piece: -1, Request: true}), ErrPiece},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := batchMarkets(t)
			errA := a.Observe(tc.batch)
			errB := observeOneByOne(b, tc.batch)
			if tc.wantErr == nil {
				require.NoError(t, errA)
			} else {
				require.ErrorIs(t, errA, tc.wantErr)
			}
			require.Equal(t, fmt.Sprint(errB), fmt.Sprint(errA))
			requireSameMarket(t, a, b)
		})
	}
}

// FuzzObserve: for any batch, Observe leaves the Market as one call per
// observation would, and returns the same error.
func FuzzObserve(f *testing.F) {
	f.Add([]byte{0, 0, 5, 1, 1, 1, 0, 6, 2, 1, 3, 9, 7, 1})
	f.Add([]byte{1, 9, 0, 0, 0, 3, 1, 200, 4, 2, 2, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		var batch []Observation
		at := time.Duration(0)
		for ; len(data) >= 3 && len(batch) < 200; data = data[3:] {
			x, y, z := data[0], data[1], data[2]
			if x&0x80 == 0 {
				at += time.Duration(x&7) * 100 * time.Millisecond
			} else {
				at -= time.Millisecond // backwards: an error
			}
			batch = append(batch, Observation{
				At:      at,
				Peer:    PeerID(y % 8),        // 6 and 7 unknown
				Torrent: TorrentID(y / 8 % 5), // 4 unknown
				Piece:   int32(int8(z)) % 48,  // some out of range
				Request: x&0x40 != 0,
			})
		}
		a, b := batchMarkets(t)
		errA := a.Observe(batch)
		errB := observeOneByOne(b, batch)
		require.Equal(t, fmt.Sprint(errB), fmt.Sprint(errA))
		requireSameMarket(t, a, b)
	})
}
