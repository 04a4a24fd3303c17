package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// classBlocks returns the pieces of class 1 (want true) or class 2 of H_x,
// in increasing order.
func classBlocks(t *testing.T, f *Family, x int, want bool) []int {
	t.Helper()
	var out []int
	for b := range f.Blocks() {
		in1, err := f.InClass1(x, b)
		require.NoError(t, err)
		if in1 == want {
			out = append(out, b)
		}
	}
	return out
}

func TestDecodeBadInput(t *testing.T) {
	f, err := NewFamily(testKey(1), 256, DefaultFunctions)
	require.NoError(t, err)
	d, err := NewDecoder(f, 8)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		seq  []int
		want error
	}{
		{"empty", nil, ErrShortSequence},
		{"shorter than c", []int{1, 2, 3, 4, 5, 6, 7}, ErrShortSequence},
		{"duplicate", []int{1, 2, 3, 4, 5, 6, 7, 1}, ErrDuplicate},
		{"negative", []int{1, 2, 3, 4, 5, 6, 7, -1}, ErrBlockRange},
		{"too large", []int{1, 2, 3, 4, 5, 6, 7, 256}, ErrBlockRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok, err := d.Decode(tc.seq)
			require.ErrorIs(t, err, tc.want)
			require.False(t, ok)
			_, ok, err = d.DecodeFirst(tc.seq)
			require.ErrorIs(t, err, tc.want)
			require.False(t, ok)
			ms, err := d.Matches(tc.seq)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, ms)
		})
	}
	for _, c := range []int{0, -1, MaxWindow + 1, 257} {
		_, err := NewDecoder(f, c)
		require.ErrorIs(t, err, ErrWindow)
		_, err = NewStreamDecoder(f, c)
		require.ErrorIs(t, err, ErrWindow)
		_, err = NewFrameDecoder(f, c)
		require.ErrorIs(t, err, ErrWindow)
	}
}

// TestDecodeAlgorithm3 checks the decoder on sequences built from the
// classes directly: a run of one class of H_x decodes to x, for both
// classes (y = c and y = 0 in Algorithm 3).
func TestDecodeAlgorithm3(t *testing.T) {
	f, err := NewFamily(testKey(2), 1024, DefaultFunctions)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	d, err := NewDecoder(f, DefaultWindow)
	require.NoError(t, err)
	for _, x := range []int{1, 2, 42, 99, 100} {
		for _, class1 := range []bool{true, false} {
			blocks := classBlocks(t, f, x, class1)
			rng.Shuffle(len(blocks), func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
			seq := blocks[:40]
			y, ok, err := d.Decode(seq)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, x, y)
			ms, err := d.Matches(seq)
			require.NoError(t, err)
			require.Equal(t, Match{Symbol: x, Run: 40}, ms[0])
			for _, mt := range ms[1:] {
				require.Less(t, mt.Run, 40)
				require.GreaterOrEqual(t, mt.Run, DefaultWindow)
			}
			y, ok, err = d.DecodeFirst(seq)
			require.NoError(t, err)
			require.True(t, ok)
			if len(ms) == 1 {
				require.Equal(t, x, y)
			}
		}
	}
	require.Equal(t, DefaultWindow, d.Window())
}

// TestDecodeNothingHidden checks that random orders decode to nothing: the
// chance of a fit at c = 24 is 1.2·10⁻⁵ per sequence.
func TestDecodeNothingHidden(t *testing.T) {
	f, err := NewFamily(testKey(3), 1024, DefaultFunctions)
	require.NoError(t, err)
	d, err := NewDecoder(f, DefaultWindow)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(4, 4))
	for range 200 {
		seq := rng.Perm(1024)[:100]
		_, ok, err := d.Decode(seq)
		require.NoError(t, err)
		require.False(t, ok)
		_, ok, err = d.DecodeFirst(seq)
		require.NoError(t, err)
		require.False(t, ok)
	}
}

// TestDecodeLongestRunWins builds a sequence where a second function fits
// the last c pieces by construction; the longest run decides.
func TestDecodeLongestRunWins(t *testing.T) {
	const c = 4
	f, err := NewFamily(testKey(5), 512, DefaultFunctions)
	require.NoError(t, err)
	d, err := NewDecoder(f, c)
	require.NoError(t, err)
	// x = 50 hidden over 30 pieces; search the class for a tail of c
	// pieces that H_3 also puts in one class.
	blocks := classBlocks(t, f, 50, true)
	var both, rest []int
	for _, b := range blocks {
		if in, _ := f.InClass1(3, b); in && len(both) < c {
			both = append(both, b)
		} else {
			rest = append(rest, b)
		}
	}
	seq := append(append([]int{}, rest[:26]...), both...)
	ms, err := d.Matches(seq)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(ms), 2)
	require.Equal(t, 50, ms[0].Symbol)
	y, ok, err := d.Decode(seq)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 50, y)
	y, ok, err = d.DecodeFirst(seq)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 3, y, "Algorithm 3 as written returns the smallest fitting i")
}

