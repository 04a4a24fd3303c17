package chord

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// emptyingTransport answers every lookup step as the key's owner, but
// first empties the calling node's successor list, as a Stabilize running
// at the same time does when every successor has failed.
type emptyingTransport struct {
	n     *Node
	owner NodeInfo
}

func (t *emptyingTransport) Call(_ context.Context, _ string, req *Request, resp *Response) error {
	t.n.mu.Lock()
	t.n.setSuccs(nil)
	t.n.mu.Unlock()
	resp.Status = StatusOK
	resp.Done = true
	resp.Nodes = append(resp.Nodes[:0], t.owner)
	return nil
}

// TestFixFingersSuccessorsLostMidway: FixFingers looks a finger up without
// the node's lock; if the successor list empties meanwhile, it returns an
// error instead of indexing the empty list (a panic that took down a whole
// p2p process under concurrent maintenance).
func TestFixFingersSuccessorsLostMidway(t *testing.T) {
	tr := &emptyingTransport{}
	n, err := New(Config{Addr: "a", Transport: tr})
	require.NoError(t, err)
	succ := NodeInfo{ID: n.ID().AddPow2(10), Addr: "b"}
	tr.n, tr.owner = n, NodeInfo{ID: n.ID().AddPow2(IDBits - 1).AddPow2(1), Addr: "c"}
	n.mu.Lock()
	n.setSuccs([]NodeInfo{succ})
	n.mu.Unlock()
	require.NotPanics(t, func() {
		err = n.FixFingers(context.Background())
	})
	require.ErrorIs(t, err, ErrNoSuccessor)
}
