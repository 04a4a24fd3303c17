package swarmsim

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/steg"
)

// The dynamics of the model (see the package documentation).
const (
	gain     = 0.3  // probability that a leecher gains a block in a step
	churn    = 0.05 // probability that one leecher is replaced in a step
	popLo    = 0.3  // block popularity is uniform in [popLo, popLo+popSpan)
	popSpan  = 1.4
	maxDense = 0.9 // leecher density is uniform in [0, maxDense)
)

// ErrConfig is returned by [New] for a configuration out of range.
var ErrConfig = errors.New("swarmsim: configuration out of range")

// Config is the shape of a swarm.
type Config struct {
	Seeds    int // peers that hold every block and stay
	Leechers int // peers that hold part of the file and are replaced now and then

	// WatchOnJoin draws the eavesdropper's peers while [New] builds the
	// swarm, each initial peer being watched with probability Watched, in
	// the per-peer draw order of the package documentation. Without it
	// there is no eavesdropper until [Swarm.Watch], and Watched must be 0.
	WatchOnJoin bool
	Watched     float64

	// InOrder completes the node's requests oldest first instead of in an
	// order drawn at random (see [Swarm.Download]).
	InOrder bool
}

// Swarm is the neighbourhood of one downloading node: its peers'
// bitfields, fed into the node's [steg.Picker], and the eavesdropper's
// view of them.
type Swarm struct {
	m       int
	rng     *rand.Rand
	p       *steg.Picker
	peers   []*steg.Bitfield // seeds first, then leechers
	seeds   int
	pop     []float64
	inOrder bool

	// The eavesdropper: watched[k] tells whether it sees peer k, view[b]
	// how many of the peers it sees hold block b. watching is false when
	// there is none (view then stays zero).
	watching bool
	watched  []bool
	view     []int
}

// New builds a swarm around the node whose picker is p, with the blocks of
// p's file, drawing from rng, and announces every peer to p. The swarm
// keeps p and rng: they must not be shared with another Swarm.
func New(p *steg.Picker, rng *rand.Rand, cfg Config) (*Swarm, error) {
	if p == nil || rng == nil {
		return nil, fmt.Errorf("%w: nil picker or random source", ErrConfig)
	}
	if cfg.Seeds < 0 || cfg.Leechers < 0 || !(cfg.Watched >= 0 && cfg.Watched <= 1) || (!cfg.WatchOnJoin && cfg.Watched != 0) {
		return nil, fmt.Errorf("%w: %+v", ErrConfig, cfg)
	}
	m := p.Blocks()
	s := &Swarm{
		m: m, rng: rng, p: p, seeds: cfg.Seeds, inOrder: cfg.InOrder,
		pop: make([]float64, m), watched: make([]bool, 0, cfg.Seeds+cfg.Leechers), view: make([]int, m),
		watching: cfg.WatchOnJoin,
	}
	for b := range s.pop {
		s.pop[b] = popLo + popSpan*rng.Float64()
	}
	for k := range cfg.Seeds + cfg.Leechers {
		seed := k < cfg.Seeds
		var bf *steg.Bitfield
		var err error
		switch {
		case cfg.WatchOnJoin:
			bf, err = s.draw(!seed)
		case seed:
			bf, err = s.full()
		default:
			bf, err = s.leecher()
		}
		if err != nil {
			return nil, err
		}
		s.peers = append(s.peers, bf)
		s.watched = append(s.watched, cfg.WatchOnJoin && rng.Float64() < cfg.Watched)
		if err := s.join(k); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// full returns the bitfield of a seed.
func (s *Swarm) full() (*steg.Bitfield, error) {
	bf, err := steg.NewBitfield(s.m)
	if err != nil {
		return nil, err
	}
	for b := range s.m {
		if err := bf.Set(b); err != nil {
			return nil, err
		}
	}
	return bf, nil
}

// leecher returns the bitfield of a fresh leecher.
func (s *Swarm) leecher() (*steg.Bitfield, error) { return s.draw(true) }

// draw draws a density and, if partial, a leecher's blocks with it;
// otherwise it returns a seed's bitfield (the density goes unused).
func (s *Swarm) draw(partial bool) (*steg.Bitfield, error) {
	u := maxDense * s.rng.Float64()
	if !partial {
		return s.full()
	}
	bf, err := steg.NewBitfield(s.m)
	if err != nil {
		return nil, err
	}
	for b := range s.m {
		if s.rng.Float64() < u*s.pop[b] {
			if err := bf.Set(b); err != nil {
				return nil, err
			}
		}
	}
	return bf, nil
}

// join announces peer k to the picker and to the eavesdropper.
func (s *Swarm) join(k int) error {
	if err := s.p.AddPeer(s.peers[k]); err != nil {
		return err
	}
	s.account(k, 1)
	return nil
}

// leave withdraws peer k from the picker and from the eavesdropper.
func (s *Swarm) leave(k int) error {
	if err := s.p.RemovePeer(s.peers[k]); err != nil {
		return err
	}
	s.account(k, -1)
	return nil
}

// step advances the swarm by one block time of the node.
func (s *Swarm) step() error {
	for k, bf := range s.peers {
		if k < s.seeds || s.rng.Float64() >= gain {
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
		if err := bf.Set(best); err != nil {
			return err
		}
		if err := s.p.PeerHas(best); err != nil {
			return err
		}
		if s.watched[k] {
			s.view[best]++
		}
	}
	if len(s.peers) > s.seeds && s.rng.Float64() < churn {
		k := s.seeds + s.rng.IntN(len(s.peers)-s.seeds)
		if err := s.leave(k); err != nil {
			return err
		}
		bf, err := s.leecher()
		if err != nil {
			return err
		}
		s.peers[k] = bf
		if err := s.join(k); err != nil {
			return err
		}
	}
	return nil
}

// Watch puts an eavesdropper on the swarm, in place of any other, watching
// each current peer (seeds included) with probability frac. It panics if
// frac is not in [0, 1].
func (s *Swarm) Watch(frac float64) {
	if !(frac >= 0 && frac <= 1) {
		panic(fmt.Sprintf("swarmsim: Watch(%v): fraction out of [0, 1]", frac))
	}
	s.watching = true
	clear(s.view)
	for k := range s.peers {
		s.watched[k] = s.rng.Float64() < frac
		s.account(k, 1)
	}
}
