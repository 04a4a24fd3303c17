package steg

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// host is a toy host client steered by a Plan: it keeps the priorities
// the plan asked for and downloads wanted, available pieces in its own
// order, with up to inflight pieces in progress that complete in random
// order.
type host struct {
	t        *testing.T
	p        hostPlan
	rng      *rand.Rand
	prio     []Priority
	avail    []int
	done     []bool
	inflight []int
	haves    []int
	byIndex  bool // order: lowest index first (anacrolix's tie-break); else rarest first, random ties
}

// hostPlan is what the host drives: a Plan, a SenderPlan or a BeaconPlan.
type hostPlan interface {
	Pieces() int
	SetAvailability(b, peers int) error
	Changes(dst []Change) []Change
	Completed(b int) error
}

var (
	_ hostPlan = (*Plan)(nil)
	_ hostPlan = (*SenderPlan)(nil)
	_ hostPlan = (*BeaconPlan)(nil)
)

func newHost(t *testing.T, p hostPlan, rng *rand.Rand, byIndex bool) *host {
	m := p.Pieces()
	h := &host{t: t, p: p, rng: rng, prio: make([]Priority, m), avail: make([]int, m), done: make([]bool, m), byIndex: byIndex}
	return h
}

func (h *host) setAvail(b, n int) {
	h.avail[b] = n
	require.NoError(h.t, h.p.SetAvailability(b, n))
	h.apply()
}

func (h *host) apply() {
	for _, c := range h.p.Changes(nil) {
		require.False(h.t, h.done[c.Piece], "change for completed piece %d", c.Piece)
		h.prio[c.Piece] = c.Priority
	}
}

// pick returns the next piece the host would request, or −1.
func (h *host) pick() int {
	best, bestAvail, seen := -1, math.MaxInt, 0
	for b := range h.prio {
		if h.done[b] || h.prio[b] != Want || h.avail[b] == 0 || slices.Contains(h.inflight, b) {
			continue
		}
		switch {
		case h.byIndex:
			if h.avail[b] < bestAvail {
				best, bestAvail = b, h.avail[b]
			}
		case h.avail[b] < bestAvail:
			best, bestAvail, seen = b, h.avail[b], 1
		case h.avail[b] == bestAvail:
			seen++
			if h.rng.IntN(seen) == 0 {
				best = b
			}
		}
	}
	return best
}

// step fills the pipeline and completes one piece; it reports false when
// nothing can progress.
func (h *host) step(inflight int) bool {
	for len(h.inflight) < inflight {
		b := h.pick()
		if b < 0 {
			break
		}
		h.inflight = append(h.inflight, b)
	}
	if len(h.inflight) == 0 {
		return false
	}
	k := h.rng.IntN(len(h.inflight))
	b := h.inflight[k]
	h.inflight = slices.Delete(h.inflight, k, k+1)
	h.done[b] = true
	h.haves = append(h.haves, b)
	require.NoError(h.t, h.p.Completed(b))
	h.apply()
	return true
}

func newTestPlan(t *testing.T, m, x int, seed uint64) (*Plan, *Family) {
	t.Helper()
	f, err := NewFamily(testKey(1), m, DefaultFunctions)
	require.NoError(t, err)
	p, err := NewPlan(f, x, rand.New(rand.NewPCG(seed, 7)))
	require.NoError(t, err)
	return p, f
}

// classRuns returns the lengths of the runs of one class of H_x in seq.
func classRuns(t *testing.T, f *Family, x int, seq []int) []int {
	var runs []int
	prev := false
	for k, b := range seq {
		in, err := f.InClass1(x, b)
		require.NoError(t, err)
		if k == 0 || in != prev {
			runs = append(runs, 0)
		}
		runs[len(runs)-1]++
		prev = in
	}
	return runs
}

