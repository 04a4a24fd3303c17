// Package minheap is the binary min-heap behind the library's event queues
// (swarmmodel's workload generator and other simulations; internal/des
// keeps an indexed heap of its own for O(log n) cancellation): a slice-backed heap
// of values ordered by a less method, with no interface boxing, so pushing
// and popping allocate nothing beyond the slice's growth.
package minheap

import "iter"

// Ordered is an element of a [Heap]: Less reports whether the receiver
// comes out before x. Callers that need ties broken deterministically put a
// sequence number in the element and compare it last.
type Ordered[T any] interface {
	Less(x T) bool
}

// Heap is a binary min-heap. The zero value is an empty heap.
type Heap[T Ordered[T]] struct {
	items []T
}

// Len returns the number of elements.
func (h *Heap[T]) Len() int { return len(h.items) }

// Peek returns the least element without removing it. It panics on an
// empty heap.
func (h *Heap[T]) Peek() T { return h.items[0] }

// All yields every element once, in no particular order.
func (h *Heap[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, x := range h.items {
			if !yield(x) {
				return
			}
		}
	}
}

// Push adds x.
func (h *Heap[T]) Push(x T) {
	h.items = append(h.items, x)
	s := h.items
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].Less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

// Pop removes and returns the least element. It panics on an empty heap.
func (h *Heap[T]) Pop() T {
	s := h.items
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	var zero T
	s[n] = zero // drop references held by the vacated slot
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s[r].Less(s[l]) {
			m = r
		}
		if !s[m].Less(s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	h.items = s
	return top
}

// TryPop removes and returns the least element, or reports false on an
// empty heap: the form for callers that cannot rule out emptiness.
func (h *Heap[T]) TryPop() (T, bool) {
	if len(h.items) == 0 {
		var zero T
		return zero, false
	}
	return h.Pop(), true
}

// TryPeek returns the least element without removing it, or reports false
// on an empty heap.
func (h *Heap[T]) TryPeek() (T, bool) {
	if len(h.items) == 0 {
		var zero T
		return zero, false
	}
	return h.items[0], true
}
