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
	dense  []int32 // PeerID → slot+1, 0 if absent
	sparse map[PeerID]int32
	ids    []PeerID // slot → PeerID
	live   []bool   // slot → in use
	free   []int32
	n      int

	stride int     // columns per row, at least the number of torrents
	cells  []int32 // [slot*stride + torrent index]
	bits   map[int64]bitset
}

func bitsKey(slot, ti int32) int64 { return int64(slot)<<32 | int64(uint32(ti)) }

// slot returns p's slot, or −1.
func (pt *peerTable) slot(p PeerID) int32 {
	if p < denseIDs {
		if int(p) < len(pt.dense) {
			return pt.dense[p] - 1
		}
		return -1
	}
	if s, ok := pt.sparse[p]; ok {
		return s
	}
	return -1
}

// add gives p a slot with an empty row; p must be absent.
func (pt *peerTable) add(p PeerID, torrents int) int32 {
	pt.reserve(torrents)
	var s int32
	if k := len(pt.free); k > 0 {
		s = pt.free[k-1]
		pt.free = pt.free[:k-1]
		pt.ids[s], pt.live[s] = p, true
	} else {
		s = int32(len(pt.ids))
		pt.ids = append(pt.ids, p)
		pt.live = append(pt.live, true)
		pt.cells = append(pt.cells, make([]int32, pt.stride)...)
	}
	if p < denseIDs {
		if int(p) >= len(pt.dense) {
			pt.dense = append(pt.dense, make([]int32, int(p)+1-len(pt.dense))...)
		}
		pt.dense[p] = s + 1
	} else {
		if pt.sparse == nil {
			pt.sparse = make(map[PeerID]int32)
		}
		pt.sparse[p] = s
	}
	pt.n++
	return s
}

// remove frees slot s of peer p; its row must be empty.
func (pt *peerTable) remove(p PeerID, s int32) {
	if p < denseIDs {
		pt.dense[p] = 0
	} else {
		delete(pt.sparse, p)
	}
	pt.live[s] = false
	pt.free = append(pt.free, s)
	pt.n--
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
