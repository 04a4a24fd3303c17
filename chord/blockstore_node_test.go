package chord_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// scanCountingStore is a MemStore that counts full iterations.
type scanCountingStore struct {
	*chord.MemStore
	keys *atomic.Int64
}

func (s scanCountingStore) Keys(from, to chord.ID, fn func(chord.ID) bool) error {
	s.keys.Add(1)
	return s.MemStore.Keys(from, to, fn)
}

// TestRequestsDoNotScanStore is defect 4: store, fetch and has requests
// reach expired blocks through the store's expiry index, never by
// iterating over the blocks; only membership changes iterate (handoff).
func TestRequestsDoNotScanStore(t *testing.T) {
	var scans atomic.Int64
	tr, err := chord.NewTracker(rand.NewChaCha8([32]byte{3}))
	require.NoError(t, err)
	c := simnet.NewCluster(simnet.ClusterConfig{
		Successors: 4, TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}, Lifetime: time.Hour,
		NewStore: func(string) chord.BlockStore { return scanCountingStore{chord.NewMemStore(), &scans} },
	}, 3)
	tr.SetClock(c.Sim.Now, 10*time.Minute)
	require.NoError(t, c.Grow(20))
	scans.Store(0)
	var keys []chord.ID
	for i := range 200 {
		k, err := c.Random().Put(ctx, chunk(i, 100), tr)
		require.NoError(t, err)
		keys = append(keys, k)
	}
	for _, k := range keys {
		_, err := c.Random().Get(ctx, k)
		require.NoError(t, err)
		require.True(t, hasLocal(c, c.Owner(k), k))
	}
	require.Zero(t, scans.Load(), "a request iterated over the store")
	// Expiry still happens, through the index.
	require.NoError(t, c.Run(c.Sim.Now()+2*time.Hour))
	for _, k := range keys[:10] {
		require.False(t, hasLocal(c, c.Owner(k), k))
	}
	require.Zero(t, scans.Load())
}

