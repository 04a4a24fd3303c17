package des

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOrder(t *testing.T) {
	tests := []struct {
		name   string
		delays []time.Duration
		want   []int
	}{
		{"sorted", []time.Duration{1, 2, 3}, []int{0, 1, 2}},
		{"reversed", []time.Duration{3, 2, 1}, []int{2, 1, 0}},
		{"ties run in schedule order", []time.Duration{5, 1, 5, 1}, []int{1, 3, 0, 2}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Sim
			var got []int
			for i, d := range tt.delays {
				s.After(d, func() { got = append(got, i) })
			}
			s.Run()
			require.Equal(t, tt.want, got)
			require.Equal(t, uint64(len(tt.delays)), s.Executed())
		})
	}
}

func TestCancelAndPast(t *testing.T) {
	var s Sim
	ran := false
	ev := s.After(time.Second, func() { ran = true })
	s.Cancel(ev)
	s.Cancel(Event{}) // no-op
	s.Run()
	require.False(t, ran)
	require.Equal(t, time.Duration(0), s.Now())

	s.After(2*time.Second, func() {})
	s.Run()
	_, err := s.At(time.Second, func() {})
	require.ErrorIs(t, err, ErrPast)
}

// TestCancelAfterRun: cancelling events that have already run leaves no
// marks behind, while marks on queued events survive the clean-up.
func TestCancelAfterRun(t *testing.T) {
	var s Sim
	ran := 0
	keep := s.After(time.Hour, func() { t.Error("a cancelled event ran") })
	s.Cancel(keep)
	for range 10000 {
		ev := s.After(time.Second, func() { ran++ })
		s.Step()
		s.Cancel(ev) // already run: must not cancel the slot's next user
		require.Equal(t, 0, s.Pending())
	}
	require.Equal(t, 10000, ran)
	require.LessOrEqual(t, len(s.slots), 2, "slots are reused")
	s.Run()
}

// TestStaleHandle: the handle of an event that ran names nothing, even
// once its slot holds another event.
func TestStaleHandle(t *testing.T) {
	var s Sim
	old := s.After(time.Second, func() {})
	s.Step()
	ran := false
	s.After(time.Second, func() { ran = true })
	s.Cancel(old)
	_, ok, err := s.Reschedule(old, time.Hour)
	require.NoError(t, err)
	require.False(t, ok)
	s.Run()
	require.True(t, ran)
}

func TestReschedule(t *testing.T) {
	var s Sim
	var got []string
	a := s.After(1*time.Second, func() { got = append(got, "a") })
	s.After(2*time.Second, func() { got = append(got, "b") })
	s.After(3*time.Second, func() { got = append(got, "c") })
	a, ok, err := s.Reschedule(a, 2*time.Second) // after b: as if scheduled anew
	require.NoError(t, err)
	require.True(t, ok)
	_, _, err = s.Reschedule(a, -1)
	require.ErrorIs(t, err, ErrPast)
	s.Run()
	require.Equal(t, []string{"b", "a", "c"}, got)
}

func TestRunUntil(t *testing.T) {
	var s Sim
	var got []time.Duration
	for _, d := range []time.Duration{1, 5, 10} {
		s.After(d*time.Second, func() { got = append(got, s.Now()) })
	}
	s.RunUntil(5 * time.Second)
	require.Equal(t, []time.Duration{time.Second, 5 * time.Second}, got)
	require.Equal(t, 1, s.Pending())
	s.RunUntil(7 * time.Second)
	require.Equal(t, 7*time.Second, s.Now())
}

// TestRunUntilCancelledHead: a cancelled event due before the stop time
// must not let a later event run (a bug once let SimulateSwarm's clock pass
// its horizon).
func TestRunUntilCancelledHead(t *testing.T) {
	var s Sim
	ran := false
	ev := s.After(time.Second, func() {})
	s.After(10*time.Second, func() { ran = true })
	s.Cancel(ev)
	s.RunUntil(5 * time.Second)
	require.False(t, ran)
	require.Equal(t, 5*time.Second, s.Now())
	s.RunUntil(10 * time.Second)
	require.True(t, ran)
}

