package stegdemo

import (
	"errors"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/steg"
)

// swarm is the neighbourhood of the downloading node: seeds with every
// block and leechers with uneven subsets that grow (each picking the rarer
// of two random missing blocks) and are replaced now and then. Every
// change reaches the node's picker, as HAVE and BITFIELD messages would.
type swarm struct {
	m     int
	rng   *rand.Rand
	peers []*steg.Bitfield
	seeds int
	pop   []float64
	p     *steg.Picker

	// view is the availability an eavesdropper sees through the peers
	// marked in seen.
	seen []bool
	view []int
}

func newSwarm(m, leechers, seeds int, p *steg.Picker, rng *rand.Rand, watched float64) (*swarm, error) {
	s := &swarm{m: m, rng: rng, seeds: seeds, p: p, pop: make([]float64, m), view: make([]int, m)}
	for b := range s.pop {
		s.pop[b] = 0.3 + 1.4*rng.Float64()
	}
	for k := range seeds + leechers {
		bf, err := steg.NewBitfield(m)
		if err != nil {
			return nil, err
		}
		u := 0.9 * rng.Float64()
		for b := range m {
			if k < seeds || rng.Float64() < u*s.pop[b] {
				_ = bf.Set(b)
			}
		}
		s.peers = append(s.peers, bf)
		s.seen = append(s.seen, rng.Float64() < watched)
		if err := s.add(k, 1); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// add accounts peer k's blocks d times (+1 joins, −1 leaves).
func (s *swarm) add(k, d int) error {
	var err error
	if d > 0 {
		err = s.p.AddPeer(s.peers[k])
	} else {
		err = s.p.RemovePeer(s.peers[k])
	}
	if s.seen[k] {
		for b := range s.m {
			if s.peers[k].Has(b) {
				s.view[b] += d
			}
		}
	}
	return err
}

// step advances the swarm by one block time of the node.
func (s *swarm) step() error {
	for k, bf := range s.peers {
		if k < s.seeds || s.rng.Float64() >= 0.3 {
			continue
		}
		best := -1
		for range 2 {
			b := s.rng.IntN(s.m)
			if !bf.Has(b) && (best < 0 || s.p.Availability(b) < s.p.Availability(best)) {
				best = b
			}
		}
		if best < 0 {
			continue
		}
		_ = bf.Set(best)
		if err := s.p.PeerHas(best); err != nil {
			return err
		}
		if s.seen[k] {
			s.view[best]++
		}
	}
	if s.rng.Float64() < 0.05 {
		k := s.seeds + s.rng.IntN(len(s.peers)-s.seeds)
		if err := s.add(k, -1); err != nil {
			return err
		}
		bf, _ := steg.NewBitfield(s.m)
		u := 0.9 * s.rng.Float64()
		for b := range s.m {
			if s.rng.Float64() < u*s.pop[b] {
				_ = bf.Set(b)
			}
		}
		s.peers[k] = bf
		if err := s.add(k, 1); err != nil {
			return err
		}
	}
	return nil
}

// rank is the fraction of the blocks the node still misses that the
// eavesdropper sees as strictly rarer than b (0 for a rarest-first pick
// seen through every peer).
func (s *swarm) rank(b int) float64 {
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

// download runs next/done until count blocks are downloaded (or the file
// is complete), one request at a time, and returns the HAVE order and the
// mean rarity rank of the choices.
func (s *swarm) download(count int, next func() (int, error), done func(int) error) ([]int, float64, error) {
	var seq []int
	rank := 0.0
	for len(seq) < count {
		b, err := next()
		if err != nil {
			if errors.Is(err, steg.ErrComplete) {
				break
			}
			return nil, 0, err
		}
		rank += s.rank(b)
		if err := done(b); err != nil {
			return nil, 0, err
		}
		seq = append(seq, b)
		if err := s.step(); err != nil {
			return nil, 0, err
		}
	}
	return seq, rank / float64(max(len(seq), 1)), nil
}