// BenchmarkStoreRequests measures has and fetch requests answered by a
// node holding 1,000 and 32,000 blocks: the cost per request must not
// grow with the blocks held (it grew from 8 µs to 329 µs when every
// request scanned the store for expired blocks).
func BenchmarkStoreRequests(b *testing.B) {
	const size = 256
	for _, blocks := range []int{1000, 32000} {
		nw, err := simnet.New(simnet.Config{}, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			b.Fatal(err)
		}
		store := chord.NewMemStore()
		clock := time.Hour
		n, err := chord.New(chord.Config{Addr: "n", Transport: nw.Endpoint("n"), Store: store,
			Now: func() time.Duration { return clock }, Lifetime: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		n.Create()
		keys := make([]chord.ID, blocks)
		rng := rand.New(rand.NewPCG(2, 2))
		for i := range keys {
			data := make([]byte, size)
			for j := range data {
				data[j] = byte(rng.Uint32())
			}
			keys[i] = chord.BlockKey(data)
			// Stored or fetched within the last hour (the lifetime).
			exp := int64(time.Hour) + 1 + rng.Int64N(int64(time.Hour))
			if err := store.Put(chord.Block{Key: keys[i], Data: data, Expires: exp}); err != nil {
				b.Fatal(err)
			}
		}
		for _, kind := range []chord.Kind{chord.KindHas, chord.KindFetch} {
			b.Run(fmt.Sprintf("%v/blocks=%d", kind, blocks), func(b *testing.B) {
				b.ReportAllocs()
				if kind == chord.KindFetch {
					b.SetBytes(size)
				}
				req := chord.Request{Kind: kind}
				var resp chord.Response
				i := 0
				for b.Loop() {
					req.Key = keys[i%len(keys)]
					i += 7919
					n.Handle(ctx, &req, &resp)
					if resp.Status != chord.StatusOK || (kind == chord.KindHas && !resp.Found) {
						b.Fatalf("%v: status %v", kind, resp.Status)
					}
				}
			})
		}
	}
}

// failingStore is a MemStore whose operations in the mask fail.
type failingStore struct {
	*chord.MemStore
	fail *atomic.Uint32
}

const (
	opGet = 1 << iota
	opHas
	opPut
	opDelete
	opSetExpires
	opExpire
	opKeys
	opAll = 1<<iota - 1
)

var errDisk = errors.New("disk on fire")

func (s failingStore) failing(op uint32) bool { return s.fail.Load()&op != 0 }

func (s failingStore) Get(k chord.ID) (chord.Block, bool, error) {
	if s.failing(opGet) {
		return chord.Block{}, false, errDisk
	}
	return s.MemStore.Get(k)
}

func (s failingStore) Has(k chord.ID) (bool, error) {
	if s.failing(opHas) {
		return false, errDisk
	}
	return s.MemStore.Has(k)
}

func (s failingStore) Put(b chord.Block) error {
	if s.failing(opPut) {
		return errDisk
	}
	return s.MemStore.Put(b)
}

func (s failingStore) Delete(k chord.ID) error {
	if s.failing(opDelete) {
		return errDisk
	}
	return s.MemStore.Delete(k)
}

func (s failingStore) SetExpires(k chord.ID, e int64) error {
	if s.failing(opSetExpires) {
		return errDisk
	}
	return s.MemStore.SetExpires(k, e)
}

func (s failingStore) Expire(now int64) (int, error) {
	if s.failing(opExpire) {
		return 0, errDisk
	}
	return s.MemStore.Expire(now)
}

func (s failingStore) Keys(from, to chord.ID, fn func(chord.ID) bool) error {
	if s.failing(opKeys) {
		return errDisk
	}
	return s.MemStore.Keys(from, to, fn)
}

// TestStoreFailures checks that a failing BlockStore makes a node answer
// StatusUnavailable and count the failure, never lose or invent a block:
// stores, fetches and has requests fail whichever operation fails, a join's
// handoff is retried once the store works again, and a leave reports the
// blocks its successor could not take and keeps them.
// failingCluster grows a ring of n nodes whose stores fail the operations
// set in broken[addr].
func failingCluster(t *testing.T, seed byte, n int) (*simnet.Cluster, *chord.Tracker, map[string]*atomic.Uint32) {
	t.Helper()
	tr, err := chord.NewTracker(rand.NewChaCha8([32]byte{seed}))
	require.NoError(t, err)
	broken := map[string]*atomic.Uint32{}
	c := simnet.NewCluster(simnet.ClusterConfig{
		Successors: 4, TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}, Lifetime: time.Hour,
		NewStore: func(addr string) chord.BlockStore {
			broken[addr] = new(atomic.Uint32)
			return failingStore{chord.NewMemStore(), broken[addr]}
		},
	}, uint64(seed))
	tr.SetClock(c.Sim.Now, 10*time.Minute)
	require.NoError(t, c.Grow(n))
	return c, tr, broken
}

func TestStoreFailures(t *testing.T) {
	c, tr, broken := failingCluster(t, 4, 12)
	var keys []chord.ID
	for i := range 40 {
		k, err := c.Random().Put(ctx, chunk(i, 50), tr)
		require.NoError(t, err)
		keys = append(keys, k)
	}
	owner := c.Node(c.Owner(keys[0]).Addr)
	ofail := broken[owner.Info().Addr]
	held := owner.State().Blocks
	call := func(req chord.Request) error {
		var resp chord.Response
		require.NoError(t, c.Net.Endpoint("client").Call(ctx, owner.Info().Addr, &req, &resp))
		return resp.Status.Err()
	}
	fresh := chunk(1000, 50)
	for !chord.BetweenRightIncl(chord.BlockKey(fresh), owner.Predecessor().ID, owner.ID()) {
		fresh = append(fresh, 0)
	}
	store := func() error {
		tk := tr.SignBlock(chord.BlockKey(fresh), c.Sim.Now()+time.Minute)
		return call(chord.Request{Kind: chord.KindStore, Key: tk.Key, Ticket: &tk, Data: fresh})
	}
	for _, tt := range []struct {
		name string
		ops  uint32
		req  func() error
	}{
		{"fetch, expiry fails", opExpire, func() error { return call(chord.Request{Kind: chord.KindFetch, Key: keys[0]}) }},
		{"fetch, get fails", opGet, func() error { return call(chord.Request{Kind: chord.KindFetch, Key: keys[0]}) }},
		{"fetch, lifetime update fails", opSetExpires, func() error { return call(chord.Request{Kind: chord.KindFetch, Key: keys[0]}) }},
		{"has, expiry fails", opExpire, func() error { return call(chord.Request{Kind: chord.KindHas, Key: keys[0]}) }},
		{"has fails", opHas, func() error { return call(chord.Request{Kind: chord.KindHas, Key: keys[0]}) }},
		{"store, expiry fails", opExpire, store},
		{"store, get fails", opGet, store},
		{"store, put fails", opPut, store},
		{"expire", opExpire, owner.ExpireBlocks},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := owner.Stats().StoreErrors
			ofail.Store(tt.ops)
			err := tt.req()
			ofail.Store(0)
			require.ErrorIs(t, err, chord.ErrUnavailable)
			require.Equal(t, before+1, owner.Stats().StoreErrors)
			require.Equal(t, held, owner.State().Blocks, "a failing store neither loses nor adds blocks")
		})
	}
	require.NoError(t, store())

	// A node joins at keys[0], just before the owner: the owner's handoff
	// fails while its store does, and happens at a later stabilisation
	// once the store works.
	jfail := new(atomic.Uint32)
	joined, err := chord.New(chord.Config{Addr: "joiner", ID: keys[0], Transport: c.Net.Endpoint("joiner"),
		TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}, Now: c.Sim.Now, Lifetime: time.Hour,
		Store: failingStore{chord.NewMemStore(), jfail}})
	require.NoError(t, err)
	c.Net.Register("joiner", joined)
	require.NoError(t, joined.Join(ctx, owner.Info()))
	// The new predecessor does not answer when the owner hands over.
	require.NoError(t, joined.Stabilize(ctx))
	c.Net.Crash("joiner")
	require.NoError(t, owner.Stabilize(ctx))
	c.Net.Register("joiner", joined)
	require.True(t, hasLocal(c, owner.Info(), keys[0]), "a handoff nobody answered keeps the block")
	for _, ops := range []uint32{opKeys, opGet, opDelete} {
		ofail.Store(ops)
		require.NoError(t, joined.Stabilize(ctx)) // notifies the owner
		require.Equal(t, joined.Info(), owner.Predecessor())
		require.NoError(t, owner.Stabilize(ctx))
		require.True(t, hasLocal(c, owner.Info(), keys[0]), "ops %b: the block stays until its handoff completes", ops)
	}
	ofail.Store(0)
	require.NoError(t, owner.Stabilize(ctx))
	require.True(t, hasLocal(c, joined.Info(), keys[0]), "the handoff was retried")
	require.False(t, hasLocal(c, owner.Info(), keys[0]), "and the block left the owner")

	// A leave whose successor cannot store reports the blocks it could
	// not hand over, and keeps them.
	blocks := joined.State().Blocks
	require.Positive(t, blocks)
	ofail.Store(opPut)
	require.Error(t, joined.Leave(ctx))
	require.Equal(t, blocks, joined.State().Blocks)
}
