package chord_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// FuzzHandler drives a small ring with a fuzzer-chosen sequence of events
// (joins, failures, leaves, maintenance operations, and raw or hostile
// messages delivered to a node's message handler) and checks Zave's
// invariants after every event, then that the ring stabilises to the ideal
// ring. Hostile messages come from outside the ring: a real transport
// authenticates the sender (libp2p does), so a message cannot claim a
// member's address.
func FuzzHandler(f *testing.F) {
	f.Add([]byte{0, 3, 3, 1, 3, 4, 5, 0, 2})
	f.Add([]byte{6, 9, 1, 1, 0, 0, 7, 1, 7, 2, 7, 3, 3, 3})
	f.Add([]byte{7, 0, 7, 4, 1, 1, 1, 2, 2, 3, 3, 3, 3})
	for _, r := range []chord.Request{
		{Kind: chord.KindNotify, From: chord.NodeInfo{ID: chord.IDFromUint64(1), Addr: "ghost"}},
		{Kind: chord.KindLeave, From: chord.NodeInfo{Addr: "ghost"}, Nodes: []chord.NodeInfo{{Addr: "n1"}}},
	} {
		b, err := r.MarshalBinary()
		require.NoError(f, err)
		f.Add(append([]byte{6, byte(len(b))}, b...))
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		ops = ops[:len(ops):len(ops)] // reading past len must fail loudly
		c := simnet.NewCluster(simnet.ClusterConfig{Successors: 3, Net: simnet.Config{Wire: true}}, 1)
		require.NoError(t, c.Grow(6))
		c.MarkBase()
		ghost := chord.NodeInfo{ID: chord.IDFromUint64(1 << 62), Addr: "ghost"}
		for i := 0; i < len(ops); i++ {
			op, arg := ops[i], byte(0)
			if i+1 < len(ops) {
				arg = ops[i+1]
			}
			n := c.Nodes()[int(arg)%c.Len()]
			switch op % 8 {
			case 0:
				if c.Len() < 20 {
					_, _ = c.Join()
				}
			case 1:
				if c.SafeToFail(n.Info().Addr) {
					c.Fail(n.Info().Addr)
				}
			case 2:
				if c.SafeToFail(n.Info().Addr) {
					_ = c.Leave(n.Info().Addr)
				}
			case 3:
				_ = n.Stabilize(ctx)
			case 4:
				n.CheckPredecessor(ctx)
			case 5:
				_ = n.FixFingers(ctx)
			case 6: // raw bytes to the handler
				start := min(i+2, len(ops))
				k := min(int(arg), len(ops)-start)
				msg := ops[start : start+k]
				i = start + k - 1
				var req chord.Request
				if req.UnmarshalBinary(msg) == nil && c.Node(req.From.Addr) != nil {
					continue // a member's address: the transport would reject it
				}
				out := n.HandleWire(ctx, msg)
				var resp chord.Response
				require.NoError(t, resp.UnmarshalBinary(out), "the handler always answers a decodable response")
			case 7: // hostile but well-formed requests from a non-member
				var req chord.Request
				switch arg % 4 {
				case 0:
					req = chord.Request{Kind: chord.KindNotify, From: ghost}
				case 1:
					req = chord.Request{Kind: chord.KindLeave, From: ghost, Node: ghost, Nodes: []chord.NodeInfo{ghost, c.Random().Info()}}
				case 2:
					req = chord.Request{Kind: chord.KindFindSuccessor, From: ghost, Key: chord.IDFromUint64(uint64(arg)), Hops: 60000}
				case 3:
					req = chord.Request{Kind: chord.KindHandoff, From: ghost, Key: ghost.ID, Data: []byte{1}}
				}
				var resp chord.Response
				n.Handle(ctx, &req, &resp)
			}
			require.NoError(t, c.Check(), "after op %d (%d)", i, op%8)
		}
		_, err := c.StabilizeUntilStable(100)
		require.NoError(t, err)
	})
}

// FuzzHandleWireFrom feeds raw bytes to a ring member as a network engine
// would, from an authenticated peer (a non-member, or the member's own
// successor): the answer always decodes; a malformed message gets
// StatusBadRequest; a message claiming any sender but the authenticated
// one gets StatusForbidden, is counted, and changes nothing.
func FuzzHandleWireFrom(f *testing.F) {
	ring := func(t testing.TB) (*chord.Node, []chord.NodeInfo) {
		c := simnet.NewCluster(simnet.ClusterConfig{Successors: 3}, 2)
		require.NoError(t, c.Grow(5))
		n := c.Nodes()[0]
		return n, []chord.NodeInfo{{ID: chord.IDFromUint64(77), Addr: "peer"}, n.Successor()}
	}
	_, peers := ring(f)
	for _, r := range []chord.Request{
		{Kind: chord.KindNotify, From: peers[1]},
		{Kind: chord.KindNotify, From: peers[0]},
		{Kind: chord.KindLeave, From: peers[1], Nodes: []chord.NodeInfo{peers[0]}},
		{Kind: chord.KindHandoff, From: peers[1], Key: chord.IDFromUint64(1), Data: []byte{1}},
		{Kind: chord.KindPing, From: peers[0]},
	} {
		b, err := r.MarshalBinary()
		require.NoError(f, err)
		f.Add(byte(0), b)
		f.Add(byte(1), b)
	}
	f.Fuzz(func(t *testing.T, who byte, msg []byte) {
		n, peers := ring(t)
		from := peers[int(who)%len(peers)]
		before, st := n.Stats(), n.State()
		out := n.HandleWireFrom(ctx, from, msg)
		var resp chord.Response
		require.NoError(t, resp.UnmarshalBinary(out), "the answer always decodes")
		var req chord.Request
		if err := req.UnmarshalBinary(msg); err != nil {
			require.Equal(t, chord.StatusBadRequest, resp.Status)
			require.Equal(t, before.Malformed+1, n.Stats().Malformed)
		} else if req.From != from {
			require.Equal(t, chord.StatusForbidden, resp.Status)
			require.Equal(t, before.Spoofed+1, n.Stats().Spoofed)
		} else {
			return // an authenticated request: FuzzHandler covers those
		}
		after := n.State()
		require.Equal(t, st.Pred, after.Pred)
		require.Equal(t, st.Successors, after.Successors)
		require.Equal(t, st.Fingers, after.Fingers)
		require.Equal(t, st.Blocks, after.Blocks)
	})
}
