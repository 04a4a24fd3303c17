package steg

import (
	"fmt"
	"math/rand/v2"
)

// States of a piece in a [Picker].
const (
	blockMissing  uint8 = iota // wanted, not requested
	blockReserved              // returned by Next, download in progress
	blockOwned                 // downloaded (its HAVE has been sent)
)

// Picker chooses the next piece to download the way real BitTorrent clients
// do: rarest first among the missing pieces that some peer has, ties broken
// uniformly at random (anacrolix/torrent and libtorrent order by priority,
// then partial pieces, then rarity; this type covers the rarity step, the
// one that shapes the HAVE order).
//
// While it hides a symbol x (see [Picker.Hide]) the Picker is the encoder of
// Algorithm 2 of [PACOM]: it splits the missing pieces into the two classes
// of H_x and downloads every piece of the active class before any piece of
// the other, keeping rarest-first with random ties inside the class. A
// uniformly random order inside the class, as Algorithm 2 literally says,
// would itself stand out against rarest-first clients.
//
// The Picker keeps one bucket of pieces per availability level, so Next
// costs O(number of distinct availability levels) and does not allocate.
// A Picker is not safe for concurrent use.
type Picker struct {
	m       int
	rng     *rand.Rand
	state   []uint8
	avail   []int32
	group   []uint8 // 0: class 1 of H_x (or every piece when not hiding), 1: class 2
	pos     []int32 // index of a missing piece in its bucket
	buckets [2][][]int32
	missing [2]int // missing (not reserved, not owned) pieces per group
	ready   [2]int // missing pieces with availability ≥ 1 per group
	owned   int
	strict  bool

	fam      *Family
	cache    *classCache
	x        int   // hidden symbol; 0 when not hiding
	active   uint8 // group being downloaded while hiding
	offClass int
}

// NewPicker returns a Picker for a file of m pieces, none of them owned and
// none available yet. rng breaks ties; seed it from crypto/rand in a real
// client (rand.New(rand.NewChaCha8(seed))) so that an observer cannot
// predict the tie-breaks. A nil rng is an error.
func NewPicker(m int, rng *rand.Rand) (*Picker, error) {
	if m < 2 || m > MaxBlocks {
		return nil, fmt.Errorf("%w: m = %d not in [2, %d]", ErrBlocks, m, MaxBlocks)
	}
	if rng == nil {
		return nil, fmt.Errorf("%w: NewPicker with a nil *rand.Rand", ErrNil)
	}
	p := &Picker{
		m:     m,
		rng:   rng,
		state: make([]uint8, m),
		avail: make([]int32, m),
		group: make([]uint8, m),
		pos:   make([]int32, m),
	}
	p.rebuild()
	return p, nil
}

// Blocks returns m, the number of pieces.
func (p *Picker) Blocks() int { return p.m }

// Hide starts hiding symbol x, 1 ≤ x ≤ f.Functions(), in the order of the
// pieces downloaded from now on (Algorithm 2 of [PACOM]). The first active
// class is the class of H_x that holds the piece plain rarest-first would
// pick now (class 1 when nothing is available), so the switch itself does
// not bend the order; once the active class has no missing piece left the
// Picker moves to the other one, exactly as Algorithm 2 moves from C1 to C2.
// Both classes decode to x (Algorithm 3 accepts y = c and y = 0).
//
// Hide costs one BLAKE3 output per piece the first time a family is used
// and O(m) afterwards.
func (p *Picker) Hide(f *Family, x int) error {
	if f == nil {
		return fmt.Errorf("%w: Hide with a nil *Family", ErrNil)
	}
	if f.Blocks() != p.m {
		return fmt.Errorf("%w: family has %d, picker %d", ErrMismatch, f.Blocks(), p.m)
	}
	if x < 1 || x > f.Functions() {
		return fmt.Errorf("%w: x = %d not in [1, %d]", ErrSymbol, x, f.Functions())
	}
	if p.fam != f {
		p.fam, p.cache = f, newClassCache(f)
	}
	p.x = x
	p.rebuild()
	p.active = p.firstClass()
	return nil
}

// Reveal stops hiding: the Picker goes back to plain rarest-first.
func (p *Picker) Reveal() {
	p.x = 0
	p.rebuild()
}

// Symbol returns the hidden symbol, or ok = false when the Picker is not
// hiding one.
func (p *Picker) Symbol() (x int, ok bool) { return p.x, p.x != 0 }

// ActiveClass returns 1 or 2, the class of H_x being downloaded, or 0 when
// the Picker is not hiding.
func (p *Picker) ActiveClass() int {
	if p.x == 0 {
		return 0
	}
	return int(p.active) + 1
}

