package steg

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// Vectors written from BEP 3 (https://www.bittorrent.org/beps/bep_0003.html):
// "have" is <len=0005><id=4><piece index>, "bitfield" <len=0001+X><id=5>
// <bitfield>, high bit of the first byte first, spare bits zero.
func TestWireVectors(t *testing.T) {
	bf, err := NewBitfield(10)
	require.NoError(t, err)
	for _, b := range []int{0, 2, 9} {
		require.NoError(t, bf.Set(b))
	}
	for _, tc := range []struct {
		name string
		msg  Message
		wire string
	}{
		{"keep-alive", Message{KeepAlive: true}, "00000000"},
		{"have 9", Message{ID: IDHave, Index: 9}, "000000050400000009"},
		{"have 0", Message{ID: IDHave, Index: 0}, "000000050400000000"},
		{"bitfield", Message{ID: IDBitfield, Bitfield: bf}, "0000000305a040"},
		{"choke", Message{ID: IDChoke, Payload: []byte{}}, "0000000100"},
		{"request", Message{ID: IDRequest, Payload: mustHex(t, "000000010000400000004000")}, "0000000d06000000010000400000004000"},
		{"port", Message{ID: IDPort, Payload: []byte{0x1a, 0xe1}}, "00000003091ae1"},
		{"have all", Message{ID: IDHaveAll, Payload: []byte{}}, "000000010e"},
		{"extended", Message{ID: IDExtended, Payload: []byte{0, 'd', 'e'}}, "0000000414006465"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wire := mustHex(t, tc.wire)
			got, err := tc.msg.AppendBinary(nil)
			require.NoError(t, err)
			require.Equal(t, wire, got)
			msg, err := UnmarshalMessage(wire, 10)
			require.NoError(t, err)
			again, err := msg.AppendBinary(nil)
			require.NoError(t, err)
			require.Equal(t, wire, again)
			require.Equal(t, tc.msg.KeepAlive, msg.KeepAlive)
			require.Equal(t, tc.msg.ID, msg.ID)
			require.Equal(t, tc.msg.Index, msg.Index)
		})
	}
	h, err := AppendHave(nil, 42)
	require.NoError(t, err)
	require.Len(t, h, HaveSize)
	require.Equal(t, []byte{0xa0, 0x40}, bf.Bytes())
	require.Equal(t, 3, bf.Count())
	require.True(t, bf.Has(9))
	require.False(t, bf.Has(10))
	require.False(t, bf.Has(-1))
}

func TestWireErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire string
		want error
	}{
		{"empty", "", ErrTruncated},
		{"short prefix", "000000", ErrTruncated},
		{"truncated have", "0000000504000000", ErrTruncated},
		{"have too short", "000000040400000a", ErrFrameLength},
		{"have too long", "00000006040000000a00", ErrFrameLength},
		{"have out of range", "000000050400000010", ErrBlockRange},
		{"have far out of range", "0000000504ffffffff", ErrBlockRange},
		{"bitfield too short", "0000000205a0", ErrFrameLength},
		{"bitfield too long", "0000000405a04000", ErrFrameLength},
		{"bitfield spare bits", "0000000305a041", ErrSpareBits},
		{"unknown id", "000000010a", ErrUnknownID},
		{"unknown id 255", "00000001ff", ErrUnknownID},
		{"choke with payload", "000000020000", ErrFrameLength},
		{"request short", "0000000c060000000100004000000040", ErrFrameLength},
		{"piece short", "000000080700000001000040", ErrFrameLength},
		{"extended empty", "0000000114", ErrFrameLength},
		{"too large", "7fffffff07", ErrTooLarge},
		{"trailing", "00000000ff", ErrTrailing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := UnmarshalMessage(mustHex(t, tc.wire), 10)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, Message{}, msg, "no half-built message")
		})
	}
	_, _, err := ParseMessage([]byte{0, 0, 0, 0}, 0)
	require.ErrorIs(t, err, ErrBlocks)
	_, err = AppendHave(nil, -1)
	require.ErrorIs(t, err, ErrBlockRange)
	_, err = AppendHave(nil, MaxBlocks)
	require.ErrorIs(t, err, ErrBlockRange)
	_, err = Message{ID: IDBitfield}.AppendBinary(nil)
	require.ErrorIs(t, err, ErrFrameLength)
	_, err = Message{ID: 99}.AppendBinary(nil)
	require.ErrorIs(t, err, ErrUnknownID)
	_, err = Message{ID: IDCancel, Payload: []byte{1}}.AppendBinary(nil)
	require.ErrorIs(t, err, ErrFrameLength)
	_, err = ParseBitfield([]byte{0}, 0)
	require.ErrorIs(t, err, ErrBlocks)
	_, err = NewBitfield(MaxBlocks + 1)
	require.ErrorIs(t, err, ErrBlocks)
	bf, err := NewBitfield(3)
	require.NoError(t, err)
	require.ErrorIs(t, bf.Set(3), ErrBlockRange)
	require.ErrorIs(t, bf.Clear(-1), ErrBlockRange)
}

