package steg

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Priority is what a [Plan] asks its host client to do with a piece.
type Priority uint8

const (
	// Hold asks the host not to download the piece yet (in
	// anacrolix/torrent: PiecePriorityNone).
	Hold Priority = iota
	// Want asks the host to download the piece, in whatever order its own
	// piece picker chooses among the wanted pieces (in anacrolix/torrent:
	// PiecePriorityNormal).
	Want
)

// String returns "hold" or "want".
func (p Priority) String() string {
	switch p {
	case Hold:
		return "hold"
	case Want:
		return "want"
	}
	return fmt.Sprintf("Priority(%d)", uint8(p))
}

// Change asks the host to set the priority of one piece.
type Change struct {
	Piece    int
	Priority Priority
}

// States of a piece in a [Plan].
const (
	planMissing uint8 = iota
	planDone
)

// Plan is the encoder of Algorithm 2 of [PACOM] for a host client that
// keeps its own piece picker: instead of choosing every piece, as a
// [Picker] does, it tells the host which pieces it may download now
// ([Want]) and which it must leave for later ([Hold]), and the host orders
// the wanted pieces as it always does (anacrolix/torrent by priority,
// partial pieces, availability, index; libtorrent by rarity with random
// ties). A BEP 3 HAVE carries the index of a whole verified piece, so the
// plan works on pieces.
//
// The wanted pieces are the missing pieces of the active class of H_x.
// When the host has completed every piece of that class, the plan wants
// the other class, as Algorithm 2 moves from C1 to C2; both classes decode
// to x. Inside a class the order is the host's, so a hiding node looks
// like its plain neighbours as far as the class rule allows.
//
// The host reports what it sees: [Plan.Completed] for each piece it has
// verified (and announced with a HAVE) and, optionally,
// [Plan.SetAvailability] for the number of peers that have a piece. After
// any report it applies [Plan.Changes]. Availability serves two decisions:
// the first active class is the class of a rarest available piece (a
// random one among ties), so the first choice is not bent, class 1 when
// nothing is known; and when no missing piece of the active class is
// available the plan either waits ([Plan.SetStrict]) or releases the
// rarest available piece of the other class, one at a time (another once
// it completes, or once nobody has it any more), counted by
// [Plan.OffClass] (one stray HAVE, like [Picker.Next] out of class).
//
// A Plan is not safe for concurrent use.
type Plan struct {
	fam    *Family
	cache  *classCache
	x      int // the symbol hidden now; 0 in a plain phase (see phased)
	rng    *rand.Rand
	strict bool

	class   []uint8 // 0: class 1 of H_x, 1: class 2
	state   []uint8
	avail   []int32
	prio    []Priority // what the plan asks for now
	dirty   []int32    // pieces whose prio the host has not been told
	isDirty []uint64

	missing [2]int // pieces not completed, per class
	ready   [2]int // of which with availability ≥ 1
	active  int8   // −1 until the first Changes
	spill   int    // piece released outside the active class, not completed, or −1

	offClass int
}

// NewPlan returns a plan hiding x, 1 ≤ x ≤ f.Functions(), in the order in
// which a host client completes the f.Blocks() pieces of a torrent. rng
// breaks ties between equally rare pieces; seed it from crypto/rand in a
// real client. A nil f or rng is an error.
func NewPlan(f *Family, x int, rng *rand.Rand) (*Plan, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: NewPlan with a nil *Family", ErrNil)
	}
	if rng == nil {
		return nil, fmt.Errorf("%w: NewPlan with a nil *rand.Rand", ErrNil)
	}
	if x < 1 || x > f.Functions() {
		return nil, fmt.Errorf("%w: x = %d not in [1, %d]", ErrSymbol, x, f.Functions())
	}
	m := f.Blocks()
	p := &Plan{
		fam:     f,
		cache:   newClassCache(f),
		x:       x,
		rng:     rng,
		class:   make([]uint8, m),
		state:   make([]uint8, m),
		avail:   make([]int32, m),
		prio:    make([]Priority, m),
		dirty:   make([]int32, 0, m),
		isDirty: make([]uint64, (m+63)/64),
		active:  -1,
		spill:   -1,
	}
	p.classify()
	for b := range m {
		p.markDirty(b) // the first Changes reports every piece
	}
	return p, nil
}