// SetStrict chooses what Next does while hiding when no missing piece of
// the active class is available but pieces of the other class are. Strict,
// it returns [ErrStalled] and the caller waits for a peer to announce one
// (the order keeps its pattern, the download may idle); not strict (the
// default), it downloads the rarest piece of the other class, which breaks
// the pattern for one window (counted by [Picker.OffClass]).
func (p *Picker) SetStrict(strict bool) { p.strict = strict }

// OffClass returns how many pieces Next picked outside the active class
// because none of it was available.
func (p *Picker) OffClass() int { return p.offClass }

// Missing returns the number of pieces neither owned nor reserved.
func (p *Picker) Missing() int { return p.missing[0] + p.missing[1] }

// Owned returns the number of downloaded pieces.
func (p *Picker) Owned() int { return p.owned }

// Has reports whether piece b has been downloaded.
func (p *Picker) Has(b int) bool { return b >= 0 && b < p.m && p.state[b] == blockOwned }

// Availability returns the number of peers known to have piece b.
func (p *Picker) Availability(b int) int {
	if b < 0 || b >= p.m {
		return 0
	}
	return int(p.avail[b])
}

func (p *Picker) checkBlock(b int) error {
	if b < 0 || b >= p.m {
		return fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, b, p.m)
	}
	return nil
}

// PeerHas records that one more peer has piece b (a HAVE received, or one
// bit of a BITFIELD).
func (p *Picker) PeerHas(b int) error {
	if err := p.checkBlock(b); err != nil {
		return err
	}
	p.addAvail(b, 1)
	return nil
}

// PeerLost records that one peer having piece b went away.
func (p *Picker) PeerLost(b int) error {
	if err := p.checkBlock(b); err != nil {
		return err
	}
	if p.avail[b] == 0 {
		return fmt.Errorf("%w: piece %d", ErrAvailability, b)
	}
	p.addAvail(b, -1)
	return nil
}

// AddPeer records a new peer whose pieces are bf.
func (p *Picker) AddPeer(bf *Bitfield) error {
	if bf == nil {
		return fmt.Errorf("%w: nil *Bitfield", ErrNil)
	}
	if bf.Len() != p.m {
		return fmt.Errorf("%w: bitfield of %d pieces, picker %d", ErrMismatch, bf.Len(), p.m)
	}
	for b := range p.m {
		if bf.Has(b) {
			p.addAvail(b, 1)
		}
	}
	return nil
}

// RemovePeer records that the peer whose pieces are bf went away.
func (p *Picker) RemovePeer(bf *Bitfield) error {
	if bf == nil {
		return fmt.Errorf("%w: nil *Bitfield", ErrNil)
	}
	if bf.Len() != p.m {
		return fmt.Errorf("%w: bitfield of %d pieces, picker %d", ErrMismatch, bf.Len(), p.m)
	}
	for b := range p.m {
		if bf.Has(b) && p.avail[b] == 0 {
			return fmt.Errorf("%w: piece %d", ErrAvailability, b)
		}
	}
	for b := range p.m {
		if bf.Has(b) {
			p.addAvail(b, -1)
		}
	}
	return nil
}

// Next chooses the next piece to download and reserves it: it is not
// returned again unless [Picker.Abandon] releases it. Report its completion
// with [Picker.Downloaded]. Next returns [ErrComplete] when no piece is
// missing, [ErrNoneAvailable] when no missing piece is available and, in
// strict mode, [ErrStalled] (see [Picker.SetStrict]).
func (p *Picker) Next() (int, error) { return p.next(nil) }

// NextFrom is Next restricted to the pieces that peer has: the rarest such
// piece of the active class. It scans the buckets, O(m) in the worst case.
func (p *Picker) NextFrom(peer *Bitfield) (int, error) {
	if peer == nil {
		return -1, fmt.Errorf("%w: nil *Bitfield", ErrNil)
	}
	if peer.Len() != p.m {
		return -1, fmt.Errorf("%w: bitfield of %d pieces, picker %d", ErrMismatch, peer.Len(), p.m)
	}
	return p.next(peer)
}

func (p *Picker) next(peer *Bitfield) (int, error) {
	if p.Missing() == 0 {
		return -1, ErrComplete
	}
	g := uint8(0)
	if p.x != 0 {
		if p.missing[p.active] == 0 {
			p.active ^= 1 // Algorithm 2: C1 exhausted, go on with C2
		}
		g = p.active
	}
	if b := p.pick(g, peer); b >= 0 {
		p.reserve(b)
		return b, nil
	}
	if p.x == 0 {
		return -1, ErrNoneAvailable
	}
	b := p.pick(g^1, peer)
	if b < 0 {
		return -1, ErrNoneAvailable
	}
	if p.strict {
		return -1, ErrStalled
	}
	p.offClass++
	p.reserve(b)
	return b, nil
}

