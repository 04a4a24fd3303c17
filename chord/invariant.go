package chord

import (
	"fmt"
	"slices"
)

// InvariantError reports the first violated ring property.
type InvariantError struct {
	Property string   // the property's name, as in the package documentation
	Node     NodeInfo // a node where it fails (zero if global)
	Detail   string
}

func (e *InvariantError) Error() string {
	if e.Node.IsZero() {
		return fmt.Sprintf("chord: invariant %s violated: %s", e.Property, e.Detail)
	}
	return fmt.Sprintf("chord: invariant %s violated at %v: %s", e.Property, e.Node, e.Detail)
}

func violation(prop string, n NodeInfo, format string, args ...any) error {
	return &InvariantError{Property: prop, Node: n, Detail: fmt.Sprintf(format, args...)}
}

// ring is the live nodes' best-successor graph.
type ringView struct {
	states []State
	idx    map[string]int // address -> index in states
	best   []int          // index of each node's first live successor
}

func newRingView(states []State) (*ringView, error) {
	v := &ringView{states: states, idx: make(map[string]int, len(states)), best: make([]int, len(states))}
	for i, s := range states {
		v.idx[s.Self.Addr] = i
	}
	for i, s := range states {
		v.best[i] = -1
		for _, e := range s.Successors {
			if j, ok := v.idx[e.Addr]; ok {
				v.best[i] = j
				break
			}
		}
		if v.best[i] < 0 {
			return nil, violation("LiveSuccessor", s.Self, "no live entry in successor list %v", s.Successors)
		}
	}
	return v, nil
}

// CheckInvariants checks Zave's inductive invariant on a snapshot of the
// live nodes (every node in states is taken to be alive, every other
// address dead):
//
//   - LiveSuccessor: every node has a live entry in its successor list
//     (Chord's operating assumption);
//   - ValidSuccessorList: every successor list is strictly ordered
//     clockwise from its owner, without the owner or duplicates;
//   - AtLeastOneRing and AtMostOneRing: following each node's first live
//     successor, exactly one cycle exists;
//   - OrderedRing: the cycle goes round the identifier space exactly once;
//   - ConnectedAppendages: every node off the cycle reaches it.
//
// The protocol maintains these after every operation, provided no node
// loses all its successors; the package tests check them after every
// simulated step.
func CheckInvariants(states []State) error {
	for _, s := range states {
		// mutation: equivalent — newRingView reports the same property.
		if len(s.Successors) == 0 {
			return violation("LiveSuccessor", s.Self, "empty successor list")
		}
		var last ID
		for k, e := range s.Successors {
			d := e.ID.Sub(s.Self.ID)
			if (e.ID == s.Self.ID && len(states) > 1) || (k > 0 && d.Cmp(last) <= 0) {
				return violation("ValidSuccessorList", s.Self, "entry %d (%v) out of order in %v", k, e, s.Successors)
			}
			last = d
		}
	}
	if len(states) == 0 {
		return nil
	}
	v, err := newRingView(states)
	if err != nil {
		return err
	}
	// Colour the functional graph: each node's path ends in a cycle.
	const (
		white = 0
		grey  = 1
		black = 2
	)
	colour := make([]uint8, len(states))
	onRing := make([]bool, len(states))
	cycles := 0
	var cycleStart int
	path := make([]int, 0, 64)
	for i := range states {
		if colour[i] != white {
			continue
		}
		path = path[:0]
		j := i
		for colour[j] == white {
			colour[j] = grey
			path = append(path, j)
			j = v.best[j]
		}
		if colour[j] == grey { // a new cycle, starting at j
			cycles++
			cycleStart = j
			for k := j; ; {
				onRing[k] = true
				k = v.best[k]
				if k == j {
					break
				}
			}
		}
		for _, k := range path {
			colour[k] = black
		}
	}
	// Every node has a best successor in states (newRingView), and a
	// function on a finite set always has a cycle: the check states the
	// property, no snapshot can fail it.
	// mutation: equivalent — unreachable, see above.
	if cycles == 0 {
		return violation("AtLeastOneRing", NodeInfo{}, "no cycle of best successors")
	}
	if cycles > 1 {
		return violation("AtMostOneRing", NodeInfo{}, "%d disjoint cycles", cycles)
	}
	// OrderedRing: walking the cycle passes identifier zero exactly once.
	wraps, size := 0, 0
	for k := cycleStart; ; {
		nx := v.best[k]
		size++
		if states[nx].Self.ID.Cmp(states[k].Self.ID) <= 0 {
			wraps++
		}
		k = nx
		if k == cycleStart {
			break
		}
	}
	if wraps != 1 {
		return violation("OrderedRing", states[cycleStart].Self, "ring of %d members winds %d times round the identifier space", size, wraps)
	}
	// ConnectedAppendages holds by construction once there is exactly one
	// cycle: every path of best successors ends in it. Check it anyway, so
	// that the property is stated in code.
	for i := range states {
		j, steps := i, 0
		for !onRing[j] && steps <= len(states) {
			j, steps = v.best[j], steps+1
		}
		// With exactly one cycle every path of best successors ends in it.
		// mutation: equivalent — unreachable, see above.
		if !onRing[j] {
			return violation("ConnectedAppendages", states[i].Self, "does not reach the ring")
		}
	}
	return nil
}

// CheckStable checks that the live nodes in states form the ideal ring:
// the invariants hold, every node is on the ring, each successor list is
// exactly the next min(r, N−1) nodes in identifier order, and each
// predecessor is the previous node. r is the successor-list length.
func CheckStable(states []State, r int) error {
	if err := CheckInvariants(states); err != nil {
		return err
	}
	n := len(states)
	// mutation: equivalent — the loops below do nothing when n == 0.
	if n == 0 {
		return nil
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return states[a].Self.ID.Cmp(states[b].Self.ID) })
	want := min(r, n-1)
	if n == 1 {
		want = 1
	}
	for pos, i := range order {
		s := states[i]
		if len(s.Successors) != want {
			return violation("Stable", s.Self, "successor list has %d entries, want %d", len(s.Successors), want)
		}
		for k, e := range s.Successors {
			exp := states[order[(pos+1+k)%n]].Self
			if e != exp {
				return violation("Stable", s.Self, "successor %d is %v, want %v", k, e, exp)
			}
		}
		if n > 1 {
			if p := states[order[(pos+n-1)%n]].Self; s.Pred != p {
				return violation("Stable", s.Self, "predecessor is %v, want %v", s.Pred, p)
			}
		}
	}
	return nil
}
