package swarmsim

// account adds d times peer k's blocks to the eavesdropper's view, if it
// watches peer k.
func (s *Swarm) account(k, d int) {
	if !s.watched[k] {
		return
	}
	for b := range s.m {
		if s.peers[k].Has(b) {
			s.view[b] += d
		}
	}
}

// rank returns the rarity rank of block b in the eavesdropper's view: the
// fraction of the blocks the node still misses (other than b, and seen by
// the eavesdropper at least once) that it sees as strictly rarer than b. A
// rarest-first choice has rank 0 in a full view; without any such block
// the rank is 0.
func (s *Swarm) rank(b int) float64 {
	rarer, total := 0, 0
	for o := range s.m {
		if o == b || s.p.Has(o) || s.view[o] == 0 {
			continue
		}
		total++
		if s.view[o] < s.view[b] {
			rarer++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(rarer) / float64(total)
}
