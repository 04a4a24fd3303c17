package swarmmodel

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Torrents of Fig. 15.
const (
	tA TorrentID = iota + 1
	tB
	tC
	tD
	tE
)

func fig15(t *testing.T) *Overlay {
	o := NewOverlay()
	for _, x := range []TorrentID{tA, tB, tC, tD, tE} {
		o.AddTorrent(x)
	}
	return o
}

func TestOverlayDirectExchange(t *testing.T) {
	o := fig15(t)
	require.NoError(t, o.Join(1, tA, []TorrentID{tB})) // q in A downloaded B
	require.NoError(t, o.Join(2, tB, []TorrentID{tA})) // peer in B downloaded A
	out, err := o.NeighbourOut(tA)
	require.NoError(t, err)
	require.Equal(t, []Neighbour{{Torrent: tB, Peers: 1}}, out)
	in, err := o.NeighbourIn(tA)
	require.NoError(t, err)
	require.Equal(t, []Neighbour{{Torrent: tB, Peers: 1}}, in)
	require.Equal(t, 2, o.Messages())
	prov, err := o.Providers(tA)
	require.NoError(t, err)
	require.Equal(t, []PeerID{2}, prov)

	ex, err := o.FindExchange(1, 4)
	require.NoError(t, err)
	require.Equal(t, Exchange{Requester: 1, Torrent: tA, Links: []Link{{Peer: 2, Torrent: tB}}}, ex)
}

// TestOverlayCycle: B ← C ← D ← E ← B, the cycle of Fig. 15. Peer 10 in B
// downloaded E; peer 11 in C downloaded B; 12 in D downloaded C; 13 in E
// downloaded D. Nobody can swap directly, but 11 serves B, 12 serves C,
// 13 serves D and peer 10 serves E.
func TestOverlayCycle(t *testing.T) {
	o := fig15(t)
	require.NoError(t, o.Join(10, tB, []TorrentID{tE}))
	require.NoError(t, o.Join(11, tC, []TorrentID{tB}))
	require.NoError(t, o.Join(12, tD, []TorrentID{tC}))
	require.NoError(t, o.Join(13, tE, []TorrentID{tD}))
	ex, err := o.FindExchange(10, 4)
	require.NoError(t, err)
	require.Equal(t, []Link{{11, tC}, {12, tD}, {13, tE}}, ex.Links)
	// Too short a search finds nothing.
	_, err = o.FindExchange(10, 2)
	require.ErrorIs(t, err, ErrNoExchange)
	// When 12 leaves, the cycle is broken and the tables forget it.
	require.NoError(t, o.Leave(12))
	_, err = o.FindExchange(10, 4)
	require.ErrorIs(t, err, ErrNoExchange)
	in, err := o.NeighbourIn(tC)
	require.NoError(t, err)
	require.Empty(t, in)
	// Another peer closes it again.
	require.NoError(t, o.Join(14, tD, []TorrentID{tC, tA}))
	ex, err = o.FindExchange(10, 4)
	require.NoError(t, err)
	require.Equal(t, []Link{{11, tC}, {14, tD}, {13, tE}}, ex.Links)
}

func TestOverlayErrors(t *testing.T) {
	o := fig15(t)
	require.ErrorIs(t, o.Join(1, 99, nil), ErrUnknownTorrent)
	require.ErrorIs(t, o.Join(1, tA, []TorrentID{99}), ErrUnknownTorrent)
	require.NoError(t, o.Join(1, tA, []TorrentID{tA, tB, tB})) // own torrent and duplicates ignored
	out, err := o.NeighbourOut(tA)
	require.NoError(t, err)
	require.Equal(t, []Neighbour{{Torrent: tB, Peers: 1}}, out)
	require.ErrorIs(t, o.Join(1, tC, nil), ErrPeerBusy)
	where, ok := o.TorrentOf(1)
	require.True(t, ok)
	require.Equal(t, tA, where)
	_, ok = o.TorrentOf(7)
	require.False(t, ok)
	require.ErrorIs(t, o.Leave(7), ErrUnknownPeer)
	_, err = o.FindExchange(7, 3)
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = o.FindExchange(1, 0)
	require.ErrorIs(t, err, ErrParameter)
	_, err = o.NeighbourIn(99)
	require.ErrorIs(t, err, ErrUnknownTorrent)
	_, err = o.NeighbourOut(99)
	require.ErrorIs(t, err, ErrUnknownTorrent)
	_, err = o.Providers(99)
	require.ErrorIs(t, err, ErrUnknownTorrent)
}

