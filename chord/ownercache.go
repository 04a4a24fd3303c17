package chord

import (
	"slices"
	"sync"
)

// DefaultOwnerCacheSize is the capacity of an [OwnerCache] made with size
// zero.
const DefaultOwnerCacheSize = 1024

// An OwnerCache remembers which node owned which arc of the ring, as
// lookups found it, so that [Node.MGet] and [Node.MPutWith] can send a
// replica's has-check or store straight to its holder instead of looking
// the replica key up first. A chunk's q_s replica keys are spread over the
// ring, but a file's chunks have many, and every lookup teaches the cache
// several arcs: the owner of the key holds at least the arc from the key
// to its ID, and each node of the successor list the lookup returns holds
// the arc from the node before it to itself. A file of m chunks on a ring
// of N nodes needs about N/r lookups, not m·q_s, once m·q_s is well above
// N/r (r the successor-list length).
//
// Entries are hints, never trusted: a store sent on a stale entry is
// refused by its receiver (StatusNotResponsible) and a fetch or has-check
// that finds nothing falls back to a lookup, whose answer replaces the
// entry; a holder that does not answer is forgotten. A stale entry costs
// the round trip it wasted, not correctness. A node that lies in its
// successor list (Chord is not Byzantine fault tolerant) can poison the
// cache as it can misroute a lookup; chunks are still verified against
// their hash.
//
// An OwnerCache is safe for concurrent use. It holds at most its size in
// arcs and starts over when full. The zero value is not usable; use
// [NewOwnerCache].
type OwnerCache struct {
	mu   sync.Mutex
	max  int
	arcs []ownerArc // sorted by owner ID
}

// An ownerArc says that owner holds the keys k with owner.ID − k < span
// (clockwise distance), that is the span keys ending at owner.ID.
type ownerArc struct {
	owner NodeInfo
	span  ID
}

// NewOwnerCache returns an empty cache of at most size arcs (zero means
// DefaultOwnerCacheSize; a negative size is treated as zero).
func NewOwnerCache(size int) *OwnerCache {
	if size <= 0 {
		size = DefaultOwnerCacheSize
	}
	return &OwnerCache{max: size}
}

// Owner returns the node the cache believes holds key, if any.
func (c *OwnerCache) Owner(key ID) (NodeInfo, bool) {
	if c == nil {
		return NodeInfo{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.arcs) == 0 {
		return NodeInfo{}, false
	}
	// The first cached owner clockwise from key, wrapping round.
	i, _ := slices.BinarySearchFunc(c.arcs, key, func(a ownerArc, k ID) int { return a.owner.ID.Cmp(k) })
	if i == len(c.arcs) {
		i = 0
	}
	a := c.arcs[i]
	if a.owner.ID.Sub(key).Cmp(a.span) < 0 {
		return a.owner, true
	}
	return NodeInfo{}, false
}

// Learn records what a lookup of key found: res.Node holds key, and each
// node of res.Successors holds the arc from the node before it.
func (c *OwnerCache) Learn(key ID, res LookupResult) {
	if c == nil || res.Node.IsZero() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	one := ID{IDSize - 1: 1}
	c.add(res.Node, res.Node.ID.Sub(key).Add(one))
	prev := res.Node
	for _, s := range res.Successors {
		if s.IsZero() || s.ID == prev.ID {
			break
		}
		c.add(s, s.ID.Sub(prev.ID))
		prev = s
	}
}

// Forget drops the arc of a node found dead or wrong.
func (c *OwnerCache) Forget(n NodeInfo) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.find(n.ID); ok {
		c.arcs = slices.Delete(c.arcs, i, i+1)
	}
}

// Len returns the number of arcs held.
func (c *OwnerCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.arcs)
}

func (c *OwnerCache) find(id ID) (int, bool) {
	return slices.BinarySearchFunc(c.arcs, id, func(a ownerArc, k ID) int { return a.owner.ID.Cmp(k) })
}

// add widens (or inserts) the arc of n to span, the newest knowledge
// winning for the address of an ID. Arcs may overlap: Owner asks only the
// first cached owner clockwise from a key, so an arc never answers for a
// key that a cached node between them would hold.
func (c *OwnerCache) add(n NodeInfo, span ID) {
	i, ok := c.find(n.ID)
	switch {
	case ok && c.arcs[i].owner != n:
		c.arcs[i] = ownerArc{owner: n, span: span}
	case ok:
		// mutation: equivalent — >= would only store an equal span again.
		if span.Cmp(c.arcs[i].span) > 0 {
			c.arcs[i].span = span
		}
	default:
		if len(c.arcs) >= c.max {
			c.arcs = c.arcs[:0]
			i = 0
		}
		c.arcs = slices.Insert(c.arcs, i, ownerArc{owner: n, span: span})
	}
}
