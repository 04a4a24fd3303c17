package chord

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMGetEmptyBlockFromHolder: a holder that says it has the chunk and
// then delivers an empty block (a hostile or broken peer; the wire format
// refuses empty blocks, other transports need not) makes MGet fail with
// ErrNoSeller wrapping ErrCorrupt, searching or direct, with repair off
// (where the block would be decrypted in place) or on, with or without a
// buffer: never a panic.
func TestMGetEmptyBlockFromHolder(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 1)
	require.NoError(t, err)
	ch, _ := sw.Seal([]byte("the chunk"))
	key := sw.ReplicaKey(ch, 0)
	holder := NodeInfo{ID: key, Addr: "holder"}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"holder": func(req *Request, resp *Response) {
			resp.Found = req.Kind == KindHas
			resp.Data = resp.Data[:0]
		},
	}}
	n, err := New(Config{Addr: "n", ID: IDFromUint64(1), Transport: tr})
	require.NoError(t, err)
	n.Create()
	issuer, err := NewTracker(nil)
	require.NoError(t, err)
	for _, direct := range []bool{false, true} {
		for _, repair := range []int{-1, 1} {
			for _, buf := range [][]byte{nil, make([]byte, 0, 64)} {
				owners := NewOwnerCache(0)
				owners.Learn(key, LookupResult{Node: holder})
				res, err := n.MGet(context.Background(), sw, issuer, ch, MGetOptions{
					Direct: direct, Repair: repair, Buffer: buf, Owners: owners, Rand: rand.New(rand.NewPCG(1, 1)),
				})
				require.ErrorIs(t, err, ErrNoSeller, "direct %v, repair %d, buffer %v", direct, repair, buf != nil)
				require.ErrorIs(t, err, ErrCorrupt, "direct %v, repair %d, buffer %v", direct, repair, buf != nil)
				require.Nil(t, res.Chunk)
			}
		}
	}
}

// TestGetRefusesWrongBlock: Get returns ErrCorrupt, and no data, when the
// owner of a key delivers a block that does not hash to it.
func TestGetRefusesWrongBlock(t *testing.T) {
	want := []byte("the block stored under the key")
	key := BlockKey(want)
	holder := NodeInfo{ID: key, Addr: "holder"}
	for _, deliver := range [][]byte{[]byte("another block"), want} {
		tr := &scriptTransport{answer: map[string]func(*Request, *Response){
			"holder": func(req *Request, resp *Response) {
				if req.Kind == KindFetch {
					resp.Data = append(resp.Data, deliver...)
				}
			},
		}}
		n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
		require.NoError(t, err)
		n.mu.Lock()
		n.setSuccs([]NodeInfo{holder})
		n.mu.Unlock()
		got, err := n.Get(context.Background(), key)
		if string(deliver) != string(want) {
			require.ErrorIs(t, err, ErrCorrupt)
			require.Nil(t, got)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

// transportFunc adapts a function to Transport.
type transportFunc func(ctx context.Context, to string, req *Request, resp *Response) error

func (f transportFunc) Call(ctx context.Context, to string, req *Request, resp *Response) error {
	return f(ctx, to, req, resp)
}

// TestPutStopsWhenCancelled: a store whose context is cancelled while the
// owner is being called reports the cancellation, not a dead ring, and is
// not sent on to the owner's successors.
func TestPutStopsWhenCancelled(t *testing.T) {
	data := []byte("a block")
	key := BlockKey(data)
	h1, h2 := NodeInfo{ID: key, Addr: "h1"}, NodeInfo{ID: key.Add(IDFromUint64(1)), Addr: "h2"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var called []string
	tr := transportFunc(func(ctx context.Context, to string, req *Request, resp *Response) error {
		called = append(called, to)
		if to == "h1" {
			cancel()
		}
		return ctx.Err()
	})
	n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{h1, h2})
	n.mu.Unlock()
	issuer, err := NewTracker(nil)
	require.NoError(t, err)
	_, err = n.Put(ctx, data, issuer)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, []string{"h1"}, called)
}

// TestMPutRefusedByCachedHolder: a cached holder that refuses the store
// (its quota is full) makes MPutWith fail, with the refusal's error in
// the result, not count the replica as stored or present.
func TestMPutRefusedByCachedHolder(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 1)
	require.NoError(t, err)
	chunk := []byte("the chunk")
	key := sw.ReplicaKey(ChunkHash(chunk), 0)
	holder := NodeInfo{ID: key, Addr: "holder"}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"holder": func(req *Request, resp *Response) {
			if req.Kind == KindStore {
				resp.Status = StatusQuota
			}
		},
	}}
	n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{holder})
	n.mu.Unlock()
	issuer, err := NewTracker(nil)
	require.NoError(t, err)
	for _, cached := range []bool{true, false} {
		var owners *OwnerCache
		if cached {
			owners = NewOwnerCache(0)
			owners.Learn(key, LookupResult{Node: holder})
		}
		tr.called = nil
		res, err := n.MPutWith(context.Background(), sw, issuer, chunk, MPutOptions{Owners: owners})
		require.ErrorIs(t, err, ErrQuota, "cached %v", cached)
		require.ErrorIs(t, res.Err, ErrQuota, "cached %v", cached)
		require.Equal(t, 1, res.Failed)
		require.Zero(t, res.Stored+res.Present)
		require.Contains(t, tr.called, "holder")
	}
}