// Downloaded records that piece b has been downloaded (the client now
// sends its HAVE). b is normally a piece reserved by Next; a missing piece
// received unasked is accepted too.
func (p *Picker) Downloaded(b int) error {
	if err := p.checkBlock(b); err != nil {
		return err
	}
	switch p.state[b] {
	case blockOwned:
		return fmt.Errorf("%w: piece %d already downloaded", ErrDuplicate, b)
	case blockMissing:
		p.remove(b)
	}
	p.state[b] = blockOwned
	p.owned++
	return nil
}

// Abandon releases piece b, reserved by Next, whose download failed.
func (p *Picker) Abandon(b int) error {
	if err := p.checkBlock(b); err != nil {
		return err
	}
	if p.state[b] != blockReserved {
		return fmt.Errorf("%w: piece %d", ErrNotReserved, b)
	}
	p.state[b] = blockMissing
	p.insert(b)
	return nil
}

// pick returns a uniformly random piece among the rarest available missing
// pieces of group g (that peer has, if peer is not nil), or −1.
func (p *Picker) pick(g uint8, peer *Bitfield) int {
	if p.ready[g] == 0 {
		return -1
	}
	for _, bucket := range p.buckets[g][1:] {
		if len(bucket) == 0 {
			continue
		}
		if peer == nil {
			return int(bucket[p.rng.IntN(len(bucket))])
		}
		chosen, seen := -1, 0
		for _, b := range bucket {
			if peer.Has(int(b)) {
				seen++
				if p.rng.IntN(seen) == 0 { // reservoir sampling
					chosen = int(b)
				}
			}
		}
		if chosen >= 0 {
			return chosen
		}
	}
	return -1
}

// firstClass returns the group of a uniformly random piece among the
// rarest available missing pieces, or class 1 if it has missing pieces.
func (p *Picker) firstClass() uint8 {
	for a := 1; ; a++ {
		s0, s1 := p.bucketLen(0, a), p.bucketLen(1, a)
		if s0 < 0 && s1 < 0 {
			break
		}
		if s0 > 0 || s1 > 0 {
			if p.rng.IntN(max(s0, 0)+max(s1, 0)) < max(s0, 0) {
				return 0
			}
			return 1
		}
	}
	if p.missing[0] == 0 && p.missing[1] > 0 {
		return 1
	}
	return 0
}

// bucketLen returns the size of bucket a of group g, or −1 past the last.
func (p *Picker) bucketLen(g uint8, a int) int {
	if a >= len(p.buckets[g]) {
		return -1
	}
	return len(p.buckets[g][a])
}

func (p *Picker) reserve(b int) {
	p.remove(b)
	p.state[b] = blockReserved
}

func (p *Picker) addAvail(b int, d int32) {
	if p.state[b] != blockMissing {
		p.avail[b] += d
		return
	}
	p.remove(b)
	p.avail[b] += d
	p.insert(b)
}

func (p *Picker) insert(b int) {
	g, a := p.group[b], int(p.avail[b])
	for a >= len(p.buckets[g]) {
		p.buckets[g] = append(p.buckets[g], nil)
	}
	p.pos[b] = int32(len(p.buckets[g][a]))
	p.buckets[g][a] = append(p.buckets[g][a], int32(b))
	p.missing[g]++
	if a > 0 {
		p.ready[g]++
	}
}

func (p *Picker) remove(b int) {
	g, a := p.group[b], int(p.avail[b])
	l := p.buckets[g][a]
	i, last := p.pos[b], l[len(l)-1]
	l[i] = last
	p.pos[last] = i
	p.buckets[g][a] = l[:len(l)-1]
	p.missing[g]--
	if a > 0 {
		p.ready[g]--
	}
}

// rebuild recomputes the groups and buckets from the piece states.
func (p *Picker) rebuild() {
	for g := range p.buckets {
		for a := range p.buckets[g] {
			p.buckets[g][a] = p.buckets[g][a][:0]
		}
		if len(p.buckets[g]) == 0 {
			p.buckets[g] = append(p.buckets[g], nil)
		}
	}
	p.missing, p.ready = [2]int{}, [2]int{}
	for b := range p.m {
		p.group[b] = 0
		if p.x != 0 && p.cache.get(b).bit(p.x) == 0 {
			p.group[b] = 1
		}
		if p.state[b] == blockMissing {
			p.insert(b)
		}
	}
}
