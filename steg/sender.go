package steg

import (
	"bytes"
	"fmt"
)

// Sender announces a payload of up to [MaxFramePayload] bytes through the
// download order of a [Picker], repeating the frame (see [FrameSymbols])
// for as long as the download lasts. Symbol j is hidden during slot j, a
// run of slot consecutive downloads: the Picker downloads those blocks
// from one class of H_{t_j} (Algorithm 2 applied slot by slot).
//
// The slot must exceed the receivers' window c by the number of requests
// the client keeps in flight (blocks reserved under one symbol complete in
// the next slot) plus a margin for lost HAVEs; the package documentation
// measures how much.
type Sender struct {
	p       *Picker
	f       *Family
	payload []byte
	slot    int
	cur     int
	queue   []int
	inSlot  int
	frames  int
}

// NewSender starts announcing payload with p, which it drives from now on:
// call [Sender.Next] and [Sender.Downloaded] instead of the Picker's. The
// symbol before the first frame is drawn with p's random source.
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
	return &Sender{p: p, f: f, payload: bytes.Clone(payload), slot: slot, cur: anchor, queue: queue}, nil
}

// Next returns the next block to download (see [Picker.Next]).
func (s *Sender) Next() (int, error) { return s.p.Next() }

// Downloaded records that block b has been downloaded and its HAVE sent,
// and moves to the next symbol at the end of a slot.
func (s *Sender) Downloaded(b int) error {
	if err := s.p.Downloaded(b); err != nil {
		return err
	}
	s.inSlot++
	if s.inSlot < s.slot {
		return nil
	}
	s.inSlot = 0
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
	return s.p.Hide(s.f, s.cur)
}

// Symbol returns the symbol being hidden.
func (s *Sender) Symbol() int { return s.cur }

// Frames returns the number of frames whose last symbol has started.
func (s *Sender) Frames() int { return s.frames }

// Picker returns the underlying Picker (for availability updates).
func (s *Sender) Picker() *Picker { return s.p }
