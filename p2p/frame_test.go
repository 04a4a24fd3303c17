package p2p

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

func TestReadFrame(t *testing.T) {
	hdr := func(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }
	cases := []struct {
		name string
		in   []byte
		max  int
		want []byte
		err  error
	}{
		{"one byte", append(hdr(1), 7), 0, []byte{7}, nil},
		{"at the limit", append(hdr(3), 1, 2, 3), 3, []byte{1, 2, 3}, nil},
		{"above the limit", append(hdr(4), 1, 2, 3, 4), 3, nil, ErrFrameTooLarge},
		{"above MaxFrameSize", hdr(MaxFrameSize + 1), 0, nil, ErrFrameTooLarge},
		{"max above MaxFrameSize is capped", hdr(MaxFrameSize + 1), 1 << 30, nil, ErrFrameTooLarge},
		{"empty frame", hdr(0), 0, nil, ErrFrameEmpty},
		{"clean end", nil, 0, nil, io.EOF},
		{"end inside the header", []byte{0, 0}, 0, nil, io.ErrUnexpectedEOF},
		{"end inside the payload", append(hdr(5), 1, 2), 0, nil, io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadFrame(bytes.NewReader(c.in), nil, c.max)
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
	_, err := AppendFrame(nil, make([]byte, MaxFrameSize+1))
	require.ErrorIs(t, err, ErrFrameTooLarge)
}

// TestMaxFrameSizeFitsEveryMessage: the largest request and response the
// codec accepts (a full block, a ticket, full node lists of the longest
// addresses) fit in a frame, the largest response exactly: a frame of
// MaxFrameSize bytes carries it through ReadFrame and decodes, one byte
// more is refused.
func TestMaxFrameSizeFitsEveryMessage(t *testing.T) {
	long := chord.NodeInfo{Addr: string(bytes.Repeat([]byte{'a'}, chord.MaxAddrLen))}
	nodes := make([]chord.NodeInfo, chord.MaxNodes)
	for i := range nodes {
		nodes[i] = long
		nodes[i].ID[0] = byte(i + 1)
	}
	req := chord.Request{Kind: chord.KindLeave, From: long, Node: long, Nodes: nodes, Ticket: &chord.Ticket{}, Data: make([]byte, chord.MaxBlockSize)}
	b, err := req.MarshalBinary()
	require.NoError(t, err)
	require.LessOrEqual(t, len(b), MaxFrameSize)
	resp := chord.Response{Node: long, Nodes: nodes, Succs: nodes, Data: make([]byte, chord.MaxBlockSize)}
	b, err = resp.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, MaxFrameSize, len(b), "the largest response fills a frame exactly")

	f, err := AppendFrame(nil, b)
	require.NoError(t, err)
	payload, err := ReadFrame(bytes.NewReader(f), nil, 0)
	require.NoError(t, err)
	var back chord.Response
	require.NoError(t, back.UnmarshalBinary(payload))
	require.Len(t, back.Succs, chord.MaxNodes)

	_, err = AppendFrame(nil, append(b, 0))
	require.ErrorIs(t, err, ErrFrameTooLarge)
	var hdr [FrameHeaderSize]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(MaxFrameSize+1))
	_, err = ReadFrame(bytes.NewReader(hdr[:]), nil, 0)
	require.ErrorIs(t, err, ErrFrameTooLarge)
}

// FuzzReadFrame feeds arbitrary bytes to the frame reader with an
// arbitrary limit. It never panics; a frame it returns is exactly the
// announced bytes and within the limit; it never allocates beyond the
// limit; and a frame written by AppendFrame reads back unchanged.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 1, 2, 3}, 16)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, 0)
	f.Add([]byte{0, 0, 0, 0}, 10)
	f.Add([]byte{0, 0, 1}, 10)
	req, _ := (&chord.Request{Kind: chord.KindPing}).MarshalBinary()
	fr, _ := AppendFrame(nil, req)
	f.Add(fr, 0)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		limit := max
		if limit <= 0 || limit > MaxFrameSize {
			limit = MaxFrameSize
		}
		got, err := ReadFrame(bytes.NewReader(in), nil, max)
		if err != nil {
			require.Nil(t, got)
			if len(in) >= FrameHeaderSize {
				n := binary.BigEndian.Uint32(in)
				switch {
				case n == 0:
					require.ErrorIs(t, err, ErrFrameEmpty)
				case uint64(n) > uint64(limit):
					require.ErrorIs(t, err, ErrFrameTooLarge)
				default:
					require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
				}
			}
			return
		}
		n := int(binary.BigEndian.Uint32(in))
		require.Equal(t, in[FrameHeaderSize:FrameHeaderSize+n], got)
		require.LessOrEqual(t, len(got), limit)
		require.LessOrEqual(t, cap(got), limit)

		again, err := AppendFrame(nil, got)
		require.NoError(t, err)
		back, err := ReadFrame(bytes.NewReader(again), nil, max)
		require.NoError(t, err)
		require.Equal(t, got, back)
	})
}

// TestSplitFrames: a message whose block is written after the frame's
// beginning (appendRequestFrame, appendResponseFrame) puts on the wire
// exactly the bytes of AppendFrame of its encoding, for blocks below, at
// and above the split size.
func TestSplitFrames(t *testing.T) {
	from := chord.NodeInfo{ID: chord.HashID([]byte("a")), Addr: "/ip4/127.0.0.1/tcp/1/p2p/x"}
	for _, size := range []int{0, 1, splitData - 1, splitData, 256 << 10, chord.MaxBlockSize} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		req := chord.Request{Kind: chord.KindStore, From: from, Key: chord.HashID(data), Ticket: &chord.Ticket{Index: 3}, Data: data}
		enc, err := req.MarshalBinary()
		require.NoError(t, err)
		want, err := AppendFrame(nil, enc)
		require.NoError(t, err)
		frame, rest, err := appendRequestFrame(header(nil), &req)
		require.NoError(t, err)
		require.Equal(t, size >= splitData, rest != nil, "size %d", size)
		require.Equal(t, want, append(frame, rest...), "request, size %d", size)

		resp := chord.Response{Found: true, Nodes: []chord.NodeInfo{from}, Data: data}
		enc, err = resp.MarshalBinary()
		require.NoError(t, err)
		want, err = AppendFrame(nil, enc)
		require.NoError(t, err)
		frame, rest, err = appendResponseFrame(header(nil), &resp)
		require.NoError(t, err)
		require.Equal(t, want, append(frame, rest...), "response, size %d", size)
	}
	_, _, err := appendRequestFrame(header(nil), &chord.Request{Kind: chord.KindStore, Data: make([]byte, chord.MaxBlockSize+1)})
	require.ErrorIs(t, err, chord.ErrTooLarge)
	_, _, err = appendResponseFrame(header(nil), &chord.Response{Data: make([]byte, chord.MaxBlockSize+1)})
	require.ErrorIs(t, err, chord.ErrTooLarge)
}

// TestFrameBufClasses: a pooled frame buffer always has room for the frame
// it was asked for, and goes back to the class it came from.
func TestFrameBufClasses(t *testing.T) {
	for _, n := range []int{largeFrame + 1, 2 * largeFrame, 2*largeFrame + 1, 256<<10 + 400, MaxFrameSize} {
		p := getFrameBuf(n)
		require.GreaterOrEqual(t, cap(*p), n)
		require.Less(t, cap(*p), 2*n+2*largeFrame, "size %d", n)
		require.Equal(t, frameClass(n), frameClass(cap(*p)), "size %d", n)
		require.Less(t, frameClass(n), len(frameBufs))
		putFrameBuf(p)
	}
}
