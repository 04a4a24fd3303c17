package chord_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestEncodersRefuseOutOfLimits: a request or response whose fields exceed
// the wire limits is refused by its encoder, whichever field it is.
func TestEncodersRefuseOutOfLimits(t *testing.T) {
	long := chord.NodeInfo{ID: chord.HashID([]byte("x")), Addr: strings.Repeat("a", chord.MaxAddrLen+1)}
	ok := chord.NodeInfo{ID: chord.HashID([]byte("y")), Addr: "y"}
	many := make([]chord.NodeInfo, chord.MaxNodes+1)
	for i := range many {
		many[i] = ok
	}
	reqs := []struct {
		name string
		req  chord.Request
	}{
		{"kind 0", chord.Request{}},
		{"unknown kind", chord.Request{Kind: 200}},
		{"sender address too long", chord.Request{Kind: chord.KindPing, From: long}},
		{"node address too long", chord.Request{Kind: chord.KindNotify, From: ok, Node: long}},
		{"listed node address too long", chord.Request{Kind: chord.KindLeave, From: ok, Nodes: []chord.NodeInfo{ok, long}}},
		{"too many nodes", chord.Request{Kind: chord.KindLeave, From: ok, Nodes: many}},
		{"block too large", chord.Request{Kind: chord.KindStore, From: ok, Data: make([]byte, chord.MaxBlockSize+1)}},
	}
	for _, tt := range reqs {
		t.Run("request/"+tt.name, func(t *testing.T) {
			_, err := tt.req.MarshalBinary()
			require.Error(t, err)
		})
	}
	resps := []struct {
		name string
		resp chord.Response
	}{
		{"unknown status", chord.Response{Status: 200}},
		{"node address too long", chord.Response{Node: long}},
		{"too many nodes", chord.Response{Nodes: many}},
		{"too many successors", chord.Response{Succs: many}},
		{"listed successor address too long", chord.Response{Succs: []chord.NodeInfo{long}}},
		{"block too large", chord.Response{Data: make([]byte, chord.MaxBlockSize+1)}},
	}
	for _, tt := range resps {
		t.Run("response/"+tt.name, func(t *testing.T) {
			_, err := tt.resp.MarshalBinary()
			require.Error(t, err)
		})
	}
}

// wireNode encodes a node as the codec does: id, address length, address.
func wireNode(b []byte, n chord.NodeInfo) []byte {
	b = append(b, n.ID[:]...)
	b = append(b, byte(len(n.Addr)))
	return append(b, n.Addr...)
}

// TestDecodersRefuseOutOfLimits: a message that is well formed byte for
// byte but breaks a limit or names an unknown value is malformed. Each case
// is built by hand, so only the broken limit stands between it and a
// successful decode.
func TestDecodersRefuseOutOfLimits(t *testing.T) {
	n := chord.NodeInfo{ID: chord.HashID([]byte("n")), Addr: "n"}
	good, err := (&chord.Response{Status: chord.StatusOK, Node: n, Nodes: []chord.NodeInfo{n}, Data: []byte{1}}).MarshalBinary()
	require.NoError(t, err)
	var r chord.Response
	require.NoError(t, r.UnmarshalBinary(good))

	// resp builds version, status, flags, [node], hops, nodes, succs, data.
	resp := func(version, status, flags byte, node *chord.NodeInfo, nodes int, data int) []byte {
		b := []byte{version, status, flags}
		if node != nil {
			b = wireNode(b, *node)
		}
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(nodes))
		for range nodes {
			b = wireNode(b, n)
		}
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint32(b, uint32(data))
		return append(b, make([]byte, data)...)
	}
	const flagNode = 1 // the node flag's bit: checked against good below
	require.Equal(t, byte(flagNode), good[2]&flagNode)
	version := good[0]
	require.NoError(t, r.UnmarshalBinary(resp(version, 0, flagNode, &n, chord.MaxNodes, chord.MaxBlockSize)),
		"the hand-built message decodes at the limits")
	zero := chord.NodeInfo{}
	cases := []struct {
		name string
		b    []byte
	}{
		{"unknown version", resp(version+1, 0, 0, nil, 0, 0)},
		{"unknown status", resp(version, 200, 0, nil, 0, 0)},
		{"unknown flag", resp(version, 0, 0x80, nil, 0, 0)},
		{"flagged node is zero", resp(version, 0, flagNode, &zero, 0, 0)},
		{"too many nodes", resp(version, 0, 0, nil, chord.MaxNodes+1, 0)},
		{"block too large", resp(version, 0, 0, nil, 0, chord.MaxBlockSize+1)},
	}
	for _, tt := range cases {
		t.Run("response/"+tt.name, func(t *testing.T) {
			var r chord.Response
			require.ErrorIs(t, r.UnmarshalBinary(tt.b), chord.ErrMalformed)
		})
	}

	// A request flagging a zero node.
	req, err := (&chord.Request{Kind: chord.KindNotify, From: n, Node: n}).MarshalBinary()
	require.NoError(t, err)
	var q chord.Request
	require.NoError(t, q.UnmarshalBinary(req))
	zeroed := append([]byte(nil), req...)
	// The flagged node follows version, kind, flags, from, key and hops.
	off := 3 + len(wireNode(nil, n)) + chord.IDSize + 2
	copy(zeroed[off:], make([]byte, chord.IDSize+1+len(n.Addr)))
	zeroed = append(zeroed[:off+chord.IDSize+1], zeroed[off+chord.IDSize+1+len(n.Addr):]...)
	require.ErrorIs(t, q.UnmarshalBinary(zeroed), chord.ErrMalformed)
}

// TestKindString names every kind and marks the others.
func TestKindString(t *testing.T) {
	require.Equal(t, "ping", chord.KindPing.String())
	require.Equal(t, "kind(0)", chord.Kind(0).String())
	require.Equal(t, "kind(200)", chord.Kind(200).String())
}

// TestLeaveReportsStoreFailure: a leave whose store cannot list its
// blocks says so instead of leaving as if it had handed them over.
func TestLeaveReportsStoreFailure(t *testing.T) {
	c, tr, broken := failingCluster(t, 5, 6)
	key, err := c.Random().Put(ctx, chunk(1, 50), tr)
	require.NoError(t, err)
	owner := c.Node(c.Owner(key).Addr)
	broken[owner.Info().Addr].Store(opKeys)
	err = owner.Leave(ctx)
	require.ErrorIs(t, err, chord.ErrStore)
}