// TestPlanHidesInHostOrder: a host that orders the wanted pieces its own
// way (by index, or rarest first with random ties), with requests in
// flight completing in any order, announces every piece of one class of
// H_x before any piece of the other, and a streaming decoder finds x.
func TestPlanHidesInHostOrder(t *testing.T) {
	for _, tc := range []struct {
		name     string
		m        int
		byIndex  bool
		inflight int
	}{
		{"index/1", 256, true, 1},
		{"index/8", 256, true, 8},
		{"rarest/1", 1024, false, 1},
		{"rarest/16", 1024, false, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.m), uint64(tc.inflight)))
			for _, x := range []int{1, 42, 100} {
				p, f := newTestPlan(t, tc.m, x, uint64(x))
				h := newHost(t, p, rng, tc.byIndex)
				for b := range tc.m {
					h.setAvail(b, 1+rng.IntN(5))
				}
				for h.step(tc.inflight) {
				}
				require.Len(t, h.haves, tc.m, "the host completes the file")
				require.Len(t, classRuns(t, f, x, h.haves), 2, "one class, then the other")
				require.Zero(t, p.OffClass())
				require.Zero(t, p.Missing())
				sd, err := NewStreamDecoder(f, DefaultWindow)
				require.NoError(t, err)
				got := 0
				for _, b := range h.haves {
					if y, ok, err := sd.Push(b); err == nil && ok && got == 0 {
						got = y
					}
				}
				require.Equal(t, x, got)
			}
		})
	}
}

// TestPlanFirstClass: the first active class is the class of a rarest
// available piece, class 1 when nothing is available.
func TestPlanFirstClass(t *testing.T) {
	const m, x = 128, 7
	p, f := newTestPlan(t, m, x, 1)
	require.Equal(t, 0, p.ActiveClass())
	p.Changes(nil)
	require.Equal(t, 1, p.ActiveClass(), "nothing available: class 1")

	for _, want := range []int{1, 2} {
		p, _ := newTestPlan(t, m, x, 2)
		for b := range m {
			in, err := f.InClass1(x, b)
			require.NoError(t, err)
			n := 3
			if in == (want == 1) {
				n = 2 // the rarest pieces are all in class want
			}
			require.NoError(t, p.SetAvailability(b, n))
		}
		p.Changes(nil)
		require.Equal(t, want, p.ActiveClass())
	}
}

// TestPlanChanges: the first call reports every missing piece, later
// calls only what changed; completing a class wants the other one.
func TestPlanChanges(t *testing.T) {
	const m, x = 64, 3
	p, f := newTestPlan(t, m, x, 1)
	require.NoError(t, p.Completed(5)) // held before the plan: never reported
	cs := p.Changes(nil)
	require.Len(t, cs, m-1)
	var active, other []int
	for _, c := range cs {
		require.NotEqual(t, 5, c.Piece)
		in, err := f.InClass1(x, c.Piece)
		require.NoError(t, err)
		require.Equal(t, in, c.Priority == Want, "class 1 wanted first, class 2 held")
		if c.Priority == Want {
			active = append(active, c.Piece)
		} else {
			other = append(other, c.Piece)
		}
	}
	require.Empty(t, p.Changes(nil), "nothing changed")
	for _, b := range active[:len(active)-1] {
		require.NoError(t, p.Completed(b))
		require.Empty(t, p.Changes(nil))
	}
	require.NoError(t, p.Completed(active[len(active)-1]))
	require.Equal(t, 2, p.ActiveClass())
	cs = p.Changes(nil)
	require.Len(t, cs, len(other))
	for _, c := range cs {
		require.Equal(t, Want, c.Priority)
		pr, err := p.Priority(c.Piece)
		require.NoError(t, err)
		require.Equal(t, Want, pr)
	}
}

