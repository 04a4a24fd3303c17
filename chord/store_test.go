package chord_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// send delivers req from the simulated endpoint at from and returns the
// node's answer as an error.
func send(t *testing.T, c *simnet.Cluster, from, to string, req chord.Request) error {
	t.Helper()
	var resp chord.Response
	require.NoError(t, c.Net.Endpoint(from).Call(ctx, to, &req, &resp))
	return resp.Status.Err()
}

// replicaStore builds a store request for replica index of chunk under a
// ticket the tracker issues now.
func replicaStore(t *testing.T, tr *chord.Tracker, sw *chord.Swarm, chunkHash [32]byte, index uint32, data []byte) chord.Request {
	t.Helper()
	tk, err := tr.IssueTicket(ctx, sw, chunkHash, index, chord.BlockKey(data))
	require.NoError(t, err)
	return chord.Request{Kind: chord.KindStore, Key: tk.Key, Ticket: &tk, Data: data}
}

// TestQuotaRefusalKeepsBlock is defect 1: a store refused for quota must
// leave the block already held under its key, and a replacement is
// charged only the difference in size.
func TestQuotaRefusalKeepsBlock(t *testing.T) {
	c, tr := storageRing(t, 10, 4, 3000, 4)
	sw := testSwarm(t, 4)
	ch := chord.ChunkHash([]byte("chunk"))
	small := chunk(1, 2000)
	req := replicaStore(t, tr, sw, ch, 0, small)
	owner := c.Owner(req.Key)
	require.NoError(t, send(t, c, "client", owner.Addr, req))

	require.NoError(t, c.Run(c.Sim.Now()+time.Minute)) // the next ticket is newer
	big := chunk(2, 3500)
	err := send(t, c, "client", owner.Addr, replicaStore(t, tr, sw, ch, 0, big))
	require.ErrorIs(t, err, chord.ErrQuota)
	got, err := fetchRaw(c, req.Key)
	require.NoError(t, err, "the refused store deleted the block held")
	require.Equal(t, small, got)

	// 2,000 held + 2,900 new would exceed 3,000; 2,900 replacing 2,000
	// does not.
	require.NoError(t, c.Run(c.Sim.Now()+time.Minute))
	mid := chunk(3, 2900)
	require.NoError(t, send(t, c, "client", owner.Addr, replicaStore(t, tr, sw, ch, 0, mid)))
	got, err = fetchRaw(c, req.Key)
	require.NoError(t, err)
	require.Equal(t, mid, got)
	require.Equal(t, int64(2900), c.Node(owner.Addr).State().BlockBytes)
}

// TestNoOverwriteOfAnotherReplica is defect 3: the tracker derives the
// replica key from (chunk hash, index) itself, so no ticket names another
// chunk's key, and a block under a key is replaced only by a newer ticket
// for the same chunk and replica.
func TestNoOverwriteOfAnotherReplica(t *testing.T) {
	c, tr := storageRing(t, 30, 4, 0, 8)
	sw := testSwarm(t, 4)
	victim, mine := chord.ChunkHash([]byte("victim")), chord.ChunkHash([]byte("attacker"))
	vdata, mdata := chunk(1, 500), chunk(2, 500)
	vreq := replicaStore(t, tr, sw, victim, 1, vdata)
	require.Equal(t, sw.ReplicaKey(victim, 1), vreq.Key, "the tracker computes the key")
	owner := c.Owner(vreq.Key)
	require.NoError(t, send(t, c, "client", owner.Addr, vreq))

	// A ticket for the attacker's own chunk cannot be used at the
	// victim's key.
	areq := replicaStore(t, tr, sw, mine, 1, mdata)
	require.NotEqual(t, vreq.Key, areq.Key)
	areq.Key = vreq.Key
	require.ErrorIs(t, send(t, c, "client", owner.Addr, areq), chord.ErrTicketMismatch)

	// A ticket of the same age for the victim's chunk and other data is
	// refused: the holder keeps the first block.
	require.ErrorIs(t, send(t, c, "client", owner.Addr, replicaStore(t, tr, sw, victim, 1, mdata)), chord.ErrConflict)
	got, err := fetchRaw(c, vreq.Key)
	require.NoError(t, err)
	require.Equal(t, vdata, got)
	require.Equal(t, uint64(1), c.Node(owner.Addr).Stats().Refused[chord.StatusConflict])

	// Requests the tracker refuses to sign.
	_, err = tr.IssueTicket(ctx, sw, victim, 4, chord.BlockKey(vdata))
	require.ErrorIs(t, err, chord.ErrTicketRequest, "index ≥ q_s")
	_, err = tr.IssueTicket(ctx, nil, victim, 0, chord.BlockKey(vdata))
	require.ErrorIs(t, err, chord.ErrTicketRequest, "a content block is named by its data hash")
	_, err = tr.IssueTicket(ctx, nil, chord.BlockKey(vdata), 1, chord.BlockKey(vdata))
	require.ErrorIs(t, err, chord.ErrTicketRequest, "a content block has index 0")

	// A newer ticket for the same replica replaces it: this is how an
	// mget repairs a replica that no longer decrypts.
	require.NoError(t, c.Run(c.Sim.Now()+time.Minute))
	require.NoError(t, send(t, c, "client", owner.Addr, replicaStore(t, tr, sw, victim, 1, mdata)))
	got, err = fetchRaw(c, vreq.Key)
	require.NoError(t, err)
	require.Equal(t, mdata, got)
}

