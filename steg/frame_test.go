package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDigitBits(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 2}, {65, 6}, {66, 6}, {100, 6}, {128, 6}, {129, 7}} {
		require.Equal(t, tc.want, DigitBits(tc.n), "n=%d", tc.n)
		if tc.want > 0 {
			require.LessOrEqual(t, 1<<tc.want, tc.n-1, "a digit plus one never wraps to the same symbol")
		}
	}
}

func TestFrameRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{3, 5, 17, 100, 128} {
		f, err := NewFamily(testKey(1), 1024, n)
		require.NoError(t, err)
		for size := 1; size <= MaxFramePayload; size++ {
			payload := make([]byte, size)
			for i := range payload {
				payload[i] = byte(rng.Uint32())
			}
			prev := 1 + rng.IntN(n)
			syms, err := FrameSymbols(f, prev, payload)
			require.NoError(t, err)
			require.Len(t, syms, FrameLen(f, size))
			t0 := prev
			for _, s := range syms {
				require.True(t, s >= 1 && s <= n)
				require.NotEqual(t, t0, s, "successive symbols differ")
				t0 = s
			}
			got, err := ParseFrame(f, prev, syms)
			require.NoError(t, err)
			require.Equal(t, payload, got)

			// any single changed symbol is caught
			k := rng.IntN(len(syms))
			bad := append([]int(nil), syms...)
			bad[k] = 1 + (bad[k]+rng.IntN(n-1))%n
			if bad[k] != syms[k] {
				_, err = ParseFrame(f, prev, bad)
				require.Error(t, err)
			}
		}
	}
}

func TestFrameSizes(t *testing.T) {
	f, err := NewFamily(testKey(1), 1024, DefaultFunctions)
	require.NoError(t, err)
	// 1 length byte + 4 payload bytes + 2 checksum bytes = 56 bits = 10 digits of 6 bits
	require.Equal(t, 10, FrameLen(f, 4))
	require.Equal(t, 6, DigitBits(f.Functions()))
}

func TestFrameErrors(t *testing.T) {
	f, err := NewFamily(testKey(1), 1024, DefaultFunctions)
	require.NoError(t, err)
	two, err := NewFamily(testKey(1), 1024, 2)
	require.NoError(t, err)
	_, err = FrameSymbols(f, 1, nil)
	require.ErrorIs(t, err, ErrPayload)
	_, err = FrameSymbols(f, 1, make([]byte, MaxFramePayload+1))
	require.ErrorIs(t, err, ErrPayload)
	_, err = FrameSymbols(f, 0, []byte{1})
	require.ErrorIs(t, err, ErrSymbol)
	_, err = FrameSymbols(f, 101, []byte{1})
	require.ErrorIs(t, err, ErrSymbol)
	_, err = FrameSymbols(two, 1, []byte{1})
	require.ErrorIs(t, err, ErrFunctions)
	_, err = ParseFrame(two, 1, []int{1, 2})
	require.ErrorIs(t, err, ErrFunctions)
	_, err = NewFrameDecoder(two, 4)
	require.ErrorIs(t, err, ErrFunctions)

	syms, err := FrameSymbols(f, 7, []byte("hello"))
	require.NoError(t, err)
	_, err = ParseFrame(f, 0, syms)
	require.ErrorIs(t, err, ErrSymbol)
	_, err = ParseFrame(f, 7, syms[:len(syms)-1])
	require.ErrorIs(t, err, ErrFrame)
	_, err = ParseFrame(f, 7, append(syms, 3))
	require.ErrorIs(t, err, ErrFrame)
	_, err = ParseFrame(f, 7, nil)
	require.ErrorIs(t, err, ErrFrame)
	bad := append([]int(nil), syms...)
	bad[2] = 0
	_, err = ParseFrame(f, 7, bad)
	require.ErrorIs(t, err, ErrSymbol)
	// a step of 65 or more is not a digit
	bad = append([]int(nil), syms...)
	bad[0] = (7-1+1+70)%100 + 1
	_, err = ParseFrame(f, 7, bad)
	require.ErrorIs(t, err, ErrFrame)
	// another key: checksum mismatch
	g, err := NewFamily(testKey(2), 1024, DefaultFunctions)
	require.NoError(t, err)
	_, err = ParseFrame(g, 7, syms)
	require.ErrorIs(t, err, ErrFrame)

	p := newTestPicker(t, 1024, 1)
	_, err = NewSender(p, f, []byte("x"), 0)
	require.ErrorIs(t, err, ErrSlot)
	_, err = NewSender(p, f, nil, 30)
	require.ErrorIs(t, err, ErrPayload)
	h, err := NewFamily(testKey(1), 512, DefaultFunctions)
	require.NoError(t, err)
	_, err = NewSender(p, h, []byte("x"), 30)
	require.ErrorIs(t, err, ErrMismatch)
}

func TestFrameDecoderInput(t *testing.T) {
	f, err := NewFamily(testKey(4), 256, DefaultFunctions)
	require.NoError(t, err)
	fd, err := NewFrameDecoder(f, 8)
	require.NoError(t, err)
	_, _, err = fd.Push(256)
	require.ErrorIs(t, err, ErrBlockRange)
	_, _, err = fd.Push(3)
	require.NoError(t, err)
	_, _, err = fd.Push(3)
	require.ErrorIs(t, err, ErrDuplicate)
	bf, err := NewBitfield(256)
	require.NoError(t, err)
	require.NoError(t, bf.Set(9))
	_, _, err = fd.Consume(Message{ID: IDBitfield, Bitfield: bf})
	require.NoError(t, err)
	_, _, err = fd.Consume(Message{ID: IDHave, Index: 9})
	require.ErrorIs(t, err, ErrDuplicate)
	_, _, err = fd.Consume(Message{KeepAlive: true})
	require.NoError(t, err)
	_, _, err = fd.Consume(Message{ID: IDBitfield})
	require.ErrorIs(t, err, ErrMismatch)
	require.Empty(t, fd.Symbols())
}
