package chord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// storageRing is a stabilised ring whose nodes trust tracker tr, with the
// tracker dating tickets on the simulator's clock.
func storageRing(t testing.TB, n, r int, quota int64, seed uint64) (*simnet.Cluster, *chord.Tracker) {
	t.Helper()
	tr, err := chord.NewTracker(rand.NewChaCha8([32]byte{byte(seed)}))
	require.NoError(t, err)
	c := simnet.NewCluster(simnet.ClusterConfig{
		Successors: r, TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}, Quota: quota,
		Lifetime: time.Hour,
	}, seed)
	tr.SetClock(c.Sim.Now, 10*time.Minute)
	require.NoError(t, c.Grow(n))
	return c, tr
}

func testSwarm(t testing.TB, q int) *chord.Swarm {
	sw, err := chord.NewSwarm([]byte("swarm secret from the tracker!!!"), q)
	require.NoError(t, err)
	return sw
}

func chunk(i, size int) []byte {
	b := make([]byte, size)
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	for k := range b {
		b[k] = byte(rng.Uint32())
	}
	return b
}

func TestMPutMGet(t *testing.T) {
	c, tr := storageRing(t, 200, 8, 0, 1)
	sw := testSwarm(t, 10)
	seeder, leecher := c.Random(), c.Random()
	data := chunk(1, 4096)
	pr, err := seeder.MPut(ctx, sw, tr, data)
	require.NoError(t, err)
	require.Equal(t, 10, pr.Stored)
	require.Zero(t, pr.Failed)
	// Distinct holders are the distinct owners of the replica keys.
	owners := map[string]bool{}
	for i := range 10 {
		owners[c.Owner(sw.ReplicaKey(pr.ChunkHash, i)).Addr] = true
	}
	require.Equal(t, len(owners), pr.Holders)

	// A second mput is ignored by every holder.
	pr2, err := leecher.MPut(ctx, sw, tr, data)
	require.NoError(t, err)
	require.Zero(t, pr2.Stored)
	require.Equal(t, 10, pr2.Present)

	var picked []chord.NodeInfo
	picker := chord.PickSellerFunc(func(_ context.Context, ch [32]byte, holders []chord.NodeInfo) (int, error) {
		require.Equal(t, pr.ChunkHash, ch)
		picked = holders
		return len(holders) - 1, nil
	})
	gr, err := leecher.MGet(ctx, sw, tr, pr.ChunkHash, chord.MGetOptions{Picker: picker, Rand: c.Rand()})
	require.NoError(t, err)
	require.Equal(t, data, gr.Chunk)
	require.Equal(t, 10, gr.Slots)
	require.Len(t, gr.Holders, len(owners))
	require.Equal(t, picked[len(picked)-1], gr.Seller)
	require.Equal(t, 3, gr.Repaired.Present, "all slots were full: the re-put is ignored")
}

// TestStorersSeeCiphertext checks §4.4: no holder stores the plaintext, and
// the ring keys are not derivable without the swarm secret.
func TestStorersSeeCiphertext(t *testing.T) {
	c, tr := storageRing(t, 50, 8, 0, 2)
	sw := testSwarm(t, 5)
	data := bytes.Repeat([]byte("plaintext chunk "), 64)
	pr, err := c.Random().MPut(ctx, sw, tr, data)
	require.NoError(t, err)
	other, err := chord.NewSwarm([]byte("another swarm's secret.........."), 5)
	require.NoError(t, err)
	for i := range 5 {
		key := sw.ReplicaKey(pr.ChunkHash, i)
		require.NotEqual(t, key, other.ReplicaKey(pr.ChunkHash, i))
		got, err := c.Node(c.Owner(key).Addr).Get(ctx, key) // Get checks content keys: fails for replicas
		require.ErrorIs(t, err, chord.ErrCorrupt)
		require.Nil(t, got)
	}
	// Fetch the raw replica as a storer would see it.
	ct, err := fetchRaw(c, sw.ReplicaKey(pr.ChunkHash, 0))
	require.NoError(t, err)
	require.False(t, bytes.Contains(ct, []byte("plaintext")))
	require.Len(t, ct, len(data)+chord.Overhead)
	_, err = other.Open(pr.ChunkHash, ct)
	require.ErrorIs(t, err, chord.ErrCorrupt)
}

func fetchRaw(c *simnet.Cluster, key chord.ID) ([]byte, error) {
	var resp chord.Response
	err := c.Net.Endpoint("observer").Call(ctx, c.Owner(key).Addr, &chord.Request{Kind: chord.KindFetch, Key: key}, &resp)
	if err != nil {
		return nil, err
	}
	return resp.Data, resp.Status.Err()
}