// checkOverlay asserts that out and in tables mirror each other: every
// Neighbour-Out row (A → B, n peers) is a Neighbour-In row of B (A, n).
func checkOverlay(t *testing.T, o *Overlay) {
	for a, tr := range o.trackers {
		for b, peers := range tr.out {
			require.Len(t, o.trackers[b].in[a], len(peers))
			for p := range peers {
				_, ok := tr.members[p]
				require.True(t, ok)
				require.Equal(t, a, o.peers[p].torrent)
			}
		}
		for b, peers := range tr.in {
			require.Len(t, o.trackers[b].out[a], len(peers))
		}
	}
}

// FuzzOverlay: any sequence of joins, leaves and exchange searches keeps
// the tables consistent, and every exchange found is a valid cycle.
func FuzzOverlay(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 1, 4, 5, 6, 2, 1, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		o := NewOverlay()
		const nt = 6
		for i := range TorrentID(nt) {
			o.AddTorrent(i)
		}
		for len(ops) >= 3 {
			op, a, b := ops[0]%3, ops[1], ops[2]
			ops = ops[3:]
			peer := PeerID(a % 16)
			switch op {
			case 0:
				var hist []TorrentID
				for k := range TorrentID(nt) {
					if b&(1<<k) != 0 {
						hist = append(hist, k)
					}
				}
				_ = o.Join(peer, TorrentID(a/16)%nt, hist)
			case 1:
				_ = o.Leave(peer)
			case 2:
				ex, err := o.FindExchange(peer, int(b%5)+1)
				if err != nil {
					continue
				}
				prev := ex.Torrent
				seen := map[PeerID]bool{ex.Requester: true}
				for _, l := range ex.Links {
					require.False(t, seen[l.Peer])
					seen[l.Peer] = true
					require.Equal(t, l.Torrent, o.peers[l.Peer].torrent)
					require.Contains(t, o.peers[l.Peer].history, prev, "link peer can serve the previous torrent")
					prev = l.Torrent
				}
				require.Contains(t, o.peers[ex.Requester].history, prev, "requester closes the cycle")
			}
			checkOverlay(t, o)
		}
		for p := range PeerID(16) {
			_ = o.Leave(p)
		}
		for _, tr := range o.trackers {
			require.Empty(t, tr.in)
			require.Empty(t, tr.out)
			require.Empty(t, tr.members)
		}
	})
}

// TestOverlayFromWorkload drives the overlay with the workload generator:
// every join forwards the peer's history, and in a busy system most peers
// with a history find an exchange partner.
func TestOverlayFromWorkload(t *testing.T) {
	cfg := PaperWorkload()
	cfg.MeanSleeping = cfg.MeanDownload // busy peers: many of them online at once
	w, err := NewWorkload(cfg, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	o := NewOverlay()
	history := map[PeerID][]TorrentID{}
	var tried, found int
	for ev := range w.Events() {
		switch ev.Kind {
		case TorrentBorn:
			o.AddTorrent(ev.Torrent)
		case Request:
			require.NoError(t, o.Join(ev.Peer, ev.Torrent, history[ev.Peer]))
			if len(history[ev.Peer]) > 0 && ev.Time > 500*time.Hour {
				tried++
				if _, err := o.FindExchange(ev.Peer, 4); err == nil {
					found++
				}
			}
		case Complete:
			history[ev.Peer] = append(history[ev.Peer], ev.Torrent)
		case Leave:
			require.NoError(t, o.Leave(ev.Peer))
			if ev.Final {
				delete(history, ev.Peer)
			}
		}
		if tried == 200 {
			break
		}
	}
	require.Equal(t, 200, tried)
	require.Greater(t, found, tried/2, "exchange partners found for %d of %d", found, tried)
}

func TestOverlayTemporaryExchange(t *testing.T) {
	o := fig15(t)
	require.NoError(t, o.Join(1, tA, nil)) // q holds nothing
	_, err := o.FindExchange(1, 4)
	require.ErrorIs(t, err, ErrNoExchange)
	_, err = o.FindTemporaryExchange(1)
	require.ErrorIs(t, err, ErrNoExchange, "nobody can serve A yet")
	require.NoError(t, o.Join(5, tC, []TorrentID{tA}))
	require.NoError(t, o.Join(4, tB, []TorrentID{tA}))
	require.NoError(t, o.Join(3, tB, []TorrentID{tA, tD}))
	ex, err := o.FindTemporaryExchange(1)
	require.NoError(t, err)
	// B has two peers able to serve A, C one: q joins B and serves peer 3.
	require.Equal(t, Exchange{Requester: 1, Torrent: tA, Links: []Link{{Peer: 3, Torrent: tB}}}, ex)
	_, err = o.FindTemporaryExchange(99)
	require.ErrorIs(t, err, ErrUnknownPeer)
}
