package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChapters: every chapter has a unique order and name, and -only with
// no match is an error rather than an empty tour.
func TestChapters(t *testing.T) {
	require.NotEmpty(t, chapters)
	orders, names := map[int]string{}, map[string]bool{}
	for _, c := range chapters {
		require.NotContains(t, orders, c.order, "chapters %q and %q share order %d", c.name, orders[c.order], c.order)
		orders[c.order] = c.name
		require.False(t, names[c.name], "duplicate chapter name %q", c.name)
		names[c.name] = true
		require.NotNil(t, c.run, c.name)
	}
	require.Error(t, run(io.Discard, "no such chapter", 1))
}
