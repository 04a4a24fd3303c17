package peerwire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Type is a message id.
type Type byte

// Message ids of BEP 3, BEP 5 (PORT), BEP 6 and BEP 10.
const (
	Choke         Type = 0
	Unchoke       Type = 1
	Interested    Type = 2
	NotInterested Type = 3
	Have          Type = 4
	Bitfield      Type = 5
	Request       Type = 6
	Piece         Type = 7
	Cancel        Type = 8
	Port          Type = 9
	Suggest       Type = 13
	HaveAll       Type = 14
	HaveNone      Type = 15
	Reject        Type = 16
	AllowedFast   Type = 17
	Extended      Type = 20
)

var typeNames = map[Type]string{
	Choke: "choke", Unchoke: "unchoke", Interested: "interested", NotInterested: "not interested",
	Have: "have", Bitfield: "bitfield", Request: "request", Piece: "piece", Cancel: "cancel",
	Port: "port", Suggest: "suggest", HaveAll: "have all", HaveNone: "have none",
	Reject: "reject", AllowedFast: "allowed fast", Extended: "extended",
}

// String returns the message's name, or its number if it is unknown.
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", byte(t))
}

// Known reports whether this package parses messages of type t.
func (t Type) Known() bool { _, ok := typeNames[t]; return ok }

// Limits of the codec.
const (
	// MaxBlock is the largest PIECE block accepted: 128 KiB, what most
	// clients honour (they request 16 KiB).
	MaxBlock = 128 << 10
	// DefaultMaxLength is the default bound on a length prefix: a PIECE of
	// MaxBlock, or a BITFIELD of 2^21 pieces, or an extension message of
	// 256 KiB.
	DefaultMaxLength = 1 + 8 + MaxBlock + 128<<10
)

// Errors of the message codec.
var (
	ErrTruncated   = errors.New("peerwire: truncated message")
	ErrTooLarge    = errors.New("peerwire: message longer than the limit")
	ErrLength      = errors.New("peerwire: wrong length for the message type")
	ErrUnknownType = errors.New("peerwire: unknown message type")
	ErrTrailing    = errors.New("peerwire: trailing bytes after message")
)

// Message is one message after the handshake. Which fields are set
// depends on Type:
//
//	keep-alive                 Keepalive (Type is ignored)
//	HAVE, SUGGEST, ALLOWED_FAST Index
//	BITFIELD                   Bitfield (the raw bytes, high bit first)
//	REQUEST, CANCEL, REJECT    Index, Begin, Length
//	PIECE                      Index, Begin, Block
//	PORT                       Port
//	EXTENDED                   ExtendedID, Payload
//
// Byte slices of a parsed message alias the parsed input.
type Message struct {
	Keepalive  bool
	Type       Type
	Index      uint32
	Begin      uint32
	Length     uint32
	Bitfield   []byte
	Block      []byte
	Port       uint16
	ExtendedID byte
	Payload    []byte
}

// bodyLen returns the length of the message after the length prefix.
func (m *Message) bodyLen() (int, error) {
	if m.Keepalive {
		return 0, nil
	}
	switch m.Type {
	case Choke, Unchoke, Interested, NotInterested, HaveAll, HaveNone:
		return 1, nil
	case Have, Suggest, AllowedFast:
		return 5, nil
	case Request, Cancel, Reject:
		return 13, nil
	case Port:
		return 3, nil
	case Bitfield:
		return 1 + len(m.Bitfield), nil
	case Piece:
		if len(m.Block) > MaxBlock {
			return 0, fmt.Errorf("%w: PIECE block of %d bytes", ErrTooLarge, len(m.Block))
		}
		return 9 + len(m.Block), nil
	case Extended:
		return 2 + len(m.Payload), nil
	}
	return 0, fmt.Errorf("%w: %d", ErrUnknownType, byte(m.Type))
}

// Size returns the number of bytes of the encoded message, length prefix
// included.
func (m *Message) Size() (int, error) {
	n, err := m.bodyLen()
	return 4 + n, err
}

