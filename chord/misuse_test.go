package chord_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// TestMisuse calls the package's exported functions with nil, zero and
// out-of-range arguments: each gets an error, never a panic.
func TestMisuse(t *testing.T) {
	nw, err := simnet.New(simnet.Config{}, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	lone := func() *chord.Node { // a node that never joined a ring
		n, err := chord.New(chord.Config{Addr: "lone", Transport: nw.Endpoint("lone")})
		require.NoError(t, err)
		return n
	}
	ring := func() *chord.Node {
		n, err := chord.New(chord.Config{Addr: "one", Transport: nw.Endpoint("one")})
		require.NoError(t, err)
		n.Create()
		return n
	}
	tr, err := chord.NewTracker(nil) // nil means crypto/rand
	require.NoError(t, err)
	sw := testSwarm(t, 2)
	opts := chord.MGetOptions{Rand: rand.New(rand.NewPCG(1, 2))}
	var none [32]byte
	tests := []struct {
		name string
		call func() error
		want error // nil: any error
	}{
		{"New zero config", func() error { _, err := chord.New(chord.Config{}); return err }, chord.ErrConfig},
		{"New without transport", func() error { _, err := chord.New(chord.Config{Addr: "a"}); return err }, chord.ErrConfig},
		{"New negative quota", func() error {
			_, err := chord.New(chord.Config{Addr: "a", Transport: nw.Endpoint("a"), Quota: -1})
			return err
		}, chord.ErrConfig},
		{"New huge successor list", func() error {
			_, err := chord.New(chord.Config{Addr: "a", Transport: nw.Endpoint("a"), Successors: 1 << 20})
			return err
		}, chord.ErrConfig},
		{"Join zero bootstrap", func() error { return lone().Join(ctx, chord.NodeInfo{}) }, chord.ErrNilArgument},
		{"Join itself", func() error { n := lone(); return n.Join(ctx, n.Info()) }, chord.ErrConfig},
		{"Join unreachable", func() error { return lone().Join(ctx, chord.NodeInfo{Addr: "nobody"}) }, chord.ErrUnreachable},
		{"Put before joining", func() error { _, err := lone().Put(ctx, []byte("x"), tr); return err }, chord.ErrNoSuccessor},
		{"Get before joining", func() error { _, err := lone().Get(ctx, chord.ID{}); return err }, chord.ErrNoSuccessor},
		{"Lookup before joining", func() error { _, err := lone().Lookup(ctx, chord.ID{}); return err }, chord.ErrNoSuccessor},
		{"LookupRecursive before joining", func() error { _, err := lone().LookupRecursive(ctx, chord.ID{}); return err }, chord.ErrLookupFailed},
		{"Stabilize before joining", func() error { return lone().Stabilize(ctx) }, chord.ErrNoSuccessor},
		{"FixFingers before joining", func() error { return lone().FixFingers(ctx) }, chord.ErrNoSuccessor},
		{"Leave twice", func() error { n := ring(); _ = n.Leave(ctx); return n.Leave(ctx) }, chord.ErrLeft},
		{"Put nil issuer", func() error { _, err := ring().Put(ctx, []byte("x"), nil); return err }, chord.ErrNilArgument},
		{"Put empty block", func() error { _, err := ring().Put(ctx, nil, tr); return err }, chord.ErrBadRequest},
		{"Put oversize block", func() error { _, err := ring().Put(ctx, make([]byte, chord.MaxBlockSize+1), tr); return err }, chord.ErrTooLarge},
		{"Get absent key", func() error { _, err := ring().Get(ctx, chord.ID{}); return err }, chord.ErrNotFound},
		{"MPut nil swarm", func() error { _, err := ring().MPut(ctx, nil, tr, []byte("x")); return err }, chord.ErrNilArgument},
		{"MPut nil issuer", func() error { _, err := ring().MPut(ctx, sw, nil, []byte("x")); return err }, chord.ErrNilArgument},
		{"MGet nil swarm", func() error { _, err := ring().MGet(ctx, nil, tr, none, opts); return err }, chord.ErrNilArgument},
		{"MGet nil issuer", func() error { _, err := ring().MGet(ctx, sw, nil, none, opts); return err }, chord.ErrNilArgument},
		{"MGet nil rand", func() error { _, err := ring().MGet(ctx, sw, tr, none, chord.MGetOptions{}); return err }, chord.ErrNoRand},
		{"RandomSeller nil rand", func() error {
			_, err := chord.RandomSeller(nil).PickSeller(ctx, none, []chord.NodeInfo{{Addr: "x"}})
			return err
		}, chord.ErrNoRand},
		{"RandomSeller no holders", func() error { _, err := chord.RandomSeller(opts.Rand).PickSeller(ctx, none, nil); return err }, chord.ErrNoSeller},
		{"Handle nil request", func() error {
			var resp chord.Response
			ring().Handle(ctx, nil, &resp)
			ring().Handle(ctx, &chord.Request{}, nil)
			return resp.Status.Err()
		}, chord.ErrBadRequest},
		{"HandleFrom nil request", func() error {
			var resp chord.Response
			ring().HandleFrom(ctx, chord.NodeInfo{Addr: "x"}, nil, &resp)
			return resp.Status.Err()
		}, chord.ErrBadRequest},
		{"Handle zero request", func() error {
			var resp chord.Response
			ring().Handle(ctx, &chord.Request{}, &resp)
			return resp.Status.Err()
		}, chord.ErrBadRequest},
		{"HandleWire nil", func() error {
			var resp chord.Response
			if err := resp.UnmarshalBinary(ring().HandleWire(ctx, nil)); err != nil {
				return fmt.Errorf("undecodable answer: %v", err)
			}
			return resp.Status.Err()
		}, chord.ErrBadRequest},
		{"NewSwarm nil secret", func() error { _, err := chord.NewSwarm(nil, 3); return err }, chord.ErrSecretSize},
		{"NewSwarm zero replicas", func() error { _, err := chord.NewSwarm(make([]byte, 32), 0); return err }, chord.ErrReplicas},
		{"Swarm.Open nil", func() error { _, err := sw.Open(none, nil); return err }, chord.ErrCorrupt},
		{"NewTracker failing reader", func() error { _, err := chord.NewTracker(iotest.ErrReader(errors.New("no entropy"))); return err }, nil},
		{"SignReplica nil swarm", func() error { _, err := tr.SignReplica(nil, none, 0, none, 1); return err }, chord.ErrTicketRequest},
		{"IssueTicket index ≥ q_s", func() error { _, err := tr.IssueTicket(ctx, sw, none, 2, none); return err }, chord.ErrTicketRequest},
		{"Ticket.Verify no trusted keys", func() error { tk := tr.SignBlock(none, 1); return tk.Verify(nil, 0) }, chord.ErrTicketUntrusted},
		{"Ticket.Verify zero ticket", func() error { var tk chord.Ticket; return tk.Verify(nil, 0) }, chord.ErrTicketUntrusted},
		{"Ticket.UnmarshalBinary nil", func() error { var tk chord.Ticket; return tk.UnmarshalBinary(nil) }, chord.ErrTicketLength},
		{"Request.MarshalBinary zero", func() error { _, err := (&chord.Request{}).MarshalBinary(); return err }, chord.ErrMalformed},
		{"Request.UnmarshalBinary nil", func() error { return new(chord.Request).UnmarshalBinary(nil) }, chord.ErrMalformed},
		{"Response.UnmarshalBinary nil", func() error { return new(chord.Response).UnmarshalBinary(nil) }, chord.ErrMalformed},
		{"IDFromBytes nil", func() error { _, err := chord.IDFromBytes(nil); return err }, chord.ErrIDLength},
		{"ID.UnmarshalText nil", func() error { return new(chord.ID).UnmarshalText(nil) }, chord.ErrIDLength},
		{"NewLazyRepairModel NaN", func() error { _, err := chord.NewLazyRepairModel(10, 3, math.NaN()); return err }, chord.ErrModel},
		{"NewLazyRepairModel zero", func() error { _, err := chord.NewLazyRepairModel(0, 0, 0); return err }, chord.ErrModel},
		{"FullReplicationLoss zero", func() error { _, err := chord.FullReplicationLoss(0, 0.1); return err }, chord.ErrModel},
		{"ClaimBTerm c > q", func() error { _, err := chord.ClaimBTerm(3, 4); return err }, chord.ErrModel},
		{"DiskEstimate zero users", func() error { _, err := chord.DiskEstimate(1, 0, 1, 1); return err }, chord.ErrModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tt.call() })
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
	// Zero values that must simply work.
	require.NoError(t, chord.CheckInvariants(nil))
	require.NoError(t, chord.CheckStable(nil, 0))
	var ms chord.MemStore // the zero MemStore is empty and usable
	require.NoError(t, ms.Put(chord.Block{Key: chord.IDFromUint64(1), Data: []byte("x")}))
	n, b := ms.Usage()
	require.Equal(t, 1, n)
	require.Equal(t, int64(1), b)
	require.NoError(t, lone().ExpireBlocks())
}
