package simnet

import "github.com/swarmblocks/swarmblocks/chord"

type endpoint struct {
	h     chord.Handler
	group int
}

// maxNumbered bounds the slice of numbered endpoints.
const maxNumbered = 1 << 24

// endpoints maps addresses to endpoints. Resolving the destination is the
// one step every call makes, and in a 10^5-node ring a map lookup costs
// more cache misses than a lookup step itself; so addresses of the form
// "n<k>" (those a [Cluster] hands out) resolve by their number k, an index
// into a slice of handlers (16 bytes each, so that the slice of a large
// ring stays as small as it can), and only other addresses go through a
// map. An address is in one of the two, never both. Partition groups of
// numbered endpoints live in a slice of their own, allocated only once
// some endpoint leaves group 0, so that calls in an unpartitioned network
// never read it.
type endpoints struct {
	byNum  []chord.Handler // byNum[k] is the handler of "n<k>", nil if none
	grpNum []int           // grpNum[k] is the group of "n<k>"; nil while all are 0
	byName map[string]endpoint
	n      int // endpoints in byNum
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

// handler returns the handler at addr, or nil: the fast path of a call in
// an unpartitioned network.
func (es *endpoints) handler(addr string) chord.Handler {
	if k, ok := number(addr); ok && k < len(es.byNum) {
		if h := es.byNum[k]; h != nil {
			return h
		}
	}
	if len(es.byName) == 0 {
		return nil
	}
	return es.byName[addr].h
}

func (es *endpoints) get(addr string) (endpoint, bool) {
	if k, ok := number(addr); ok && k < len(es.byNum) && es.byNum[k] != nil {
		e := endpoint{h: es.byNum[k]}
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

// set stores e at addr. A numbered address goes to the slice while the
// slice stays at most about twice as long as the endpoints it holds, so a
// lone large number cannot make it huge.
func (es *endpoints) set(addr string, e endpoint) {
	k, ok := number(addr)
	if ok && (k < len(es.byNum) || (k < maxNumbered && k < 2*es.n+1024)) {
		if k >= len(es.byNum) {
			es.byNum = append(es.byNum, make([]chord.Handler, k+1-len(es.byNum))...)
		}
		if es.byNum[k] == nil {
			es.n++
		}
		es.byNum[k] = e.h
		if e.group != 0 || k < len(es.grpNum) {
			if len(es.grpNum) < len(es.byNum) {
				es.grpNum = append(es.grpNum, make([]int, len(es.byNum)-len(es.grpNum))...)
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
	if k, ok := number(addr); ok && k < len(es.byNum) && es.byNum[k] != nil {
		es.byNum[k] = nil
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
		es.grpNum = make([]int, len(es.byNum))
		for k := range es.grpNum {
			es.grpNum[k] = g
		}
	}
	for a, e := range es.byName {
		e.group = g
		es.byName[a] = e
	}
}
