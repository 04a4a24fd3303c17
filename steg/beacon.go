package steg

import "fmt"

// Beacon hides one symbol x in bursts: burst HAVEs that follow Algorithm 2
// for x, then gap HAVEs of plain rarest-first, and again. A whole-download
// encoder (a Picker that stays in [Picker.Hide]) leaves rarest-first on
// about half of its choices, which an eavesdropper who also sees the
// swarm's availability can notice (see the package documentation); a
// Beacon only does so during its bursts, a burst/(burst+gap) share of the
// download, at the price of a joining node waiting up to burst + gap HAVEs
// for the next burst. Each burst starts in the class of H_x holding the
// piece rarest-first would pick, so its first choice is plain.
//
// Bursts are counted like the slots of a [Sender]: burst clean HAVEs of
// one class in a row, so burst ≥ c + the receivers' expected losses.
type Beacon struct {
	s          *schedule
	x          int
	burst, gap int
	bursts     int
}

// NewBeacon starts hiding x with p in bursts; call [Beacon.Next],
// [Beacon.Downloaded] and [Beacon.Abandon] instead of the Picker's.
func NewBeacon(p *Picker, f *Family, x, burst, gap int) (*Beacon, error) {
	if p == nil || f == nil {
		return nil, fmt.Errorf("%w: NewBeacon with a nil *Picker or *Family", ErrNil)
	}
	if f.Blocks() != p.m {
		return nil, fmt.Errorf("%w: family has %d, picker %d", ErrMismatch, f.Blocks(), p.m)
	}
	if x < 1 || x > f.Functions() {
		return nil, fmt.Errorf("%w: x = %d not in [1, %d]", ErrSymbol, x, f.Functions())
	}
	if burst < 1 || burst > f.m || gap < 0 || gap > f.m {
		return nil, fmt.Errorf("%w: burst %d, gap %d not in [1, %d] and [0, %d]", ErrSlot, burst, gap, f.m, f.m)
	}
	s := newSchedule(p, f)
	if err := s.enter(x); err != nil {
		return nil, err
	}
	return &Beacon{s: s, x: x, burst: burst, gap: gap, bursts: 1}, nil
}

// Next returns the next piece to download (see [Picker.Next]).
func (b *Beacon) Next() (int, error) { return b.s.next() }

// Abandon releases piece blk, returned by Next, whose download failed.
func (b *Beacon) Abandon(blk int) error { return b.s.abandon(blk) }

// Downloaded records that piece blk has been downloaded and its HAVE
// sent, and moves between bursts and gaps.
func (b *Beacon) Downloaded(blk int) error {
	run, err := b.s.downloaded(blk)
	if err != nil {
		return err
	}
	switch {
	case b.s.x != 0 && run >= b.burst && b.gap > 0:
		return b.s.enter(0)
	case b.s.x == 0 && run >= b.gap:
		b.bursts++
		return b.s.enter(b.x)
	}
	return nil
}

// Hiding reports whether the Beacon is in a burst.
func (b *Beacon) Hiding() bool { return b.s.x != 0 }

// Bursts returns the number of bursts started.
func (b *Beacon) Bursts() int { return b.bursts }