// TestReaderStream decodes a peer-wire byte stream as a client sends it
// after the handshake, and feeds it to the streaming decoder.
func TestReaderStream(t *testing.T) {
	const m = 512
	f, err := NewFamily(testKey(3), m, DefaultFunctions)
	require.NoError(t, err)
	bf, err := NewBitfield(m)
	require.NoError(t, err)
	require.NoError(t, bf.Set(5))
	var stream []byte
	stream = AppendBitfield(stream, bf)
	stream, err = Message{ID: IDUnchoke}.AppendBinary(stream)
	require.NoError(t, err)
	blocks := classBlocks(t, f, 77, true)
	for i, b := range blocks[:40] {
		if b == 5 {
			continue
		}
		stream, err = AppendHave(stream, b)
		require.NoError(t, err)
		if i%10 == 0 {
			stream = append(stream, 0, 0, 0, 0) // keep-alive
			stream, err = Message{ID: IDPiece, Payload: make([]byte, 8+16)}.AppendBinary(stream)
			require.NoError(t, err)
		}
	}
	r := NewReader(bytes.NewReader(stream), m)
	sd, err := NewStreamDecoder(f, DefaultWindow)
	require.NoError(t, err)
	found := 0
	for {
		msg, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		x, ok, err := sd.Consume(msg)
		require.NoError(t, err)
		if ok {
			found = x
		}
	}
	require.Equal(t, 77, found)

	// the stream cut anywhere inside a message is an error, never a panic
	for cut := 1; cut < 60; cut++ {
		r := NewReader(bytes.NewReader(stream[:len(stream)-cut]), m)
		var err error
		for err == nil {
			_, err = r.ReadMessage()
		}
		if !errors.Is(err, io.EOF) {
			require.ErrorIs(t, err, ErrTruncated)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}
	}
	_, err = NewReader(bytes.NewReader(nil), 0).ReadMessage()
	require.ErrorIs(t, err, ErrBlocks)
	_, err = NewReader(bytes.NewReader(mustHex(t, "7fffffff")), m).ReadMessage()
	require.ErrorIs(t, err, ErrTooLarge)
}

// TestParseMessageSkipsUnknown: a message of an id the codec does not know
// (BEP 52's hash request, 21) reports its length, so the caller steps over
// it to the HAVE behind it.
func TestParseMessageSkipsUnknown(t *testing.T) {
	wire := mustHex(t, "0000000515aabbccdd"+"000000050400000009")
	msg, n, err := ParseMessage(wire, 10)
	require.ErrorIs(t, err, ErrUnknownID)
	require.Equal(t, Message{}, msg)
	require.Equal(t, 9, n)
	msg, n, err = ParseMessage(wire[n:], 10)
	require.NoError(t, err)
	require.Equal(t, 9, n)
	require.Equal(t, 9, msg.Index)
	r := NewReader(bytes.NewReader(wire), 10)
	_, err = r.ReadMessage()
	require.ErrorIs(t, err, ErrUnknownID)
	msg, err = r.ReadMessage()
	require.NoError(t, err, "the stream stays usable")
	require.Equal(t, 9, msg.Index)
	_, err = NewReader(nil, 10).ReadMessage()
	require.ErrorIs(t, err, ErrNilReader)
}