func TestPutGetContentBlocks(t *testing.T) {
	c, tr := storageRing(t, 100, 8, 0, 3)
	data := chunk(9, 1000)
	key, err := c.Random().Put(ctx, data, tr)
	require.NoError(t, err)
	require.Equal(t, chord.BlockKey(data), key)
	got, err := c.Random().Get(ctx, key)
	require.NoError(t, err)
	require.Equal(t, data, got)
	_, err = c.Random().Get(ctx, chord.BlockKey([]byte("never stored")))
	require.ErrorIs(t, err, chord.ErrNotFound)
}

// countingIssuer counts the tickets it is asked for.
type countingIssuer struct {
	chord.TicketIssuer
	calls int
}

func (c *countingIssuer) IssueTicket(ctx context.Context, sw *chord.Swarm, ch [32]byte, i uint32, h [32]byte) (chord.Ticket, error) {
	c.calls++
	return c.TicketIssuer.IssueTicket(ctx, sw, ch, i, h)
}

// TestPutBlockSizeLimit: a block of MaxBlockSize bytes is stored and
// fetched back; one byte more is refused with ErrTooLarge before a ticket
// is asked for.
func TestPutBlockSizeLimit(t *testing.T) {
	c, tr := storageRing(t, 4, 2, 0, 23)
	for _, size := range []int{chord.MaxBlockSize, chord.MaxBlockSize + 1} {
		issuer := &countingIssuer{TicketIssuer: tr}
		data := chunk(size, size)
		key, err := c.Random().Put(ctx, data, issuer)
		if size > chord.MaxBlockSize {
			require.ErrorIs(t, err, chord.ErrTooLarge)
			require.Zero(t, issuer.calls, "a ticket was issued for an oversize block")
			continue
		}
		require.NoError(t, err)
		require.Equal(t, 1, issuer.calls)
		got, err := c.Random().Get(ctx, key)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got))
	}
}

// TestStoreRequestChecks sends hand-made store requests and checks every
// refusal of §4.3 and the node's counters.
func TestStoreRequestChecks(t *testing.T) {
	c, tr := storageRing(t, 30, 8, 10_000, 4)
	rogue, err := chord.NewTracker(rand.NewChaCha8([32]byte{99}))
	require.NoError(t, err)
	rogue.SetClock(c.Sim.Now, time.Minute)
	data := chunk(5, 2000)
	key := chord.BlockKey(data)
	owner := c.Owner(key)
	var notOwner chord.NodeInfo
	for _, n := range c.Nodes() {
		if n.Info() != owner {
			notOwner = n.Info()
			break
		}
	}
	ticket := func(iss *chord.Tracker, k chord.ID, d []byte) *chord.Ticket {
		tk, err := iss.IssueTicket(ctx, nil, [32]byte(k), 0, [32]byte(k))
		require.NoError(t, err)
		return &tk
	}
	forged := ticket(tr, key, data)
	forged.Sig[0] ^= 1
	expired := tr.SignBlock(key, c.Sim.Now()-1)
	big := chunk(6, 20_000)
	tests := []struct {
		name string
		to   chord.NodeInfo
		req  chord.Request
		want error
	}{
		{"no ticket", owner, chord.Request{Kind: chord.KindStore, Key: key, Data: data}, chord.ErrBadRequest},
		{"untrusted tracker", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(rogue, key, data), Data: data}, chord.ErrTicketUntrusted},
		{"forged signature", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: forged, Data: data}, chord.ErrTicketSignature},
		{"replayed expired ticket", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: &expired, Data: data}, chord.ErrTicketExpired},
		{"ticket for other data", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(tr, key, data), Data: chunk(7, 2000)}, chord.ErrTicketMismatch},
		{"ticket for other key", owner, chord.Request{Kind: chord.KindStore, Key: chord.HashID([]byte("x")), Ticket: ticket(tr, key, data), Data: data}, chord.ErrTicketMismatch},
		{"not responsible", notOwner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(tr, key, data), Data: data}, chord.ErrNotResponsible},
		{"over quota", c.Owner(chord.BlockKey(big)), chord.Request{Kind: chord.KindStore, Key: chord.BlockKey(big), Ticket: ticket(tr, chord.BlockKey(big), big), Data: big}, chord.ErrQuota},
		{"empty block", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(tr, key, data)}, chord.ErrBadRequest},
		{"unknown kind", owner, chord.Request{Kind: 200}, chord.ErrBadRequest},
		{"fetch unknown key", owner, chord.Request{Kind: chord.KindFetch, Key: chord.HashID([]byte("nothing"))}, chord.ErrNotFound},
		{"valid", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(tr, key, data), Data: data}, nil},
		{"duplicate", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: ticket(tr, key, data), Data: data}, nil},
		{"duplicate with a replayed expired ticket is still ignored", owner, chord.Request{Kind: chord.KindStore, Key: key, Ticket: &expired, Data: data}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp chord.Response
			require.NoError(t, c.Net.Endpoint("client").Call(ctx, tt.to.Addr, &tt.req, &resp))
			err := resp.Status.Err()
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
	st := c.Node(owner.Addr).Stats()
	require.Equal(t, uint64(1), st.Stored)
	require.Equal(t, uint64(2), st.Duplicates)
	require.Equal(t, uint64(1), st.Refused[chord.StatusBadSignature])
	require.Equal(t, uint64(1), st.Refused[chord.StatusExpired])
	require.Equal(t, uint64(1), st.Refused[chord.StatusUntrusted])
	require.NoError(t, c.CheckStable(), "bad requests must not disturb the ring")
}

