package simnet

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

type nopHandler struct{ id int }

func (nopHandler) Handle(context.Context, *chord.Request, *chord.Response) {}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		addr string
		k    int
		ok   bool
	}{
		{"n0", 0, true},
		{"n7", 7, true},
		{"n12345", 12345, true},
		{"n01", 0, false}, // leading zero: not canonical, so not numbered
		{"n", 0, false},
		{"", 0, false},
		{"m12", 0, false},
		{"n1x", 0, false},
		{"n-1", 0, false},
		{"n123456789", 0, false}, // too long for the slice
		{"host:6881", 0, false},
	} {
		k, ok := number(tc.addr)
		require.Equal(t, tc.ok, ok, tc.addr)
		if ok {
			require.Equal(t, tc.k, k, tc.addr)
		}
	}
}

// TestEndpoints checks the slice-or-map store against a plain map.
func TestEndpoints(t *testing.T) {
	var es endpoints
	model := map[string]endpoint{}
	set := func(a string, id int) {
		e := endpoint{h: nopHandler{id}, group: id % 3}
		es.set(a, e)
		model[a] = e
	}
	del := func(a string) {
		es.delete(a)
		delete(model, a)
	}
	check := func() {
		t.Helper()
		for a, want := range model {
			got, ok := es.get(a)
			require.True(t, ok, a)
			require.Equal(t, want, got, a)
		}
		for _, a := range []string{"n999", "n01", "x", "n8000000", "n2"} {
			if _, in := model[a]; !in {
				_, ok := es.get(a)
				require.False(t, ok, a)
			}
		}
	}
	for i := range 50 {
		set("n"+strconv.Itoa(i), i)
	}
	set("n01", 100)    // not canonical: map
	set("n8000000", 1) // far beyond the slice: map
	set("peer.example", 2)
	check()
	require.Less(t, len(es.byNum), 2*50+1024+1, "a lone large number does not grow the slice")
	del("n2")
	del("n01")
	del("n8000000")
	set("n3", 33) // overwrite
	check()
	es.setGroupAll(0)
	for a, e := range model {
		e.group = 0
		model[a] = e
	}
	check()
}
