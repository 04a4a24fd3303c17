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
// "n<k>" (those a [Cluster] hands out) are kept in a slice indexed by k,
// and only other addresses in a map. An address is in one of the two,
// never both.
type endpoints struct {
	byNum  []endpoint // byNum[k] is the endpoint of "n<k>" if its h is set
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

func (es *endpoints) get(addr string) (endpoint, bool) {
	if k, ok := number(addr); ok && k < len(es.byNum) && es.byNum[k].h != nil {
		return es.byNum[k], true
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
			es.byNum = append(es.byNum, make([]endpoint, k+1-len(es.byNum))...)
		}
		if es.byNum[k].h == nil {
			es.n++
		}
		es.byNum[k] = e
		delete(es.byName, addr)
		return
	}
	if es.byName == nil {
		es.byName = map[string]endpoint{}
	}
	es.byName[addr] = e
}

func (es *endpoints) delete(addr string) {
	if k, ok := number(addr); ok && k < len(es.byNum) && es.byNum[k].h != nil {
		es.byNum[k] = endpoint{}
		es.n--
		return
	}
	delete(es.byName, addr)
}

// setGroupAll puts every endpoint in group g.
func (es *endpoints) setGroupAll(g int) {
	for k := range es.byNum {
		es.byNum[k].group = g
	}
	for a, e := range es.byName {
		e.group = g
		es.byName[a] = e
	}
}
