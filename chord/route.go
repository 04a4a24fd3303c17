package chord

import "slices"

// routeTable is the index the routing steps search: every distinct node of
// the finger table and the successor list, ordered by clockwise distance
// from the owner. It is derived from those two tables and rebuilt, lazily
// and in place, after either changes; a lookup step then costs a binary
// search over a compact array instead of a scan of both tables, which is
// what matters when a simulated ring of 10^5 nodes does not fit in cache.
//
// The table holds no copy of the entries: each refers to a finger or a
// successor by its index, so that a node stores every NodeInfo once. The
// search runs on the top 32 bits of each distance; entries that tie with
// the key's are compared in full. Both arrays live inside the Node while
// they fit (a ring of 10^6 nodes needs about 30 entries), so a routing
// step touches one region of memory per node.
type routeTable struct {
	top []uint32 // top 32 bits of each entry's distance, ascending
	ref []uint16 // each entry: an index into fingers, or refSucc|index into succ

	// The inline arrays follow the headers: in a Node (on 64-bit
	// platforms) they start at byte 128 of its allocation, on cache
	// lines of their own.
	topBuf [routeInline]uint32
	refBuf [routeInline]uint16

	stale bool
}

// routeInline is the route table's inline capacity; larger tables move to
// the heap.
const routeInline = 32

// refSucc marks a route entry that refers to the successor list.
const refSucc = 1 << 15

func (rt *routeTable) init() {
	rt.top, rt.ref = rt.topBuf[:0], rt.refBuf[:0]
}

// entry returns the node a route entry refers to; the table is not stale.
func (n *Node) entry(ref uint16) *NodeInfo {
	if ref&refSucc != 0 {
		return &n.succ[ref&^refSucc]
	}
	return &n.fingers[ref]
}

// markRoutes records that the fingers or successors changed; n.mu is held.
func (n *Node) markRoutes() { n.routes.stale = true }

// routeKey is a route entry with its distance from the owner, while the
// table is rebuilt.
type routeKey struct {
	d   u256
	ref uint16
}

// rebuildRoutes recomputes the route table from the fingers and the
// successor list; n.mu is held. Each entry's distance is computed once.
func (n *Node) rebuildRoutes() {
	rt := &n.routes
	rt.stale = false
	self := n.self.ID.u()
	var buf [2 * routeInline]routeKey
	keys := buf[:0]
	for j := range n.fingers {
		x := &n.fingers[j]
		if !x.IsZero() && x.ID != n.self.ID {
			keys = append(keys, routeKey{d: x.ID.u().sub(self), ref: uint16(j)})
		}
	}
	for j := range n.succ {
		x := &n.succ[j]
		if !x.IsZero() && x.ID != n.self.ID {
			keys = append(keys, routeKey{d: x.ID.u().sub(self), ref: refSucc | uint16(j)})
		}
	}
	// Fingers come first and are in distance order unless stale, and so
	// is the successor list: an insertion sort does little work. It is
	// stable, so that of the entries naming one identifier the first (a
	// finger, which fix-fingers refreshes) stands: fingers and successors
	// naming the same identifier with different addresses cannot both be
	// right.
	for i := 1; i < len(keys); i++ {
		k := keys[i]
		j := i
		for j > 0 && k.d.less(keys[j-1].d) {
			keys[j] = keys[j-1]
			j--
		}
		keys[j] = k
	}
	rt.top, rt.ref = rt.top[:0], rt.ref[:0]
	for i, k := range keys {
		if i > 0 && k.d == keys[i-1].d {
			continue // one entry per identifier
		}
		rt.top = append(rt.top, uint32(k.d[0]>>32))
		rt.ref = append(rt.ref, k.ref)
	}
	if cap(rt.top) > routeInline && len(rt.top) <= routeInline {
		// Back inline after a large table (hostile hints) shrank.
		rt.top = append(rt.topBuf[:0], rt.top...)
		rt.ref = append(rt.refBuf[:0], rt.ref...)
	}
}

// updateFinger brings a fresh route table up to date after finger j
// changed from old to its current value, without a full rebuild: the
// finger walk of fix-fingers changes one finger at a time, and each
// change would otherwise cost a rebuild at the next lookup. n.mu is held.
func (n *Node) updateFinger(j int, old NodeInfo) {
	rt := &n.routes
	if rt.stale {
		return
	}
	self := n.self.ID.u()
	ref := uint16(j)
	// Drop old's entry if the finger was its source; another finger or a
	// successor naming the same identifier takes its place.
	if p := slices.Index(rt.ref, ref); p >= 0 {
		if r, ok := n.routeSource(old.ID, j); ok {
			rt.ref[p] = r
		} else {
			rt.top = slices.Delete(rt.top, p, p+1)
			rt.ref = slices.Delete(rt.ref, p, p+1)
		}
	}
	f := n.fingers[j]
	if f.IsZero() || f.ID == n.self.ID {
		return
	}
	// Insert f after the entries nearer than it, unless an entry names the
	// same identifier; of the two, the finger with the lower index, or the
	// finger rather than a successor, stands (as in rebuildRoutes).
	d := f.ID.u().sub(self)
	dtop := uint32(d[0] >> 32)
	p, _ := slices.BinarySearch(rt.top, dtop)
	for p < len(rt.top) && rt.top[p] == dtop {
		e := n.entry(rt.ref[p])
		if e.ID == f.ID {
			if r := rt.ref[p]; r&refSucc != 0 || int(r) > j {
				rt.ref[p] = ref
			}
			return
		}
		if !e.ID.u().sub(self).less(d) {
			break
		}
		p++
	}
	rt.top = slices.Insert(rt.top, p, dtop)
	rt.ref = slices.Insert(rt.ref, p, ref)
}

// routeSource returns the preferred reference to identifier id among the
// fingers other than finger skip and the successors: the lowest finger,
// else the nearest successor. n.mu is held.
func (n *Node) routeSource(id ID, skip int) (uint16, bool) {
	for k := range n.fingers {
		if k != skip && n.fingers[k].ID == id && !n.fingers[k].IsZero() {
			return uint16(k), true
		}
	}
	for k := range n.succ {
		if n.succ[k].ID == id && !n.succ[k].IsZero() {
			return refSucc | uint16(k), true
		}
	}
	return 0, false
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
	for i < len(rt.top) && rt.top[i] == dtop && n.entry(rt.ref[i]).ID.u().sub(self).less(dk) {
		i++
	}
	if dk.zero() {
		// key is n itself: (n, n) is the whole ring but n, as in Between,
		// and the farthest entries come first.
		i = len(rt.ref)
	}
	for j := i - 1; j >= 0 && k > 0; j-- {
		dst = append(dst, *n.entry(rt.ref[j]))
		k--
	}
	return dst
}