// FuzzRunUntil schedules and cancels events and runs the engine in slices
// of time: no event runs after the slice's end or after being cancelled,
// every other event runs once, in time order.
func FuzzRunUntil(f *testing.F) {
	f.Add([]byte{1, 0, 10, 0, 0, 5}, []byte{0})
	f.Add([]byte{3, 1, 3, 2, 7, 3, 9, 9}, []byte{1, 2, 5})
	f.Fuzz(func(t *testing.T, at, cancel []byte) {
		var s Sim
		evs := make([]Event, len(at))
		ran := make([]int, len(at))
		cancelled := make([]bool, len(at))
		var last time.Duration
		for i, a := range at {
			due := time.Duration(a) * time.Second
			evs[i] = s.After(due, func() {
				require.Equal(t, due, s.Now())
				require.GreaterOrEqual(t, due, last)
				require.False(t, cancelled[i], "a cancelled event ran")
				last = due
				ran[i]++
			})
		}
		for _, c := range cancel {
			if len(evs) > 0 {
				i := int(c) % len(evs)
				if c&1 == 0 {
					s.Cancel(evs[i])
					cancelled[i] = true
				} else if !cancelled[i] {
					// Rescheduling to the same time keeps the
					// event due, at the back of its instant.
					due := time.Duration(at[i]) * time.Second
					var ok bool
					var err error
					evs[i], ok, err = s.Reschedule(evs[i], due)
					require.NoError(t, err)
					require.True(t, ok)
				}
			}
		}
		for stop := time.Duration(0); stop <= 256*time.Second; stop += 17 * time.Second {
			s.RunUntil(stop)
			require.Equal(t, stop, s.Now())
			for i, a := range at {
				due := time.Duration(a) * time.Second
				want := 0
				if due <= stop && !cancelled[i] {
					want = 1
				}
				require.Equal(t, want, ran[i], "event %d due %v, stop %v", i, due, stop)
			}
		}
	})
}

// FuzzOrder checks the engine's one invariant: whatever events are scheduled,
// from outside or from inside other events, they run in nondecreasing time
// and ties run in the order they were scheduled.
func FuzzOrder(f *testing.F) {
	f.Add([]byte{1, 2, 3, 0, 0, 9})
	f.Add([]byte{255, 0, 255, 0, 7, 7, 7, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Sim
		type rec struct {
			at  time.Duration
			seq int
		}
		var log []rec
		n := 0
		var schedule func(d time.Duration, depth int)
		schedule = func(d time.Duration, depth int) {
			n++
			me := n
			at := s.Now() + d
			s.After(d, func() {
				log = append(log, rec{at, me})
				require.Equal(t, at, s.Now())
				if depth < 2 && len(data) > 0 {
					schedule(time.Duration(data[me%len(data)]%4), depth+1)
				}
			})
		}
		for len(data) >= 2 {
			schedule(time.Duration(binary.BigEndian.Uint16(data)%64), 0)
			data = data[2:]
		}
		s.Run()
		for i := 1; i < len(log); i++ {
			require.LessOrEqual(t, log[i-1].at, log[i].at)
			if log[i-1].at == log[i].at {
				require.Less(t, log[i-1].seq, log[i].seq)
			}
		}
	})
}

func BenchmarkSchedule(b *testing.B) {
	b.ReportAllocs()
	var s Sim
	fn := func() {}
	for i := 0; i < 1024; i++ {
		s.After(time.Duration(i*7919%1024), fn)
	}
	for b.Loop() {
		s.After(time.Duration(s.Executed()%1024), fn)
		s.Step()
	}
}

// TestMisuse: scheduling in the past is an error; cancelling or
// rescheduling the zero, a run or a foreign Event does nothing.
func TestMisuse(t *testing.T) {
	tests := []struct {
		name string
		call func(s *Sim) error
		want error
	}{
		{"at in the past", func(s *Sim) error { _, err := s.At(-time.Second, func() {}); return err }, ErrPast},
		{"reschedule into the past", func(s *Sim) error {
			ev := s.After(time.Hour, func() {})
			_, _, err := s.Reschedule(ev, -1)
			return err
		}, ErrPast},
		{"cancel the zero event", func(s *Sim) error { s.Cancel(Event{}); return nil }, nil},
		{"cancel a foreign event", func(s *Sim) error { s.Cancel(Event{slot: 99, seq: 7}); return nil }, nil},
		{"reschedule the zero event", func(s *Sim) error {
			if _, ok, err := s.Reschedule(Event{}, time.Hour); ok || err != nil {
				t.Errorf("rescheduled the zero Event: %v %v", ok, err)
			}
			return nil
		}, nil},
		{"step an empty queue", func(s *Sim) error {
			if s.Step() {
				t.Error("stepped an empty queue")
			}
			return nil
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Sim
			s.RunUntil(time.Minute)
			err := tt.call(&s)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}