// dataWithKey returns a block whose content key satisfies in; each call
// returns a different block.
func dataWithKey(t *testing.T, in func(chord.ID) bool) []byte {
	t.Helper()
	for range 100_000 {
		blockSeq++
		d := chunk(1_000_000+blockSeq, 64)
		if in(chord.BlockKey(d)) {
			return d
		}
	}
	t.Fatal("no block key found in the interval")
	return nil
}

var blockSeq int

// TestHandoffOnlyFromNeighbours is defect 2: a handoff is accepted only
// from the node's first successor (for keys that precede the node) or from
// a predecessor that announced its leave (for keys it was responsible
// for); only those get the exemption from ticket expiry. The sender is
// authenticated by the transport: simnet refuses a request naming another
// address, and HandleFrom one naming another node.
func TestHandoffOnlyFromNeighbours(t *testing.T) {
	c, tr := storageRing(t, 12, 4, 0, 9)
	target := c.Random()
	st := target.State()
	pred, succ := st.Pred, st.Successors[0]
	predPred := c.Node(pred.Addr).Predecessor()
	var other chord.NodeInfo // a member that is no neighbour of target
	for _, n := range c.Nodes() {
		if x := n.Info(); x != pred && x != succ && x != target.Info() {
			other = x
			break
		}
	}
	inRange := func(a, b chord.ID) func(chord.ID) bool {
		return func(k chord.ID) bool { return chord.BetweenRightIncl(k, a, b) }
	}
	mine := inRange(pred.ID, target.ID())  // target's own keys
	succs := inRange(target.ID(), succ.ID) // the successor's keys
	preds := inRange(predPred.ID, pred.ID) // the predecessor's keys
	handoff := func(from chord.NodeInfo, in func(chord.ID) bool, expired bool) chord.Request {
		data := dataWithKey(t, in)
		exp := c.Sim.Now() + time.Hour
		if expired {
			exp = c.Sim.Now() - time.Nanosecond
		}
		tk := tr.SignBlock(chord.BlockKey(data), exp)
		return chord.Request{Kind: chord.KindHandoff, From: from, Key: tk.Key, Ticket: &tk, Data: data}
	}
	client := chord.NodeInfo{Addr: "client"}
	tests := []struct {
		name string
		req  chord.Request
		want error
	}{
		{"non-member, own key", handoff(client, mine, false), chord.ErrForbidden},
		{"non-member, expired ticket", handoff(client, mine, true), chord.ErrForbidden},
		{"member not a neighbour", handoff(other, mine, true), chord.ErrForbidden},
		{"predecessor not leaving", handoff(pred, mine, true), chord.ErrForbidden},
		{"successor, its own key", handoff(succ, succs, true), chord.ErrNotResponsible},
		{"successor, key preceding target, expired ticket", handoff(succ, mine, true), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := target.Stats().Stored
			err := send(t, c, tt.req.From.Addr, target.Info().Addr, tt.req)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				require.Equal(t, before, target.Stats().Stored)
				require.False(t, hasLocal(c, target.Info(), tt.req.Key))
				return
			}
			require.NoError(t, err)
			require.True(t, hasLocal(c, target.Info(), tt.req.Key))
		})
	}

	// A spoofed sender through HandleFrom: the authenticated peer is the
	// client, the request claims to be the successor.
	var resp chord.Response
	spoof := handoff(succ, mine, true)
	target.HandleFrom(ctx, client, &spoof, &resp)
	require.ErrorIs(t, resp.Status.Err(), chord.ErrForbidden)
	require.Equal(t, uint64(1), target.Stats().Spoofed)
	require.False(t, hasLocal(c, target.Info(), spoof.Key))
	wire, err := spoof.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, resp.UnmarshalBinary(target.HandleWireFrom(ctx, client, wire)))
	require.ErrorIs(t, resp.Status.Err(), chord.ErrForbidden)
	require.Equal(t, uint64(2), target.Stats().Spoofed)
	// The same request from the authenticated successor is accepted.
	require.NoError(t, resp.UnmarshalBinary(target.HandleWireFrom(ctx, succ, wire)))
	require.NoError(t, resp.Status.Err())

	// A leaving predecessor: after its leave notice it may hand over the
	// keys it was responsible for, expired tickets included, and no
	// others.
	require.NoError(t, send(t, c, pred.Addr, target.Info().Addr, chord.Request{Kind: chord.KindLeave, From: pred, Node: predPred}))
	require.Equal(t, predPred, target.Predecessor())
	require.NoError(t, send(t, c, pred.Addr, target.Info().Addr, handoff(pred, preds, true)))
	require.ErrorIs(t, send(t, c, pred.Addr, target.Info().Addr, handoff(pred, succs, true)), chord.ErrNotResponsible)
	require.ErrorIs(t, send(t, c, other.Addr, target.Info().Addr, handoff(other, preds, true)), chord.ErrForbidden)

	// A leaving predecessor that had no predecessor itself: its keys are
	// those before it, not those between it and target.
	require.NoError(t, send(t, c, predPred.Addr, target.Info().Addr, chord.Request{Kind: chord.KindLeave, From: predPred}))
	require.True(t, target.Predecessor().IsZero())
	require.ErrorIs(t, send(t, c, predPred.Addr, target.Info().Addr, handoff(predPred, inRange(predPred.ID, target.ID()), true)), chord.ErrNotResponsible)
	require.NoError(t, send(t, c, predPred.Addr, target.Info().Addr, handoff(predPred, inRange(target.ID(), predPred.ID), true)))
}

