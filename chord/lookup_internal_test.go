package chord

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// scriptTransport answers each call with the function registered for its
// destination, and records the destinations called; other addresses are
// unreachable.
type scriptTransport struct {
	answer map[string]func(req *Request, resp *Response)
	called []string
}

func (s *scriptTransport) Call(_ context.Context, to string, req *Request, resp *Response) error {
	s.called = append(s.called, to)
	f, ok := s.answer[to]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnreachable, to)
	}
	resp.Reset()
	f(req, resp)
	return nil
}

// TestLookupKeepsLastSuccessors checks that the successor list of the last
// node that answered survives a later call whose refusal still wrote a
// successor list into its response: the lookup falls back on the former.
// Here n's only route c answers with successors x1…x8 and one candidate
// h; h refuses, having written bogus successors; every candidate having
// failed, n walks c's successors, farthest first, and x8 names the owner.
func TestLookupKeepsLastSuccessors(t *testing.T) {
	node := func(addr string, id uint64) NodeInfo { return NodeInfo{ID: IDFromUint64(id), Addr: addr} }
	c, h, owner := node("c", 2000), node("h", 5000), node("owner", 9500)
	var xs, bogus []NodeInfo
	for i := range 8 {
		xs = append(xs, node(fmt.Sprintf("x%d", i+1), uint64(2100+100*i)))
		bogus = append(bogus, node(fmt.Sprintf("bogus%d", i+1), uint64(3000+100*i)))
	}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"c": func(_ *Request, resp *Response) {
			resp.Succs = append(resp.Succs, xs...)
			resp.Nodes = append(resp.Nodes, h)
		},
		"h": func(_ *Request, resp *Response) {
			resp.Succs = append(resp.Succs, bogus...)
			resp.Status = StatusUnavailable
		},
		"x8": func(_ *Request, resp *Response) {
			resp.Done = true
			resp.Nodes = append(resp.Nodes, owner)
		},
		"owner": func(*Request, *Response) {},
	}}
	n, err := New(Config{Addr: "n", ID: IDFromUint64(1000), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{c})
	n.mu.Unlock()

	var res LookupResult
	require.NoError(t, n.LookupInto(context.Background(), IDFromUint64(9000), &res), "calls %v", tr.called)
	require.Equal(t, owner, res.Node)
	require.Equal(t, []string{"c", "h", "x8", "owner"}, tr.called)
	require.Equal(t, 1, res.Timeouts, "h's refusal")
}

// TestDeadSet: a lookup's set of dead and asked nodes holds every member
// added, past its inline array too, and no other node: not one with a
// member's identifier at another address, nor one with a member's address
// under another identifier.
func TestDeadSet(t *testing.T) {
	node := func(i int) NodeInfo { return NodeInfo{ID: IDFromUint64(uint64(i)), Addr: fmt.Sprint("n", i)} }
	for _, size := range []int{0, 1, 15, 16, 17, 40} {
		var d deadSet
		for i := range size {
			d.add(node(i))
		}
		for i := range size + 2 {
			require.Equal(t, i < size, d.has(node(i)), "size %d, node %d", size, i)
			require.False(t, d.has(NodeInfo{ID: IDFromUint64(uint64(i)), Addr: "elsewhere"}), "size %d, node %d", size, i)
			require.False(t, d.has(NodeInfo{ID: IDFromUint64(uint64(i + 1000)), Addr: node(i).Addr}), "size %d, node %d", size, i)
		}
	}
}

// TestLookupFallbackReachesFirstSuccessor: when every candidate and every
// farther successor of the last node that answered has failed, the
// fallback walk still tries that node's first successor, which here
// leads to the owner.
func TestLookupFallbackReachesFirstSuccessor(t *testing.T) {
	node := func(addr string, id uint64) NodeInfo { return NodeInfo{ID: IDFromUint64(id), Addr: addr} }
	c, h, owner := node("c", 2000), node("h", 5000), node("owner", 9500)
	var xs []NodeInfo
	for i := range 8 {
		xs = append(xs, node(fmt.Sprintf("x%d", i+1), uint64(2100+100*i)))
	}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"c": func(_ *Request, resp *Response) {
			resp.Succs = append(resp.Succs, xs...)
			resp.Nodes = append(resp.Nodes, h)
		},
		"x1": func(_ *Request, resp *Response) {
			resp.Done = true
			resp.Nodes = append(resp.Nodes, owner)
		},
		"owner": func(*Request, *Response) {},
	}} // h and x2…x8 are unreachable
	n, err := New(Config{Addr: "n", ID: IDFromUint64(1000), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{c})
	n.mu.Unlock()

	var res LookupResult
	require.NoError(t, n.LookupInto(context.Background(), IDFromUint64(9000), &res), "calls %v", tr.called)
	require.Equal(t, owner, res.Node)
	require.Equal(t, []string{"c", "h", "x8", "x7", "x6", "x5", "x4", "x3", "x2", "x1", "owner"}, tr.called)
}

// TestLookupHopLimit: a lookup routed through a chain of nodes, each
// naming the next, fails with ErrLookupFailed after Config.MaxHops hops,
// and succeeds when the chain is within the limit.
func TestLookupHopLimit(t *testing.T) {
	node := func(i int) NodeInfo {
		return NodeInfo{ID: IDFromUint64(uint64(2000 + 100*i)), Addr: fmt.Sprint("c", i)}
	}
	owner := NodeInfo{ID: IDFromUint64(9500), Addr: "owner"}
	const chain = 6
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){"owner": func(*Request, *Response) {}}}
	for i := range chain {
		tr.answer[node(i).Addr] = func(_ *Request, resp *Response) {
			if i == chain-1 {
				resp.Done = true
				resp.Nodes = append(resp.Nodes, owner)
				return
			}
			resp.Nodes = append(resp.Nodes, node(i+1))
		}
	}
	for _, maxHops := range []int{chain - 1, chain} {
		n, err := New(Config{Addr: "n", ID: IDFromUint64(1000), Transport: tr, MaxHops: maxHops})
		require.NoError(t, err)
		n.mu.Lock()
		n.setSuccs([]NodeInfo{node(0)})
		n.mu.Unlock()
		res, err := n.Lookup(context.Background(), IDFromUint64(9000))
		if maxHops < chain {
			require.ErrorIs(t, err, ErrLookupFailed, "max %d", maxHops)
			continue
		}
		require.NoError(t, err, "max %d", maxHops)
		require.Equal(t, owner, res.Node)
		require.Equal(t, chain, res.Hops)
	}
}
