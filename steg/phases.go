package steg

import (
	"bytes"
	"fmt"
	"math/rand/v2"
)

// phased is a [Plan] that moves from one symbol to the next, for
// [SenderPlan] and [BeaconPlan]: the host's side of the plan (its reports
// and the priority changes) passes through unchanged, and each completion
// advances the run that ends a phase.
//
// A host has several pieces in flight, and those wanted under one symbol
// may complete after the plan has moved to the next. A phase hiding x
// therefore counts the current run of completions in one class of H_x,
// whatever symbol they were wanted under: a receiver's decoder needs
// exactly that, c HAVEs in a row of one class of H_x. A plain phase
// counts completions.
type phased struct {
	p      *Plan
	run    int   // progress of the current phase
	runCls uint8 // class under the current symbol of the last completion
}

// completed reports piece b to the plan and returns the progress of the
// phase.
func (ph *phased) completed(b int) (int, error) {
	if err := ph.p.Completed(b); err != nil {
		return 0, err
	}
	c := ph.p.class[b]
	switch {
	case ph.p.x == 0 || ph.run == 0 || c == ph.runCls:
		ph.run++
	default:
		ph.run = 1
	}
	ph.runCls = c
	return ph.run, nil
}

func (ph *phased) enter(x int) {
	ph.run = 0
	ph.p.enter(x)
}

// Pieces returns the number of pieces of the torrent.
func (ph *phased) Pieces() int { return ph.p.Pieces() }

// Symbol returns the symbol being hidden, 0 in a plain phase.
func (ph *phased) Symbol() int { return ph.p.Symbol() }

// SetAvailability records that peers peers have piece b (see
// [Plan.SetAvailability]).
func (ph *phased) SetAvailability(b, peers int) error { return ph.p.SetAvailability(b, peers) }

// Changes appends the priority changes the host must apply (see
// [Plan.Changes]).
func (ph *phased) Changes(dst []Change) []Change { return ph.p.Changes(dst) }

// Priority returns what the plan asks for piece b now (see
// [Plan.Priority]).
func (ph *phased) Priority(b int) (Priority, error) { return ph.p.Priority(b) }

// ActiveClass returns the class of H_x wanted now, 1 or 2, or 0 in a
// plain phase or before the first Changes.
func (ph *phased) ActiveClass() int { return ph.p.ActiveClass() }

// Missing returns the number of pieces not completed.
func (ph *phased) Missing() int { return ph.p.Missing() }

// OffClass returns the number of pieces released outside the active
// class, over every phase (see [Plan.OffClass]).
func (ph *phased) OffClass() int { return ph.p.OffClass() }

// SetStrict chooses whether a stalled phase waits (see [Plan.SetStrict]).
func (ph *phased) SetStrict(strict bool) { ph.p.SetStrict(strict) }

// Strict reports whether a stalled phase waits.
func (ph *phased) Strict() bool { return ph.p.Strict() }

// Stalled reports whether a hiding phase's active class has missing
// pieces but none available (see [Plan.Stalled]).
func (ph *phased) Stalled() bool { return ph.p.Stalled() }

// Release releases a piece of the other class of a stalled phase (see
// [Plan.Release]).
func (ph *phased) Release() bool { return ph.p.Release() }

// SenderPlan is [Sender] as a priority plan for a host client that keeps
// its own piece picker (see [Plan]): it announces a payload of up to
// [MaxFramePayload] bytes, repeating its frame ([FrameSymbols]) for as
// long as the download lasts, each symbol t_j hidden in a run of slot
// HAVEs of one class of H_{t_j}. Receivers decode it with a
// [FrameDecoder] and need slot·(1 − loss) ≥ c.
//
// The host drives it exactly as a Plan: [SenderPlan.Completed] for each
// verified piece, [SenderPlan.SetAvailability], and [SenderPlan.Changes]
// after every report. At each new symbol the plan holds again the missing
// pieces outside the new symbol's active class, so only pieces already in
// flight complete out of turn; they count towards the slot if they happen
// to fall in its class, and otherwise restart it.
//
// A SenderPlan is not safe for concurrent use.
type SenderPlan struct {
	phased
	slot int
	sym  symbols
}

