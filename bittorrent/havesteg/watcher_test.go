package havesteg

import (
	"testing"

	pp "github.com/anacrolix/torrent/peer_protocol"
	"github.com/stretchr/testify/require"
)

// TestWatcherPeer: what each have-message means for the decoder of one
// connection (BEP 3 and BEP 6), protocol violations counted and skipped.
func TestWatcherPeer(t *testing.T) {
	const m = 16
	fam := testFamily(t, m)
	have := func(i int) pp.Message { return pp.Message{Type: pp.Have, Index: pp.Integer(i)} }
	bitfield := func(n int, set ...int) pp.Message {
		bf := make([]bool, n)
		for _, i := range set {
			bf[i] = true
		}
		return pp.Message{Type: pp.Bitfield, Bitfield: bf}
	}
	for _, tc := range []struct {
		name       string
		msgs       []pp.Message
		haves      []int
		held       int
		violations int
	}{
		{"haves", []pp.Message{have(3), have(1), have(2)}, []int{3, 1, 2}, 0, 0},
		{"have out of range", []pp.Message{have(1), have(16), have(1 << 30)}, []int{1}, 0, 2},
		{"have twice", []pp.Message{have(1), have(1)}, []int{1}, 0, 1},
		{"bitfield then haves", []pp.Message{bitfield(16, 0, 1, 2), have(1), have(5)}, []int{5}, 3, 1},
		{"bitfield spare bits", []pp.Message{bitfield(24, 0, 20)}, nil, 1, 1},
		{"late bitfield", []pp.Message{have(4), bitfield(16, 4, 5)}, []int{4}, 1, 1},
		{"have all", []pp.Message{{Type: pp.HaveAll}, have(0)}, nil, m, 1},
		{"late have all", []pp.Message{have(2), {Type: pp.HaveAll}, have(3)}, []int{2}, m - 1, 2},
		{"have none", []pp.Message{{Type: pp.HaveNone}, have(7), have(8)}, []int{7, 8}, 0, 0},
		{"late have none", []pp.Message{have(7), {Type: pp.HaveNone}}, []int{7}, 0, 1},
		{"others ignored", []pp.Message{{Keepalive: true}, {Type: pp.Choke}, {Type: pp.Request, Index: 99}, have(9)}, []int{9}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newPeer(fam, 4)
			require.NoError(t, err)
			for _, msg := range tc.msgs {
				p.consume(&msg)
			}
			require.Equal(t, tc.haves, p.report.Haves)
			require.Equal(t, tc.held, p.report.Held)
			require.Equal(t, tc.violations, p.report.Violations)
		})
	}
}
