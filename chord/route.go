package chord

import "slices"

// routeTable is the index the routing steps search: every distinct node of
// the finger table and the successor list, ordered by clockwise distance
// from the owner. It is derived from those two tables and rebuilt, lazily
// and in place, after either changes; a lookup step then costs a binary
// search over a compact array instead of a scan of both tables, which is
// what matters when a simulated ring of 10^5 nodes does not fit in cache.
//
// The search runs on the top 32 bits of each distance; entries that tie
// with the key's are compared in full. Both arrays live inside the Node
// while they fit (a ring of 10^6 nodes needs about 30 entries), so a
// routing step touches one region of memory per node.
type routeTable struct {
	top   []uint32   // top 32 bits of each entry's distance, ascending
	nodes []NodeInfo // the entries, nearest first
	stale bool

	topBuf  [routeInline]uint32
	nodeBuf [routeInline]NodeInfo
}

// routeInline is the route table's inline capacity; larger tables move to
// the heap.
const routeInline = 32

func (rt *routeTable) init() {
	rt.top, rt.nodes = rt.topBuf[:0], rt.nodeBuf[:0]
}

// markRoutes records that the fingers or successors changed; n.mu is held.
func (n *Node) markRoutes() { n.routes.stale = true }

// rebuildRoutes recomputes the route table from the fingers and the
// successor list; n.mu is held.
func (n *Node) rebuildRoutes() {
	rt := &n.routes
	rt.stale = false
	rt.nodes = rt.nodes[:0]
	for _, x := range n.fingers {
		if !x.IsZero() && x.ID != n.self.ID {
			rt.nodes = append(rt.nodes, x)
		}
	}
	for _, x := range n.succ {
		if !x.IsZero() && x.ID != n.self.ID {
			rt.nodes = append(rt.nodes, x)
		}
	}
	self := n.self.ID.u()
	slices.SortStableFunc(rt.nodes, func(a, b NodeInfo) int {
		da, db := a.ID.u().sub(self), b.ID.u().sub(self)
		switch {
		case da.less(db):
			return -1
		case db.less(da):
			return 1
		}
		return 0
	})
	// One entry per identifier. Fingers and successors naming the same
	// identifier with different addresses cannot both be right; the
	// first (a finger, which fix-fingers refreshes) stands.
	rt.nodes = slices.CompactFunc(rt.nodes, func(a, b NodeInfo) bool { return a.ID == b.ID })
	rt.top = rt.top[:0]
	for _, x := range rt.nodes {
		rt.top = append(rt.top, uint32(x.ID.u().sub(self)[0]>>32))
	}
}

// maxClosest bounds the candidates appendClosest returns.
const maxClosest = 8

// appendClosest appends to dst up to k ≤ maxClosest nodes from n's fingers
// and successor list that lie strictly between n and key, closest to key
// first. n.mu is held.
func (n *Node) appendClosest(dst []NodeInfo, key ID, k int) []NodeInfo {
	if n.routes.stale {
		n.rebuildRoutes()
	}
	rt := &n.routes
	self := n.self.ID.u()
	dk := key.u().sub(self)
	// i = the number of entries whose distance is below dk: those with
	// smaller top bits, plus those with the same top bits and a smaller
	// full distance.
	dtop := uint32(dk[0] >> 32)
	i, hi := 0, len(rt.top)
	for i < hi {
		m := int(uint(i+hi) >> 1)
		if rt.top[m] < dtop {
			i = m + 1
		} else {
			hi = m
		}
	}
	for i < len(rt.top) && rt.top[i] == dtop && rt.nodes[i].ID.u().sub(self).less(dk) {
		i++
	}
	if dk.zero() {
		// key is n itself: (n, n) is the whole ring but n, as in Between,
		// and the farthest entries come first.
		i = len(rt.nodes)
	}
	for j := i - 1; j >= 0 && k > 0; j-- {
		dst = append(dst, rt.nodes[j])
		k--
	}
	return dst
}
