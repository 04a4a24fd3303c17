package steg

import "fmt"

// FrameDecoder recovers the payloads a [Sender] announces from the HAVE
// messages of one peer. It detects a symbol each time the one-class run of
// a function reaches the window c, ignoring the last symbol detected,
// whose run was merely interrupted or restarted in its other class: a
// host that orders pieces by index follows a symbol with pieces of one
// class of the symbol before, so that run and the new symbol's reach c
// together, and the new symbol wins. After each new
// symbol tries every frame length ending there: a frame is accepted when
// its length byte, padding and keyed checksum agree. Lost, reordered or
// spurious symbols make a frame fail its checksum; the next repetition of
// the frame is decoded afresh.
type FrameDecoder struct {
	f    *Family
	c    int
	t    *runTracker
	syms []int
	max  int
}

// NewFrameDecoder returns a frame decoder with window c, 1 ≤ c ≤
// min(m, [MaxWindow]), over a family of n ≥ 3 functions.
func NewFrameDecoder(f *Family, c int) (*FrameDecoder, error) {
	if err := checkWindow(f, c); err != nil {
		return nil, err
	}
	if DigitBits(f.n) == 0 {
		return nil, fmt.Errorf("%w: frames need n ≥ 3, family has %d", ErrFunctions, f.n)
	}
	return &FrameDecoder{f: f, c: c, t: newRunTracker(f), max: FrameLen(f, MaxFramePayload) + 1}, nil
}

// Push consumes the HAVE of piece b and returns the payload of a frame
// that ends with it, if any. Errors are as for [StreamDecoder.Push].
func (d *FrameDecoder) Push(b int) (payload []byte, ok bool, err error) {
	if b < 0 || b >= d.f.m {
		return nil, false, fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, d.f.m)
	}
	if d.t.wasSeen(b) {
		return nil, false, fmt.Errorf("%w: piece %d", ErrDuplicate, b)
	}
	d.t.push(b)
	last := 0
	if len(d.syms) > 0 {
		last = d.syms[len(d.syms)-1]
	}
	sym := 0
	for i := range d.f.n {
		if int(d.t.run[i]) == d.c && i+1 != last {
			if sym != 0 {
				return nil, false, nil // two new runs reach c together: an erasure
			}
			sym = i + 1
		}
	}
	if sym == 0 {
		return nil, false, nil
	}
	if len(d.syms) == d.max {
		copy(d.syms, d.syms[1:])
		d.syms = d.syms[:d.max-1]
	}
	d.syms = append(d.syms, sym)
	for size := 1; size <= MaxFramePayload; size++ {
		k := FrameLen(d.f, size)
		if len(d.syms) < k+1 {
			break
		}
		tail := d.syms[len(d.syms)-k-1:]
		if p, err := ParseFrame(d.f, tail[0], tail[1:]); err == nil {
			return p, true, nil
		}
	}
	return nil, false, nil
}

// Consume feeds one peer-wire message: a HAVE is pushed, a BITFIELD marks
// its pieces as seen, anything else is ignored.
func (d *FrameDecoder) Consume(msg Message) (payload []byte, ok bool, err error) {
	switch {
	case msg.KeepAlive:
	case msg.ID == IDHave:
		return d.Push(msg.Index)
	case msg.ID == IDBitfield:
		if msg.Bitfield == nil || msg.Bitfield.Len() != d.f.m {
			return nil, false, fmt.Errorf("%w: bitfield does not cover %d pieces", ErrMismatch, d.f.m)
		}
		for b := range d.f.m {
			if msg.Bitfield.Has(b) {
				d.t.markSeen(b)
			}
		}
	}
	return nil, false, nil
}

// Symbols returns the symbols detected so far (the most recent ones, at
// most one frame's worth), for diagnostics.
func (d *FrameDecoder) Symbols() []int { return append([]int(nil), d.syms...) }