// TestReplicaLifetime checks that replicas expire a lifetime after their
// last store or fetch.
func TestReplicaLifetime(t *testing.T) {
	c, tr := storageRing(t, 20, 4, 0, 5)
	data := chunk(3, 100)
	key, err := c.Random().Put(ctx, data, tr)
	require.NoError(t, err)
	owner := c.Node(c.Owner(key).Addr)
	require.NoError(t, c.Run(50*time.Minute))
	_, err = c.Random().Get(ctx, key) // a fetch renews the lifetime
	require.NoError(t, err)
	require.NoError(t, c.Run(100*time.Minute))
	_, err = c.Random().Get(ctx, key)
	require.NoError(t, err)
	require.NoError(t, c.Run(161*time.Minute))
	_, err = c.Random().Get(ctx, key)
	require.ErrorIs(t, err, chord.ErrNotFound)
	require.Equal(t, uint64(1), owner.Stats().Expired)
}

// TestMembershipMovesBlocks stores blocks, then joins and leaves nodes and
// checks that every block stays reachable at its key's current owner.
func TestMembershipMovesBlocks(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c, tr := storageRing(t, 20, 4, 0, 10+seed)
			var keys []chord.ID
			for i := range 60 {
				key, err := c.Random().Put(ctx, chunk(i, 64), tr)
				require.NoError(t, err)
				keys = append(keys, key)
			}
			for step := range 30 {
				if step%2 == 0 {
					_, err := c.Join()
					require.NoError(t, err)
				} else {
					var victim *chord.Node
					for victim == nil || !c.SafeToFail(victim.Info().Addr) {
						victim = c.Random()
					}
					require.NoError(t, c.Leave(victim.Info().Addr))
				}
				_, err := c.StabilizeUntilStable(100)
				require.NoError(t, err)
				// Time passes: the tickets the blocks were stored with
				// (valid 10 minutes) expire, which must not stop their
				// handoff; the replicas (lifetime 1 hour) do not.
				if step < 4 {
					require.NoError(t, c.Run(c.Sim.Now()+12*time.Minute))
				}
			}
			for i, k := range keys {
				got, err := c.Node(c.Owner(k).Addr).Get(ctx, k)
				require.NoError(t, err, "block %d", i)
				require.Equal(t, chunk(i, 64), got)
				require.True(t, hasLocal(c, c.Owner(k), k), "block %d is not at its owner", i)
			}
		})
	}
}

func hasLocal(c *simnet.Cluster, n chord.NodeInfo, key chord.ID) bool {
	var resp chord.Response
	err := c.Net.Endpoint("observer").Call(ctx, n.Addr, &chord.Request{Kind: chord.KindHas, Key: key}, &resp)
	return err == nil && resp.Found
}

