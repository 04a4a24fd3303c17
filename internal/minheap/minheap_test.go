package minheap

import (
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

func BenchmarkPushPop(b *testing.B) {
	var h Heap[num]
	for i := range 1024 {
		h.Push(num(i * 7919 % 1024))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Push(num(i % 1024))
		h.Pop()
		i++
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
