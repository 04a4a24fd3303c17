package valuation

// denseIDs bounds the TorrentIDs and PeerIDs looked up by direct indexing;
// larger IDs go through a map. Simulations and clients that number their
// torrents and connections from zero never touch the maps.
const denseIDs = 1 << 16

// peerTable holds what each neighbour advertises, laid out for the hot path
// of [Market.ObserveHave]: a peer's slot comes from a dense array indexed by
// PeerID, and its adverts are one row of a flat table with a column per
// known torrent. A HAVE then touches two small arrays and the torrent's
// aggregates, whatever the number of peers in the simulation or the
// marketplace, where maps of maps cost a chain of cache misses that grew
// with the marketplace (issue: CPU per message rose from 100 to 400
// clients).
//
// A cell is 0 if the peer does not advertise the torrent, n+1 if it
// advertises n pieces without naming them ([Market.ObserveJoin]), and
// −(n+1) if it advertises n named pieces, whose set is in bits.
type peerTable struct {
	peerIndex

	stride int     // columns per row, at least the number of torrents
	cells  []int32 // [slot*stride + torrent index]
	bits   map[int64]bitset
}

// peerIndex gives each PeerID a small slot: a dense array indexed by PeerID
// below denseIDs, a map above, and freed slots reused. The [Market]'s peer
// table and the [Unchoker]'s service records keep their per-peer state in
// slices by slot, so that a lookup touches one small array.
type peerIndex struct {
	dense  []int32 // PeerID → slot+1, 0 if absent
	sparse map[PeerID]int32
	ids    []PeerID // slot → PeerID
	live   []bool   // slot → in use
	free   []int32
	n      int
}

func bitsKey(slot, ti int32) int64 { return int64(slot)<<32 | int64(uint32(ti)) }

// slot returns p's slot, or −1.
func (x *peerIndex) slot(p PeerID) int32 {
	if p < denseIDs {
		if int(p) < len(x.dense) {
			return x.dense[p] - 1
		}
		return -1
	}
	if s, ok := x.sparse[p]; ok {
		return s
	}
	return -1
}

// add gives p a slot and reports whether the slot is new (beyond the
// slots used before); p must be absent.
func (x *peerIndex) add(p PeerID) (s int32, fresh bool) {
	if k := len(x.free); k > 0 {
		s = x.free[k-1]
		x.free = x.free[:k-1]
		x.ids[s], x.live[s] = p, true
	} else {
		s, fresh = int32(len(x.ids)), true
		x.ids = append(x.ids, p)
		x.live = append(x.live, true)
	}
	if p < denseIDs {
		if int(p) >= len(x.dense) {
			x.dense = append(x.dense, make([]int32, int(p)+1-len(x.dense))...)
		}
		x.dense[p] = s + 1
	} else {
		if x.sparse == nil {
			x.sparse = make(map[PeerID]int32)
		}
		x.sparse[p] = s
	}
	x.n++
	return s, fresh
}

// remove frees slot s of peer p.
func (x *peerIndex) remove(p PeerID, s int32) {
	if p < denseIDs {
		x.dense[p] = 0
	} else {
		delete(x.sparse, p)
	}
	x.live[s] = false
	x.free = append(x.free, s)
	x.n--
}

// add gives p a slot with an empty row; p must be absent.
func (pt *peerTable) add(p PeerID, torrents int) int32 {
	pt.reserve(torrents)
	s, fresh := pt.peerIndex.add(p)
	if fresh {
		pt.cells = append(pt.cells, make([]int32, pt.stride)...)
	}
	return s
}

// row returns slot s's cells.
func (pt *peerTable) row(s int32) []int32 {
	o := int(s) * pt.stride
	return pt.cells[o : o+pt.stride]
}

// reserve widens the rows to hold at least torrents columns.
func (pt *peerTable) reserve(torrents int) {
	if torrents <= pt.stride {
		return
	}
	// Without rows to copy, the rows take exactly the torrents known
	// (the common case: torrents first, then peers); otherwise they
	// double, so that adding torrents one by one stays linear.
	stride := max(2*pt.stride, torrents, 8)
	if len(pt.ids) == 0 {
		stride = max(torrents, 8)
	}
	cells := make([]int32, len(pt.ids)*stride)
	for s := range pt.ids {
		copy(cells[s*stride:], pt.cells[s*pt.stride:(s+1)*pt.stride])
	}
	pt.stride, pt.cells = stride, cells
}

// cellCount returns the pieces a cell advertises and whether it names them.
func cellCount(c int32) (n int, named bool) {
	if c < 0 {
		return int(-c) - 1, true
	}
	return int(c) - 1, false
}
