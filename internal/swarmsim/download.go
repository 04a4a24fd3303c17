package swarmsim

import (
	"errors"
	"fmt"

	"github.com/swarmblocks/swarmblocks/steg"
)

// Download runs the node until it has downloaded count blocks or next
// returns [steg.ErrComplete], and returns the blocks in the order they
// completed: the order of the node's HAVE messages. next and done are the
// node's choice and completion, a [steg.Picker]'s Next and Downloaded or
// those of a [steg.Sender] or [steg.Beacon] driving it.
//
// The node keeps inflight requests outstanding (asking next again as soon
// as one completes) and one of them completes per step of the swarm: one
// drawn uniformly at random, or the oldest with [Config.InOrder]. A random
// draw is made even with a single request outstanding.
//
// rank is the mean rarity rank of the node's choices in the
// eavesdropper's view, taken when each block is chosen (see the package
// documentation); it is 0 when no eavesdropper watches the swarm, and is
// then not computed. An error from next other than [steg.ErrComplete], or
// from done, stops the download and is returned.
func (s *Swarm) Download(count, inflight int, next func() (int, error), done func(int) error) (seq []int, rank float64, err error) {
	if inflight < 1 {
		return nil, 0, fmt.Errorf("%w: %d requests in flight", ErrConfig, inflight)
	}
	var pending []int
	picks := 0
	for len(seq) < count {
		for len(pending) < inflight {
			b, err := next()
			if errors.Is(err, steg.ErrComplete) {
				break
			}
			if err != nil {
				return nil, 0, err
			}
			if s.watching {
				rank += s.rank(b)
			}
			picks++
			pending = append(pending, b)
		}
		if len(pending) == 0 {
			break
		}
		k := 0
		if !s.inOrder {
			k = s.rng.IntN(len(pending))
		}
		b := pending[k]
		pending = append(pending[:k], pending[k+1:]...)
		if err := done(b); err != nil {
			return nil, 0, err
		}
		seq = append(seq, b)
		if err := s.step(); err != nil {
			return nil, 0, err
		}
	}
	if picks > 0 {
		rank /= float64(picks)
	}
	return seq, rank, nil
}
