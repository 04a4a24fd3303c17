package pacomchan

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nodeNet runs whole clients exchanging real blocks: each client seeds a
// file of its own (swarm = its index) that its neighbours download, so
// every link carries blocks in both directions, and rounds of requests
// drive all traffic, as in Algorithm 1.
type nodeNet struct {
	t     testing.TB
	nodes []*Node
	adj   [][]int
	now   time.Time
	res   map[int][]Result
}

func newNodeNet(t testing.TB, n int, edges [][2]int, blocks int) *nodeNet {
	net := &nodeNet{t: t, adj: make([][]int, n), now: t0, res: map[int][]Result{}}
	for i := range n {
		nd, err := NewNode(rand.Reader, mrand.New(mrand.NewPCG(uint64(i), 3)), NodeConfig{Link: LinkConfig{BlockSize: 1024}})
		require.NoError(t, err)
		require.NoError(t, nd.Scheduler().JoinSwarm(SwarmID(i), blocks, true))
		net.nodes = append(net.nodes, nd)
	}
	for _, e := range edges {
		a, b := e[0], e[1]
		net.adj[a] = append(net.adj[a], b)
		net.adj[b] = append(net.adj[b], a)
		for _, p := range [][2]int{{a, b}, {b, a}} {
			x, y := net.nodes[p[0]], p[1]
			require.NoError(t, x.AddPeer(PeerID(y), PACOMPeer))
		}
		for _, p := range [][2]int{{a, b}, {b, a}} {
			x, y := net.nodes[p[0]], p[1]
			// x downloads y's file and serves its own to y.
			require.NoError(t, x.Scheduler().JoinSwarm(SwarmID(y), blocks, false))
			require.NoError(t, x.Scheduler().Connect(PeerID(y), SwarmID(y)))
			require.NoError(t, x.Scheduler().HaveAll(PeerID(y), SwarmID(y)))
			require.NoError(t, x.Scheduler().Connect(PeerID(y), SwarmID(p[0])))
		}
	}
	return net
}

// round lets every client request one block from every neighbour; the
// neighbour answers at once.
func (n *nodeNet) round() {
	for i, nd := range n.nodes {
		for _, j := range n.adj[i] {
			r, ok, err := nd.Scheduler().RequestFrom(PeerID(j), SwarmID(j))
			require.NoError(n.t, err)
			if !ok {
				continue
			}
			resp, err := n.nodes[j].OnRequest(PeerID(i), r.Swarm, r.Index, nil)
			require.NoError(n.t, err)
			_, res, err := nd.OnBlock(n.now, PeerID(j), r.Swarm, r.Index, resp.Block, nil)
			require.NoError(n.t, err)
			n.res[i] = append(n.res[i], res)
		}
	}
	n.now = n.now.Add(100 * time.Millisecond)
}

func (n *nodeNet) delivered(i int) []string {
	var out []string
	for _, r := range n.res[i] {
		for _, d := range r.Delivered {
			out = append(out, string(d.Data))
		}
	}
	return out
}

func TestNodeCircuitOverBlocks(t *testing.T) {
	net := newNodeNet(t, 4, [][2]int{{0, 1}, {0, 2}, {1, 3}, {2, 3}}, 500)
	id, err := net.nodes[0].Build(net.now, net.nodes[3].PublicKey())
	require.NoError(t, err)
	for range 10 {
		net.round()
	}
	require.True(t, net.nodes[0].Router().Established(id))
	require.NoError(t, net.nodes[0].Send(net.now, id, []byte("over blocks")))
	require.NoError(t, net.nodes[3].Send(net.now, id, []byte("and back")))
	for range 10 {
		net.round()
	}
	require.Equal(t, []string{"over blocks"}, net.delivered(3))
	require.Equal(t, []string{"and back"}, net.delivered(0))
	// Every block on every link had the block size, and most were cover.
	var data, dummy uint64
	for _, nd := range net.nodes {
		st := nd.Scheduler().Stats()
		data += st.DataServed
		dummy += st.DummyServed
		require.Zero(t, st.BadBlocks)
		require.Zero(t, nd.Stats().Rejected)
	}
	require.Positive(t, data)
	require.Greater(t, dummy, data)
	// Removing the relay breaks the circuit; the source rebuilds it
	// through the other one and the data goes on.
	relay := int(net.nodes[3].Router().table[id].lastHop)
	other := 3 - relay
	for _, p := range []int{0, 3} {
		require.NoError(t, net.nodes[relay].RemovePeer(PeerID(p)))
		require.NoError(t, net.nodes[p].RemovePeer(PeerID(relay)))
	}
	net.adj = make([][]int, 4)
	net.adj[0], net.adj[3], net.adj[other] = []int{other}, []int{other}, []int{0, 3}
	res := net.nodes[0].Tick(net.now)
	require.Len(t, res.Rebuilt, 1)
	for range 10 {
		net.round()
	}
	id2 := res.Rebuilt[0].New
	require.True(t, net.nodes[0].Router().Established(id2))
	require.NoError(t, net.nodes[0].Send(net.now, id2, []byte("rebuilt")))
	for range 10 {
		net.round()
	}
	require.Equal(t, []string{"over blocks", "rebuilt"}, net.delivered(3))
}
