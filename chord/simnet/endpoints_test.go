package simnet

import (
	"context"
	"strconv"
	"testing"
	"unsafe"

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
	require.LessOrEqual(t, es.slots(), 2*slotChunk, "a lone large number does not allocate slots up to it")
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

// TestNumberedAddr checks the addresses the network hands out: "n<k>",
// the same string every time, its bytes those of k's slot (so that a call
// finds the handler on the cache line holding the address), and resolved
// alike whether the caller holds that string or an equal one of its own.
func TestNumberedAddr(t *testing.T) {
	var es endpoints
	for _, k := range []int{0, 1, 9, 10, 1023, 1024, 5000, 99999} {
		a := es.addr(k)
		require.Equal(t, "n"+strconv.Itoa(k), a)
		require.Equal(t, a, es.addr(k))
		require.Same(t, &es.slot(k).name[0], unsafe.StringData(a), "address bytes live in the slot")
		es.set(a, endpoint{h: nopHandler{k}})
		require.Equal(t, nopHandler{k}, es.handler(a))
		require.Equal(t, nopHandler{k}, es.handler(string([]byte(a))), "an equal string from elsewhere")
	}
	es.delete("n1024")
	require.Nil(t, es.handler(es.addr(1024)))
	require.Equal(t, "n1024", es.addr(1024), "a crashed endpoint's address is unchanged")
}
