package anonymity

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Session is an interval [Start, End) during which Client is online, one
// record of an uptime trace such as the UMass BitTorrent logs used in
// [PACOM §4.4.1].
type Session struct {
	Client     int
	Start, End time.Duration
}

type span struct{ start, end time.Duration }

// SessionTrace is a validated uptime trace: for every client the merged,
// sorted intervals during which it is online. It answers the online-set
// snapshots an intersection attacker records.
type SessionTrace struct {
	spans   map[int][]span
	byStart []Session // merged spans of every client, by start
	longest uint64    // length of the longest span; it may exceed a Duration
}

// NewSessionTrace validates sessions and builds a [SessionTrace]. A session
// ending before it starts gives [ErrTimeBackwards]; a negative client gives
// [ErrParameter]. Overlapping or touching sessions of a client are merged;
// empty ones are dropped. The input may be in any order.
func NewSessionTrace(sessions []Session) (*SessionTrace, error) {
	t := &SessionTrace{spans: make(map[int][]span)}
	for i, s := range sessions {
		if s.Client < 0 {
			return nil, fmt.Errorf("%w: session %d of client %d", ErrParameter, i, s.Client)
		}
		if s.End < s.Start {
			return nil, fmt.Errorf("%w: session %d of client %d ends at %v before it starts at %v", ErrTimeBackwards, i, s.Client, s.End, s.Start)
		}
		if s.End > s.Start {
			t.spans[s.Client] = append(t.spans[s.Client], span{s.Start, s.End})
		}
	}
	for c, sp := range t.spans {
		merged := mergeSpans(sp)
		t.spans[c] = merged
		for _, m := range merged {
			t.byStart = append(t.byStart, Session{c, m.start, m.end})
			t.longest = max(t.longest, uint64(m.end-m.start)) // exact: end ≥ start
		}
	}
	slices.SortFunc(t.byStart, func(a, b Session) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Client, b.Client))
	})
	return t, nil
}

// mergeSpans sorts spans and merges the overlapping or touching ones.
func mergeSpans(sp []span) []span {
	slices.SortFunc(sp, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := sp[:0]
	for _, s := range sp {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Clients returns the number of clients with at least one session.
func (t *SessionTrace) Clients() int { return len(t.spans) }

// IsOnline reports whether client is online at time at.
func (t *SessionTrace) IsOnline(client int, at time.Duration) bool {
	return onlineIn(t.spans[client], at)
}

func onlineIn(sp []span, at time.Duration) bool {
	i, _ := slices.BinarySearchFunc(sp, at, func(s span, at time.Duration) int {
		if s.end <= at {
			return -1
		}
		return 1
	})
	return i < len(sp) && sp[i].start <= at
}

// Online returns the sorted identifiers of the clients online at time at:
// the snapshot the attacker records.
func (t *SessionTrace) Online(at time.Duration) []int {
	// Only spans starting in (at − longest, at] can cover at. When
	// at − longest is below the smallest Duration every span may.
	lo := 0
	if uint64(at-math.MinInt64) > t.longest {
		from := time.Duration(uint64(at) - t.longest)
		lo, _ = slices.BinarySearchFunc(t.byStart, from, func(s Session, x time.Duration) int {
			if s.Start <= x {
				return -1
			}
			return 1
		})
	}
	var out []int
	for _, s := range t.byStart[lo:] {
		if s.Start > at {
			break
		}
		if s.End > at {
			out = append(out, s.Client)
		}
	}
	slices.Sort(out)
	return out
}

// IntersectionAttack is the intersection attack of [PACOM §4.4.1] (after
// Wright et al.): each time the sender is known to be communicating, the
// attacker records who is online; the suspect set is the intersection of
// those snapshots. The attack announces a verdict the first time the set
// holds between 1 and Threshold clients (the paper: 10); it succeeds if the
// verdict contains the sender. If the intersection becomes empty (the
// sender was offline at a snapshot, or changed identity), the attacker
// starts over from the current snapshot.
type IntersectionAttack struct {
	threshold int
	suspects  []int // sorted
	started   bool
	snapshots int
	restarts  int
	verdict   []int
	announced bool
}

// NewIntersectionAttack returns an attack that announces once at most
// threshold suspects remain ([ErrParameter] if threshold < 1).
func NewIntersectionAttack(threshold int) (*IntersectionAttack, error) {
	if threshold < 1 {
		return nil, fmt.Errorf("%w: threshold %d", ErrParameter, threshold)
	}
	return &IntersectionAttack{threshold: threshold}, nil
}

// Observe intersects the suspect set with a snapshot of the online clients
// (any order; duplicates are ignored; the receiver should be left out).
// The snapshot is not retained.
func (a *IntersectionAttack) Observe(online []int) {
	snap := slices.Clone(online)
	slices.Sort(snap)
	snap = slices.Compact(snap)
	a.snapshots++
	if !a.started {
		a.started = true
		a.suspects = snap
		a.check()
		return
	}
	keep := a.suspects[:0]
	i := 0
	for _, s := range a.suspects {
		for i < len(snap) && snap[i] < s {
			i++
		}
		if i < len(snap) && snap[i] == s {
			keep = append(keep, s)
		}
	}
	a.suspects = keep
	if len(a.suspects) == 0 {
		a.restarts++
		a.suspects = snap
	}
	a.check()
}

// observeTrace is Observe for a snapshot given by a membership test, with
// full producing the whole snapshot only when the attack (re)starts; it
// keeps long simulations from materialising every snapshot.
func (a *IntersectionAttack) observeTrace(isOnline func(int) bool, full func() []int) {
	if !a.started {
		a.Observe(full())
		return
	}
	a.snapshots++
	keep := a.suspects[:0]
	for _, s := range a.suspects {
		if isOnline(s) {
			keep = append(keep, s)
		}
	}
	a.suspects = keep
	if len(a.suspects) == 0 {
		a.restarts++
		a.suspects = full()
	}
	a.check()
}

func (a *IntersectionAttack) check() {
	if !a.announced && len(a.suspects) >= 1 && len(a.suspects) <= a.threshold {
		a.announced = true
		a.verdict = slices.Clone(a.suspects)
	}
}

// Suspects returns a copy of the current suspect set, sorted.
func (a *IntersectionAttack) Suspects() []int { return slices.Clone(a.suspects) }

// Verdict returns the announced suspect set and whether the attack has
// announced one.
func (a *IntersectionAttack) Verdict() ([]int, bool) { return slices.Clone(a.verdict), a.announced }

// Snapshots returns the number of snapshots observed.
func (a *IntersectionAttack) Snapshots() int { return a.snapshots }

// Restarts returns how many times the intersection became empty and the
// attack started over.
func (a *IntersectionAttack) Restarts() int { return a.restarts }
