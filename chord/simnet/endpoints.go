package simnet

import (
	"strconv"
	"unsafe"

	"github.com/swarmblocks/swarmblocks/chord"
)

type endpoint struct {
	h     chord.Handler
	group int
}

// maxNumbered bounds the numbered endpoints.
const maxNumbered = 1 << 24

// slotChunk is how many numbered slots are allocated together.
const slotChunk = 1024

// slot is the numbered endpoint "n<k>": its handler, and the bytes of the
// address string the network hands out for it ([endpoints.addr]). The two
// share 32 bytes, so that resolving such an address, which reads its
// bytes to find k, finds the handler on the cache line it has just read.
type slot struct {
	h    chord.Handler // nil if nothing is registered at "n<k>"
	name [15]byte      // "n<k>"; never modified once written
	nlen uint8
}

// endpoints maps addresses to endpoints. Resolving the destination is the
// one step every call makes, and in a 10^5-node ring a map lookup costs
// more cache misses than a lookup step itself; so addresses of the form
// "n<k>" (those a [Cluster] hands out) resolve by their number k, an index
// into chunks of slots, and only other addresses go through a map. An
// address is in one of the two, never both. Partition groups of numbered
// endpoints live in a slice of their own, allocated only once some
// endpoint leaves group 0, so that calls in an unpartitioned network
// never read it.
type endpoints struct {
	chunks []*[slotChunk]slot // slot k is chunks[k/slotChunk][k%slotChunk]
	grpNum []int              // grpNum[k] is the group of "n<k>"; nil while all are 0
	byName map[string]endpoint
	n      int // handlers in slots
}

// number parses an address "n<k>", k in decimal without leading zeros.
func number(addr string) (int, bool) {
	if len(addr) < 2 || len(addr) > 9 || addr[0] != 'n' || (addr[1] == '0' && len(addr) > 2) {
		return 0, false
	}
	k := 0
	for i := 1; i < len(addr); i++ {
		c := addr[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		k = k*10 + int(c-'0')
	}
	return k, true
}

// slots returns the number of numbered slots allocated.
func (es *endpoints) slots() int { return len(es.chunks) * slotChunk }

// slot returns slot k, which is allocated.
func (es *endpoints) slot(k int) *slot { return &es.chunks[k/slotChunk][k%slotChunk] }

// grow allocates slots up to and including k, naming each.
func (es *endpoints) grow(k int) {
	for es.slots() <= k {
		c := new([slotChunk]slot)
		base := es.slots()
		for i := range c {
			s := &c[i]
			b := strconv.AppendInt(append(s.name[:0], 'n'), int64(base+i), 10)
			s.nlen = uint8(len(b))
		}
		es.chunks = append(es.chunks, c)
	}
}

// addr returns the address "n<k>" (0 ≤ k < maxNumbered), allocating its
// slot: the string's bytes are the slot's, so that a call to it finds the
// handler beside them. It returns the same string for the same k.
func (es *endpoints) addr(k int) string {
	es.grow(k)
	s := es.slot(k)
	// The bytes are written once, when the chunk is allocated, and never
	// again: they are as immutable as any string's.
	return unsafe.String(&s.name[0], int(s.nlen))
}

// handler returns the handler at addr, or nil: the fast path of a call in
// an unpartitioned network.
func (es *endpoints) handler(addr string) chord.Handler {
	if k, ok := number(addr); ok && k < es.slots() {
		if h := es.slot(k).h; h != nil {
			return h
		}
	}
	if len(es.byName) == 0 {
		return nil
	}
	return es.byName[addr].h
}

func (es *endpoints) get(addr string) (endpoint, bool) {
	if k, ok := number(addr); ok && k < es.slots() && es.slot(k).h != nil {
		e := endpoint{h: es.slot(k).h}
		if k < len(es.grpNum) {
			e.group = es.grpNum[k]
		}
		return e, true
	}
	if len(es.byName) == 0 {
		return endpoint{}, false
	}
	e, ok := es.byName[addr]
	return e, ok
}

// set stores e at addr. A numbered address goes to a slot while the slots
// stay at most about twice as many as the endpoints they hold, so a lone
// large number cannot make them many.
func (es *endpoints) set(addr string, e endpoint) {
	k, ok := number(addr)
	if ok && (k < es.slots() || (k < maxNumbered && k < 2*es.n+slotChunk)) {
		es.grow(k)
		s := es.slot(k)
		if s.h == nil {
			es.n++
		}
		s.h = e.h
		if e.group != 0 || k < len(es.grpNum) {
			if len(es.grpNum) < es.slots() {
				es.grpNum = append(es.grpNum, make([]int, es.slots()-len(es.grpNum))...)
			}
			es.grpNum[k] = e.group
		}
		delete(es.byName, addr)
		return
	}
	if es.byName == nil {
		es.byName = map[string]endpoint{}
	}
	es.byName[addr] = e
}

func (es *endpoints) delete(addr string) {
	if k, ok := number(addr); ok && k < es.slots() && es.slot(k).h != nil {
		es.slot(k).h = nil
		if k < len(es.grpNum) {
			es.grpNum[k] = 0
		}
		es.n--
		return
	}
	delete(es.byName, addr)
}

// setGroupAll puts every endpoint in group g.
func (es *endpoints) setGroupAll(g int) {
	if g == 0 {
		es.grpNum = nil
	} else {
		es.grpNum = make([]int, es.slots())
		for k := range es.grpNum {
			es.grpNum[k] = g
		}
	}
	for a, e := range es.byName {
		e.group = g
		es.byName[a] = e
	}
}
