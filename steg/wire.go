package steg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Peer-wire message ids of BEP 3, BEP 6 (fast extension) and BEP 10
// (extension protocol).
const (
	IDChoke         byte = 0
	IDUnchoke       byte = 1
	IDInterested    byte = 2
	IDNotInterested byte = 3
	IDHave          byte = 4
	IDBitfield      byte = 5
	IDRequest       byte = 6
	IDPiece         byte = 7
	IDCancel        byte = 8
	IDPort          byte = 9
	IDSuggest       byte = 13
	IDHaveAll       byte = 14
	IDHaveNone      byte = 15
	IDReject        byte = 16
	IDAllowedFast   byte = 17
	IDExtended      byte = 20
)

// Sizes of the peer-wire framing.
const (
	// HaveSize is the size of a whole HAVE message: length 5, id 4, index.
	HaveSize = 4 + 1 + 4
	// MaxBlockData is the largest PIECE payload accepted (128 KiB; clients
	// send 16 KiB blocks).
	MaxBlockData = 1 << 17
	// MaxExtended is the largest BEP 10 extension message accepted.
	MaxExtended = 1 << 20
)

// Message is one peer-wire message after the handshake: a keep-alive, a
// HAVE (Index), a BITFIELD (Bitfield), or any other message of BEP 3, BEP 6
// or BEP 10, kept as its raw payload so that it re-encodes byte for byte.
type Message struct {
	KeepAlive bool
	ID        byte
	Index     int       // block index of a HAVE
	Bitfield  *Bitfield // blocks of a BITFIELD
	Payload   []byte    // payload of any other message
}

// AppendHave appends the 9-byte HAVE message of block index to dst:
// length 5 (big-endian uint32), id 4, index (big-endian uint32).
func AppendHave(dst []byte, index int) ([]byte, error) {
	if index < 0 || index > MaxBlocks-1 {
		return dst, fmt.Errorf("%w: block %d not in [0, %d)", ErrBlockRange, index, MaxBlocks)
	}
	dst = binary.BigEndian.AppendUint32(dst, 5)
	dst = append(dst, IDHave)
	return binary.BigEndian.AppendUint32(dst, uint32(index)), nil
}

// AppendBitfield appends the BITFIELD message of bf to dst: length
// 1 + ⌈m/8⌉, id 5, the bitfield bytes.
func AppendBitfield(dst []byte, bf *Bitfield) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(1+len(bf.b)))
	dst = append(dst, IDBitfield)
	return append(dst, bf.b...)
}

// AppendBinary appends the wire encoding of msg to dst.
func (msg Message) AppendBinary(dst []byte) ([]byte, error) {
	switch {
	case msg.KeepAlive:
		return binary.BigEndian.AppendUint32(dst, 0), nil
	case msg.ID == IDHave:
		return AppendHave(dst, msg.Index)
	case msg.ID == IDBitfield:
		if msg.Bitfield == nil {
			return dst, fmt.Errorf("%w: BITFIELD without a bitfield", ErrFrameLength)
		}
		return AppendBitfield(dst, msg.Bitfield), nil
	}
	if err := checkOther(msg.ID, len(msg.Payload)); err != nil {
		return dst, err
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(1+len(msg.Payload)))
	dst = append(dst, msg.ID)
	return append(dst, msg.Payload...), nil
}

// checkOther validates the payload length of a message other than HAVE and
// BITFIELD.
func checkOther(id byte, n int) error {
	ok := false
	switch id {
	case IDChoke, IDUnchoke, IDInterested, IDNotInterested, IDHaveAll, IDHaveNone:
		ok = n == 0
	case IDRequest, IDCancel, IDReject:
		ok = n == 12
	case IDPiece:
		ok = n >= 8 && n <= 8+MaxBlockData
	case IDPort:
		ok = n == 2
	case IDSuggest, IDAllowedFast:
		ok = n == 4
	case IDExtended:
		ok = n >= 1 && n <= MaxExtended
	default:
		return fmt.Errorf("%w: %d", ErrUnknownID, id)
	}
	if !ok {
		return fmt.Errorf("%w: id %d with a %d-byte payload", ErrFrameLength, id, n)
	}
	return nil
}

// maxLength returns the largest length prefix accepted for a file of m
// blocks.
func maxLength(m int) int {
	return max(1+(m+7)/8, 1+8+MaxBlockData, 1+MaxExtended)
}

