package steg

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseMessage: any bytes either fail to parse, leaving no message, or
// parse into a message that re-encodes to exactly the bytes consumed.
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		"00000000", "000000050400000009", "0000000305a040", "0000000305a041",
		"0000000100", "0000000d06000000010000400000004000", "00000003091ae1",
		"0000000414006465", "000000010a", "7fffffff07", "0000000504000000",
		"00000005040000000900000000",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b, uint16(10))
	}
	f.Add([]byte{0, 0, 0, 2, 5, 0xff}, uint16(8))
	f.Fuzz(func(t *testing.T, p []byte, m16 uint16) {
		m := int(m16)
		msg, n, err := ParseMessage(p, m)
		if err != nil {
			require.Equal(t, Message{}, msg)
			require.Zero(t, n)
			return
		}
		require.LessOrEqual(t, n, len(p))
		out, err := msg.AppendBinary(nil)
		require.NoError(t, err)
		require.Equal(t, p[:n], out)
		if msg.ID == IDHave && !msg.KeepAlive {
			require.Less(t, msg.Index, m)
		}
		// the stream reader agrees with ParseMessage
		r := NewReader(bytes.NewReader(p), m)
		msg2, err := r.ReadMessage()
		require.NoError(t, err)
		out2, err := msg2.AppendBinary(nil)
		require.NoError(t, err)
		require.Equal(t, out, out2)
	})
}

// FuzzReader: reading any stream ends in io.EOF or an error, never a
// panic, and every message read re-encodes to the bytes it came from.
func FuzzReader(f *testing.F) {
	seed, _ := hex.DecodeString("0000000305a040000000050400000009000000000000000100")
	f.Add(seed, uint16(10))
	f.Add([]byte{0, 0, 0, 5, 4, 0, 0}, uint16(10))
	f.Fuzz(func(t *testing.T, p []byte, m16 uint16) {
		r := NewReader(bytes.NewReader(p), int(m16))
		var re []byte
		for {
			msg, err := r.ReadMessage()
			if err != nil {
				if errors.Is(err, io.EOF) {
					require.True(t, bytes.Equal(p, re))
				} else {
					require.True(t, bytes.HasPrefix(p, re))
				}
				return
			}
			re, err = msg.AppendBinary(re)
			require.NoError(t, err)
		}
	})
}

// FuzzParseBitfield: a payload is accepted only at its exact size with
// spare bits clear, and then round-trips.
func FuzzParseBitfield(f *testing.F) {
	f.Add([]byte{0xa0, 0x40}, uint16(10))
	f.Add([]byte{0xff}, uint16(8))
	f.Add([]byte{0xff}, uint16(7))
	f.Fuzz(func(t *testing.T, p []byte, m16 uint16) {
		bf, err := ParseBitfield(p, int(m16))
		if err != nil {
			require.Nil(t, bf)
			return
		}
		require.Equal(t, p, bf.Bytes())
		n := 0
		for b := range bf.Len() {
			if bf.Has(b) {
				n++
			}
		}
		require.Equal(t, bf.Count(), n)
	})
}

// fuzzFamily is shared by the decoder fuzz targets.
func fuzzFamily(t testing.TB, m int) *Family {
	fam, err := NewFamily(testKey(1), m, DefaultFunctions)
	require.NoError(t, err)
	return fam
}

// seqFromBytes reads big-endian uint16 block indexes (possibly out of range).
func seqFromBytes(p []byte) []int {
	seq := make([]int, 0, len(p)/2)
	for i := 0; i+1 < len(p); i += 2 {
		seq = append(seq, int(binary.BigEndian.Uint16(p[i:]))-8)
	}
	return seq
}

// FuzzDecode: the batch decoders never panic and never return a symbol
// outside 1 … n; Decode's symbol is the longest unique match.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 9, 0, 10, 0, 11, 0, 12, 0, 13}, uint8(3))
	f.Add([]byte{}, uint8(1))
	f.Add([]byte{0, 9, 0, 9, 0, 9}, uint8(2))
	f.Add([]byte{0xff, 0xff, 0, 0}, uint8(1))
	fam := fuzzFamily(f, 300)
	f.Fuzz(func(t *testing.T, p []byte, c8 uint8) {
		d, err := NewDecoder(fam, int(c8))
		if err != nil {
			require.ErrorIs(t, err, ErrWindow)
			return
		}
		seq := seqFromBytes(p)
		x, ok, err := d.Decode(seq)
		if err != nil || !ok {
			require.Zero(t, x)
		} else {
			require.True(t, x >= 1 && x <= fam.Functions())
			ms, err := d.Matches(seq)
			require.NoError(t, err)
			require.Equal(t, x, ms[0].Symbol)
		}
		y, ok, err := d.DecodeFirst(seq)
		if err == nil && ok {
			require.True(t, y >= 1 && y <= fam.Functions())
		} else {
			require.Zero(t, y)
		}
	})
}

// FuzzStreamDecoder: the streaming and frame decoders never panic, report
// only symbols in 1 … n, and a rejected HAVE changes nothing.
func FuzzStreamDecoder(f *testing.F) {
	f.Add([]byte{0, 9, 0, 10, 0, 11, 0, 12, 0, 13, 0, 9}, uint8(2))
	f.Add([]byte{0xff, 0xff}, uint8(1))
	fam := fuzzFamily(f, 300)
	f.Fuzz(func(t *testing.T, p []byte, c8 uint8) {
		sd, err := NewStreamDecoder(fam, int(c8))
		if err != nil {
			return
		}
		fd, err := NewFrameDecoder(fam, int(c8))
		require.NoError(t, err)
		for _, b := range seqFromBytes(p) {
			before := sd.Pushed()
			x, ok, err := sd.Push(b)
			if err != nil {
				require.Equal(t, before, sd.Pushed())
				require.False(t, ok)
			}
			if ok {
				require.True(t, x >= 1 && x <= fam.Functions())
				y, cur := sd.Symbol()
				require.True(t, cur)
				require.Equal(t, x, y)
			}
			payload, ok, err := fd.Push(b)
			if ok {
				require.NoError(t, err)
				require.True(t, len(payload) >= 1 && len(payload) <= MaxFramePayload)
			}
		}
	})
}

// FuzzParseFrame: symbols either fail to parse or parse into a payload
// that re-encodes to the same symbols.
func FuzzParseFrame(f *testing.F) {
	fam := fuzzFamily(f, 300)
	syms, _ := FrameSymbols(fam, 5, []byte("hello"))
	var seed []byte
	for _, s := range syms {
		seed = append(seed, byte(s))
	}
	f.Add(uint8(5), seed)
	f.Add(uint8(1), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, prev uint8, p []byte) {
		syms := make([]int, len(p))
		for i, v := range p {
			syms[i] = int(v)
		}
		payload, err := ParseFrame(fam, int(prev), syms)
		if err != nil {
			require.Nil(t, payload)
			return
		}
		again, err := FrameSymbols(fam, int(prev), payload)
		require.NoError(t, err)
		require.Equal(t, syms, again)
	})
}