// TestStoreWithoutPredecessor: a node that knows no predecessor (it forgot
// a failed one) confirms its responsibility for a stored key by a lookup,
// and refuses the keys of other nodes; oversize blocks are refused before
// anything else.
func TestStoreWithoutPredecessor(t *testing.T) {
	c, tr := storageRing(t, 12, 4, 0, 13)
	target := c.Random()
	pred := target.Predecessor()
	c.Fail(pred.Addr)
	target.CheckPredecessor(ctx)
	require.True(t, target.Predecessor().IsZero())
	own := func(k chord.ID) bool { return c.Owner(k) == target.Info() }
	other := func(k chord.ID) bool { return !own(k) }
	store := func(in func(chord.ID) bool) chord.Request {
		data := dataWithKey(t, in)
		tk := tr.SignBlock(chord.BlockKey(data), c.Sim.Now()+time.Hour)
		return chord.Request{Kind: chord.KindStore, Key: tk.Key, Ticket: &tk, Data: data}
	}
	require.ErrorIs(t, send(t, c, "client", target.Info().Addr, store(other)), chord.ErrNotResponsible)
	require.NoError(t, send(t, c, "client", target.Info().Addr, store(own)))

	big := make([]byte, chord.MaxBlockSize+1)
	tk := tr.SignBlock(chord.BlockKey(big), c.Sim.Now()+time.Hour)
	var resp chord.Response
	target.Handle(ctx, &chord.Request{Kind: chord.KindStore, Key: tk.Key, Ticket: &tk, Data: big}, &resp)
	require.ErrorIs(t, resp.Status.Err(), chord.ErrTooLarge)
}
