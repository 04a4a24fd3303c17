package chord_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// handlerFunc adapts a function to chord.Handler.
type handlerFunc func(req *chord.Request, resp *chord.Response)

func (f handlerFunc) Handle(_ context.Context, req *chord.Request, resp *chord.Response) {
	resp.Reset()
	f(req, resp)
}

// recordingTransport records the addresses a node calls.
type recordingTransport struct {
	chord.Transport
	called []string
}

func (r *recordingTransport) Call(ctx context.Context, to string, req *chord.Request, resp *chord.Response) error {
	r.called = append(r.called, to)
	return r.Transport.Call(ctx, to, req, resp)
}

// TestAcceptNode checks that nodes named by other nodes pass
// Config.AcceptNode before a node adopts or calls them: a lying member
// cannot plant identities in successor lists, join answers or lookups.
func TestAcceptNode(t *testing.T) {
	nw, err := simnet.New(simnet.Config{Wire: true}, rand.New(rand.NewPCG(1, 3)))
	require.NoError(t, err)
	fake := func(b byte) chord.NodeInfo {
		return chord.NodeInfo{ID: topID(b), Addr: "fake" + string(rune('a'+b%26))}
	}
	honest, err := chord.New(chord.Config{Addr: "honest", ID: topID(0x90), Transport: nw.Endpoint("honest")})
	require.NoError(t, err)
	honest.Create()
	nw.Register("honest", honest)
	liarInfo := chord.NodeInfo{ID: topID(0x50), Addr: "liar"}
	joinAnswer := fake(0x60)
	nw.Register("liar", handlerFunc(func(req *chord.Request, resp *chord.Response) {
		switch req.Kind {
		case chord.KindFindSuccessor:
			resp.Node = joinAnswer
		case chord.KindGetState:
			resp.Node = fake(0x45) // a predecessor between n and the liar
			resp.Nodes = []chord.NodeInfo{fake(0x58), honest.Info(), fake(0xa0)}
		case chord.KindClosest:
			resp.Nodes = []chord.NodeInfo{fake(0x70), fake(0x68)}
			resp.Succs = []chord.NodeInfo{fake(0x75), honest.Info()}
		case chord.KindGetFingers:
			resp.Nodes = []chord.NodeInfo{fake(0x70), honest.Info()}
		}
	}))
	tr := &recordingTransport{Transport: nw.Endpoint("n")}
	n, err := chord.New(chord.Config{Addr: "n", ID: topID(0x30), Transport: tr,
		AcceptNode: func(x chord.NodeInfo) bool { return !strings.HasPrefix(x.Addr, "fake") }})
	require.NoError(t, err)
	nw.Register("n", n)

	require.ErrorIs(t, n.Join(ctx, liarInfo), chord.ErrLookupFailed, "the join answer is a refused node")
	joinAnswer = liarInfo
	require.NoError(t, n.Join(ctx, liarInfo))
	require.NoError(t, n.Stabilize(ctx))
	st := n.State()
	require.Equal(t, []chord.NodeInfo{liarInfo, honest.Info()}, st.Successors)
	for _, f := range st.Fingers {
		require.False(t, strings.HasPrefix(f.Addr, "fake"), "finger %v", f)
	}
	// A lookup routed through the liar is offered only refused
	// candidates: it falls back on the liar's (filtered) successor list
	// and never calls a refused node.
	_, _ = n.Lookup(ctx, topID(0x80))
	for _, a := range tr.called {
		require.False(t, strings.HasPrefix(a, "fake"), "called %s", a)
	}
	// A refused node's notification is ignored.
	var resp chord.Response
	require.NoError(t, nw.Endpoint(fake(0x2f).Addr).Call(ctx, "n", &chord.Request{Kind: chord.KindNotify, From: fake(0x2f)}, &resp))
	require.True(t, n.Predecessor().IsZero())
}
