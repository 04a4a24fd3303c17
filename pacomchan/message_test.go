package pacomchan

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMessageSizes: each circuit message type has the sizes the package
// documents, and one byte more or less is refused with ErrMessageSize
// (type 0 and 1 are fixed-size, types 2 and 3 have a minimum); an unknown
// type is refused with ErrMessageType. A refused parse leaves the message
// unchanged.
func TestMessageSizes(t *testing.T) {
	minSealed := headerSize + xNonceSize + aeadTagSize + 8 + 4
	msg := func(typ MsgType, n int) []byte {
		b := bytes.Repeat([]byte{0x5a}, n)
		b[0] = byte(typ)
		return b
	}
	for _, c := range []struct {
		name string
		b    []byte
		want error // nil: parses
	}{
		{"handshake", msg(MsgHandshake, HandshakeSize), nil},
		{"handshake short", msg(MsgHandshake, HandshakeSize-1), ErrMessageSize},
		{"handshake long", msg(MsgHandshake, HandshakeSize+1), ErrMessageSize},
		{"response", msg(MsgResponse, ResponseSize), nil},
		{"response short", msg(MsgResponse, ResponseSize-1), ErrMessageSize},
		{"response long", msg(MsgResponse, ResponseSize+1), ErrMessageSize},
		{"data empty", msg(MsgData, minSealed), nil},
		{"data short", msg(MsgData, minSealed-1), ErrMessageSize},
		{"ack short", msg(MsgAck, minSealed-1), ErrMessageSize},
		{"ack long", msg(MsgAck, minSealed+800), nil},
		{"header only", msg(MsgData, headerSize), ErrMessageSize},
		{"no header", msg(MsgData, headerSize-1), ErrShortMessage},
		{"type 4", msg(4, 200), ErrMessageType},
		{"type 255", msg(255, HandshakeSize), ErrMessageType},
	} {
		t.Run(c.name, func(t *testing.T) {
			sentinel := Message{Type: 9, TTL: 42}
			m := sentinel
			var err error
			require.NotPanics(t, func() { err = m.UnmarshalBinary(c.b) })
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
				require.Equal(t, sentinel, m)
				return
			}
			require.NoError(t, err)
			out, err := m.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, c.b, out)
		})
	}
}

// TestMessageEncodeRejects: the encoder emits nothing the decoder would
// refuse; a message of the wrong shape for its type is an error and the
// buffer comes back unchanged.
func TestMessageEncodeRejects(t *testing.T) {
	enc := make([]byte, hpkeEncSize)
	hs := make([]byte, handshakeInnerSize+aeadTagSize)
	resp := make([]byte, SecretSize+aeadTagSize)
	data := make([]byte, xNonceSize+aeadTagSize+8+4)
	for _, c := range []struct {
		name string
		m    Message
		want error
	}{
		{"handshake without encapsulation", Message{Type: MsgHandshake, Sealed: hs}, ErrMessageSize},
		{"handshake short encapsulation", Message{Type: MsgHandshake, Enc: enc[1:], Sealed: hs}, ErrMessageSize},
		{"handshake short sealed", Message{Type: MsgHandshake, Enc: enc, Sealed: hs[1:]}, ErrMessageSize},
		{"response short", Message{Type: MsgResponse, Sealed: resp[1:]}, ErrMessageSize},
		{"response long", Message{Type: MsgResponse, Sealed: append(resp, 0)}, ErrMessageSize},
		{"response with TTL", Message{Type: MsgResponse, TTL: 3, Sealed: resp}, ErrMessageSize},
		{"data short", Message{Type: MsgData, Sealed: data[1:]}, ErrMessageSize},
		{"ack short", Message{Type: MsgAck, Sealed: data[1:]}, ErrMessageSize},
		{"data with encapsulation", Message{Type: MsgData, Enc: enc, Sealed: data}, ErrMessageSize},
		{"ack with TTL", Message{Type: MsgAck, TTL: 1, Sealed: data}, ErrMessageSize},
		{"unknown type", Message{Type: 7, Sealed: data}, ErrMessageType},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.m.AppendBinary([]byte("prefix"))
			require.ErrorIs(t, err, c.want)
			require.Equal(t, "prefix", string(out))
		})
	}
	for _, m := range []Message{
		{Type: MsgHandshake, TTL: 3, Enc: enc, Sealed: hs},
		{Type: MsgResponse, Sealed: resp},
		{Type: MsgData, Sealed: data},
		{Type: MsgAck, Sealed: data},
	} {
		b, err := m.MarshalBinary()
		require.NoError(t, err)
		var got Message
		require.NoError(t, got.UnmarshalBinary(b))
		again, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, again)
	}
}
