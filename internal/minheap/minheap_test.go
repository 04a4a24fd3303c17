package minheap

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

type num int

func (a num) Less(b num) bool { return a < b }

func TestHeapSorts(t *testing.T) {
	tests := []struct {
		name string
		in   []num
	}{
		{"empty", nil},
		{"one", []num{3}},
		{"sorted", []num{1, 2, 3, 4}},
		{"reversed", []num{9, 7, 5, 3, 1}},
		{"duplicates", []num{2, 2, 1, 1, 3, 3}},
		{"four levels", shuffled(200, 1)},
		{"four levels, duplicates", halves(shuffled(200, 2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Heap[num]
			for _, x := range tt.in {
				h.Push(x)
			}
			require.Equal(t, len(tt.in), h.Len())
			require.ElementsMatch(t, tt.in, slices.Collect(h.All()))
			var out []num
			for h.Len() > 0 {
				out = append(out, h.Pop())
			}
			want := slices.Clone(tt.in)
			slices.Sort(want)
			require.Equal(t, want, out)
		})
	}
}

// shuffled returns 0 … n−1 in an order drawn from seed.
func shuffled(n int, seed uint64) []num {
	s := make([]num, n)
	for i := range s {
		s[i] = num(i)
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

// halves maps every element x to x/2, so each value occurs twice.
func halves(s []num) []num {
	for i := range s {
		s[i] /= 2
	}
	return s
}

// FuzzHeap: any interleaving of pushes and pops returns the minimum each time.
func FuzzHeap(f *testing.F) {
	f.Add(uint64(1), []byte{0, 1, 2, 255, 3})
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		rng := rand.New(rand.NewPCG(seed, 0))
		var h Heap[num]
		var ref []num
		for _, op := range ops {
			if op%3 == 0 && len(ref) > 0 {
				slices.Sort(ref)
				require.Equal(t, ref[0], h.Peek())
				require.Equal(t, ref[0], h.Pop())
				ref = ref[1:]
				continue
			}
			x := num(rng.IntN(50))
			h.Push(x)
			ref = append(ref, x)
		}
		require.Equal(t, len(ref), h.Len())
		require.ElementsMatch(t, ref, slices.Collect(h.All()))
	})
}

// event is shaped like a simulation's pending event: a time and a
// sequence number to break ties, plus a payload.
type event struct {
	t   float64
	seq uint64
	_   [8]byte // a payload, as large as a simulation's
}

func (e event) Less(x event) bool { return e.t < x.t || e.t == x.t && e.seq < x.seq }

// BenchmarkPushPop is the classic hold model of an event queue: each
// iteration pops the earliest event and pushes one an exponential delay
// later, so the heap keeps its size. At 2^20 events the heap is far larger
// than the caches and the pops' misses dominate.
func BenchmarkPushPop(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var h Heap[event]
			var seq uint64
			for range n {
				seq++
				h.Push(event{t: rng.ExpFloat64() * float64(n), seq: seq})
			}
			b.ReportAllocs()
			for b.Loop() {
				e := h.Pop()
				seq++
				h.Push(event{t: e.t + rng.ExpFloat64()*float64(n), seq: seq})
			}
		})
	}
}

// TestMisuse: an empty heap answers TryPop and TryPeek with false, and Pop
// and Peek panic on it, as documented (programmer error, like indexing an
// empty slice).
func TestMisuse(t *testing.T) {
	tests := []struct {
		name string
		call func(h *Heap[num])
	}{
		{"pop", func(h *Heap[num]) { h.Pop() }},
		{"peek", func(h *Heap[num]) { h.Peek() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Heap[num]
			_, ok := h.TryPop()
			require.False(t, ok)
			_, ok = h.TryPeek()
			require.False(t, ok)
			require.Panics(t, func() { tt.call(&h) })
			h.Push(4)
			x, ok := h.TryPeek()
			require.True(t, ok)
			require.Equal(t, num(4), x)
			x, ok = h.TryPop()
			require.True(t, ok)
			require.Equal(t, num(4), x)
		})
	}
}