// TestPlanStall: when no missing piece of the active class is available,
// a strict plan waits and a lenient one releases the rarest available
// piece of the other class, one at a time.
func TestPlanStall(t *testing.T) {
	const m, x = 64, 9
	f, err := NewFamily(testKey(1), m, DefaultFunctions)
	require.NoError(t, err)
	avail, rarest := make([]int, m), -1
	for b := range m {
		in, err := f.InClass1(x, b)
		require.NoError(t, err)
		if in {
			continue // class 1 is available nowhere
		}
		avail[b] = 5
		if rarest < 0 {
			rarest, avail[b] = b, 2
		}
	}
	p, _ := newTestPlan(t, m, x, 3)
	require.False(t, p.Release(), "before the first Changes")
	p.Changes(nil)
	require.False(t, p.Release(), "nothing available to release")
	p.SetStrict(true)
	for b := range m {
		require.NoError(t, p.SetAvailability(b, 1))
	}
	require.False(t, p.Stalled())
	require.False(t, p.Release(), "not stalled")
	require.Zero(t, p.OffClass())
	for _, strict := range []bool{true, false} {
		q, _ := newTestPlan(t, m, x, 3)
		q.SetStrict(strict)
		q.Changes(nil) // nothing known yet: class 1 first
		require.Equal(t, 1, q.ActiveClass())
		for b, n := range avail {
			require.NoError(t, q.SetAvailability(b, n))
		}
		require.True(t, q.Stalled())
		var wanted []int
		for _, c := range q.Changes(nil) {
			if c.Priority == Want {
				wanted = append(wanted, c.Piece)
			}
		}
		require.Equal(t, strict, q.Strict())
		if strict {
			require.Empty(t, wanted)
			require.Zero(t, q.OffClass())
			// The host times the releases: one piece per Release.
			require.True(t, q.Release())
			require.Equal(t, []Change{{rarest, Want}}, q.Changes(nil), "the rarest piece of class 2 is released")
			require.False(t, q.Release(), "one release at a time")
			require.Equal(t, 1, q.OffClass())
			require.NoError(t, q.Completed(rarest))
			require.True(t, q.Stalled())
			require.Empty(t, q.Changes(nil), "strict: nothing more until the host releases")
			require.True(t, q.Release())
			require.Len(t, q.Changes(nil), 1)
			require.Equal(t, 2, q.OffClass())
			continue
		}
		require.Equal(t, []int{rarest}, wanted, "the rarest piece of class 2 is released")
		require.Equal(t, 1, q.OffClass())
		require.NoError(t, q.SetAvailability(rarest, 9))
		require.Empty(t, q.Changes(nil), "one release at a time")
		require.NoError(t, q.Completed(rarest))
		cs := q.Changes(nil)
		require.Len(t, cs, 1, "the next one once it completes")
		require.Equal(t, 2, q.OffClass())
		require.NoError(t, q.SetAvailability(cs[0].Piece, 0))
		require.Len(t, q.Changes(nil), 1, "and another once nobody has it")
		require.Equal(t, 3, q.OffClass())
	}
}

func TestPlanErrors(t *testing.T) {
	f, err := NewFamily(testKey(1), 64, DefaultFunctions)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		f    *Family
		x    int
		rng  *rand.Rand
		want error
	}{
		{"nil family", nil, 1, rng, ErrNil},
		{"nil rng", f, 1, nil, ErrNil},
		{"x = 0", f, 0, rng, ErrSymbol},
		{"x > n", f, 101, rng, ErrSymbol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlan(tc.f, tc.x, tc.rng)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, p)
		})
	}
	p, err := NewPlan(f, 1, rng)
	require.NoError(t, err)
	require.ErrorIs(t, p.Completed(-1), ErrBlockRange)
	require.ErrorIs(t, p.Completed(64), ErrBlockRange)
	require.ErrorIs(t, p.SetAvailability(64, 1), ErrBlockRange)
	require.ErrorIs(t, p.SetAvailability(0, -1), ErrAvailability)
	require.ErrorIs(t, p.SetAvailability(0, math.MaxInt32+1), ErrAvailability)
	_, err = p.Priority(64)
	require.ErrorIs(t, err, ErrBlockRange)
	require.NoError(t, p.Completed(3))
	require.ErrorIs(t, p.Completed(3), ErrDuplicate)
	require.Equal(t, 63, p.Missing())
	require.Equal(t, "want", Want.String())
	require.Equal(t, "hold", Hold.String())
	require.Equal(t, "Priority(7)", Priority(7).String())
}

