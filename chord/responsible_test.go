package chord_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// fakeNet is a transport to scripted nodes.
type fakeNet map[string]func(req *chord.Request, resp *chord.Response)

func (f fakeNet) Call(_ context.Context, to string, req *chord.Request, resp *chord.Response) error {
	h, ok := f[to]
	if !ok {
		return fmt.Errorf("%w: %s", chord.ErrUnreachable, to)
	}
	resp.Reset()
	h(req, resp)
	return nil
}

// TestStoreAsksPredecessor: a storer whose predecessor is A checks a store
// for a key in (A, self] with the last step of a lookup asked of A: when
// A's successor list starts with a live node P between A and the key, P
// owns the key (it joined and the storer has not heard of it yet) and the
// store is refused; when P is dead, or A names the storer first, the store
// is accepted.
func TestStoreAsksPredecessor(t *testing.T) {
	tr, err := chord.NewTracker(nil)
	require.NoError(t, err)
	data := []byte("a block")
	key := chord.BlockKey(data)
	a := chord.NodeInfo{ID: key.Sub(chord.IDFromUint64(10)), Addr: "a"}
	p := chord.NodeInfo{ID: key.Add(chord.IDFromUint64(5)), Addr: "p"}
	self := chord.NodeInfo{ID: key.Add(chord.IDFromUint64(10)), Addr: "self"}
	for _, c := range []struct {
		name    string
		aSuccs  []chord.NodeInfo
		pAlive  bool
		refused bool
	}{
		{"a newer node owns the key", []chord.NodeInfo{p, self}, true, true},
		{"the newer node is dead", []chord.NodeInfo{p, self}, false, false},
		{"the storer owns the key", []chord.NodeInfo{self}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := fakeNet{
				"a": func(req *chord.Request, resp *chord.Response) {
					if req.Kind == chord.KindClosest {
						resp.Done = true
						resp.Nodes = append(resp.Nodes, c.aSuccs...)
					}
				},
			}
			if c.pAlive {
				net["p"] = func(*chord.Request, *chord.Response) {}
			}
			n, err := chord.New(chord.Config{Addr: self.Addr, ID: self.ID, Transport: net,
				TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}})
			require.NoError(t, err)
			n.Create()
			var resp chord.Response
			n.Handle(context.Background(), &chord.Request{Kind: chord.KindNotify, From: a}, &resp)
			require.Equal(t, a, n.Predecessor())
			tk := tr.SignBlock(chord.BlockKey(data), time.Duration(time.Now().UnixNano())+time.Hour)
			resp.Reset()
			n.Handle(context.Background(), &chord.Request{Kind: chord.KindStore, From: a, Key: key, Ticket: &tk, Data: data}, &resp)
			if c.refused {
				require.ErrorIs(t, resp.Status.Err(), chord.ErrNotResponsible)
			} else {
				require.NoError(t, resp.Status.Err())
			}
		})
	}
}
