// Package des is the discrete-event engine the library's simulations share:
// a simulated clock and a queue of timed events run in time order.
//
// Events scheduled for the same instant run in the order they were
// scheduled, so a simulation that draws its randomness from a seeded
// *rand.Rand is reproducible from the seed. Simulated time is a
// [time.Duration] since the start of the run: integer nanoseconds, so no
// rounding drift accumulates over long runs (the range is about 292 years).
//
// A Sim is not safe for concurrent use; a simulation is single-threaded by
// design so that it is deterministic.
package des

import (
	"errors"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/minheap"
)

// ErrPast is returned when an event is scheduled before the current time.
var ErrPast = errors.New("des: event scheduled in the past")

// Event identifies a scheduled event so that it can be cancelled.
type Event struct {
	seq uint64
}

type item struct {
	at  time.Duration
	seq uint64
	fn  func()
}

// Sim is a discrete-event simulator. The zero value is ready to use, with the
// clock at zero.
type Sim struct {
	now       time.Duration
	seq       uint64
	queue     minheap.Heap[item]
	cancelled map[uint64]struct{}
	executed  uint64
}

// Now returns the current simulated time.
func (s *Sim) Now() time.Duration { return s.now }

// Pending returns the number of scheduled events, cancelled ones included
// until they reach the head of the queue.
func (s *Sim) Pending() int { return s.queue.Len() }

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
	s.seq++
	s.queue.Push(item{at: t, seq: s.seq, fn: fn})
	return Event{seq: s.seq}, nil
}

// Cancel prevents a scheduled event from running. Cancelling an event that
// has already run, or the zero Event, does nothing.
func (s *Sim) Cancel(ev Event) {
	if ev.seq == 0 || ev.seq > s.seq {
		return
	}
	if s.cancelled == nil {
		s.cancelled = make(map[uint64]struct{})
	}
	s.cancelled[ev.seq] = struct{}{}
	// Every mark of a queued event names a distinct queue entry, so more
	// marks than twice the queue holds means most name events that have
	// already run. Those are forgotten in one scan of the queue, which the
	// marks added since the last scan pay for.
	if len(s.cancelled) > 2*s.queue.Len()+16 {
		s.forgetRun()
	}
}

// forgetRun drops the cancellation marks of events no longer queued.
func (s *Sim) forgetRun() {
	queued := make(map[uint64]struct{}, len(s.cancelled))
	for it := range s.queue.All() {
		if _, ok := s.cancelled[it.seq]; ok {
			queued[it.seq] = struct{}{}
		}
	}
	s.cancelled = queued
}

// Step runs the next event, advancing the clock to its time. It reports
// whether an event ran.
func (s *Sim) Step() bool {
	if !s.dropCancelled() {
		return false
	}
	it := s.queue.Pop()
	s.now = it.at
	s.executed++
	it.fn()
	return true
}

// dropCancelled discards cancelled events at the head of the queue and
// reports whether an event remains, so that the head is the next event
// that will run.
func (s *Sim) dropCancelled() bool {
	for s.queue.Len() > 0 {
		seq := s.queue.Peek().seq
		if _, ok := s.cancelled[seq]; !ok {
			return true
		}
		s.queue.Pop()
		delete(s.cancelled, seq)
	}
	clear(s.cancelled) // any marks left name events that have run
	return false
}

// Run runs events until none remain.
func (s *Sim) Run() {
	for s.Step() {
	}
}

// RunUntil runs every event scheduled at or before t, then sets the clock to
// t (if t is later than the clock).
func (s *Sim) RunUntil(t time.Duration) {
	// The head is checked after cancelled events are dropped: otherwise a
	// cancelled event due before t would let a later one run.
	for s.dropCancelled() && s.queue.Peek().at <= t {
		s.Step()
	}
	if t > s.now {
		s.now = t
	}
}

// Less orders events by time, then by the order they were scheduled.
func (a item) Less(b item) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}