// classify sorts the pieces into the classes of H_x, 0 for class 1 and 1
// for class 2, and counts the missing and available ones of each. With
// x = 0 every piece is in class 1: the plan wants every missing piece.
func (p *Plan) classify() {
	p.missing, p.ready = [2]int{}, [2]int{}
	for b, s := range p.state {
		var c uint8
		if p.x != 0 {
			c = uint8(1 - p.cache.get(b).bit(p.x))
		}
		p.class[b] = c
		if s == planMissing {
			p.missing[c]++
			if p.avail[b] > 0 {
				p.ready[c]++
			}
		}
	}
}

// enter starts hiding x, or hiding nothing if x = 0, in the pieces still
// missing: the first active class is chosen again (see [Plan]), and the
// pieces of the other class are held again, so pieces wanted under the
// previous symbol and not started stay behind. Used by [SenderPlan] and
// [BeaconPlan]; costs one pass over the pieces.
func (p *Plan) enter(x int) {
	p.x = x
	p.spill = -1
	p.classify()
	if p.active >= 0 {
		p.begin()
	}
}

// begin chooses the active class and sets every missing piece's priority.
func (p *Plan) begin() {
	p.active = int8(p.firstClass())
	for b, s := range p.state {
		if s != planMissing {
			continue
		}
		if p.class[b] == uint8(p.active) {
			p.setPrio(b, Want)
		} else {
			p.setPrio(b, Hold)
		}
	}
	p.update()
}

// Pieces returns the number of pieces of the torrent.
func (p *Plan) Pieces() int { return len(p.state) }

// Symbol returns x, the hidden symbol.
func (p *Plan) Symbol() int { return p.x }

// ActiveClass returns 1 or 2, the class of H_x the plan wants now, or 0
// before the first call to [Plan.Changes].
func (p *Plan) ActiveClass() int {
	if p.x == 0 {
		return 0
	}
	return int(p.active) + 1
}

// Missing returns the number of pieces not completed.
func (p *Plan) Missing() int { return p.missing[0] + p.missing[1] }

// OffClass returns the number of pieces released outside the active class
// because none of it was available.
func (p *Plan) OffClass() int { return p.offClass }

// SetStrict chooses what the plan does when no missing piece of the
// active class is available. Strict, it waits: the host idles until a peer
// announces one (the order keeps its pattern), or until the host calls
// [Plan.Release]. Not strict (the default), it releases the rarest
// available piece of the other class at once, one at a time, which breaks
// the pattern for one window.
func (p *Plan) SetStrict(strict bool) {
	p.strict = strict
	p.update()
}

// Strict reports whether the plan waits when stalled (see
// [Plan.SetStrict]).
func (p *Plan) Strict() bool { return p.strict }

// Release releases now, strict or not, the rarest available piece of the
// other class (a random one among ties) when the plan is [Plan.Stalled]
// and no piece it released before is still missing and available, and
// reports whether it did; [Plan.OffClass] counts it. A host that times its
// releases, for instance waiting out a grace period in which the peer
// holding the active class may still connect, keeps the plan strict and
// calls Release when its time is up. Apply [Plan.Changes] after it.
func (p *Plan) Release() bool {
	if p.spill >= 0 || !p.Stalled() {
		return false
	}
	b := p.rarest(uint8(p.active)^1, true)
	if b < 0 {
		return false
	}
	p.spill = b
	p.offClass++
	p.setPrio(b, Want)
	return true
}

// Stalled reports whether the active class has missing pieces but none
// available, as far as [Plan.SetAvailability] has said.
func (p *Plan) Stalled() bool {
	return p.x != 0 && p.active >= 0 && p.missing[p.active] > 0 && p.ready[p.active] == 0
}

// Priority returns what the plan asks for piece b now (before the first
// [Plan.Changes], [Hold] for every piece). A completed piece is [Hold].
func (p *Plan) Priority(b int) (Priority, error) {
	if err := p.checkPiece(b); err != nil {
		return Hold, err
	}
	if p.state[b] == planDone {
		return Hold, nil
	}
	return p.prio[b], nil
}

func (p *Plan) checkPiece(b int) error {
	if b < 0 || b >= len(p.state) {
		return fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, len(p.state))
	}
	return nil
}

