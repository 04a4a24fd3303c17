package steg

import "fmt"

// StreamDecoder is the streaming form of Algorithm 3 of [PACOM]: it
// consumes the HAVE messages of one peer one at a time and reports a symbol
// as soon as it is sure of it, that is as soon as exactly one function H_x
// has its last c or more pieces in one class. It keeps reporting changes:
// a bootstrapping node that moves to another swarm (§3.3, case 2) starts
// hiding another symbol and the decoder reports the new one.
//
// Each piece costs one BLAKE3 output (all n classes at once) the first
// time it is seen and O(n) bit operations per HAVE. A StreamDecoder is not
// safe for concurrent use.
type StreamDecoder struct {
	f   *Family
	c   int
	t   *runTracker
	sym int
}

// NewStreamDecoder returns a streaming decoder with window c, 1 ≤ c ≤
// min(m, [MaxWindow]).
func NewStreamDecoder(f *Family, c int) (*StreamDecoder, error) {
	if err := checkWindow(f, c); err != nil {
		return nil, err
	}
	return &StreamDecoder{f: f, c: c, t: newRunTracker(f)}, nil
}

// Push consumes the HAVE of piece b. It returns ok = true and the symbol x
// when x has just become the only function fitting the last c pieces and
// differs from the symbol reported before. A piece out of [0, m) or seen
// before (in a HAVE or the BITFIELD) is an error and leaves the decoder
// unchanged.
func (s *StreamDecoder) Push(b int) (x int, ok bool, err error) {
	if b < 0 || b >= s.f.m {
		return 0, false, fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, s.f.m)
	}
	if s.t.wasSeen(b) {
		return 0, false, fmt.Errorf("%w: piece %d", ErrDuplicate, b)
	}
	s.t.push(b)
	if s.t.count < s.c {
		return 0, false, nil
	}
	found := 0
	for i := range s.f.n {
		if int(s.t.run[i]) >= s.c {
			if found != 0 {
				return 0, false, nil // ambiguous: wait for the chance fit to break
			}
			found = i + 1
		}
	}
	if found == 0 || found == s.sym {
		return 0, false, nil
	}
	s.sym = found
	return found, true, nil
}

// Consume feeds one peer-wire message to the decoder: a HAVE is pushed, a
// BITFIELD marks its pieces as held (it says which pieces the peer had
// before, not in which order, so it carries no symbol), a HAVE_ALL (BEP 6)
// marks every piece as held, so that nothing more can be decoded from this
// peer, a HAVE_NONE (BEP 6) says the peer holds nothing yet and changes
// nothing; anything else is ignored.
func (s *StreamDecoder) Consume(msg Message) (x int, ok bool, err error) {
	switch {
	case msg.KeepAlive:
		return 0, false, nil
	case msg.ID == IDHave:
		return s.Push(msg.Index)
	case msg.ID == IDBitfield:
		if msg.Bitfield == nil || msg.Bitfield.Len() != s.f.m {
			return 0, false, fmt.Errorf("%w: bitfield does not cover %d pieces", ErrMismatch, s.f.m)
		}
		for b := range s.f.m {
			if msg.Bitfield.Has(b) {
				s.t.markSeen(b)
			}
		}
	case msg.ID == IDHaveAll:
		s.MarkAllHeld()
	}
	return 0, false, nil
}

// MarkHeld records that the peer holds piece b without having announced
// it in a HAVE (a bit of its BITFIELD): b is not part of the order, and a
// later HAVE of b is a duplicate. A piece seen before is an error
// ([ErrDuplicate]) and changes nothing.
func (s *StreamDecoder) MarkHeld(b int) error {
	if b < 0 || b >= s.f.m {
		return fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, s.f.m)
	}
	if s.t.wasSeen(b) {
		return fmt.Errorf("%w: piece %d", ErrDuplicate, b)
	}
	s.t.markSeen(b)
	return nil
}

// MarkAllHeld records that the peer holds every piece (a HAVE_ALL): it
// will send no HAVE that could carry a symbol.
func (s *StreamDecoder) MarkAllHeld() {
	for i := range s.t.seen {
		s.t.seen[i] = ^uint64(0)
	}
}

// Symbol returns the last symbol reported, or ok = false if none was.
func (s *StreamDecoder) Symbol() (x int, ok bool) { return s.sym, s.sym != 0 }

// Pushed returns the number of HAVEs consumed.
func (s *StreamDecoder) Pushed() int { return s.t.count }

// Reset forgets everything, as for a new peer; the class cache is kept.
func (s *StreamDecoder) Reset() {
	s.t.reset()
	s.sym = 0
}
