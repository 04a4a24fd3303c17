package peerwire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// vectors are written from BEP 3, BEP 5, BEP 6 and BEP 10; the
// bittorrent/pacomwire tests check the same bytes against anacrolix/torrent.
var vectors = []struct {
	name string
	msg  Message
	wire string
}{
	{"keep-alive", Message{Keepalive: true}, "00000000"},
	{"choke", Message{Type: Choke}, "0000000100"},
	{"unchoke", Message{Type: Unchoke}, "0000000101"},
	{"interested", Message{Type: Interested}, "0000000102"},
	{"not interested", Message{Type: NotInterested}, "0000000103"},
	{"have", Message{Type: Have, Index: 9}, "000000050400000009"},
	{"bitfield", Message{Type: Bitfield, Bitfield: []byte{0xa0, 0x40}}, "0000000305a040"},
	{"request", Message{Type: Request, Index: 1, Begin: 0x4000, Length: 0x4000}, "0000000d06000000010000400000004000"},
	{"piece", Message{Type: Piece, Index: 2, Begin: 0x8000, Block: []byte("abc")}, "0000000c070000000200008000616263"},
	{"cancel", Message{Type: Cancel, Index: 1, Begin: 0, Length: 100}, "0000000d08000000010000000000000064"},
	{"port", Message{Type: Port, Port: 6881}, "00000003091ae1"},
	{"suggest", Message{Type: Suggest, Index: 3}, "000000050d00000003"},
	{"have all", Message{Type: HaveAll}, "000000010e"},
	{"have none", Message{Type: HaveNone}, "000000010f"},
	{"reject", Message{Type: Reject, Index: 1, Begin: 2, Length: 3}, "0000000d10000000010000000200000003"},
	{"allowed fast", Message{Type: AllowedFast, Index: 7}, "000000051100000007"},
	{"extended", Message{Type: Extended, ExtendedID: 0, Payload: []byte("de")}, "0000000414006465"},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			wire := unhex(t, v.wire)
			got, err := v.msg.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, wire, got)
			n, err := v.msg.Size()
			require.NoError(t, err)
			require.Equal(t, len(wire), n)
			m, err := Unmarshal(wire, 0)
			require.NoError(t, err)
			again, err := m.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, wire, again)
		})
	}
}

func TestPieceVector(t *testing.T) {
	got, err := (&Message{Type: Piece, Index: 2, Begin: 0x8000, Block: []byte("abc")}).MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, unhex(t, "0000000c070000000200008000616263"), got)
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		wire string
		want error
		n    int
	}{
		{"no prefix", "000000", ErrTruncated, 0},
		{"truncated", "0000000d0600000001", ErrTruncated, 0},
		{"have short", "0000000404000000", ErrLength, 0},
		{"choke with payload", "000000020000", ErrLength, 0},
		{"piece short", "00000005070000000a", ErrLength, 0},
		{"extended empty", "0000000114", ErrLength, 0},
		{"too large", "7fffffff", ErrTooLarge, 0},
		{"BEP 52 hash request", "0000000515aabbccdd", ErrUnknownType, 9},
		{"unknown 99", "0000000163", ErrUnknownType, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, n, err := Parse(unhex(t, c.wire), 0)
			require.ErrorIs(t, err, c.want)
			require.Equal(t, c.n, n)
			if c.n == 0 {
				require.Equal(t, Message{}, m)
			}
			// Unmarshal reports the same error for the same bytes, not
			// a trailing-bytes error, and never a message.
			m, err = Unmarshal(unhex(t, c.wire), 0)
			require.ErrorIs(t, err, c.want)
			require.NotErrorIs(t, err, ErrTrailing)
			require.Equal(t, Message{}, m)
		})
	}
	_, err := Unmarshal(unhex(t, "000000010000"), 0)
	require.ErrorIs(t, err, ErrTrailing)
}

// TestPieceBlockLimit: a PIECE block longer than MaxBlock is refused both
// ways, even when the length prefix is within the reader's limit.
func TestPieceBlockLimit(t *testing.T) {
	big := Message{Type: Piece, Block: make([]byte, MaxBlock+1)}
	_, err := big.MarshalBinary()
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = big.Size()
	require.ErrorIs(t, err, ErrTooLarge)

	wire := binary.BigEndian.AppendUint32(nil, uint32(1+8+MaxBlock+1))
	wire = append(wire, byte(Piece))
	wire = append(wire, make([]byte, 8+MaxBlock+1)...)
	require.LessOrEqual(t, len(wire)-4, DefaultMaxLength)
	_, _, err = Parse(wire, 0)
	require.ErrorIs(t, err, ErrLength)

	ok := Message{Type: Piece, Block: make([]byte, MaxBlock)}
	wire, err = ok.MarshalBinary()
	require.NoError(t, err)
	m, err := Unmarshal(wire, 0)
	require.NoError(t, err)
	require.Len(t, m.Block, MaxBlock)
}

// TestMarshalUnknownType: a message of a type this package does not know
// is not encoded, and dst comes back unchanged.
func TestMarshalUnknownType(t *testing.T) {
	for _, typ := range []Type{10, 21, 99} {
		m := Message{Type: typ, Index: 1}
		require.False(t, typ.Known())
		dst := []byte("prefix")
		out, err := m.AppendBinary(dst)
		require.ErrorIs(t, err, ErrUnknownType)
		require.Equal(t, "prefix", string(out))
		_, err = m.Size()
		require.ErrorIs(t, err, ErrUnknownType)
	}
}