// checkPlan verifies a Plan's bookkeeping and the class rule: every
// wanted missing piece is in the active class but for at most one piece
// released while stalled, and every missing piece of the active class is
// wanted.
func checkPlan(t *testing.T, p *Plan) {
	var missing, ready [2]int
	outside := 0
	for b := range p.state {
		if p.state[b] != planMissing {
			continue
		}
		c := p.class[b]
		missing[c]++
		if p.avail[b] > 0 {
			ready[c]++
		}
		if p.active < 0 {
			continue
		}
		if c == uint8(p.active) {
			require.Equal(t, Want, p.prio[b], "piece %d of the active class held", b)
		} else if p.prio[b] == Want {
			outside++
		}
	}
	require.Equal(t, missing, p.missing)
	require.Equal(t, ready, p.ready)
	if p.active >= 0 && p.missing[p.active^1] > 0 {
		require.LessOrEqual(t, outside, p.offClass, "only released pieces are wanted outside the class")
		if p.spill >= 0 {
			require.Equal(t, Want, p.prio[p.spill])
			require.NotEqual(t, uint8(p.active), p.class[p.spill])
		}
	}
}

// FuzzPlan drives a Plan with any sequence of host reports (completions,
// availability, strictness, change requests, releases) and symbol changes
// (as a SenderPlan or BeaconPlan makes them), as a host fed by hostile
// peers would, and checks after each that bad reports are errors, the
// bookkeeping holds, and the priorities the host was told equal the
// plan's.
func FuzzPlan(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 1, 5, 0, 9, 3, 0})
	f.Add([]byte{1, 4, 1, 8, 3, 3, 0, 4, 0, 8, 2, 1, 3, 0})
	const m = 40
	fam := fuzzFamily(f, m)
	f.Fuzz(func(t *testing.T, ops []byte) {
		p, err := NewPlan(fam, 1+len(ops)%fam.Functions(), rand.New(rand.NewPCG(1, 2)))
		require.NoError(t, err)
		told := make([]Priority, m)
		done := make([]bool, m)
		for i := 0; i+1 < len(ops); i += 2 {
			b := int(ops[i+1]) - 4 // some out of range
			switch ops[i] % 6 {
			case 0:
				err := p.Completed(b)
				if b >= 0 && b < m && !done[b] {
					require.NoError(t, err)
					done[b] = true
				} else {
					require.Error(t, err)
				}
			case 1:
				err := p.SetAvailability(b&63, b>>2-8)
				require.Equal(t, b&63 < m && b>>2-8 >= 0, err == nil)
			case 2:
				p.SetStrict(b%2 == 0)
			case 3:
				for _, c := range p.Changes(nil) {
					require.False(t, done[c.Piece])
					told[c.Piece] = c.Priority
				}
				for b := range m {
					pr, err := p.Priority(b)
					require.NoError(t, err)
					if !done[b] {
						require.Equal(t, pr, told[b], "piece %d", b)
					}
				}
			case 4:
				off := p.OffClass()
				stalled := p.Stalled()
				released := p.Release()
				require.True(t, !released || stalled, "released while not stalled")
				if released {
					require.Equal(t, off+1, p.OffClass())
				} else {
					require.Equal(t, off, p.OffClass())
				}
			case 5:
				// A SenderPlan or BeaconPlan moving to another symbol, or
				// to a plain phase.
				p.enter(b & 7 % 4)
			}
			checkPlan(t, p)
		}
	})
}
