package chord_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

func cacheNode(v uint64) chord.NodeInfo {
	return chord.NodeInfo{ID: chord.IDFromUint64(v), Addr: fmt.Sprintf("n%d", v)}
}

// TestOwnerCacheArcs checks what the cache infers from lookups on a ring
// of nodes 100, 200, 300, 400: the owner of a key holds the arc from the
// key to itself, each successor the arc from the node before it; nothing
// else is claimed, and a forgotten node is no longer answered.
func TestOwnerCacheArcs(t *testing.T) {
	n100, n200, n300, n400 := cacheNode(100), cacheNode(200), cacheNode(300), cacheNode(400)
	c := chord.NewOwnerCache(0)
	c.Learn(chord.IDFromUint64(150), chord.LookupResult{Node: n200, Successors: []chord.NodeInfo{n300, n400}})
	tests := []struct {
		key  uint64
		want chord.NodeInfo // zero: not known
	}{
		{149, chord.NodeInfo{}}, // before the looked-up key: 200's arc may start later
		{150, n200},
		{200, n200},
		{201, n300},
		{300, n300},
		{301, n400},
		{400, n400},
		{401, chord.NodeInfo{}}, // past the last successor
		{50, chord.NodeInfo{}},  // wraps to 200's arc, which starts at 150
	}
	for _, tt := range tests {
		got, ok := c.Owner(chord.IDFromUint64(tt.key))
		require.Equal(t, !tt.want.IsZero(), ok, "key %d", tt.key)
		require.Equal(t, tt.want, got, "key %d", tt.key)
	}
	require.Equal(t, 3, c.Len())

	// A lookup from further back widens 200's arc, and learns 100.
	c.Learn(chord.IDFromUint64(20), chord.LookupResult{Node: n100, Successors: []chord.NodeInfo{n200}})
	for k, want := range map[uint64]chord.NodeInfo{20: n100, 100: n100, 101: n200, 149: n200} {
		got, ok := c.Owner(chord.IDFromUint64(k))
		require.True(t, ok, "key %d", k)
		require.Equal(t, want, got, "key %d", k)
	}

	// A node that joined at 250 shortens 300's arc.
	n250 := cacheNode(250)
	c.Learn(chord.IDFromUint64(240), chord.LookupResult{Node: n250})
	for k, want := range map[uint64]chord.NodeInfo{240: n250, 250: n250, 251: n300} {
		got, ok := c.Owner(chord.IDFromUint64(k))
		require.True(t, ok, "key %d", k)
		require.Equal(t, want, got, "key %d", k)
	}
	_, ok := c.Owner(chord.IDFromUint64(239))
	require.False(t, ok, "300's arc must not reach back past 250")

	c.Forget(n300)
	_, ok = c.Owner(chord.IDFromUint64(280))
	require.False(t, ok)
	got, ok := c.Owner(chord.IDFromUint64(350))
	require.True(t, ok)
	require.Equal(t, n400, got)
}

// TestOwnerCacheWrapsRound: arcs that cross zero are answered on both
// sides of it.
func TestOwnerCacheWrapsRound(t *testing.T) {
	top := chord.NodeInfo{ID: chord.ID{}.Sub(chord.IDFromUint64(1000)), Addr: "top"}
	low := cacheNode(500)
	c := chord.NewOwnerCache(0)
	c.Learn(top.ID, chord.LookupResult{Node: top, Successors: []chord.NodeInfo{low}})
	for _, k := range []chord.ID{top.ID.Add(chord.IDFromUint64(1)), {}, chord.IDFromUint64(500)} {
		got, ok := c.Owner(k)
		require.True(t, ok, "key %v", k)
		require.Equal(t, low, got)
	}
	_, ok := c.Owner(chord.IDFromUint64(501))
	require.False(t, ok)
}

// TestOwnerCacheRefusesNonsense: a nil cache knows nothing and ignores
// what it is told, and a lookup result with a zero node, a zero entry in
// its successor list or an identifier named twice in a row teaches nothing
// from that point on; in particular a second address for an identifier
// does not erase the arc the first one taught.
func TestOwnerCacheRefusesNonsense(t *testing.T) {
	n200, n300, n400 := cacheNode(200), cacheNode(300), cacheNode(400)
	impostor := chord.NodeInfo{ID: n300.ID, Addr: "impostor"}
	tests := []struct {
		name string
		res  chord.LookupResult
		want map[uint64]chord.NodeInfo // keys and owners; zero: not known
		arcs int
	}{
		{"zero node", chord.LookupResult{Successors: []chord.NodeInfo{n300}},
			map[uint64]chord.NodeInfo{0: {}, 150: {}, 250: {}}, 0},
		{"zero successor", chord.LookupResult{Node: n200, Successors: []chord.NodeInfo{n300, {}, n400}},
			map[uint64]chord.NodeInfo{150: n200, 250: n300, 350: {}}, 2},
		{"repeated successor", chord.LookupResult{Node: n200, Successors: []chord.NodeInfo{n300, n300, n400}},
			map[uint64]chord.NodeInfo{150: n200, 250: n300, 350: {}}, 2},
		{"second address for an ID", chord.LookupResult{Node: n200, Successors: []chord.NodeInfo{n300, impostor, n400}},
			map[uint64]chord.NodeInfo{150: n200, 250: n300, 300: n300, 350: {}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := chord.NewOwnerCache(0)
			c.Learn(chord.IDFromUint64(150), tt.res)
			require.Equal(t, tt.arcs, c.Len())
			for k, want := range tt.want {
				got, ok := c.Owner(chord.IDFromUint64(k))
				require.Equal(t, !want.IsZero(), ok, "key %d", k)
				require.Equal(t, want, got, "key %d", k)
			}
		})
	}

	var nilCache *chord.OwnerCache
	nilCache.Learn(chord.IDFromUint64(150), chord.LookupResult{Node: n200})
	nilCache.Forget(n200)
	_, ok := nilCache.Owner(chord.IDFromUint64(150))
	require.False(t, ok)
}

