package chord_test

import (
	"crypto/ed25519"
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
