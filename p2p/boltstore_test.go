package p2p

import (
	"encoding/binary"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

func openTestStore(t testing.TB, dir string) *BoltStore {
	s, err := OpenBoltStore(filepath.Join(dir, "blocks.db"), BoltOptions{NoSync: true})
	require.NoError(t, err)
	return s
}

func testBlock(rng *rand.Rand, key chord.ID, size int, expires int64) chord.Block {
	b := chord.Block{Key: key, Data: make([]byte, size), Expires: expires}
	for i := range b.Data {
		b.Data[i] = byte(rng.Uint32())
	}
	b.Ticket.Key = key
	b.Ticket.Index = rng.Uint32()
	b.Ticket.Expires = rng.Int64()
	b.Ticket.Sig[0] = byte(size)
	return b
}

func keysOf(t *testing.T, s chord.BlockStore, from, to chord.ID) []chord.ID {
	var ks []chord.ID
	require.NoError(t, s.Keys(from, to, func(k chord.ID) bool { ks = append(ks, k); return true }))
	slices.SortFunc(ks, chord.ID.Cmp)
	return ks
}

// checkSame asserts that the bbolt store and the in-memory model agree on
// every key, every ring interval tried and the usage figures.
func checkSame(t *testing.T, s *BoltStore, m *chord.MemStore, keys []chord.ID, rng *rand.Rand) {
	t.Helper()
	for _, k := range keys {
		want, wok, _ := m.Get(k)
		got, gok, err := s.Get(k)
		require.NoError(t, err)
		require.Equal(t, wok, gok)
		require.Equal(t, want, got)
		has, err := s.Has(k)
		require.NoError(t, err)
		require.Equal(t, wok, has)
	}
	for range 3 {
		a, b := keys[rng.IntN(len(keys))], keys[rng.IntN(len(keys))]
		require.Equal(t, keysOf(t, m, a, b), keysOf(t, s, a, b), "interval (%v, %v]", a, b)
	}
	wn, wb := m.Usage()
	gn, gb := s.Usage()
	require.Equal(t, wn, gn)
	require.Equal(t, wb, gb)
}

// TestBoltStoreMatchesMemStore runs random operations on the bbolt store
// and on chord's in-memory store side by side; they must agree after
// every step, and the bbolt store must agree again after reopening.
func TestBoltStoreMatchesMemStore(t *testing.T) {
	for seed := range uint64(2) {
		rng := rand.New(rand.NewPCG(seed, 7))
		dir := t.TempDir()
		s := openTestStore(t, dir)
		m := chord.NewMemStore()
		keys := make([]chord.ID, 24)
		for i := range keys {
			binary.BigEndian.PutUint64(keys[i][:], rng.Uint64()) // spread over the ring
			keys[i][31] = byte(i)
		}
		keys[0] = chord.ID{} // the ends of the ring
		for i := range keys[1] {
			keys[1][i] = 0xff
		}
		for step := range 300 {
			k := keys[rng.IntN(len(keys))]
			switch op := rng.IntN(10); {
			case op < 4:
				b := testBlock(rng, k, 1+rng.IntN(300), int64(rng.IntN(1000)))
				require.NoError(t, s.Put(b))
				require.NoError(t, m.Put(b))
			case op < 6:
				require.NoError(t, s.Delete(k))
				require.NoError(t, m.Delete(k))
			case op < 8:
				e := int64(rng.IntN(1000))
				require.NoError(t, s.SetExpires(k, e))
				require.NoError(t, m.SetExpires(k, e))
			default:
				now := int64(rng.IntN(300))
				got, err := s.Expire(now)
				require.NoError(t, err)
				want, _ := m.Expire(now)
				require.Equal(t, want, got, "step %d: blocks expired at %d", step, now)
			}
			checkSame(t, s, m, keys, rng)
		}
		require.NoError(t, s.Close())
		s = openTestStore(t, dir)
		checkSame(t, s, m, keys, rng)
		require.NoError(t, s.Close())
	}
}

// TestBoltStoreExpiresThroughIndex stores blocks with spread expiry times
// and checks that Expire removes exactly those due, in any order of
// insertion, negative times included.
func TestBoltStoreExpiresThroughIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := openTestStore(t, t.TempDir())
	defer s.Close()
	exp := map[chord.ID]int64{}
	for i := range 200 {
		var k chord.ID
		binary.BigEndian.PutUint64(k[:], rng.Uint64())
		e := int64(i*7%200) - 50
		exp[k] = e
		require.NoError(t, s.Put(testBlock(rng, k, 10, e)))
	}
	for _, now := range []int64{-60, -10, 0, 75, 151} {
		n, err := s.Expire(now)
		require.NoError(t, err)
		want := 0
		for k, e := range exp {
			if e < now {
				want++
				delete(exp, k)
			}
		}
		require.Equal(t, want, n, "expired at %d", now)
		for k := range exp {
			ok, err := s.Has(k)
			require.NoError(t, err)
			require.True(t, ok)
		}
	}
	blocks, _ := s.Usage()
	require.Equal(t, len(exp), blocks)
}