// NewSenderPlan returns a plan announcing payload in the order in which a
// host completes the f.Blocks() pieces of a torrent, slot HAVEs per
// symbol, 1 ≤ slot ≤ f.Blocks(). rng draws the symbol before the first
// frame and breaks ties between equally rare pieces; seed it from
// crypto/rand in a real client. A nil f or rng is an error.
func NewSenderPlan(f *Family, payload []byte, slot int, rng *rand.Rand) (*SenderPlan, error) {
	if f == nil || rng == nil {
		return nil, fmt.Errorf("%w: NewSenderPlan with a nil *Family or *rand.Rand", ErrNil)
	}
	if slot < 1 || slot > f.m {
		return nil, fmt.Errorf("%w: slot = %d not in [1, %d]", ErrSlot, slot, f.m)
	}
	anchor := 1 + rng.IntN(f.n)
	queue, err := FrameSymbols(f, anchor, payload)
	if err != nil {
		return nil, err
	}
	p, err := NewPlan(f, anchor, rng)
	if err != nil {
		return nil, err
	}
	return &SenderPlan{phased: phased{p: p}, slot: slot, sym: symbols{payload: bytes.Clone(payload), queue: queue}}, nil
}

// Completed records that the host has verified piece b and sent its HAVE
// (see [Plan.Completed]), and moves to the next symbol once the current
// one has had its slot.
func (s *SenderPlan) Completed(b int) error {
	run, err := s.completed(b)
	if err != nil || run < s.slot {
		return err
	}
	x, err := s.sym.next(s.p.fam, s.p.x)
	if err != nil {
		return err
	}
	s.enter(x)
	return nil
}

// Frames returns the number of frames whose last symbol has started.
func (s *SenderPlan) Frames() int { return s.sym.frames }

// BeaconPlan is [Beacon] as a priority plan for a host client that keeps
// its own piece picker (see [Plan]): burst HAVEs that follow Algorithm 2
// for x, then gap HAVEs in which the plan wants every missing piece and
// the host's own order rules, and again. Each burst starts in the class of
// H_x holding a rarest available piece, so its first choice is plain. The
// host drives it exactly as a Plan.
//
// A BeaconPlan is not safe for concurrent use.
type BeaconPlan struct {
	phased
	x          int
	burst, gap int
	bursts     int
}

// NewBeaconPlan returns a plan hiding x, 1 ≤ x ≤ f.Functions(), in bursts
// of burst HAVEs (1 ≤ burst ≤ f.Blocks()) separated by gap plain ones
// (0 ≤ gap ≤ f.Blocks(); 0 hides x all along, as a [Plan] does). rng breaks
// ties between equally rare pieces; a nil f or rng is an error.
func NewBeaconPlan(f *Family, x, burst, gap int, rng *rand.Rand) (*BeaconPlan, error) {
	if f == nil || rng == nil {
		return nil, fmt.Errorf("%w: NewBeaconPlan with a nil *Family or *rand.Rand", ErrNil)
	}
	if burst < 1 || burst > f.m || gap < 0 || gap > f.m {
		return nil, fmt.Errorf("%w: burst %d, gap %d not in [1, %d] and [0, %d]", ErrSlot, burst, gap, f.m, f.m)
	}
	p, err := NewPlan(f, x, rng)
	if err != nil {
		return nil, err
	}
	return &BeaconPlan{phased: phased{p: p}, x: x, burst: burst, gap: gap, bursts: 1}, nil
}

// Completed records that the host has verified piece b and sent its HAVE
// (see [Plan.Completed]), and moves between bursts and gaps.
func (bp *BeaconPlan) Completed(b int) error {
	run, err := bp.completed(b)
	if err != nil {
		return err
	}
	switch {
	case bp.p.x != 0 && run >= bp.burst && bp.gap > 0:
		bp.enter(0)
	case bp.p.x == 0 && run >= bp.gap:
		bp.bursts++
		bp.enter(bp.x)
	}
	return nil
}

// Hiding reports whether the plan is in a burst.
func (bp *BeaconPlan) Hiding() bool { return bp.p.x != 0 }

// Bursts returns the number of bursts started.
func (bp *BeaconPlan) Bursts() int { return bp.bursts }
