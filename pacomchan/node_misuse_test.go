package pacomchan

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// switchReader reads crypto/rand.Reader until fail is set, then fails.
type switchReader struct{ fail bool }

func (r *switchReader) Read(p []byte) (int, error) {
	if r.fail {
		return failingReader{}.Read(p)
	}
	return rand.Read(p)
}

// TestNewNodeRefusals checks that NewNode refuses a configuration that any
// of its parts refuses, and one whose circuit messages cannot fit in a
// block.
func TestNewNodeRefusals(t *testing.T) {
	cases := []struct {
		name string
		cfg  NodeConfig
	}{
		{"MaxMessage above the segment size", NodeConfig{Router: RouterConfig{MaxMessage: BlockSize - BlockOverhead + 1}}},
		{"MaxMessage above a small block", NodeConfig{Link: LinkConfig{BlockSize: 1024}, Router: RouterConfig{MaxMessage: 1024}}},
		{"scheduler", NodeConfig{Scheduler: SchedulerConfig{MaxQueue: -1}}},
		{"router", NodeConfig{Router: RouterConfig{MaxRecordsPerNeighbour: -1}}},
		{"link", NodeConfig{Link: LinkConfig{RotateAfter: MaxRotateAfter + 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var (
				n   *Node
				err error
			)
			require.NotPanics(t, func() { n, err = NewNode(nil, mrand.New(mrand.NewPCG(1, 1)), c.cfg) })
			require.Error(t, err)
			require.Nil(t, n)
		})
	}
}

// TestNodePeerRefusals checks Node's peer management: an ordinary
// BitTorrent peer gets no Link, a duplicate or unknown peer is refused, a
// failing randomness source is reported, and a refused call changes
// nothing.
func TestNodePeerRefusals(t *testing.T) {
	rnd := &switchReader{}
	n, err := NewNode(rnd, mrand.New(mrand.NewPCG(1, 2)), NodeConfig{Link: LinkConfig{BlockSize: 1024}})
	require.NoError(t, err)

	require.NoError(t, n.AddPeer(1, PACOMPeer))
	l := n.Link(1)
	require.NotNil(t, l)
	require.ErrorIs(t, n.AddPeer(1, PACOMPeer), ErrDuplicatePeer)
	require.Same(t, l, n.Link(1), "a refused AddPeer keeps the first Link")

	require.NoError(t, n.AddPeer(2, BitTorrentPeer))
	require.Nil(t, n.Link(2), "an ordinary BitTorrent peer has no Link")

	rnd.fail = true
	require.Error(t, n.AddPeer(3, PACOMPeer), "a Link needs fresh keys")
	rnd.fail = false
	require.Nil(t, n.Link(3))
	require.ErrorIs(t, n.Scheduler().Connect(3, 1), ErrUnknownPeer, "a failed AddPeer adds nothing")

	require.ErrorIs(t, n.RemovePeer(99), ErrUnknownPeer)
	require.NoError(t, n.RemovePeer(1))
	require.Nil(t, n.Link(1))
	require.ErrorIs(t, n.RemovePeer(1), ErrUnknownPeer)
}

// TestNodeCircuitRefusals checks that Node.Build and Node.Send pass on the
// router's refusals without queueing anything, and that a message for a
// first hop the scheduler no longer knows is counted as dropped and
// reported as such.
func TestNodeCircuitRefusals(t *testing.T) {
	net := newNodeNet(t, 2, [][2]int{{0, 1}}, 64)
	src := net.nodes[0]
	_, err := src.Build(net.now, nil)
	require.ErrorIs(t, err, ErrBadPublicKey)
	require.ErrorIs(t, src.Send(net.now, CircuitID{}, []byte("x")), ErrUnknownCircuit)
	require.Zero(t, src.Scheduler().Queued(1), "a refused call queues nothing")
	require.Zero(t, src.Stats().QueueDropped)

	id, err := src.Build(net.now, net.nodes[1].PublicKey())
	require.NoError(t, err)
	for range 4 {
		net.round()
	}
	require.True(t, src.Router().Established(id))
	// The scheduler forgets the first hop behind the router's back.
	_, err = src.Scheduler().RemovePeer(1)
	require.NoError(t, err)
	err = src.Send(net.now, id, []byte("lost"))
	require.ErrorIs(t, err, ErrUnknownPeer)
	require.True(t, strings.Contains(err.Error(), "circuit hop 1 is gone"), err.Error())
	require.Equal(t, uint64(1), src.Stats().QueueDropped)
}

// TestNodeOnBlockRejected checks that a segment the router refuses, here
// junk a neighbour queued on its own, is counted and its error returned,
// while the block itself still counts as received.
func TestNodeOnBlockRejected(t *testing.T) {
	net := newNodeNet(t, 2, [][2]int{{0, 1}}, 64)
	for range 3 { // the links' handshakes
		net.round()
	}
	require.NoError(t, net.nodes[1].Scheduler().Enqueue(0, []byte("junk")))
	r, ok, err := net.nodes[0].Scheduler().RequestFrom(1, 1)
	require.NoError(t, err)
	require.True(t, ok)
	resp, err := net.nodes[1].OnRequest(0, r.Swarm, r.Index, nil)
	require.NoError(t, err)
	require.True(t, resp.Carried)
	rec, res, err := net.nodes[0].OnBlock(net.now, 1, r.Swarm, r.Index, resp.Block, nil)
	require.Error(t, err)
	require.Equal(t, []byte("junk"), rec.Segment)
	require.Empty(t, res.Out)
	require.Equal(t, uint64(1), net.nodes[0].Stats().Rejected)
	require.True(t, net.nodes[0].Scheduler().Holds(1, r.Index), "the block itself was genuine")
}
