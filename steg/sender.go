package steg

import (
	"bytes"
	"fmt"
)

// Sender announces a payload of up to [MaxFramePayload] bytes through the
// download order of a [Picker], repeating the frame (see [FrameSymbols])
// for as long as the download lasts. Symbol t_j is hidden in a run of
// slot consecutive HAVEs of pieces of one class of H_{t_j} (Algorithm 2
// applied slot by slot); receivers need slot·(1 − loss) ≥ c.
//
// Requests in flight complete in any order, so the Sender counts a slot
// as a run of completions of pieces requested under the current symbol in
// one class, restarting the count whenever another piece completes in
// between: every symbol gets at least slot clean HAVEs, at the price of
// slots somewhat longer than slot when many requests are in flight.
type Sender struct {
	s    *schedule
	slot int
	sym  symbols
}

// symbols is the stream of frame symbols a sender hides: the payload's
// frames, one after another, each starting from the symbol before it.
type symbols struct {
	payload []byte
	queue   []int
	frames  int // frames whose last symbol has started
}

// next returns the symbol to hide after prev, starting another frame of
// the payload when the last one is used up.
func (q *symbols) next(f *Family, prev int) (int, error) {
	if len(q.queue) == 0 {
		next, err := FrameSymbols(f, prev, q.payload)
		if err != nil {
			return 0, err
		}
		q.queue = next
	}
	x := q.queue[0]
	q.queue = q.queue[1:]
	if len(q.queue) == 0 {
		q.frames++
	}
	return x, nil
}

// NewSender starts announcing payload with p, which it drives from now on:
// call [Sender.Next], [Sender.Downloaded] and [Sender.Abandon] instead of
// the Picker's (availability updates still go to the Picker). The symbol
// before the first frame is drawn with p's random source.
func NewSender(p *Picker, f *Family, payload []byte, slot int) (*Sender, error) {
	if p == nil || f == nil {
		return nil, fmt.Errorf("%w: NewSender with a nil *Picker or *Family", ErrNil)
	}
	if slot < 1 || slot > f.m {
		return nil, fmt.Errorf("%w: slot = %d not in [1, %d]", ErrSlot, slot, f.m)
	}
	if f.Blocks() != p.m {
		return nil, fmt.Errorf("%w: family has %d, picker %d", ErrMismatch, f.Blocks(), p.m)
	}
	anchor := 1 + p.rng.IntN(f.n)
	queue, err := FrameSymbols(f, anchor, payload)
	if err != nil {
		return nil, err
	}
	s := newSchedule(p, f)
	if err := s.enter(anchor); err != nil {
		return nil, err
	}
	return &Sender{s: s, slot: slot, sym: symbols{payload: bytes.Clone(payload), queue: queue}}, nil
}

// Next returns the next piece to download (see [Picker.Next]).
func (s *Sender) Next() (int, error) { return s.s.next() }

// Abandon releases piece b, returned by Next, whose download failed.
func (s *Sender) Abandon(b int) error { return s.s.abandon(b) }

// Downloaded records that piece b has been downloaded and its HAVE sent,
// and moves to the next symbol once the current one has had its slot.
func (s *Sender) Downloaded(b int) error {
	run, err := s.s.downloaded(b)
	if err != nil || run < s.slot {
		return err
	}
	x, err := s.sym.next(s.s.f, s.s.x)
	if err != nil {
		return err
	}
	return s.s.enter(x)
}

// Symbol returns the symbol being hidden.
func (s *Sender) Symbol() int { return s.s.x }

// Frames returns the number of frames whose last symbol has started.
func (s *Sender) Frames() int { return s.sym.frames }

// Picker returns the underlying Picker (for availability updates).
func (s *Sender) Picker() *Picker { return s.s.p }
