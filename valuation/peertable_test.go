package valuation

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkPeerIndex compares x with the model: every modelled peer has its
// slot, no other peer of probe has one, slots are distinct and live, and
// the count matches.
func checkPeerIndex(t *testing.T, x *peerIndex, model map[PeerID]int32, probe []PeerID) {
	t.Helper()
	if x.n != len(model) {
		t.Fatalf("n = %d, want %d", x.n, len(model))
	}
	seen := make(map[int32]bool)
	for p, s := range model {
		if got := x.slot(p); got != s {
			t.Fatalf("slot(%d) = %d, want %d", p, got, s)
		}
		if seen[s] || !x.live[s] || x.ids[s] != p {
			t.Fatalf("slot %d of peer %d: reused %v, live %v, id %d", s, p, seen[s], x.live[s], x.ids[s])
		}
		seen[s] = true
	}
	for _, p := range probe {
		if _, ok := model[p]; !ok && x.slot(p) != -1 {
			t.Fatalf("absent peer %d has slot %d", p, x.slot(p))
		}
	}
	if len(x.table) > 0 && 2*x.n > len(x.table) {
		t.Fatalf("%d peers in a table of %d: more than half full", x.n, len(x.table))
	}
}

// runPeerIndex applies ops (add or remove one of the peers, chosen by the
// bytes) to a peerIndex and a map, checking after each that they agree.
func runPeerIndex(t *testing.T, peers []PeerID, ops []byte) {
	var x peerIndex
	model := make(map[PeerID]int32)
	for _, op := range ops {
		p := peers[int(op>>1)%len(peers)]
		_, present := model[p]
		switch {
		case op&1 == 0 && !present:
			s, _ := x.add(p)
			model[p] = s
		case op&1 == 1 && present:
			x.remove(p, model[p])
			delete(model, p)
		}
		checkPeerIndex(t, &x, model, peers)
	}
}

// TestPeerIndex: the hash table agrees with a map under adds and removes
// of IDs that collide in the table (multiples of a power of two, the
// largest IDs), across growth and backward-shift deletion.
func TestPeerIndex(t *testing.T) {
	tests := []struct {
		name  string
		peers func(i int) PeerID
	}{
		{"small", func(i int) PeerID { return PeerID(i) }},
		{"strided", func(i int) PeerID { return PeerID(i << 20) }},
		{"largest", func(i int) PeerID { return ^PeerID(0) - PeerID(i) }},
		{"random", func(i int) PeerID { return PeerID(rand.New(rand.NewPCG(uint64(i), 7)).Uint32()) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			peers := make([]PeerID, 100)
			for i := range peers {
				peers[i] = tc.peers(i)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			ops := make([]byte, 3000)
			for i := range ops {
				// Mostly adds first, then a mix: the table grows, then
				// churns.
				b := byte(rng.IntN(200))
				if i < 400 {
					b &^= 1
				}
				ops[i] = b
			}
			runPeerIndex(t, peers, ops)
		})
	}
}

// FuzzPeerIndex: any sequence of adds and removes keeps the hash table in
// agreement with a map.
func FuzzPeerIndex(f *testing.F) {
	f.Add(uint64(0), []byte{0, 2, 4, 6, 8, 1, 3, 10, 12, 0})
	f.Add(uint64(1<<40), []byte{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 1, 5, 9, 13, 2})
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		peers := make([]PeerID, 64)
		for i := range peers {
			// Few high bits vary: many IDs share a home cell.
			peers[i] = PeerID(uint32(seed)) ^ PeerID(i)<<26
		}
		runPeerIndex(t, peers, ops)
	})
}

// TestMarketManyPeers: a Market with more peers than its table first holds,
// with large IDs, joined, removed and re-added, keeps its aggregates equal
// to the sum of the adverts (the table is re-laid as it grows).
func TestMarketManyPeers(t *testing.T) {
	const torrents, pieces = 5, 30
	m, err := NewMarket(Config{})
	require.NoError(t, err)
	for i := range torrents {
		require.NoError(t, m.AddTorrent(TorrentID(i), pieces))
	}
	id := func(i int) PeerID { return PeerID(1<<31 + i*977) }
	now := time.Duration(0)
	for i := range 70 {
		require.NoError(t, m.AddPeer(id(i)))
		require.NoError(t, m.ObserveJoin(now, id(i), TorrentID(i%torrents), i%pieces))
		require.NoError(t, m.ObserveHave(now, id(i), TorrentID((i+1)%torrents), i%pieces))
	}
	requireMarketInvariants(t, m, now, m.cfg.Weights)
	for i := 0; i < 70; i += 3 {
		require.NoError(t, m.RemovePeer(id(i)))
	}
	requireMarketInvariants(t, m, now, m.cfg.Weights)
	// Re-added peers get freed slots, whose cells must be empty.
	for i := 0; i < 70; i += 3 {
		require.NoError(t, m.AddPeer(id(i)))
	}
	requireMarketInvariants(t, m, now, m.cfg.Weights)
	for ti := range torrents {
		n, err := m.Advertisers(TorrentID(ti))
		require.NoError(t, err)
		want := 0
		for i := range 70 {
			if i%3 != 0 && (i%torrents == ti || (i+1)%torrents == ti) {
				want++
			}
		}
		require.Equal(t, want, n, fmt.Sprintf("torrent %d", ti))
	}
	// A torrent added after the peers widens every row.
	require.NoError(t, m.AddTorrent(torrents, pieces))
	require.NoError(t, m.ObserveJoin(now, id(1), torrents, 7))
	requireMarketInvariants(t, m, now, m.cfg.Weights)
	n, err := m.Advertisers(torrents)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
