package reencrypt

import (
	"sync"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// DefaultBlindCache is the number of blinds r_ij·Y_j a [Tracker] keeps by
// default (see [Tracker.SetBlindCache]): a few megabytes, every piece of a
// 4096-piece torrent for eight peers.
const DefaultBlindCache = 1 << 15

// blindKey names the blind r_ij·Y_j of peer j for piece i.
type blindKey struct {
	peer PeerID
	i    uint32
}

// blindCache keeps blinds r_ij·Y_j, each a variable-base scalar
// multiplication to compute. Every answer of the tracker is made of them:
// an upload key is one, a re-key the difference of two, an expected hash
// one plus M_i. In a swarm each blind serves many answers: peer j's blind
// for piece i enters the re-key of every upload of i by j, and the one
// download of i by j, and was computed already for j's expected hashes at
// its subscription. With the cache a re-key costs a subtraction.
//
// It holds at most max entries and, when full, evicts one at random (Go's
// map order), which needs no bookkeeping and degrades gracefully when a
// swarm's working set exceeds it. The zero value caches
// [DefaultBlindCache] entries.
type blindCache struct {
	mu       sync.Mutex
	max      int
	disabled bool
	m        map[blindKey]group.Element
}

// get returns the blind of peer for piece i, computing it with mul on a
// miss. The element is shared: callers must not modify it.
func (c *blindCache) get(peer PeerID, i uint32, mul func() group.Element) group.Element {
	k := blindKey{peer, i}
	c.mu.Lock()
	e, ok := c.m[k]
	off := c.disabled
	c.mu.Unlock()
	// Without this a hit is computed again, to the same element: only
	// slower (mutation: equivalent).
	if ok {
		return e
	}
	e = mul()
	if off {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[blindKey]group.Element)
	}
	limit := c.max
	if limit == 0 {
		limit = DefaultBlindCache
	}
	for old := range c.m {
		if len(c.m) < limit {
			break
		}
		delete(c.m, old)
	}
	c.m[k] = e
	return e
}

// resize sets the bound; entries ≤ 0 turns the cache off.
func (c *blindCache) resize(entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disabled = entries <= 0
	c.max = max(entries, 0)
	for old := range c.m {
		if len(c.m) <= c.max {
			break
		}
		delete(c.m, old)
	}
}

func (c *blindCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// blind returns r_ij·Y_j for peer id, whose public key is pk, and piece i,
// from the cache if it holds it. The element is shared: do not modify it.
func (t *Tracker) blind(id PeerID, pk *elgamal.PublicKey, i uint32) group.Element {
	return t.blinds.get(id, i, func() group.Element {
		return t.g.NewElement().Mul(pk.Element(), t.tsKey(id, i))
	})
}

// SetBlindCache bounds the number of blinds r_ij·Y_j the tracker keeps to
// entries; 0 (or less) keeps none, so that every upload key, re-key and
// expected hash is computed afresh, two variable-base scalar
// multiplications per re-key. The default is [DefaultBlindCache]. A blind
// is as secret as the upload key it is: the cache lives in the tracker's
// memory, which holds the master key anyway.
func (t *Tracker) SetBlindCache(entries int) { t.blinds.resize(entries) }
