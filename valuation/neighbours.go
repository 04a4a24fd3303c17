package valuation

import (
	"math/rand/v2"
	"slices"
)

// SelectNeighbours picks up to n distinct peers from lists, the peers the
// DHT returned for each torrent of the active set, and appends them to dst.
//
// By default it prefers peers that show up in several of the lists, the
// paper's joining rule (§5.1), ties broken at random. With evenSplit it
// takes peers from the lists in turn instead (§6.1 "even split peers"), so
// that the neighbourhood does not reveal which torrents the node values
// most.
//
// Ties are broken with rng; a nil rng breaks them in list order (first
// appearance), deterministically, rather than panicking.
func SelectNeighbours(dst []PeerID, lists [][]PeerID, n int, evenSplit bool, rng *rand.Rand) []PeerID {
	if n <= 0 {
		return dst
	}
	start := len(dst)
	taken := func(p PeerID) bool { return slices.Contains(dst[start:], p) }
	if evenSplit {
		for round := 0; len(dst)-start < n; round++ {
			more := false
			var perm []int
			if rng != nil {
				perm = rng.Perm(len(lists))
			}
			for i := range lists {
				l := lists[i]
				if rng != nil {
					l = lists[perm[i]]
				}
				if round >= len(l) {
					continue
				}
				more = true
				if p := l[round]; !taken(p) && len(dst)-start < n {
					dst = append(dst, p)
				}
			}
			if !more {
				break
			}
		}
		return dst
	}
	type cand struct {
		p     PeerID
		count int
	}
	var cs []cand
	for _, l := range lists {
		for _, p := range l {
			if i := slices.IndexFunc(cs, func(c cand) bool { return c.p == p }); i >= 0 {
				cs[i].count++
			} else {
				cs = append(cs, cand{p, 1})
			}
		}
	}
	if rng != nil {
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return b.count - a.count })
	for _, c := range cs[:min(n, len(cs))] {
		dst = append(dst, c.p)
	}
	return dst
}
