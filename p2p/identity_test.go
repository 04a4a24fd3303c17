package p2p

import (
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

func testPeer(t *testing.T) peer.ID {
	k, err := NewIdentity(nil)
	require.NoError(t, err)
	p, err := peerIDOf(k)
	require.NoError(t, err)
	return p
}

// TestAcceptNode: a node named in a message is admitted only with the ring
// ID its address's peer ID gives, so no node can be placed at a chosen
// identifier, its own or another's.
func TestAcceptNode(t *testing.T) {
	p, q := testPeer(t), testPeer(t)
	addr := "/ip4/127.0.0.1/tcp/4001/p2p/" + p.String()
	c := newAddrChecker()
	cases := []struct {
		name string
		n    chord.NodeInfo
		want bool
	}{
		{"its own ring ID", chord.NodeInfo{ID: RingID(p), Addr: addr}, true},
		{"a chosen ring ID", chord.NodeInfo{ID: chord.HashID([]byte("anywhere")), Addr: addr}, false},
		{"another peer's ring ID", chord.NodeInfo{ID: RingID(q), Addr: addr}, false},
		{"no /p2p part", chord.NodeInfo{ID: RingID(p), Addr: "/ip4/127.0.0.1/tcp/4001"}, false},
		{"no transport part", chord.NodeInfo{ID: RingID(p), Addr: "/p2p/" + p.String()}, false},
		{"not a multiaddr", chord.NodeInfo{ID: RingID(p), Addr: "127.0.0.1:4001"}, false},
	}
	for range 2 { // the second round answers from the cache
		for _, tc := range cases {
			require.Equal(t, tc.want, c.accept(tc.n), tc.name)
		}
	}
}

// TestClaimMatches: the transport passes a request's sender on only when
// it names the authenticated peer, by ring ID and by address.
func TestClaimMatches(t *testing.T) {
	p, q := testPeer(t), testPeer(t)
	addr := "/ip4/127.0.0.1/tcp/4001/p2p/" + p.String()
	require.True(t, claimMatches(chord.NodeInfo{ID: RingID(p), Addr: addr}, p))
	require.False(t, claimMatches(chord.NodeInfo{ID: RingID(p), Addr: addr}, q), "another peer's claim")
	require.False(t, claimMatches(chord.NodeInfo{ID: RingID(q), Addr: addr}, p), "wrong ring ID")
	require.False(t, claimMatches(chord.NodeInfo{ID: RingID(p), Addr: "/ip4/127.0.0.1/tcp/4001/p2p/" + q.String()}, p), "address of another peer")
	require.False(t, claimMatches(chord.NodeInfo{}, p), "no sender")
}

// TestNodeInfo: the address a node announces carries its peer ID, and the
// ring ID is RingID of it.
func TestNodeInfo(t *testing.T) {
	p := testPeer(t)
	ai, err := ParseAddr("/ip4/127.0.0.1/tcp/4001/p2p/" + p.String())
	require.NoError(t, err)
	n, err := NodeInfo(p, ai.Addrs[0])
	require.NoError(t, err)
	require.Equal(t, RingID(p), n.ID)
	back, err := ParseAddr(n.Addr)
	require.NoError(t, err)
	require.Equal(t, p, back.ID)
	_, err = ParseAddr("/ip4/127.0.0.1/tcp/4001")
	require.ErrorIs(t, err, ErrBadAddr)
}
