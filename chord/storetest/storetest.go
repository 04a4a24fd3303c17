// Package storetest checks implementations of [chord.BlockStore], as
// testing/fstest checks file systems: a durable store (such as the p2p
// module's) runs [Run] in its own tests to show it behaves as a node
// expects.
package storetest

import (
	"bytes"
	"slices"
	"testing"

	"github.com/swarmblocks/swarmblocks/chord"
)

// Run checks the behaviour [chord.BlockStore] documents on stores made by
// newStore, which returns a new, empty store for each subtest (and closes
// it with t.Cleanup if needed): reads of absent keys, replacement and
// deletion with the usage they imply, expiry by time (strictly before now,
// after SetExpires), ring-interval key iteration with wrap-around and early
// stop, and that data returned by Get survives later writes.
func Run(t *testing.T, newStore func(t *testing.T) chord.BlockStore) {
	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		k := chord.IDFromUint64(1)
		if _, ok, err := s.Get(k); ok || err != nil {
			t.Fatalf("Get on an empty store = %v, %v", ok, err)
		}
		if ok, err := s.Has(k); ok || err != nil {
			t.Fatalf("Has on an empty store = %v, %v", ok, err)
		}
		must(t, s.Delete(k))
		must(t, s.SetExpires(k, 5))
		if n, err := s.Expire(1 << 62); n != 0 || err != nil {
			t.Fatalf("Expire on an empty store = %d, %v", n, err)
		}
		if got := keys(t, s, k, k); len(got) != 0 {
			t.Fatalf("Keys on an empty store = %v", got)
		}
		usage(t, s, 0, 0)
	})
	t.Run("PutGetReplaceDelete", func(t *testing.T) {
		s := newStore(t)
		a := block(1, "first block", 100)
		must(t, s.Put(a))
		get(t, s, a)
		usage(t, s, 1, int64(len(a.Data)))
		b := block(2, "second", 200)
		must(t, s.Put(b))
		usage(t, s, 2, int64(len(a.Data)+len(b.Data)))
		// Replace a: the data returned earlier is unaffected.
		old, _, err := s.Get(a.Key)
		must(t, err)
		a2 := block(1, "a longer replacement block", 300)
		a2.Ticket.Index = 7
		must(t, s.Put(a2))
		get(t, s, a2)
		if !bytes.Equal(old.Data, []byte("first block")) {
			t.Fatalf("data returned by Get changed after a Put: %q", old.Data)
		}
		usage(t, s, 2, int64(len(a2.Data)+len(b.Data)))
		must(t, s.Delete(a.Key))
		if ok, err := s.Has(a.Key); ok || err != nil {
			t.Fatalf("Has after Delete = %v, %v", ok, err)
		}
		usage(t, s, 1, int64(len(b.Data)))
		get(t, s, b)
	})
	t.Run("Expire", func(t *testing.T) {
		s := newStore(t)
		for i, exp := range []int64{30, 10, 20, 40} {
			must(t, s.Put(block(uint64(i+1), "x", exp)))
		}
		expire(t, s, 10, 0) // strictly before now
		expire(t, s, 11, 1)
		if ok, _ := s.Has(chord.IDFromUint64(2)); ok {
			t.Fatal("the block expiring at 10 is still held")
		}
		must(t, s.SetExpires(chord.IDFromUint64(4), 15)) // 40 → 15
		must(t, s.SetExpires(chord.IDFromUint64(3), 50)) // 20 → 50
		expire(t, s, 21, 1)
		if ok, _ := s.Has(chord.IDFromUint64(4)); ok {
			t.Fatal("SetExpires did not shorten the block's life")
		}
		b, ok, err := s.Get(chord.IDFromUint64(3))
		if err != nil || !ok || b.Expires != 50 {
			t.Fatalf("Get after SetExpires = %+v, %v, %v", b, ok, err)
		}
		expire(t, s, 51, 2)
		usage(t, s, 0, 0)
		// Replacing a block moves it in the expiry order.
		must(t, s.Put(block(9, "x", 10)))
		must(t, s.Put(block(10, "x", 20)))
		must(t, s.Put(block(11, "x", 30)))
		must(t, s.Put(block(9, "x", 100)))
		expire(t, s, 50, 2)
		usage(t, s, 1, 1)
	})
	t.Run("Keys", func(t *testing.T) {
		s := newStore(t)
		u := chord.IDFromUint64
		for _, k := range []uint64{10, 20, 30} {
			must(t, s.Put(block(k, "x", 1)))
		}
		for _, tt := range []struct {
			from, to uint64
			want     []uint64
		}{
			{10, 30, []uint64{20, 30}},
			{9, 10, []uint64{10}},
			{10, 10, []uint64{10, 20, 30}}, // the whole ring
			{30, 10, []uint64{10}},         // wraps round zero
			{20, 15, []uint64{10, 30}},
			{11, 19, nil},
		} {
			got := keys(t, s, u(tt.from), u(tt.to))
			var want []chord.ID
			for _, w := range tt.want {
				want = append(want, u(w))
			}
			sortIDs(got)
			if !slices.Equal(got, want) {
				t.Fatalf("Keys(%d, %d] = %v, want %v", tt.from, tt.to, got, want)
			}
		}
		calls := 0
		must(t, s.Keys(u(0), u(0), func(chord.ID) bool { calls++; return false }))
		if calls != 1 {
			t.Fatalf("Keys went on after fn returned false: %d calls", calls)
		}
	})
}

// block returns a block at key k with data d and expiry exp.
func block(k uint64, d string, exp int64) chord.Block {
	key := chord.IDFromUint64(k)
	return chord.Block{Key: key, Data: []byte(d), Expires: exp,
		Ticket: chord.Ticket{Key: key, ChunkHash: [32]byte{byte(k)}, Expires: exp, DataHash: [32]byte(chord.BlockKey([]byte(d)))}}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s chord.BlockStore, want chord.Block) {
	t.Helper()
	got, ok, err := s.Get(want.Key)
	if err != nil || !ok {
		t.Fatalf("Get(%v) = %v, %v", want.Key, ok, err)
	}
	if got.Key != want.Key || !bytes.Equal(got.Data, want.Data) || got.Ticket != want.Ticket || got.Expires != want.Expires {
		t.Fatalf("Get(%v) = %+v, want %+v", want.Key, got, want)
	}
	if ok, err := s.Has(want.Key); !ok || err != nil {
		t.Fatalf("Has(%v) = %v, %v", want.Key, ok, err)
	}
}

func usage(t *testing.T, s chord.BlockStore, blocks int, bytes int64) {
	t.Helper()
	if n, b := s.Usage(); n != blocks || b != bytes {
		t.Fatalf("Usage = %d blocks, %d bytes; want %d, %d", n, b, blocks, bytes)
	}
}

func expire(t *testing.T, s chord.BlockStore, now int64, want int) {
	t.Helper()
	if n, err := s.Expire(now); n != want || err != nil {
		t.Fatalf("Expire(%d) = %d, %v; want %d", now, n, err, want)
	}
}

func keys(t *testing.T, s chord.BlockStore, from, to chord.ID) []chord.ID {
	t.Helper()
	var got []chord.ID
	must(t, s.Keys(from, to, func(k chord.ID) bool { got = append(got, k); return true }))
	return got
}

func sortIDs(ids []chord.ID) { slices.SortFunc(ids, func(a, b chord.ID) int { return a.Cmp(b) }) }