// TestMGetDirectCancelled: a direct MGet with a cancelled context reports
// the cancellation, not a lost chunk.
func TestMGetDirectCancelled(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 3)
	require.NoError(t, err)
	n, err := New(Config{Addr: "n", ID: IDFromUint64(1), Transport: &scriptTransport{}})
	require.NoError(t, err)
	n.Create()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = n.MGet(ctx, sw, nil, ChunkHash([]byte("x")), MGetOptions{Direct: true, Repair: -1, Rand: rand.New(rand.NewPCG(1, 1))})
	require.ErrorIs(t, err, context.Canceled)
}

// failingIssuer refuses every ticket.
type failingIssuer struct{ err error }

func (f failingIssuer) IssueTicket(context.Context, *Swarm, [32]byte, uint32, [32]byte) (Ticket, error) {
	return Ticket{}, f.err
}

// TestPutReportsIssuerAndFetchErrors: Put fails with the issuer's own
// error when it refuses a ticket, before any call; Get fails with the
// transport's error when the owner, alive at the lookup, does not answer
// the fetch.
func TestPutReportsIssuerAndFetchErrors(t *testing.T) {
	data := []byte("a block")
	key := BlockKey(data)
	holder := NodeInfo{ID: key, Addr: "holder"}
	gone := errors.New("connection reset")
	var called []Kind
	tr := transportFunc(func(_ context.Context, _ string, req *Request, resp *Response) error {
		called = append(called, req.Kind)
		if req.Kind == KindFetch {
			return gone
		}
		resp.Reset()
		return nil
	})
	n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{holder})
	n.mu.Unlock()

	refused := errors.New("tracker says no")
	_, err = n.Put(context.Background(), data, failingIssuer{refused})
	require.ErrorIs(t, err, refused)
	require.Empty(t, called)

	got, err := n.Get(context.Background(), key)
	require.ErrorIs(t, err, gone)
	require.Nil(t, got)
	require.Equal(t, []Kind{KindPing, KindFetch}, called)
}

// TestMGetOwnerCacheUpkeep: MGet keeps its OwnerCache honest. A cached
// holder that does not answer is forgotten, and a holder that then fails
// the lookup's call too is not learnt; a cached holder that answers but
// no longer has the chunk is forgotten once a lookup finds the slot's
// real holder, which is learnt.
func TestMGetOwnerCacheUpkeep(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 1)
	require.NoError(t, err)
	want := []byte("the chunk")
	ch, sealed := sw.Seal(want)
	key := sw.ReplicaKey(ch, 0)
	holder := NodeInfo{ID: key, Addr: "holder"}
	stale := NodeInfo{ID: key.Add(IDFromUint64(10)), Addr: "stale"}
	dead := NodeInfo{ID: key, Addr: "dead"}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"holder": func(req *Request, resp *Response) {
			resp.Found = req.Kind == KindHas
			if req.Kind == KindFetch {
				resp.Data = append(resp.Data, sealed...)
			}
		},
		"stale": func(*Request, *Response) {}, // alive, without the chunk
	}}
	opts := func(owners *OwnerCache) MGetOptions {
		return MGetOptions{Repair: -1, Owners: owners, Rand: rand.New(rand.NewPCG(1, 1))}
	}
	newNode := func(succ NodeInfo) *Node {
		n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
		require.NoError(t, err)
		n.mu.Lock()
		n.setSuccs([]NodeInfo{succ})
		n.mu.Unlock()
		return n
	}

	owners := NewOwnerCache(0)
	owners.Learn(key, LookupResult{Node: dead})
	_, err = newNode(dead).MGet(context.Background(), sw, nil, ch, opts(owners))
	require.ErrorIs(t, err, ErrChunkLost)
	_, ok := owners.Owner(key)
	require.False(t, ok, "a dead holder stays cached")

	owners = NewOwnerCache(0)
	owners.Learn(key, LookupResult{Node: stale})
	res, err := newNode(holder).MGet(context.Background(), sw, nil, ch, opts(owners))
	require.NoError(t, err)
	require.Equal(t, want, res.Chunk)
	got, ok := owners.Owner(key)
	require.True(t, ok)
	require.Equal(t, holder, got)
	_, ok = owners.Owner(key.Add(IDFromUint64(5)))
	require.False(t, ok, "the stale holder's arc is still cached")
}

