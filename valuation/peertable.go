package valuation

import "math/bits"

// denseIDs bounds the TorrentIDs looked up by direct indexing; larger IDs
// go through a map. Simulations and clients that number their torrents
// from zero never touch the map.
const denseIDs = 1 << 16

// peerTable holds what each neighbour advertises, laid out for the hot path
// of [Market.ObserveHave]: a peer's slot comes from a small hash table
// ([peerIndex]), and the adverts are a flat table with a column per known
// torrent and a row per slot, stored column by column. The HAVEs a node
// receives cluster on the few torrents its neighbours download, so the
// cells of one torrent, adjacent, stay in cache across a batch of HAVEs
// from different neighbours; row by row, every neighbour's HAVE touched a
// line of its own. A HAVE then touches a few lines of the Market, however
// many peers the marketplace has.
//
// A cell is 0 if the peer does not advertise the torrent, n+1 if it
// advertises n pieces without naming them ([Market.ObserveJoin]), and
// −(n+1) if it advertises n named pieces, whose set is in bits.
type peerTable struct {
	peerIndex

	stride int     // rows per column: slots that fit without re-laying
	cells  []int32 // [torrent index*stride + slot]
	bits   map[int64]bitset
}

// peerIndex gives each PeerID a small slot, reusing freed slots. The
// [Market]'s peer table and the [Unchoker]'s service records keep their
// per-peer state in slices by slot, so that a lookup touches one small
// array.
//
// The PeerID → slot map is an open-addressing hash table (linear probing,
// deletion by backward shift, at most half full) of 8-byte entries: for
// the few dozen neighbours of a node it spans a few cache lines, whatever
// the PeerIDs, where an array indexed by PeerID took 4 bytes per possible
// ID — 4 KB per Market and per Unchoker in a marketplace of 1,000 nodes,
// one cache miss per HAVE once thousands of them outgrew the cache. The
// hash is multiplicative; PeerIDs are the caller's own labels (see
// [PeerID]), not chosen by remote peers, so no one can force collisions.
type peerIndex struct {
	table []peerEntry // power-of-two length, or nil
	ids   []PeerID    // slot → PeerID
	live  []bool      // slot → in use
	free  []int32
	n     int
}

// peerEntry is a cell of peerIndex.table: peer p has slot s1−1; s1 = 0
// marks an empty cell.
type peerEntry struct {
	p  PeerID
	s1 int32
}

func bitsKey(slot, ti int32) int64 { return int64(slot)<<32 | int64(uint32(ti)) }

// home returns the table cell where a search for p starts.
func (x *peerIndex) home(p PeerID) int {
	// Fibonacci hashing: the high bits of p·2^64/φ.
	return int((uint64(p) * 0x9e3779b97f4a7c15) >> (64 - bits.TrailingZeros(uint(len(x.table)))))
}

// slot returns p's slot, or −1.
func (x *peerIndex) slot(p PeerID) int32 {
	if len(x.table) == 0 {
		return -1
	}
	mask := len(x.table) - 1
	for i := x.home(p); ; i = (i + 1) & mask {
		e := x.table[i]
		if e.s1 == 0 {
			return -1
		}
		if e.p == p {
			return e.s1 - 1
		}
	}
}

// insert puts e in the table, which has an empty cell.
func (x *peerIndex) insert(e peerEntry) {
	mask := len(x.table) - 1
	i := x.home(e.p)
	for x.table[i].s1 != 0 {
		i = (i + 1) & mask
	}
	x.table[i] = e
}

// grow doubles the table (or makes the first one).
func (x *peerIndex) grow() {
	old := x.table
	x.table = make([]peerEntry, max(2*len(old), 16))
	for _, e := range old {
		if e.s1 != 0 {
			x.insert(e)
		}
	}
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
	if 2*(x.n+1) > len(x.table) {
		x.grow()
	}
	x.insert(peerEntry{p: p, s1: s + 1})
	x.n++
	return s, fresh
}

// remove frees slot s of peer p, which must be present.
func (x *peerIndex) remove(p PeerID, s int32) {
	mask := len(x.table) - 1
	i := x.home(p)
	for x.table[i].p != p || x.table[i].s1 == 0 {
		i = (i + 1) & mask
	}
	// Backward-shift deletion: move up every later entry of the run
	// whose home is not between the hole and it, so that no search
	// stops early at the hole.
	for j := (i + 1) & mask; x.table[j].s1 != 0; j = (j + 1) & mask {
		h := x.home(x.table[j].p)
		if (j-h)&mask >= (j-i)&mask {
			x.table[i] = x.table[j]
			i = j
		}
	}
	x.table[i] = peerEntry{}
	x.live[s] = false
	x.free = append(x.free, s)
	x.n--
}

// add gives p a slot with an empty row in a table of the given number of
// torrent columns; p must be absent.
func (pt *peerTable) add(p PeerID, torrents int) int32 {
	pt.reserve(torrents)
	s, _ := pt.peerIndex.add(p)
	if int(s) >= pt.stride {
		pt.relay(max(2*pt.stride, 8), torrents)
	}
	return s
}

// cell returns the cell of slot s and torrent index ti.
func (pt *peerTable) cell(s, ti int32) *int32 {
	return &pt.cells[int(ti)*pt.stride+int(s)]
}

// reserve makes room for at least torrents columns.
func (pt *peerTable) reserve(torrents int) {
	if n := torrents * pt.stride; n > len(pt.cells) {
		pt.cells = append(pt.cells, make([]int32, n-len(pt.cells))...)
	}
}

// relay lays the table out again with stride rows per column.
func (pt *peerTable) relay(stride, torrents int) {
	cells := make([]int32, max(torrents*stride, len(pt.cells)/max(pt.stride, 1)*stride))
	for ti := range len(pt.cells) / max(pt.stride, 1) {
		copy(cells[ti*stride:], pt.cells[ti*pt.stride:(ti+1)*pt.stride])
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
