package chord

import (
	"container/heap"
	"errors"
	"sync"
)

// Block is one replica as a node stores it.
type Block struct {
	Key     ID     // the ring key; equal to Ticket.Key
	Data    []byte // the stored (encrypted) bytes
	Ticket  Ticket // the ticket the block was stored under
	Expires int64  // the end of its lifetime, in nanoseconds on the node's clock ([Config.Now])
}

// ErrStore is returned (wrapped) when a node's [BlockStore] fails; the node
// answers the request with [StatusUnavailable].
var ErrStore = errors.New("chord: block store failed")

// A BlockStore holds a node's replicas: the block under each ring key, an
// index by expiry time and the bytes used. [MemStore] is the default; a
// durable store (an embedded database) plugs in through [Config.Store].
//
// A [Node] serialises its calls to its store (it holds its own store lock
// around them), so an implementation used by one node alone needs no
// locking of its own; one shared with other goroutines must synchronise.
// No call may block on the network. Per-block operations and Expire must
// not scan the store: a node calls Expire before every store, fetch and has
// request, so Expire must find the expired blocks through an index by
// expiry time and cost nothing when none has expired.
type BlockStore interface {
	// Get returns the block under key and whether there is one. The node
	// does not modify the returned Data and may keep it; an implementation
	// that reuses buffers returns a copy.
	Get(key ID) (b Block, ok bool, err error)
	// Has reports whether a block is held under key, without reading it.
	Has(key ID) (bool, error)
	// Put stores b under b.Key, replacing any block held there. The store
	// may keep b.Data: the node never modifies it afterwards.
	Put(b Block) error
	// Delete removes the block under key; deleting an absent key is not
	// an error.
	Delete(key ID) error
	// SetExpires sets the expiry time of the block under key (a fetch
	// extends a replica's life); it does nothing if there is none.
	SetExpires(key ID, expires int64) error
	// Expire removes every block whose expiry time is before now and
	// returns how many it removed.
	Expire(now int64) (int, error)
	// Keys calls fn with the key of every block in the ring interval
	// (from, to] (the whole ring when from == to, as in
	// [BetweenRightIncl]) until fn returns false. fn must not call the
	// store. Nodes call it only when their membership changes (to hand
	// blocks to a new neighbour), so a store without an index by key
	// may scan.
	Keys(from, to ID, fn func(ID) bool) error
	// Usage returns the number of blocks held and the bytes of their
	// Data. It is called often (every [Node.State]) and must be cheap.
	Usage() (blocks int, bytes int64)
}

// MemStore is the in-memory [BlockStore], the default of [Config.Store]:
// a map by key and a min-heap of expiry times. It is safe for concurrent
// use.
//
// The heap is lazy: a new expiry time (a store, or a fetch extending a
// replica's life) pushes a new entry and leaves the old one, which Expire
// discards when it surfaces; the heap is rebuilt when stale entries
// outnumber the blocks. A node's expiry times only grow (now + lifetime),
// so a push stops at the bottom of the heap and every operation but Keys
// costs O(1) amortised, O(log n) at worst, in the number of blocks n.
type MemStore struct {
	mu     sync.Mutex
	blocks map[ID]*Block
	byExp  expiryHeap
	bytes  int64
}

var _ BlockStore = (*MemStore)(nil)

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{blocks: map[ID]*Block{}} }

// Get implements [BlockStore].
func (s *MemStore) Get(key ID) (Block, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blocks[key]
	if !ok {
		return Block{}, false, nil
	}
	return *b, true, nil
}

// Has implements [BlockStore].
func (s *MemStore) Has(key ID) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.blocks[key]
	return ok, nil
}

// Put implements [BlockStore].
func (s *MemStore) Put(b Block) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocks == nil {
		s.blocks = map[ID]*Block{}
	}
	if old, ok := s.blocks[b.Key]; ok {
		s.bytes -= int64(len(old.Data))
	}
	s.blocks[b.Key] = &b
	s.bytes += int64(len(b.Data))
	s.pushLocked(b.Key, b.Expires)
	return nil
}

// pushLocked records that the block under key expires at exp.
func (s *MemStore) pushLocked(key ID, exp int64) {
	if len(s.byExp) > 2*len(s.blocks)+64 {
		// Mostly stale entries: rebuild from the blocks.
		s.byExp = s.byExp[:0]
		for k, b := range s.blocks {
			if k != key {
				s.byExp = append(s.byExp, expiryEntry{exp: b.Expires, key: k})
			}
		}
		heap.Init(&s.byExp)
	}
	heap.Push(&s.byExp, expiryEntry{exp: exp, key: key})
}

// Delete implements [BlockStore]. Its heap entries go stale.
func (s *MemStore) Delete(key ID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.blocks[key]; ok {
		s.bytes -= int64(len(b.Data))
		delete(s.blocks, key)
	}
	return nil
}

// SetExpires implements [BlockStore].
func (s *MemStore) SetExpires(key ID, expires int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.blocks[key]; ok && b.Expires != expires {
		b.Expires = expires
		s.pushLocked(key, expires)
	}
	return nil
}

// Expire implements [BlockStore].
func (s *MemStore) Expire(now int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for len(s.byExp) > 0 && s.byExp[0].exp < now {
		e := heap.Pop(&s.byExp).(expiryEntry)
		if b, ok := s.blocks[e.key]; ok && b.Expires == e.exp {
			s.bytes -= int64(len(b.Data))
			delete(s.blocks, e.key)
			n++
		}
	}
	return n, nil
}

// Keys implements [BlockStore]. It scans the map.
func (s *MemStore) Keys(from, to ID, fn func(ID) bool) error {
	s.mu.Lock()
	keys := make([]ID, 0, len(s.blocks))
	for k := range s.blocks {
		if BetweenRightIncl(k, from, to) {
			keys = append(keys, k)
		}
	}
	s.mu.Unlock()
	for _, k := range keys {
		if !fn(k) {
			break
		}
	}
	return nil
}

// Usage implements [BlockStore].
func (s *MemStore) Usage() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.blocks), s.bytes
}

// expiryEntry says that the block under key expires at exp, unless the
// block has since been deleted or given another expiry time.
type expiryEntry struct {
	exp int64
	key ID
}

// expiryHeap orders entries by expiry time, earliest first.
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].exp < h[j].exp }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
