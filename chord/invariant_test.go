package chord_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// ringStates returns the states of an ideal ring of nodes with
// identifiers ids (ascending), successor lists of length r.
func ringStates(ids []uint64, r int) []chord.State {
	info := func(i int) chord.NodeInfo {
		i = (i%len(ids) + len(ids)) % len(ids)
		return chord.NodeInfo{ID: chord.IDFromUint64(ids[i]), Addr: "n" + string(rune('a'+i))}
	}
	st := make([]chord.State, len(ids))
	for i := range ids {
		st[i].Self, st[i].Pred = info(i), info(i-1)
		for k := 1; k <= min(r, len(ids)-1); k++ {
			st[i].Successors = append(st[i].Successors, info(i+k))
		}
	}
	return st
}

// TestCheckInvariants builds ring snapshots that break each of Zave's
// properties and checks that CheckInvariants names the one broken (and
// that CheckStable catches what only the ideal ring has).
func TestCheckInvariants(t *testing.T) {
	ids := []uint64{10, 20, 30, 40, 50, 60}
	ghost := chord.NodeInfo{ID: chord.IDFromUint64(25), Addr: "ghost"} // not alive
	tests := []struct {
		name   string
		mutate func(st []chord.State) []chord.State
		prop   string // "" for a valid ring
		stable bool   // CheckStable passes too
	}{
		{"ideal ring", func(st []chord.State) []chord.State { return st }, "", true},
		{"dead first successor", func(st []chord.State) []chord.State {
			st[1].Successors = append([]chord.NodeInfo{ghost}, st[1].Successors...)
			return st
		}, "", false},
		{"empty successor list", func(st []chord.State) []chord.State {
			st[2].Successors = nil
			return st
		}, "LiveSuccessor", false},
		{"every successor dead", func(st []chord.State) []chord.State {
			st[2].Successors = []chord.NodeInfo{ghost}
			return st
		}, "LiveSuccessor", false},
		{"list out of order", func(st []chord.State) []chord.State {
			s := st[0].Successors
			s[0], s[1] = s[1], s[0]
			return st
		}, "ValidSuccessorList", false},
		{"list repeats an entry", func(st []chord.State) []chord.State {
			st[0].Successors = append(st[0].Successors, st[0].Successors[len(st[0].Successors)-1])
			return st
		}, "ValidSuccessorList", false},
		{"list names its owner", func(st []chord.State) []chord.State {
			st[3].Successors = append(st[3].Successors[:1:1], st[3].Self)
			return st
		}, "ValidSuccessorList", false},
		{"two rings", func(st []chord.State) []chord.State {
			// 10 → 20 → 30 → 10 and 40 → 50 → 60 → 40.
			for i := range st {
				next := st[(i+1)%3+3*(i/3)].Self
				st[i].Successors = []chord.NodeInfo{next}
			}
			return st
		}, "AtMostOneRing", false},
		{"ring winds twice", func(st []chord.State) []chord.State {
			// 10 → 30 → 50 → 20 → 40 → 60 → 10: each list ordered, the
			// cycle goes round the identifier space twice.
			for i := range st {
				st[i].Successors = []chord.NodeInfo{st[(i+2)%6].Self}
			}
			st[4].Successors = []chord.NodeInfo{st[1].Self}
			st[5].Successors = []chord.NodeInfo{st[0].Self}
			return st
		}, "OrderedRing", false},
		{"appendage", func(st []chord.State) []chord.State {
			// A node that joined: 35's successor is 40, nobody points
			// at it yet. The invariants hold; the ring is not ideal.
			return append(st, chord.State{Self: chord.NodeInfo{ID: chord.IDFromUint64(35), Addr: "new"},
				Successors: []chord.NodeInfo{st[3].Self, st[4].Self}})
		}, "", false},
		{"wrong predecessor", func(st []chord.State) []chord.State {
			st[2].Pred = st[0].Self
			return st
		}, "", false},
		{"short list", func(st []chord.State) []chord.State {
			st[2].Successors = st[2].Successors[:2]
			return st
		}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.mutate(ringStates(ids, 3))
			err := chord.CheckInvariants(st)
			if tt.prop == "" {
				require.NoError(t, err)
			} else {
				var ie *chord.InvariantError
				require.True(t, errors.As(err, &ie), "got %v", err)
				require.Equal(t, tt.prop, ie.Property, "%v", err)
			}
			serr := chord.CheckStable(st, 3)
			switch {
			case tt.stable:
				require.NoError(t, serr)
			case tt.prop != "":
				var ie *chord.InvariantError
				require.True(t, errors.As(serr, &ie), "got %v", serr)
				require.Equal(t, tt.prop, ie.Property, "CheckStable names the broken invariant")
				if ie.Node.IsZero() {
					require.NotContains(t, serr.Error(), " at ", "a global property names no node")
				} else {
					require.Contains(t, serr.Error(), ie.Node.String())
				}
			default:
				require.Error(t, serr)
			}
		})
	}
	require.NoError(t, chord.CheckInvariants(nil))
	lone := chord.NodeInfo{ID: chord.IDFromUint64(7), Addr: "lone"}
	require.NoError(t, chord.CheckStable([]chord.State{{Self: lone, Successors: []chord.NodeInfo{lone}}}, 3), "a one-node ring")
}
