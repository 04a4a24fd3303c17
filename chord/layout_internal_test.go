package chord

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestNodeLayout guards the memory layout a routing step relies on (see
// the comment on Node's fields). Nodes lie in 2,048-byte slots, none
// across two pages; the lock, the request counter and the headers of the
// tables lie in the slot's first 128 bytes, the pair of cache lines the
// first touch of a node fetches; the route table's inline arrays start
// right after them. A field added in front, or one that makes a Node
// larger, costs a memory round trip on every hop of every lookup in a
// large ring; fields routing does not read belong in nodeCold.
func TestNodeLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layout is tuned for 64-bit platforms")
	}
	const slot = 2048
	var nodes []*Node // kept alive, so that each allocation is new
	var start uintptr // where a Node starts in its slot (after the allocator's header)
	for i := range 8 {
		n, err := New(Config{Addr: "n", Transport: nopTransport{}})
		require.NoError(t, err)
		nodes = append(nodes, n)
		off := uintptr(unsafe.Pointer(n)) % slot
		if i == 0 {
			start = off
		}
		require.Equal(t, start, off, "Nodes start at one offset in 2,048-byte slots")
	}
	var n Node
	require.LessOrEqual(t, start+unsafe.Sizeof(n), uintptr(slot), "Node (at byte %d of its slot) outgrew the 2,048-byte size class", start)
	hot := []struct {
		name      string
		off, size uintptr
	}{
		{"left", unsafe.Offsetof(n.left), unsafe.Sizeof(n.left)},
		{"mu", unsafe.Offsetof(n.mu), unsafe.Sizeof(n.mu)},
		{"requests", unsafe.Offsetof(n.requests), unsafe.Sizeof(n.requests)},
		{"succ", unsafe.Offsetof(n.succ), unsafe.Sizeof(n.succ)},
		{"fingers", unsafe.Offsetof(n.fingers), unsafe.Sizeof(n.fingers)},
		{"routes.top", unsafe.Offsetof(n.routes) + unsafe.Offsetof(n.routes.top), unsafe.Sizeof(n.routes.top)},
		{"routes.ref", unsafe.Offsetof(n.routes) + unsafe.Offsetof(n.routes.ref), unsafe.Sizeof(n.routes.ref)},
	}
	for _, f := range hot {
		require.LessOrEqual(t, start+f.off+f.size, uintptr(128), "Node.%s ends at byte %d of its slot", f.name, start+f.off+f.size)
	}
	require.Equal(t, uintptr(128), start+unsafe.Offsetof(n.routes)+unsafe.Offsetof(n.routes.topBuf), "route table's inline arrays")
	require.Len(t, nodes, 8)
}