// TestMGetRepairsAfterFailures fails 30% of the nodes and checks that mget
// still finds a holder and that its repair refills empty slots.
func TestMGetRepairsAfterFailures(t *testing.T) {
	c, tr := storageRing(t, 300, 8, 0, 6)
	sw := testSwarm(t, 10)
	var hashes [][32]byte
	for i := range 20 {
		pr, err := c.Random().MPut(ctx, sw, tr, chunk(i, 512))
		require.NoError(t, err)
		hashes = append(hashes, pr.ChunkHash)
	}
	for failed := 0; failed < 90; {
		n := c.Random()
		if c.SafeToFail(n.Info().Addr) {
			c.Fail(n.Info().Addr)
			failed++
		}
	}
	_, err := c.StabilizeUntilStable(100)
	require.NoError(t, err)
	leecher := c.Random()
	for i, h := range hashes {
		before, err := leecher.MGet(ctx, sw, tr, h, chord.MGetOptions{Rand: c.Rand(), Repair: 10})
		require.NoError(t, err)
		require.Equal(t, chunk(i, 512), before.Chunk)
		require.Equal(t, 10-before.Slots, before.Repaired.Stored, "full repair refills exactly the empty slots")
		after, err := leecher.MGet(ctx, sw, tr, h, chord.MGetOptions{Rand: c.Rand(), Repair: -1})
		require.NoError(t, err)
		require.Equal(t, 10, after.Slots)
	}
}

func TestMGetPickerErrors(t *testing.T) {
	c, tr := storageRing(t, 40, 4, 0, 7)
	sw := testSwarm(t, 4)
	pr, err := c.Random().MPut(ctx, sw, tr, chunk(1, 64))
	require.NoError(t, err)
	lost := errors.New("auction lost")
	_, err = c.Random().MGet(ctx, sw, tr, pr.ChunkHash, chord.MGetOptions{Rand: c.Rand(),
		Picker: chord.PickSellerFunc(func(context.Context, [32]byte, []chord.NodeInfo) (int, error) { return 0, lost })})
	require.ErrorIs(t, err, chord.ErrNoSeller)
	require.ErrorIs(t, err, lost)
	for _, pick := range []func(holders int) int{
		func(int) int { return 99 },
		func(h int) int { return h }, // one past the last holder
		func(int) int { return -1 },
	} {
		_, err = c.Random().MGet(ctx, sw, tr, pr.ChunkHash, chord.MGetOptions{Rand: c.Rand(),
			Picker: chord.PickSellerFunc(func(_ context.Context, _ [32]byte, h []chord.NodeInfo) (int, error) { return pick(len(h)), nil })})
		require.ErrorIs(t, err, chord.ErrNoSeller)
	}
	_, err = c.Random().MGet(ctx, sw, tr, pr.ChunkHash, chord.MGetOptions{})
	require.ErrorIs(t, err, chord.ErrNoRand)
	_, err = c.Random().MGet(ctx, sw, tr, chord.ChunkHash([]byte("unknown")), chord.MGetOptions{Rand: c.Rand()})
	require.ErrorIs(t, err, chord.ErrChunkLost)
}

func TestReplicaKeysMatch(t *testing.T) {
	sw := testSwarm(t, 10)
	ch := chord.ChunkHash([]byte("c"))
	keys := sw.ReplicaKeys(nil, ch)
	require.Len(t, keys, 10)
	seen := map[chord.ID]bool{}
	for i, k := range keys {
		require.Equal(t, sw.ReplicaKey(ch, i), k)
		seen[k] = true
	}
	require.Len(t, seen, 10, "replica keys are distinct")
}

// TestMPutMGetPastDeadOwner: when the owner of a replica key has crashed
// and the ring has not repaired itself yet (its successor has only
// dropped it as predecessor), mput stores the replica at the next live
// successor and mget finds it there: the store and the has-check move on
// past a holder that does not answer, as a lookup's liveness check would.
func TestMPutMGetPastDeadOwner(t *testing.T) {
	c, tr := storageRing(t, 24, 4, 0, 21)
	sw := testSwarm(t, 1)
	data := chunk(3, 700)
	ch, _ := sw.Seal(data)
	owner := c.Owner(sw.ReplicaKey(ch, 0))
	next := c.Node(owner.Addr).Successor()
	c.Fail(owner.Addr)
	c.Node(next.Addr).CheckPredecessor(ctx)
	require.True(t, c.Node(next.Addr).Predecessor().IsZero())
	client := c.Random()
	for client.Info() == next {
		client = c.Random()
	}
	put, err := client.MPut(ctx, sw, tr, data)
	require.NoError(t, err)
	require.Equal(t, 1, put.Stored)
	got, err := client.MGet(ctx, sw, tr, ch, chord.MGetOptions{Rand: c.Rand(), Repair: -1})
	require.NoError(t, err)
	require.Equal(t, data, got.Chunk)
	require.Equal(t, []chord.NodeInfo{next}, got.Holders)
}