// Completed records that the host has verified piece b and sent its HAVE
// (or held it from the start, before the plan was made). Any piece may
// complete, wanted or not; a piece reported twice is an error.
func (p *Plan) Completed(b int) error {
	if err := p.checkPiece(b); err != nil {
		return err
	}
	if p.state[b] == planDone {
		return fmt.Errorf("%w: piece %d already completed", ErrDuplicate, b)
	}
	p.state[b] = planDone
	c := p.class[b]
	p.missing[c]--
	if p.avail[b] > 0 {
		p.ready[c]--
	}
	if b == p.spill {
		p.spill = -1
	}
	p.update()
	return nil
}

// SetAvailability records that peers peers (0 ≤ peers ≤ 2^31 − 1) have
// piece b.
func (p *Plan) SetAvailability(b, peers int) error {
	if err := p.checkPiece(b); err != nil {
		return err
	}
	if peers < 0 || peers > math.MaxInt32 {
		return fmt.Errorf("%w: %d peers for piece %d", ErrAvailability, peers, b)
	}
	if p.state[b] == planMissing {
		c := p.class[b]
		if p.avail[b] > 0 {
			p.ready[c]--
		}
		if peers > 0 {
			p.ready[c]++
		}
	}
	p.avail[b] = int32(peers)
	p.update()
	return nil
}

// Changes appends to dst the pieces whose priority the host must change,
// with their new priority, and returns it. The first call reports every
// missing piece; later calls report only what changed since the previous
// call. Completed pieces are never reported. The first call also chooses
// the first active class (see [Plan]).
func (p *Plan) Changes(dst []Change) []Change {
	if p.active < 0 {
		p.begin()
	}
	for _, b32 := range p.dirty {
		b := int(b32)
		p.isDirty[b>>6] &^= 1 << (b & 63)
		if p.state[b] == planDone {
			continue
		}
		dst = append(dst, Change{Piece: b, Priority: p.prio[b]})
	}
	p.dirty = p.dirty[:0]
	return dst
}

// update applies the class rule after an event: move to the other class
// when the active one is complete, release a piece of the other class
// when the active one is stalled.
func (p *Plan) update() {
	if p.active < 0 {
		return
	}
	a := uint8(p.active)
	if p.missing[a] == 0 && p.missing[a^1] > 0 {
		a ^= 1 // Algorithm 2: C1 exhausted, go on with C2
		p.active = int8(a)
		p.spill = -1 // a released piece is now in the active class
		p.wantClass(a)
	}
	if p.spill >= 0 && p.avail[p.spill] == 0 {
		p.spill = -1 // nobody has it any more: it cannot complete, release another
	}
	if !p.strict {
		p.Release()
	}
}

// firstClass returns the class of a uniformly random piece among the
// rarest available missing pieces, or class 1 (0) if it has missing
// pieces.
func (p *Plan) firstClass() uint8 {
	least, n := int32(math.MaxInt32), [2]int{}
	for b, s := range p.state {
		a := p.avail[b]
		if s != planMissing || a == 0 || a > least {
			continue
		}
		if a < least {
			least, n = a, [2]int{}
		}
		n[p.class[b]]++
	}
	if n[0]+n[1] > 0 {
		if p.rng.IntN(n[0]+n[1]) < n[0] {
			return 0
		}
		return 1
	}
	if p.missing[0] == 0 && p.missing[1] > 0 {
		return 1
	}
	return 0
}

// rarest returns a uniformly random piece among the rarest available
// missing pieces of class c (held ones only, if held), or −1. It scans
// every piece.
func (p *Plan) rarest(c uint8, held bool) int {
	least, chosen, seen := int32(math.MaxInt32), -1, 0
	for b, s := range p.state {
		a := p.avail[b]
		if s != planMissing || p.class[b] != c || a == 0 || a > least || (held && p.prio[b] != Hold) {
			continue
		}
		if a < least {
			least, seen = a, 0
		}
		seen++
		if p.rng.IntN(seen) == 0 { // reservoir sampling
			chosen = b
		}
	}
	return chosen
}

// wantClass wants every missing piece of class c.
func (p *Plan) wantClass(c uint8) {
	for b, s := range p.state {
		if s == planMissing && p.class[b] == c {
			p.setPrio(b, Want)
		}
	}
}

func (p *Plan) setPrio(b int, pr Priority) {
	if p.prio[b] != pr {
		p.prio[b] = pr
		p.markDirty(b)
	}
}

func (p *Plan) markDirty(b int) {
	if p.isDirty[b>>6]>>(b&63)&1 == 0 {
		p.isDirty[b>>6] |= 1 << (b & 63)
		p.dirty = append(p.dirty, int32(b))
	}
}
