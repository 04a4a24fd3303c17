package steg

import (
	"fmt"
	"slices"
)

// Windows of the decoders.
const (
	// MaxWindow is the largest supported window c.
	MaxWindow = 64
	// DefaultWindow is the window c recommended by the measurements of the
	// package documentation for n = 100: a chance fit on an innocent
	// sequence has probability n·2^(1−c) ≈ 1.2·10⁻⁵ per HAVE, and every
	// file of 64 pieces or more still carries the symbol.
	DefaultWindow = 24
)

// Match is one function whose class pattern fits a HAVE sequence: the last
// Run ≥ c pieces of the sequence all fall in one class of H_Symbol.
type Match struct {
	Symbol int // 1 … n
	Run    int // length of the one-class run ending at the last piece
}

// Decoder is the batch decoder of Algorithm 3 of [PACOM]: it finds the
// symbol hidden in a whole HAVE sequence by testing, for every function
// H_i, whether the last c pieces all fall in one class of H_i. It caches
// the classes of the pieces it has seen and is not safe for concurrent
// use; a [Family] may be shared by many decoders.
type Decoder struct {
	f     *Family
	c     int
	cache *classCache
	seen  []uint64
}

// NewDecoder returns a decoder with window c, 1 ≤ c ≤ min(m, [MaxWindow]).
// [DefaultWindow] is the window the measurements in the package
// documentation recommend.
func NewDecoder(f *Family, c int) (*Decoder, error) {
	if err := checkWindow(f, c); err != nil {
		return nil, err
	}
	return &Decoder{f: f, c: c, cache: newClassCache(f), seen: make([]uint64, (f.m+63)/64)}, nil
}

func checkWindow(f *Family, c int) error {
	if f == nil {
		return fmt.Errorf("%w: nil *Family", ErrNil)
	}
	if c < 1 || c > MaxWindow || c > f.m {
		return fmt.Errorf("%w: c = %d not in [1, %d]", ErrWindow, c, min(MaxWindow, f.m))
	}
	return nil
}

// Window returns c.
func (d *Decoder) Window() int { return d.c }

// check validates a HAVE sequence: at least c pieces, all in [0, m), no
// piece twice (a client sends one HAVE per piece).
func (d *Decoder) check(seq []int) error {
	if len(seq) < d.c {
		return fmt.Errorf("%w: %d pieces, window %d", ErrShortSequence, len(seq), d.c)
	}
	clear(d.seen)
	for k, b := range seq {
		if b < 0 || b >= d.f.m {
			return fmt.Errorf("%w: piece %d at position %d not in [0, %d)", ErrBlockRange, b, k, d.f.m)
		}
		if d.seen[b>>6]>>(b&63)&1 != 0 {
			return fmt.Errorf("%w: piece %d at position %d", ErrDuplicate, b, k)
		}
		d.seen[b>>6] |= 1 << (b & 63)
	}
	return nil
}

// Matches returns every function whose class pattern fits seq (its last c
// pieces in one class), longest run first, ties by increasing symbol.
func (d *Decoder) Matches(seq []int) ([]Match, error) {
	if err := d.check(seq); err != nil {
		return nil, err
	}
	var out []Match
	last := d.cache.get(seq[len(seq)-1])
	for i := 1; i <= d.f.n; i++ {
		bit, run := last.bit(i), 1
		for k := len(seq) - 2; k >= 0 && d.cache.get(seq[k]).bit(i) == bit; k-- {
			run++
		}
		if run >= d.c {
			out = append(out, Match{Symbol: i, Run: run})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int { return b.Run - a.Run })
	return out, nil
}

// Decode returns the symbol hidden in seq, or ok = false when nothing is
// hidden: no function fits the last c pieces, or several fit equally well.
// When several fit, the one whose one-class run is longest wins: a hidden
// symbol keeps its run for the whole class, a chance fit rarely extends
// past c (Algorithm 3 returns the first fitting i, a bias towards small
// symbols; [Decoder.DecodeFirst] keeps that literal rule).
func (d *Decoder) Decode(seq []int) (x int, ok bool, err error) {
	ms, err := d.Matches(seq)
	if err != nil || len(ms) == 0 {
		return 0, false, err
	}
	if len(ms) > 1 && ms[1].Run == ms[0].Run {
		return 0, false, nil
	}
	return ms[0].Symbol, true, nil
}

// DecodeFirst is Algorithm 3 to the letter: the smallest i whose last c
// pieces fall in one class of H_i, or ok = false.
func (d *Decoder) DecodeFirst(seq []int) (x int, ok bool, err error) {
	if err := d.check(seq); err != nil {
		return 0, false, err
	}
	tail := seq[len(seq)-d.c:]
	for i := 1; i <= d.f.n; i++ {
		y := 0
		for _, b := range tail {
			y += int(d.cache.get(b).bit(i))
		}
		if y == d.c || y == 0 {
			return i, true, nil
		}
	}
	return 0, false, nil
}
