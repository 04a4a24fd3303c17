package havesteg

import (
	"math/rand/v2"
	"testing"

	pp "github.com/anacrolix/torrent/peer_protocol"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/steg"
)

func testFamily(t testing.TB, m int) *steg.Family {
	f, err := steg.NewFamily(make([]byte, steg.KeySize), m, steg.DefaultFunctions)
	require.NoError(t, err)
	return f
}

// messages turns fuzz bytes into have-messages (and others) as a hostile
// peer could send them: a type byte, then an index or a bitfield.
func messages(p []byte, m int) []pp.Message {
	var out []pp.Message
	for len(p) >= 2 {
		op, arg := p[0], int(p[1])
		p = p[2:]
		switch op % 6 {
		case 0, 1:
			out = append(out, pp.Message{Type: pp.Have, Index: pp.Integer(arg * m / 200)}) // some ≥ m
		case 2:
			bf := make([]bool, (m+7)/8*8+arg%9)
			for i := range bf {
				bf[i] = (i*7+arg)%5 == 0
			}
			out = append(out, pp.Message{Type: pp.Bitfield, Bitfield: bf})
		case 3:
			out = append(out, pp.Message{Type: pp.HaveAll})
		case 4:
			out = append(out, pp.Message{Type: pp.HaveNone})
		case 5:
			out = append(out, pp.Message{Type: pp.MessageType(arg), Index: pp.Integer(arg), Keepalive: arg%7 == 0})
		}
	}
	return out
}

// FuzzWatcherPeer feeds any sequence of messages, as a hostile peer would
// send them, to the per-connection decoder of a Watcher and checks its
// report: the HAVE order holds distinct pieces in range, it and the held
// pieces never exceed the file, and the symbol is exactly what a
// steg.StreamDecoder finds in the HAVE order.
func FuzzWatcherPeer(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 3, 2, 0, 0, 9, 3, 0, 0, 10})
	f.Add([]byte{4, 0, 0, 50, 0, 51, 0, 52, 2, 3, 0, 53})
	f.Add([]byte{5, 4, 5, 7, 0, 199, 0, 200, 0, 255})
	const m = 64
	fam := testFamily(f, m)
	f.Fuzz(func(t *testing.T, p []byte) {
		const c = 6 // small, so that fuzzing finds symbols
		pr, err := newPeer(fam, c)
		require.NoError(t, err)
		for _, msg := range messages(p, m) {
			pr.consume(&msg)
		}
		r := pr.report
		seen := map[int]bool{}
		for _, b := range r.Haves {
			require.True(t, b >= 0 && b < m)
			require.False(t, seen[b], "piece %d twice", b)
			seen[b] = true
		}
		require.LessOrEqual(t, len(r.Haves)+r.Held, m)
		sd, err := steg.NewStreamDecoder(fam, c)
		require.NoError(t, err)
		x, at := 0, 0
		for k, b := range r.Haves {
			y, ok, err := sd.Push(b)
			require.NoError(t, err)
			if ok && x == 0 {
				x, at = y, k+1
			}
		}
		require.Equal(t, x, r.Symbol)
		require.Equal(t, at, r.At)
	})
}

// BenchmarkWatcherPeer measures the per-connection decoder on the HAVEs of
// a whole 4,096-piece download (n = 100, c = 24): what a Watcher adds to
// each HAVE its client reads. A fresh decoder per download, as per
// connection.
func BenchmarkWatcherPeer(b *testing.B) {
	const m = 4096
	fam := testFamily(b, m)
	msgs := make([]pp.Message, m)
	for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(m) {
		msgs[i] = pp.Message{Type: pp.Have, Index: pp.Integer(p)}
	}
	b.ReportAllocs()
	b.SetBytes(steg.HaveSize)
	var pr *peer
	i := 0
	for b.Loop() {
		if i%m == 0 {
			var err error
			if pr, err = newPeer(fam, steg.DefaultWindow); err != nil {
				b.Fatal(err)
			}
		}
		pr.consume(&msgs[i%m])
		i++
	}
}