// TestOwnerCacheAgainstRing: after lookups of random keys on a random
// ring, every answer the cache gives is the key's true owner, and the
// cache stays within its size.
func TestOwnerCacheAgainstRing(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	randID := func() chord.ID {
		var id chord.ID
		for i := range id {
			id[i] = byte(rng.Uint32())
		}
		return id
	}
	ring := make([]chord.NodeInfo, 64)
	for i := range ring {
		ring[i] = chord.NodeInfo{ID: randID(), Addr: fmt.Sprint(i)}
	}
	slices.SortFunc(ring, func(a, b chord.NodeInfo) int { return a.ID.Cmp(b.ID) })
	owner := func(k chord.ID) int {
		i, _ := slices.BinarySearchFunc(ring, k, func(n chord.NodeInfo, k chord.ID) int { return n.ID.Cmp(k) })
		return i % len(ring)
	}
	for _, size := range []int{8, 1000} {
		c := chord.NewOwnerCache(size)
		hits := 0
		for range 2000 {
			k := randID()
			o := owner(k)
			if got, ok := c.Owner(k); ok {
				require.Equal(t, ring[o], got, "size %d", size)
				hits++
				continue
			}
			var succs []chord.NodeInfo
			for j := 1; j <= 4; j++ {
				succs = append(succs, ring[(o+j)%len(ring)])
			}
			c.Learn(k, chord.LookupResult{Node: ring[o], Successors: succs})
			require.LessOrEqual(t, c.Len(), size)
		}
		if size == 1000 {
			require.Greater(t, hits, 1900, "a full cache answers almost every key")
		}
	}
}

// FuzzOwnerCache feeds a cache lookup results, truthful ones about a
// fuzzer-chosen ring and lies (arbitrary owners and successor lists, as a
// hostile node could answer), and forgets nodes at random: the cache never
// panics and never exceeds its size, and as long as it has been told only
// the truth it answers every key with its true owner.
func FuzzOwnerCache(f *testing.F) {
	f.Add([]byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{200, 100, 50}, []byte{0, 9, 0, 200, 2, 1, 0, 0})
	f.Fuzz(func(t *testing.T, ringBytes, ops []byte) {
		seen := map[chord.ID]bool{}
		var ring []chord.NodeInfo
		for _, b := range ringBytes {
			id := chord.ID{0: b, 1: b ^ 0x5a}
			if !seen[id] {
				seen[id] = true
				ring = append(ring, chord.NodeInfo{ID: id, Addr: fmt.Sprint(b)})
			}
		}
		if len(ring) == 0 {
			return
		}
		slices.SortFunc(ring, func(a, b chord.NodeInfo) int { return a.ID.Cmp(b.ID) })
		owner := func(k chord.ID) int {
			i, _ := slices.BinarySearchFunc(ring, k, func(n chord.NodeInfo, k chord.ID) int { return n.ID.Cmp(k) })
			return i % len(ring)
		}
		c := chord.NewOwnerCache(4)
		truthful := true
		for len(ops) >= 2 {
			op, b := ops[0], ops[1]
			ops = ops[2:]
			k := chord.ID{0: b, 1: op}
			switch op % 4 {
			case 0, 1: // a truthful lookup
				o := owner(k)
				var succs []chord.NodeInfo
				for j := 1; j <= int(op%3) && j < len(ring); j++ {
					succs = append(succs, ring[(o+j)%len(ring)])
				}
				c.Learn(k, chord.LookupResult{Node: ring[o], Successors: succs})
			case 2: // a lie
				truthful = false
				c.Learn(k, chord.LookupResult{Node: ring[int(b)%len(ring)], Successors: []chord.NodeInfo{ring[int(op)%len(ring)], {ID: k}}})
			case 3:
				c.Forget(ring[int(b)%len(ring)])
			}
			require.LessOrEqual(t, c.Len(), 4)
			if !truthful {
				continue
			}
			r := ring[int(b)%len(ring)].ID
			one := chord.IDFromUint64(1)
			for _, q := range []chord.ID{{}, {0: b, 1: op}, {0: 255, 1: op}, r, r.Add(one), r.Sub(one)} {
				if got, ok := c.Owner(q); ok {
					require.Equal(t, ring[owner(q)], got, "key %v", q)
				}
			}
		}
	})
}

// An OwnerCache learns arcs of the ring from lookups: the owner of the
// looked-up key, and the arcs of the successors that came with it.
func ExampleOwnerCache() {
	n := func(v uint64) chord.NodeInfo {
		return chord.NodeInfo{ID: chord.IDFromUint64(v), Addr: fmt.Sprintf("node-%d", v)}
	}
	c := chord.NewOwnerCache(0)
	// A lookup of key 150 found node 200, whose successors are 300 and 400.
	c.Learn(chord.IDFromUint64(150), chord.LookupResult{Node: n(200), Successors: []chord.NodeInfo{n(300), n(400)}})
	for _, k := range []uint64{160, 250, 390, 450} {
		if o, ok := c.Owner(chord.IDFromUint64(k)); ok {
			fmt.Printf("key %d: %s\n", k, o.Addr)
		} else {
			fmt.Printf("key %d: look it up\n", k)
		}
	}
	// Output:
	// key 160: node-200
	// key 250: node-300
	// key 390: node-400
	// key 450: look it up
}