func TestStreamDecoder(t *testing.T) {
	f, err := NewFamily(testKey(6), 1024, DefaultFunctions)
	require.NoError(t, err)
	sd, err := NewStreamDecoder(f, DefaultWindow)
	require.NoError(t, err)
	_, ok := sd.Symbol()
	require.False(t, ok)

	// §3.3 case 2: 42 for a while, then 17
	a := classBlocks(t, f, 42, false)
	var b []int
	for _, blk := range classBlocks(t, f, 17, true) {
		if in, _ := f.InClass1(42, blk); in || blk > a[59] { // not reusing a's first 60 pieces
			b = append(b, blk)
		}
	}
	reports := map[int]int{}
	for k, blk := range append(a[:60], b[:60]...) {
		x, ok, err := sd.Push(blk)
		require.NoError(t, err)
		if ok {
			reports[x] = k + 1
		}
	}
	require.Len(t, reports, 2)
	require.Equal(t, DefaultWindow, reports[42], "reported as soon as c pieces fit")
	require.GreaterOrEqual(t, reports[17], 60+DefaultWindow)
	x, ok := sd.Symbol()
	require.True(t, ok)
	require.Equal(t, 17, x)
	require.Equal(t, 120, sd.Pushed())

	// bad input leaves the decoder unchanged
	_, _, err = sd.Push(a[0])
	require.ErrorIs(t, err, ErrDuplicate)
	_, _, err = sd.Push(1024)
	require.ErrorIs(t, err, ErrBlockRange)
	_, _, err = sd.Push(-1)
	require.ErrorIs(t, err, ErrBlockRange)
	require.Equal(t, 120, sd.Pushed())

	sd.Reset()
	_, ok = sd.Symbol()
	require.False(t, ok)
	require.Zero(t, sd.Pushed())

	// a BITFIELD marks pieces as seen; a HAVE for them is then a duplicate
	bf, err := NewBitfield(1024)
	require.NoError(t, err)
	require.NoError(t, bf.Set(a[0]))
	_, _, err = sd.Consume(Message{ID: IDBitfield, Bitfield: bf})
	require.NoError(t, err)
	_, _, err = sd.Consume(Message{ID: IDHave, Index: a[0]})
	require.ErrorIs(t, err, ErrDuplicate)
	_, _, err = sd.Consume(Message{KeepAlive: true})
	require.NoError(t, err)
	_, _, err = sd.Consume(Message{ID: IDChoke})
	require.NoError(t, err)
	small, err := NewBitfield(10)
	require.NoError(t, err)
	_, _, err = sd.Consume(Message{ID: IDBitfield, Bitfield: small})
	require.ErrorIs(t, err, ErrMismatch)
	_, _, err = sd.Consume(Message{ID: IDBitfield})
	require.ErrorIs(t, err, ErrMismatch)

	// MarkHeld is one bit of a BITFIELD
	require.NoError(t, sd.MarkHeld(a[1]))
	_, _, err = sd.Push(a[1])
	require.ErrorIs(t, err, ErrDuplicate)
	require.ErrorIs(t, sd.MarkHeld(a[1]), ErrDuplicate)
	require.ErrorIs(t, sd.MarkHeld(1024), ErrBlockRange)
	require.ErrorIs(t, sd.MarkHeld(-1), ErrBlockRange)

	// HAVE_NONE holds nothing: the order that follows decodes
	sd.Reset()
	_, _, err = sd.Consume(Message{ID: IDHaveNone})
	require.NoError(t, err)
	got := 0
	for _, blk := range a[:DefaultWindow] {
		x, ok, err := sd.Consume(Message{ID: IDHave, Index: blk})
		require.NoError(t, err)
		if ok {
			got = x
		}
	}
	require.Equal(t, 42, got)

	// HAVE_ALL holds everything: no HAVE can follow
	sd.Reset()
	_, _, err = sd.Consume(Message{ID: IDHaveAll})
	require.NoError(t, err)
	for _, blk := range []int{0, 1023, a[2]} {
		_, _, err = sd.Push(blk)
		require.ErrorIs(t, err, ErrDuplicate)
	}
	require.Zero(t, sd.Pushed())
}

// TestStreamMatchesBatch checks the streaming decoder against the batch
// one on mixed sequences with a small window (so that chance fits and ties
// are frequent): it reports x exactly when x is the only function fitting
// the HAVEs so far and differs from its previous report.
func TestStreamMatchesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []int{3, 5, 8} {
		f, err := NewFamily(testKey(byte(c)), 512, 20)
		require.NoError(t, err)
		d, err := NewDecoder(f, c)
		require.NoError(t, err)
		sd, err := NewStreamDecoder(f, c)
		require.NoError(t, err)
		// alternate hidden stretches and random stretches
		var seq []int
		used := map[int]bool{}
		for len(seq) < 400 {
			x := 1 + rng.IntN(f.Functions())
			want := rng.IntN(2) == 0
			for _, b := range rng.Perm(512) {
				if len(seq) >= 400 || used[b] {
					continue
				}
				in, _ := f.InClass1(x, b)
				if in == want || rng.IntN(4) == 0 {
					seq = append(seq, b)
					used[b] = true
				}
				if rng.IntN(20) == 0 {
					break
				}
			}
		}
		last, reports := 0, 0
		for k, b := range seq {
			x, ok, err := sd.Push(b)
			require.NoError(t, err)
			want, wantOK := 0, false
			if k+1 >= c {
				ms, err := d.Matches(seq[:k+1])
				require.NoError(t, err)
				if len(ms) == 1 && ms[0].Symbol != last {
					want, wantOK = ms[0].Symbol, true
				}
			}
			require.Equal(t, wantOK, ok, "c=%d position %d", c, k)
			if ok {
				require.Equal(t, want, x)
				require.True(t, x >= 1 && x <= f.Functions())
				last = x
				reports++
			}
		}
		require.Positive(t, reports)
	}
}
