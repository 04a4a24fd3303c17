// Package minheap is the 4-ary min-heap behind the library's event queues
// (swarmmodel's workload generator and other simulations; internal/des
// keeps an indexed heap of its own for O(log n) cancellation): a slice-backed heap
// of values ordered by a less method, with no interface boxing, so pushing
// and popping allocate nothing beyond the slice's growth.
//
// The heap is 4-ary rather than binary: half as many levels, and a node's
// children are adjacent in the slice, so a pop that sifts down a large heap
// takes half the cache misses of a binary heap for twice the comparisons
// per level, which are cheap beside a miss. Push and Pop move a hole
// instead of swapping, so each level writes one element.
package minheap

import "iter"

// Ordered is an element of a [Heap]: Less reports whether the receiver
// comes out before x. Callers that need ties broken deterministically put a
// sequence number in the element and compare it last.
type Ordered[T any] interface {
	Less(x T) bool
}

// arity is the number of children of a node: the children of i are
// arity·i+1 … arity·i+arity, its parent (i−1)/arity.
const arity = 4

// Heap is a 4-ary min-heap. The zero value is an empty heap.
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
		p := (i - 1) / arity
		if !x.Less(s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = x
}

// Pop removes and returns the least element. It panics on an empty heap.
func (h *Heap[T]) Pop() T {
	s := h.items
	top := s[0]
	n := len(s) - 1
	x := s[n]
	var zero T
	s[n] = zero // drop references held by the vacated slot
	s = s[:n]
	h.items = s
	if n == 0 {
		return top
	}
	// Sift the hole at the root down: at each level the least of up to
	// arity children moves up, until x is no greater than it.
	i := 0
	for {
		c := arity*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < min(c+arity, n); j++ {
			if s[j].Less(s[m]) {
				m = j
			}
		}
		if !s[m].Less(x) {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = x
	return top
}

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
