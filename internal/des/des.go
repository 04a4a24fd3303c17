// Package des is the discrete-event engine the library's simulations share:
// a simulated clock and a queue of timed events run in time order.
//
// Events scheduled for the same instant run in the order they were
// scheduled, so a simulation that draws its randomness from a seeded
// *rand.Rand is reproducible from the seed. Simulated time is a
// [time.Duration] since the start of the run: integer nanoseconds, so no
// rounding drift accumulates over long runs (the range is about 292 years).
//
// The queue is an indexed binary heap over a slab of event slots: [Sim.At]
// reuses the slot of an event that has run or been cancelled, and
// [Sim.Cancel] and [Sim.Reschedule] take the event out of the heap at once,
// in O(log n), so that a simulation that retimes its events continually
// (a flow whose rate changes) pays no more than one that does not, and the
// heap never fills with dead events.
//
// A Sim is not safe for concurrent use; a simulation is single-threaded by
// design so that it is deterministic.
package des

import (
	"errors"
	"time"
)

// ErrPast is returned when an event is scheduled before the current time.
var ErrPast = errors.New("des: event scheduled in the past")

// Event identifies a scheduled event so that it can be cancelled or
// rescheduled. The zero Event names no event.
type Event struct {
	slot int32
	seq  uint64
}

// slot is one event of the slab. pos is its index in the heap, or -1 if
// it is not queued (it ran, was cancelled or is free).
type slot struct {
	at  time.Duration
	seq uint64
	fn  func()
	pos int32
}

// Sim is a discrete-event simulator. The zero value is ready to use, with the
// clock at zero.
type Sim struct {
	now      time.Duration
	seq      uint64
	slots    []slot
	free     []int32
	heap     []int32 // slot indices, a binary min-heap by (at, seq)
	executed uint64
}

// Now returns the current simulated time.
func (s *Sim) Now() time.Duration { return s.now }

// Pending returns the number of scheduled events that have neither run nor
// been cancelled.
func (s *Sim) Pending() int { return len(s.heap) }

// Executed returns how many events have run.
func (s *Sim) Executed() uint64 { return s.executed }

// After schedules fn to run d after the current time. A negative d is
// treated as zero.
func (s *Sim) After(d time.Duration, fn func()) Event {
	if d < 0 {
		d = 0
	}
	ev, _ := s.At(s.now+d, fn)
	return ev
}

// At schedules fn to run at simulated time t. It returns [ErrPast] if t is
// before [Sim.Now].
func (s *Sim) At(t time.Duration, fn func()) (Event, error) {
	if t < s.now {
		return Event{}, ErrPast
	}
	var i int32
	if n := len(s.free); n > 0 {
		i = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		s.slots = append(s.slots, slot{})
		i = int32(len(s.slots) - 1)
	}
	s.seq++
	s.slots[i] = slot{at: t, seq: s.seq, fn: fn, pos: int32(len(s.heap))}
	s.heap = append(s.heap, i)
	s.up(len(s.heap) - 1)
	return Event{slot: i, seq: s.seq}, nil
}

// pending returns the slot of ev if ev is still queued, or -1.
func (s *Sim) pending(ev Event) int32 {
	if ev.seq == 0 || int(ev.slot) >= len(s.slots) {
		return -1
	}
	if sl := &s.slots[ev.slot]; sl.seq != ev.seq || sl.pos < 0 {
		return -1
	}
	return ev.slot
}

// Cancel prevents a scheduled event from running. Cancelling an event that
// has already run or was cancelled, or the zero Event, does nothing.
func (s *Sim) Cancel(ev Event) {
	i := s.pending(ev)
	if i < 0 {
		return
	}
	s.remove(int(s.slots[i].pos))
	s.release(i)
}

// Reschedule moves a scheduled event to time t, as if it had been cancelled
// and its function scheduled anew at t (it runs after the events already
// scheduled for t), and returns its new handle. It returns [ErrPast] if t
// is before [Sim.Now], and reports false, changing nothing, if ev is no
// longer scheduled.
func (s *Sim) Reschedule(ev Event, t time.Duration) (Event, bool, error) {
	if t < s.now {
		return ev, false, ErrPast
	}
	i := s.pending(ev)
	if i < 0 {
		return ev, false, nil
	}
	s.seq++
	sl := &s.slots[i]
	sl.at, sl.seq = t, s.seq
	p := int(sl.pos)
	s.up(p)
	s.down(int(s.slots[i].pos))
	return Event{slot: i, seq: s.seq}, true, nil
}

func (s *Sim) release(i int32) {
	s.slots[i] = slot{pos: -1} // drop the closure
	s.free = append(s.free, i)
}

// Step runs the next event, advancing the clock to its time. It reports
// whether an event ran.
func (s *Sim) Step() bool {
	if len(s.heap) == 0 {
		return false
	}
	i := s.heap[0]
	s.remove(0)
	sl := s.slots[i]
	s.release(i)
	s.now = sl.at
	s.executed++
	sl.fn()
	return true
}

// Run runs events until none is left.
func (s *Sim) Run() {
	for s.Step() {
	}
}

// RunUntil runs the events scheduled at or before t, then advances the
// clock to t (if it is not already later).
func (s *Sim) RunUntil(t time.Duration) {
	for len(s.heap) > 0 && s.slots[s.heap[0]].at <= t {
		s.Step()
	}
	if t > s.now {
		s.now = t
	}
}

func (s *Sim) less(a, b int32) bool {
	x, y := &s.slots[a], &s.slots[b]
	if x.at != y.at {
		return x.at < y.at
	}
	return x.seq < y.seq
}

func (s *Sim) set(p int, i int32) {
	s.heap[p] = i
	s.slots[i].pos = int32(p)
}

func (s *Sim) up(p int) {
	h := s.heap
	i := h[p]
	for p > 0 {
		q := (p - 1) / 2
		if !s.less(i, h[q]) {
			break
		}
		s.set(p, h[q])
		p = q
	}
	s.set(p, i)
}

func (s *Sim) down(p int) {
	h := s.heap
	n := len(h)
	i := h[p]
	for {
		l := 2*p + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s.less(h[r], h[l]) {
			m = r
		}
		if !s.less(h[m], i) {
			break
		}
		s.set(p, h[m])
		p = m
	}
	s.set(p, i)
}

// remove takes the event at heap position p out of the heap.
func (s *Sim) remove(p int) {
	n := len(s.heap) - 1
	i := s.heap[p]
	s.slots[i].pos = -1
	if p == n {
		s.heap = s.heap[:n]
		return
	}
	moved := s.heap[n]
	s.set(p, moved)
	s.heap = s.heap[:n]
	s.up(p)
	s.down(int(s.slots[moved].pos))
}
