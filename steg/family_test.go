package steg

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"
)

// testKey returns a deterministic key for tests.
func testKey(seed byte) []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func TestNewFamilyErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  []byte
		m, n int
		want error
	}{
		{"short key", make([]byte, 31), 1024, 100, ErrKeySize},
		{"long key", make([]byte, 33), 1024, 100, ErrKeySize},
		{"nil key", nil, 1024, 100, ErrKeySize},
		{"one piece", testKey(1), 1, 100, ErrBlocks},
		{"negative pieces", testKey(1), -5, 100, ErrBlocks},
		{"too many pieces", testKey(1), MaxBlocks + 1, 100, ErrBlocks},
		{"no function", testKey(1), 1024, 0, ErrFunctions},
		{"too many functions", testKey(1), 1024, MaxFunctions + 1, ErrFunctions},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFamily(tc.key, tc.m, tc.n)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, f)
		})
	}
}

// TestFamilyMatchesBLAKE3 checks the fast path (one compression through
// blake3/guts) against the public keyed-hash XOF of lukechampine.com/blake3.
func TestFamilyMatchesBLAKE3(t *testing.T) {
	for _, m := range []int{2, 64, 1000, 4096, MaxBlocks} {
		f, err := NewFamily(testKey(7), m, MaxFunctions)
		require.NoError(t, err)
		var k [KeySize]byte
		blake3.DeriveKey(k[:], hashContext, testKey(7))
		for _, b := range []int{0, 1, m / 2, m - 1} {
			h := blake3.New(32, k[:])
			var in [16]byte
			binary.LittleEndian.PutUint64(in[:], uint64(m))
			binary.LittleEndian.PutUint64(in[8:], uint64(b))
			h.Write(in[:])
			out := make([]byte, 8*MaxFunctions)
			_, err := h.XOF().Read(out)
			require.NoError(t, err)
			hs, err := f.Hashes(nil, b)
			require.NoError(t, err)
			cm := f.classes(b)
			for i := 1; i <= MaxFunctions; i++ {
				w := binary.LittleEndian.Uint64(out[8*(i-1):])
				want := int((uint64(m)*(w>>32))+(uint64(m)*(w&0xffffffff))>>32) >> 32
				got, err := f.Hash(i, b)
				require.NoError(t, err)
				require.Equal(t, want, got, "m=%d b=%d i=%d", m, b, i)
				require.Equal(t, got, hs[i-1])
				c1, err := f.InClass1(i, b)
				require.NoError(t, err)
				require.Equal(t, 2*got < m, c1)
				require.Equal(t, c1, cm.bit(i) == 1)
			}
		}
	}
}

func TestFamilyRange(t *testing.T) {
	f, err := NewFamily(testKey(1), 100, 10)
	require.NoError(t, err)
	for _, tc := range []struct{ i, b int }{{0, 0}, {11, 0}, {-1, 3}, {1, -1}, {1, 100}} {
		_, err := f.Hash(tc.i, tc.b)
		require.Error(t, err)
	}
	_, err = f.Hash(0, 5)
	require.ErrorIs(t, err, ErrSymbol)
	_, err = f.Hash(1, 100)
	require.ErrorIs(t, err, ErrBlockRange)
	_, err = f.InClass1(1, 100)
	require.ErrorIs(t, err, ErrBlockRange)
	_, err = f.Hashes(nil, -1)
	require.ErrorIs(t, err, ErrBlockRange)
}

// TestFamilyUniform checks the properties Algorithms 2 and 3 rely on: each
// H_i splits the pieces into two halves, values are spread evenly over
// [0, m), and the classes of two functions are independent.
func TestFamilyUniform(t *testing.T) {
	const m, n = 4096, DefaultFunctions
	f, err := NewFamily(testKey(3), m, n)
	require.NoError(t, err)
	class1 := make([]int, n)
	agree := 0
	buckets := make([]int, 16)
	var hs []int
	for b := range m {
		hs, err = f.Hashes(hs, b)
		require.NoError(t, err)
		for i, h := range hs {
			require.True(t, h >= 0 && h < m)
			if 2*h < m {
				class1[i]++
			}
			buckets[h*16/m]++
		}
		if (2*hs[0] < m) == (2*hs[1] < m) {
			agree++
		}
	}
	// Binomial(4096, 1/2) has standard deviation 32: allow 5σ.
	for i, c := range class1 {
		require.InDelta(t, m/2, c, 160, "H_%d class 1 has %d pieces", i+1, c)
	}
	require.InDelta(t, m/2, agree, 160)
	// 16 buckets of m·n/16 = 25600 values each, σ ≈ 155.
	for _, c := range buckets {
		require.InDelta(t, m*n/16, c, 800)
	}
}

func TestFamilyKeyed(t *testing.T) {
	f1, err := NewFamily(testKey(1), 1024, 100)
	require.NoError(t, err)
	f1b, err := NewFamily(testKey(1), 1024, 100)
	require.NoError(t, err)
	f2, err := NewFamily(testKey(2), 1024, 100)
	require.NoError(t, err)
	g, err := NewFamily(testKey(1), 1025, 100)
	require.NoError(t, err)
	same, sameM := 0, 0
	for b := range 1024 {
		a, _ := f1.Hashes(nil, b)
		a2, _ := f1b.Hashes(nil, b)
		require.Equal(t, a, a2, "same key, same family")
		c, _ := f2.Hashes(nil, b)
		d, _ := g.Hashes(nil, b)
		if a[0] == c[0] {
			same++
		}
		if a[0] == d[0] {
			sameM++
		}
	}
	require.Less(t, same, 10, "another key gives an unrelated family")
	require.Less(t, sameM, 10, "another m gives an unrelated family")
	require.Equal(t, 1024, f1.Blocks())
	require.Equal(t, 100, f1.Functions())
}
