package pacomnet

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// TestChoker runs BitTorrent's choker over six interested peers with two
// regular slots: the two that sent the most pieces stay unchoked, one more
// is unchoked optimistically and rotates every third round, and the rest
// are choked; peers not interested are never unchoked.
func TestChoker(t *testing.T) {
	cfg := fastConfig()
	cfg.UnchokeSlots = 2
	c, err := NewClient(nil, cfg)
	require.NoError(t, err)
	defer c.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	sw := &swarmState{conns: map[pacomchan.PeerID]*conn{}}
	var conns []*conn
	for i := range 7 {
		cn := &conn{id: pacomchan.PeerID(i), sw: sw, out: make(chan []byte, 64), amChoking: true,
			peerInterested: i < 6, recvPieces: 10 * i, inflight: map[int][]byte{}}
		conns = append(conns, cn)
		c.conns[cn.id] = cn
	}
	unchoked := func() (regular []int, optimistic int) {
		optimistic = -1
		for i, cn := range conns {
			if !cn.amChoking {
				if cn.optimistic {
					optimistic = i
				} else {
					regular = append(regular, i)
				}
			}
		}
		return regular, optimistic
	}
	seen := map[int]bool{}
	for round := range 9 {
		for i, cn := range conns {
			cn.recvPieces = 10 * i // 5 and 4 send the most among the interested
		}
		c.choke()
		regular, opt := unchoked()
		require.Equal(t, []int{4, 5}, regular, "round %d", round)
		require.GreaterOrEqual(t, opt, 0)
		require.Less(t, opt, 4, "the optimistic unchoke is another interested peer")
		seen[opt] = true
		require.True(t, conns[6].amChoking, "a peer that is not interested stays choked")
	}
	require.Greater(t, len(seen), 1, "the optimistic unchoke rotates")
	// Each change of state went out as a CHOKE or UNCHOKE message.
	for i, cn := range conns[:6] {
		var last peerwire.Type = 255
		for len(cn.out) > 0 {
			m, err := peerwire.Unmarshal(<-cn.out, 0)
			require.NoError(t, err)
			require.NotEqual(t, last, m.Type, "peer %d: no repeated state", i)
			last = m.Type
		}
		want := peerwire.Choke
		if !cn.amChoking {
			want = peerwire.Unchoke
		}
		if last != 255 {
			require.Equal(t, want, last, "peer %d: the last message says its state", i)
		}
	}
	for _, cn := range conns {
		delete(c.conns, cn.id)
	}
}