// ParseMessage parses the first peer-wire message of p for a file of m
// blocks and returns it with the number of bytes it takes. A HAVE must be
// exactly 5 bytes long with an index below m, a BITFIELD exactly 1 + ⌈m/8⌉
// bytes with its spare bits clear; other ids are checked against their
// fixed lengths and unknown ids rejected. When p holds only part of a
// message the error is [ErrTruncated]. On error no message is returned.
func ParseMessage(p []byte, m int) (Message, int, error) {
	if m < 1 || m > MaxBlocks {
		return Message{}, 0, fmt.Errorf("%w: m = %d not in [1, %d]", ErrBlocks, m, MaxBlocks)
	}
	if len(p) < 4 {
		return Message{}, 0, fmt.Errorf("%w: %d bytes, no length prefix", ErrTruncated, len(p))
	}
	n := binary.BigEndian.Uint32(p)
	if n == 0 {
		return Message{KeepAlive: true}, 4, nil
	}
	if uint64(n) > uint64(maxLength(m)) {
		return Message{}, 0, fmt.Errorf("%w: length %d", ErrTooLarge, n)
	}
	if len(p) < 4+int(n) {
		return Message{}, 0, fmt.Errorf("%w: length %d, %d bytes present", ErrTruncated, n, len(p)-4)
	}
	msg, err := parseBody(p[4], p[5:4+n], m)
	if err != nil {
		return Message{}, 0, err
	}
	return msg, 4 + int(n), nil
}

// UnmarshalMessage parses p, which must hold exactly one message.
func UnmarshalMessage(p []byte, m int) (Message, error) {
	msg, n, err := ParseMessage(p, m)
	if err != nil {
		return Message{}, err
	}
	if n != len(p) {
		return Message{}, fmt.Errorf("%w: %d bytes", ErrTrailing, len(p)-n)
	}
	return msg, nil
}

func parseBody(id byte, body []byte, m int) (Message, error) {
	switch id {
	case IDHave:
		if len(body) != 4 {
			return Message{}, fmt.Errorf("%w: HAVE with a %d-byte payload", ErrFrameLength, len(body))
		}
		idx := binary.BigEndian.Uint32(body)
		if uint64(idx) >= uint64(m) {
			return Message{}, fmt.Errorf("%w: HAVE %d, %d blocks", ErrBlockRange, idx, m)
		}
		return Message{ID: IDHave, Index: int(idx)}, nil
	case IDBitfield:
		bf, err := ParseBitfield(body, m)
		if err != nil {
			return Message{}, err
		}
		return Message{ID: IDBitfield, Bitfield: bf}, nil
	}
	if err := checkOther(id, len(body)); err != nil {
		return Message{}, err
	}
	return Message{ID: id, Payload: append([]byte(nil), body...)}, nil
}

// Reader reads peer-wire messages from a stream (after the 68-byte
// handshake, which is not length-prefixed and is not handled here).
type Reader struct {
	r   io.Reader
	m   int
	hdr [4]byte
	buf []byte
}

// NewReader returns a Reader of the messages of a file of m blocks.
func NewReader(r io.Reader, m int) *Reader { return &Reader{r: r, m: m} }

// ReadMessage reads the next message. It returns io.EOF at a clean end of
// stream and an error wrapping [ErrTruncated] and io.ErrUnexpectedEOF when
// the stream stops inside a message.
func (r *Reader) ReadMessage() (Message, error) {
	if r.m < 1 || r.m > MaxBlocks {
		return Message{}, fmt.Errorf("%w: m = %d not in [1, %d]", ErrBlocks, r.m, MaxBlocks)
	}
	hdr := r.hdr[:]
	if _, err := io.ReadFull(r.r, hdr); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Message{}, fmt.Errorf("%w: %w", ErrTruncated, err)
		}
		return Message{}, err
	}
	n := binary.BigEndian.Uint32(hdr)
	if n == 0 {
		return Message{KeepAlive: true}, nil
	}
	if uint64(n) > uint64(maxLength(r.m)) {
		return Message{}, fmt.Errorf("%w: length %d", ErrTooLarge, n)
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	body := r.buf[:n]
	if _, err := io.ReadFull(r.r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Message{}, fmt.Errorf("%w: %w", ErrTruncated, err)
	}
	return parseBody(body[0], body[1:], r.m)
}
