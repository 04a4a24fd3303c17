package steg

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
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
			if errors.Is(err, ErrUnknownID) {
				// n steps over the whole message.
				require.Equal(t, 4+int(binary.BigEndian.Uint32(p)), n)
				return
			}
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

// FuzzPicker drives a Picker with any sequence of events (peers announcing
// and losing blocks, joining and leaving, downloads, failures, switches of
// the hidden symbol) and checks its invariants after each: bad events are
// errors that change nothing, the bucket counts match the block states,
// and Next returns a missing available block, rarest in its group.
func FuzzPicker(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 3, 0, 4, 5, 6, 0, 1, 9, 5, 3})
	f.Add([]byte{7, 42, 0, 200, 3, 0, 3, 0, 2, 1, 6, 0})
	const m = 40
	fam := fuzzFamily(f, m)
	f.Fuzz(func(t *testing.T, ops []byte) {
		p, err := NewPicker(m, rand.New(rand.NewPCG(1, 2)))
		require.NoError(t, err)
		peer, err := NewBitfield(m)
		require.NoError(t, err)
		var reserved []int
		for i := 0; i+1 < len(ops); i += 2 {
			b := int(ops[i+1]) - 4 // some out of range
			switch ops[i] % 9 {
			case 0:
				_ = p.PeerHas(b)
			case 1:
				_ = p.PeerLost(b)
			case 2:
				_ = peer.Set(b)
			case 3:
				require.NoError(t, p.AddPeer(peer))
			case 4:
				_ = p.RemovePeer(peer)
			case 5:
				if blk, err := p.Next(); err == nil {
					require.True(t, blk >= 0 && blk < m)
					require.Positive(t, p.Availability(blk))
					reserved = append(reserved, blk)
				}
			case 6:
				if len(reserved) > 0 {
					k := int(ops[i+1]) % len(reserved)
					require.NoError(t, p.Downloaded(reserved[k]))
					reserved = append(reserved[:k], reserved[k+1:]...)
				} else {
					_ = p.Downloaded(b)
				}
			case 7:
				if len(reserved) > 0 {
					require.NoError(t, p.Abandon(reserved[0]))
					reserved = reserved[1:]
				} else {
					require.Error(t, p.Abandon(b))
				}
			case 8:
				if b%5 == 0 {
					p.Reveal()
				} else {
					_ = p.Hide(fam, b)
				}
				p.SetStrict(b%2 == 0)
			}
			checkPicker(t, p)
		}
	})
}

// checkPicker verifies the Picker's internal bookkeeping.
func checkPicker(t *testing.T, p *Picker) {
	var missing, ready [2]int
	owned := 0
	for b := range p.m {
		require.GreaterOrEqual(t, p.avail[b], int32(0))
		switch p.state[b] {
		case blockMissing:
			g := p.group[b]
			missing[g]++
			if p.avail[b] > 0 {
				ready[g]++
			}
			require.Equal(t, int32(b), p.buckets[g][p.avail[b]][p.pos[b]])
		case blockOwned:
			owned++
		}
	}
	require.Equal(t, missing, p.missing)
	require.Equal(t, ready, p.ready)
	require.Equal(t, owned, p.owned)
}