// TestTypeString names the known types and numbers the others.
func TestTypeString(t *testing.T) {
	require.Equal(t, "piece", Piece.String())
	require.Equal(t, "allowed fast", AllowedFast.String())
	require.Equal(t, "type 21", Type(21).String())
}

// TestSkipUnknown steps over messages of unknown types in a buffer and in
// a stream.
func TestSkipUnknown(t *testing.T) {
	stream := unhex(t, "0000000515aabbccdd"+"000000050400000009"+"00000000"+"0000000116"+"0000000101")
	var got []Type
	for p := stream; len(p) > 0; {
		m, n, err := Parse(p, 0)
		if err != nil {
			require.ErrorIs(t, err, ErrUnknownType)
		}
		got = append(got, m.Type)
		p = p[n:]
	}
	require.Equal(t, []Type{21, Have, Choke, 22, Unchoke}, got)
	r := NewReader(bytes.NewReader(stream))
	var known []Type
	for {
		m, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, ErrUnknownType) {
			continue
		}
		require.NoError(t, err)
		if !m.Keepalive {
			known = append(known, m.Type)
		}
	}
	require.Equal(t, []Type{Have, Unchoke}, known)
}

func TestReaderErrors(t *testing.T) {
	r := NewReader(bytes.NewReader(unhex(t, "0000000d0600")))
	_, err := r.ReadMessage()
	require.ErrorIs(t, err, ErrTruncated)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	r = NewReader(bytes.NewReader(unhex(t, "0000ffff")))
	r.MaxLength = 100
	_, err = r.ReadMessage()
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = NewReader(bytes.NewReader(nil)).ReadMessage()
	require.ErrorIs(t, err, io.EOF)
	// A stream that stops inside the length prefix is truncated, not a
	// clean end.
	_, err = NewReader(bytes.NewReader(unhex(t, "0000"))).ReadMessage()
	require.ErrorIs(t, err, ErrTruncated)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	// An unknown type is reported with its type and nothing else, and the
	// stream goes on.
	r = NewReader(bytes.NewReader(unhex(t, "0000000515aabbccdd"+"0000000101")))
	m, err := r.ReadMessage()
	require.ErrorIs(t, err, ErrUnknownType)
	require.Equal(t, Message{Type: 21}, m)
	m, err = r.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, Message{Type: Unchoke}, m)
}

func TestHandshake(t *testing.T) {
	h := Handshake{InfoHash: [20]byte{1, 2, 3}, PeerID: [20]byte{'-', 'S', 'B'}}
	h.Reserved[5] = ReservedExtended
	b, err := h.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, HandshakeSize)
	require.Equal(t, "\x13BitTorrent protocol", string(b[:20]))
	var got Handshake
	require.NoError(t, got.UnmarshalBinary(b))
	require.Equal(t, h, got)
	var buf bytes.Buffer
	require.NoError(t, WriteHandshake(&buf, &h))
	got, err = ReadHandshake(&buf)
	require.NoError(t, err)
	require.Equal(t, h, got)
	bad := bytes.Clone(b)
	bad[3] = 'x'
	require.ErrorIs(t, got.UnmarshalBinary(bad), ErrHandshake)
	require.ErrorIs(t, got.UnmarshalBinary(b[:67]), ErrHandshake)
	_, err = ReadHandshake(bytes.NewReader(b[:10]))
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// FuzzParse: any input parses to an error or to a message that re-encodes
// to exactly the bytes it was parsed from; an unknown type reports its
// length.
func FuzzParse(f *testing.F) {
	for _, v := range vectors {
		f.Add(unhex(f, v.wire))
	}
	f.Add(unhex(f, "0000000515aabbccdd"))
	f.Fuzz(func(t *testing.T, p []byte) {
		m, n, err := Parse(p, 1<<16)
		if err != nil {
			if errors.Is(err, ErrUnknownType) {
				require.Equal(t, 4+int(binary.BigEndian.Uint32(p)), n)
				require.False(t, m.Type.Known())
				return
			}
			require.Zero(t, n)
			return
		}
		again, err := m.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, p[:n], again)
	})
}

// FuzzReader: a stream of arbitrary bytes yields messages and errors, never
// a panic, and every message re-encodes.
func FuzzReader(f *testing.F) {
	f.Add(unhex(f, "000000050400000009000000010100000000"))
	f.Fuzz(func(t *testing.T, p []byte) {
		r := NewReader(bytes.NewReader(p))
		r.MaxLength = 1 << 12
		for range 64 {
			m, err := r.ReadMessage()
			if err != nil {
				if errors.Is(err, ErrUnknownType) {
					continue
				}
				return
			}
			_, err = m.MarshalBinary()
			require.NoError(t, err)
		}
	})
}

func BenchmarkParsePiece(b *testing.B) {
	wire, _ := (&Message{Type: Piece, Block: make([]byte, 16<<10)}).MarshalBinary()
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(wire, 0); err != nil {
			b.Fatal(err)
		}
	}
}