// TestMPutOwnerCacheUpkeep: a cached holder that refuses a store as no
// longer responsible is forgotten once the lookup finds the slot's real
// holder, which stores the replica and is learnt.
func TestMPutOwnerCacheUpkeep(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 1)
	require.NoError(t, err)
	chunk := []byte("the chunk")
	key := sw.ReplicaKey(ChunkHash(chunk), 0)
	holder := NodeInfo{ID: key, Addr: "holder"}
	stale := NodeInfo{ID: key.Add(IDFromUint64(10)), Addr: "stale"}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"holder": func(*Request, *Response) {},
		"stale": func(req *Request, resp *Response) {
			if req.Kind == KindStore {
				resp.Status = StatusNotResponsible
			}
		},
	}}
	n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(1)), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{holder})
	n.mu.Unlock()
	issuer, err := NewTracker(nil)
	require.NoError(t, err)
	owners := NewOwnerCache(0)
	owners.Learn(key, LookupResult{Node: stale})
	res, err := n.MPutWith(context.Background(), sw, issuer, chunk, MPutOptions{Owners: owners})
	require.NoError(t, err)
	require.Equal(t, 1, res.Stored)
	require.Equal(t, []string{"stale", "holder"}, tr.called)
	got, ok := owners.Owner(key)
	require.True(t, ok)
	require.Equal(t, holder, got)
	_, ok = owners.Owner(key.Add(IDFromUint64(5)))
	require.False(t, ok, "the stale holder's arc is still cached")
}

// TestMGetDirectRepairsAtDeliverer: a direct MGet's repair of the slot
// whose holder delivered the chunk goes straight to that holder, without
// a second lookup.
func TestMGetDirectRepairsAtDeliverer(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 1)
	require.NoError(t, err)
	want := []byte("the chunk")
	ch, sealed := sw.Seal(want)
	key := sw.ReplicaKey(ch, 0)
	holder := NodeInfo{ID: key, Addr: "holder"}
	router := NodeInfo{ID: key.Sub(IDFromUint64(100)), Addr: "router"}
	tr := &scriptTransport{answer: map[string]func(*Request, *Response){
		"router": func(_ *Request, resp *Response) {
			resp.Done = true
			resp.Nodes = append(resp.Nodes, holder)
		},
		"holder": func(req *Request, resp *Response) {
			if req.Kind == KindFetch {
				resp.Data = append(resp.Data, sealed...)
			}
		},
	}}
	n, err := New(Config{Addr: "n", ID: key.Sub(IDFromUint64(200)), Transport: tr})
	require.NoError(t, err)
	n.mu.Lock()
	n.setSuccs([]NodeInfo{router})
	n.mu.Unlock()
	issuer, err := NewTracker(nil)
	require.NoError(t, err)
	res, err := n.MGet(context.Background(), sw, issuer, ch, MGetOptions{Direct: true, Repair: 1, Rand: rand.New(rand.NewPCG(1, 1))})
	require.NoError(t, err)
	require.Equal(t, want, res.Chunk)
	require.Equal(t, 1, res.Repaired.Present+res.Repaired.Stored)
	require.Equal(t, []string{"router", "holder", "holder"}, tr.called, "lookup, fetch, repair")
}
