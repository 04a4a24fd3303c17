package steg

import (
	"bytes"
	"fmt"
)

// Sender announces a payload of up to [MaxFramePayload] bytes through the
// download order of a [Picker], repeating the frame (see [FrameSymbols])
// for as long as the download lasts. Symbol t_j is hidden in a run of
// slot consecutive HAVEs of blocks of one class of H_{t_j} (Algorithm 2
// applied slot by slot); receivers need slot·(1 − loss) ≥ c.
//
// A client keeps several requests in flight and they complete in any
// order, so blocks requested under one symbol may complete among those of
// the next, and a class may run dry (Algorithm 2 then moves to the other
// class). The Sender therefore counts a slot as a run of completions of
// blocks requested under the current symbol in one class, restarting the
// count whenever another block completes in between: every symbol gets at
// least slot clean HAVEs, at the price of slots a little longer than slot.
type Sender struct {
	p       *Picker
	f       *Family
	payload []byte
	slot    int
	cur     int
	gen     uint32   // generation of the current symbol, from 1
	req     []uint32 // generation under which each reserved block was requested
	cls     []uint8  // class (1 or 2) of each reserved block under its symbol
	queue   []int
	run     int   // clean completions of the current symbol in a row
	runCls  uint8 // their class
	frames  int
}

// NewSender starts announcing payload with p, which it drives from now on:
// call [Sender.Next], [Sender.Downloaded] and [Sender.Abandon] instead of
// the Picker's (availability updates still go to the Picker). The symbol
// before the first frame is drawn with p's random source.
func NewSender(p *Picker, f *Family, payload []byte, slot int) (*Sender, error) {
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
	if err := p.Hide(f, anchor); err != nil {
		return nil, err
	}
	return &Sender{
		p: p, f: f, payload: bytes.Clone(payload), slot: slot, cur: anchor, gen: 1,
		req: make([]uint32, p.m), cls: make([]uint8, p.m), queue: queue,
	}, nil
}

// Next returns the next block to download (see [Picker.Next]).
func (s *Sender) Next() (int, error) {
	b, err := s.p.Next()
	if err != nil {
		return b, err
	}
	s.req[b] = s.gen
	s.cls[b] = 2 - uint8(s.p.cache.get(b).bit(s.cur))
	return b, nil
}

// Abandon releases block b, returned by Next, whose download failed.
func (s *Sender) Abandon(b int) error {
	if err := s.p.Abandon(b); err != nil {
		return err
	}
	s.req[b] = 0
	return nil
}

// Downloaded records that block b has been downloaded and its HAVE sent,
// and moves to the next symbol once the current one has had its slot.
func (s *Sender) Downloaded(b int) error {
	if err := s.p.Downloaded(b); err != nil {
		return err
	}
	g, c := s.req[b], s.cls[b]
	s.req[b] = 0
	switch {
	case g != s.gen:
		s.run = 0 // a straggler of an earlier symbol, or a block not asked for
		return nil
	case s.run > 0 && c != s.runCls:
		s.run = 1
	default:
		s.run++
	}
	s.runCls = c
	if s.run < s.slot {
		return nil
	}
	s.run = 0
	if len(s.queue) == 0 {
		q, err := FrameSymbols(s.f, s.cur, s.payload)
		if err != nil {
			return err
		}
		s.queue = q
	}
	s.cur, s.queue = s.queue[0], s.queue[1:]
	if len(s.queue) == 0 {
		s.frames++
	}
	s.gen++
	return s.p.Hide(s.f, s.cur)
}

// Symbol returns the symbol being hidden.
func (s *Sender) Symbol() int { return s.cur }

// Frames returns the number of frames whose last symbol has started.
func (s *Sender) Frames() int { return s.frames }

// Picker returns the underlying Picker (for availability updates).
func (s *Sender) Picker() *Picker { return s.p }