// AppendBinary appends the wire encoding of m to dst.
func (m *Message) AppendBinary(dst []byte) ([]byte, error) {
	n, err := m.bodyLen()
	if err != nil {
		return dst, err
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	if m.Keepalive {
		return dst, nil
	}
	dst = append(dst, byte(m.Type))
	switch m.Type {
	case Have, Suggest, AllowedFast:
		dst = binary.BigEndian.AppendUint32(dst, m.Index)
	case Request, Cancel, Reject:
		dst = binary.BigEndian.AppendUint32(dst, m.Index)
		dst = binary.BigEndian.AppendUint32(dst, m.Begin)
		dst = binary.BigEndian.AppendUint32(dst, m.Length)
	case Port:
		dst = binary.BigEndian.AppendUint16(dst, m.Port)
	case Bitfield:
		dst = append(dst, m.Bitfield...)
	case Piece:
		dst = binary.BigEndian.AppendUint32(dst, m.Index)
		dst = binary.BigEndian.AppendUint32(dst, m.Begin)
		dst = append(dst, m.Block...)
	case Extended:
		dst = append(dst, m.ExtendedID)
		dst = append(dst, m.Payload...)
	}
	return dst, nil
}

// MarshalBinary returns the wire encoding of m.
func (m *Message) MarshalBinary() ([]byte, error) { return m.AppendBinary(nil) }

// Parse parses the first message of p, whose length prefix may be at most
// maxLength (0 means [DefaultMaxLength]), and returns it with the number of
// bytes it takes. When p holds only part of the message the error wraps
// [ErrTruncated] and n is 0. A message of an unknown type is returned with
// an error wrapping [ErrUnknownType], its Type set and n its whole length,
// so that the caller can skip it. Any other error has n = 0.
func Parse(p []byte, maxLength int) (m Message, n int, err error) {
	if maxLength <= 0 {
		maxLength = DefaultMaxLength
	}
	if len(p) < 4 {
		return Message{}, 0, fmt.Errorf("%w: %d bytes, no length prefix", ErrTruncated, len(p))
	}
	l := binary.BigEndian.Uint32(p)
	if l == 0 {
		return Message{Keepalive: true}, 4, nil
	}
	if uint64(l) > uint64(maxLength) {
		return Message{}, 0, fmt.Errorf("%w: length %d above %d", ErrTooLarge, l, maxLength)
	}
	if uint64(len(p)-4) < uint64(l) {
		return Message{}, 0, fmt.Errorf("%w: length %d, %d bytes present", ErrTruncated, l, len(p)-4)
	}
	m, err = parseBody(p[4 : 4+l])
	if err != nil {
		if errors.Is(err, ErrUnknownType) {
			return Message{Type: m.Type}, 4 + int(l), err
		}
		return Message{}, 0, err
	}
	return m, 4 + int(l), nil
}

// Unmarshal parses p, which must hold exactly one message.
func Unmarshal(p []byte, maxLength int) (Message, error) {
	m, n, err := Parse(p, maxLength)
	if err != nil {
		return Message{}, err
	}
	if n != len(p) {
		return Message{}, fmt.Errorf("%w: %d bytes", ErrTrailing, len(p)-n)
	}
	return m, nil
}

// parseBody parses the id and payload of a message (body is not empty). A
// message of an unknown type is returned with its Type set and an error
// wrapping [ErrUnknownType]; any other error comes with the zero Message.
func parseBody(body []byte) (Message, error) {
	m := Message{Type: Type(body[0])}
	b := body[1:]
	want := -1
	switch m.Type {
	case Choke, Unchoke, Interested, NotInterested, HaveAll, HaveNone:
		want = 0
	case Have, Suggest, AllowedFast:
		want = 4
	case Request, Cancel, Reject:
		want = 12
	case Port:
		want = 2
	case Bitfield:
		m.Bitfield = b
		return m, nil
	case Piece:
		if len(b) < 8 || len(b)-8 > MaxBlock {
			return Message{}, fmt.Errorf("%w: PIECE with a %d-byte payload", ErrLength, len(b))
		}
		m.Index = binary.BigEndian.Uint32(b)
		m.Begin = binary.BigEndian.Uint32(b[4:])
		m.Block = b[8:]
		return m, nil
	case Extended:
		if len(b) < 1 {
			return Message{}, fmt.Errorf("%w: EXTENDED without an extended id", ErrLength)
		}
		m.ExtendedID, m.Payload = b[0], b[1:]
		return m, nil
	default:
		return m, fmt.Errorf("%w: %d", ErrUnknownType, body[0])
	}
	if len(b) != want {
		return Message{}, fmt.Errorf("%w: %v with a %d-byte payload, want %d", ErrLength, m.Type, len(b), want)
	}
	switch want {
	case 4:
		m.Index = binary.BigEndian.Uint32(b)
	case 12:
		m.Index = binary.BigEndian.Uint32(b)
		m.Begin = binary.BigEndian.Uint32(b[4:])
		m.Length = binary.BigEndian.Uint32(b[8:])
	case 2:
		m.Port = binary.BigEndian.Uint16(b)
	}
	return m, nil
}
