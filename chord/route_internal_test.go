package chord

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

type nopTransport struct{}

func (nopTransport) Call(context.Context, string, *Request, *Response) error { return ErrUnreachable }

// closestBrute is appendClosest's specification: the distinct nodes of the
// fingers and the successor list strictly between n and key, closest to
// key first, at most k.
func closestBrute(n *Node, key ID, k int) []NodeInfo {
	var all []NodeInfo
	for _, x := range append(slices.Clone(n.fingers), n.succ...) {
		if !x.IsZero() && Between(x.ID, n.self.ID, key) && !slices.ContainsFunc(all, func(y NodeInfo) bool { return y.ID == x.ID }) {
			all = append(all, x)
		}
	}
	slices.SortFunc(all, func(a, b NodeInfo) int { return b.ID.Sub(n.self.ID).Cmp(a.ID.Sub(n.self.ID)) })
	return all[:min(k, len(all))]
}

// routeNode builds a node whose fingers and successors come from data:
// each 9-byte record is a table slot and an identifier seed. Identifiers
// are small (all top bits equal, so the compact search always ties) or
// spread over the ring, and finger slots need not be in distance order, as
// in a table with stale entries. The successor list is set first; records
// with bit 2 of the slot set bring the route table up to date before the
// next finger changes, so that the next change updates it in place, and
// every in-place update is checked against a full rebuild.
func routeNode(t testing.TB, self ID, data []byte) *Node {
	n, err := New(Config{Addr: "self", ID: self, Transport: nopTransport{}})
	require.NoError(t, err)
	n.mu.Lock()
	defer n.mu.Unlock()
	type rec struct {
		slot int
		x    NodeInfo
	}
	var recs []rec
	var succ []NodeInfo
	for i := 0; i+9 <= len(data) && i < 9*64; i += 9 {
		slot := int(data[i])
		v := binary.BigEndian.Uint64(data[i+1 : i+9])
		var id ID
		if slot&1 == 0 {
			id = IDFromUint64(v) // near zero: top bits tie
		} else {
			id = HashID(data[i+1 : i+9])
		}
		x := NodeInfo{ID: id, Addr: "x" + id.String()}
		if slot < 32 {
			succ = append(succ, x)
		} else {
			recs = append(recs, rec{slot, x})
		}
	}
	n.setSuccs(succ)
	for _, r := range recs {
		fresh := !n.routes.stale
		n.setFinger(r.slot%IDBits, r.x)
		if fresh && !n.routes.stale {
			requireRoutesRebuilt(t, n)
		}
		if r.slot&4 != 0 && n.routes.stale {
			n.rebuildRoutes()
		}
	}
	return n
}

// requireRoutesRebuilt checks that n's route table is what a full rebuild
// gives; n.mu is held.
func requireRoutesRebuilt(t testing.TB, n *Node) {
	top, ref := slices.Clone(n.routes.top), slices.Clone(n.routes.ref)
	n.rebuildRoutes()
	require.Equal(t, n.routes.top, top, "top bits after an in-place update")
	require.Equal(t, n.routes.ref, ref, "references after an in-place update")
}

func checkClosest(t *testing.T, n *Node, key ID) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, k := range []int{1, closestCandidates, maxClosest} {
		got := n.appendClosest(nil, key, k)
		want := closestBrute(n, key, k)
		require.Equal(t, len(want), len(got), "k=%d key=%v", k, key)
		for i := range want {
			require.Equal(t, want[i].ID, got[i].ID, "k=%d key=%v entry %d", k, key, i)
		}
	}
}

func TestAppendClosest(t *testing.T) {
	rec := func(slot byte, v uint64) []byte {
		return binary.BigEndian.AppendUint64([]byte{slot}, v)
	}
	cat := func(rs ...[]byte) []byte { return slices.Concat(rs...) }
	for _, tc := range []struct {
		name string
		self ID
		data []byte
		keys []ID
	}{
		{"empty", IDFromUint64(5), nil, []ID{IDFromUint64(1), IDFromUint64(9)}},
		{"small ids, all tie on top bits", IDFromUint64(100),
			cat(rec(0, 110), rec(2, 120), rec(40, 300), rec(42, 200), rec(44, 1000), rec(46, 50)),
			[]ID{IDFromUint64(101), IDFromUint64(115), IDFromUint64(250), IDFromUint64(5000), IDFromUint64(60), IDFromUint64(100)}},
		{"duplicates across tables", IDFromUint64(100),
			cat(rec(0, 110), rec(40, 110), rec(42, 110), rec(2, 130)),
			[]ID{IDFromUint64(111), IDFromUint64(131), IDFromUint64(99)}},
		{"in-place updates: duplicates, overwrites and successors named by fingers", IDFromUint64(100),
			cat(rec(4, 110), rec(6, 140), rec(36, 110), rec(44, 110), rec(52, 300), rec(36, 120), rec(44, 500), rec(60, 140),
				rec(52, 110), rec(60, 300), rec(36, 100), rec(60, 777), rec(52, 777)),
			[]ID{IDFromUint64(111), IDFromUint64(125), IDFromUint64(141), IDFromUint64(301), IDFromUint64(99)}},
		{"spread and stale fingers", HashID([]byte("self")),
			cat(rec(1, 1), rec(3, 2), rec(5, 3), rec(201, 4), rec(203, 5), rec(61, 6), rec(99, 7), rec(255, 8)),
			[]ID{HashID([]byte("a")), HashID([]byte("b")), HashID([]byte("c")), HashID([]byte("self"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := routeNode(t, tc.self, tc.data)
			for _, key := range tc.keys {
				checkClosest(t, n, key)
			}
		})
	}
}

// FuzzAppendClosest checks the route table against its specification for
// tables built from arbitrary (hostile) finger hints and successor lists.
func FuzzAppendClosest(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 9, 40, 0, 0, 0, 0, 0, 0, 1, 0}, uint64(7), uint64(3))
	f.Add([]byte{1, 1, 2, 3, 4, 5, 6, 7, 8, 201, 8, 7, 6, 5, 4, 3, 2, 1, 33, 1, 1, 1, 1, 1, 1, 1, 1}, uint64(1<<63), uint64(12))
	f.Fuzz(func(t *testing.T, data []byte, self, key uint64) {
		for _, pair := range [][2]ID{
			{IDFromUint64(self), IDFromUint64(key)},
			{HashID(binary.BigEndian.AppendUint64(nil, self)), HashID(binary.BigEndian.AppendUint64(nil, key))},
		} {
			n := routeNode(t, pair[0], data)
			checkClosest(t, n, pair[1])
		}
	})
}
