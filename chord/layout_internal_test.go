package chord

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestNodeLayout guards the memory layout a routing step relies on (see
// the comment on Node's fields): the lock, the request counter and the
// headers of the tables lie in the first 128 bytes, the pair of cache
// lines the first touch of a node fetches, and the route table's inline
// arrays start right after them, and a Node takes at most 2 KiB. A field
// added in front of them, or one that makes a Node larger, costs a memory
// round trip on every hop of every lookup in a large ring.
func TestNodeLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layout is tuned for 64-bit platforms")
	}
	var n Node
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
		{"routes.stale", unsafe.Offsetof(n.routes) + unsafe.Offsetof(n.routes.stale), unsafe.Sizeof(n.routes.stale)},
	}
	for _, f := range hot {
		require.LessOrEqual(t, f.off+f.size, uintptr(128), "Node.%s ends at byte %d", f.name, f.off+f.size)
	}
	require.Equal(t, uintptr(128), unsafe.Offsetof(n.routes)+unsafe.Offsetof(n.routes.topBuf), "route table's inline arrays")
	// A Node fits the allocator's 2,048-byte size class: Nodes are then
	// 2,048-byte aligned, none straddles two pages, and the first 128
	// bytes are a pair of cache lines. Fields routing does not read
	// belong in nodeCold.
	require.LessOrEqual(t, unsafe.Sizeof(n), uintptr(2048), "Node outgrew the 2,048-byte size class")
}
