package steg

import (
	"errors"
	"fmt"
	"io"

	"github.com/swarmblocks/swarmblocks/peerwire"
)

// Peer-wire message ids of BEP 3, BEP 6 (fast extension) and BEP 10
// (extension protocol), as package peerwire defines them.
const (
	IDChoke         = byte(peerwire.Choke)
	IDUnchoke       = byte(peerwire.Unchoke)
	IDInterested    = byte(peerwire.Interested)
	IDNotInterested = byte(peerwire.NotInterested)
	IDHave          = byte(peerwire.Have)
	IDBitfield      = byte(peerwire.Bitfield)
	IDRequest       = byte(peerwire.Request)
	IDPiece         = byte(peerwire.Piece)
	IDCancel        = byte(peerwire.Cancel)
	IDPort          = byte(peerwire.Port)
	IDSuggest       = byte(peerwire.Suggest)
	IDHaveAll       = byte(peerwire.HaveAll)
	IDHaveNone      = byte(peerwire.HaveNone)
	IDReject        = byte(peerwire.Reject)
	IDAllowedFast   = byte(peerwire.AllowedFast)
	IDExtended      = byte(peerwire.Extended)
)

// Sizes of the peer-wire framing.
const (
	// HaveSize is the size of a whole HAVE message: length 5, id 4, index.
	HaveSize = 4 + 1 + 4
	// MaxBlockData is the largest PIECE payload accepted (128 KiB; clients
	// send 16 KiB blocks).
	MaxBlockData = peerwire.MaxBlock
	// MaxExtended is the largest BEP 10 extension message accepted.
	MaxExtended = 1 << 20
)

// ErrNilReader is returned by [Reader.ReadMessage] on a Reader made with a
// nil io.Reader.
var ErrNilReader = errors.New("steg: nil io.Reader")

// Message is one peer-wire message after the handshake: a keep-alive, a
// HAVE (Index, a piece index), a BITFIELD (Bitfield), or any other message
// of BEP 3, BEP 6 or BEP 10, kept as its raw payload so that it re-encodes
// byte for byte. The framing is package peerwire's; this type adds the
// range checks of a file of m pieces and the [Bitfield] type.
type Message struct {
	KeepAlive bool
	ID        byte
	Index     int       // piece index of a HAVE
	Bitfield  *Bitfield // pieces of a BITFIELD
	Payload   []byte    // payload of any other message
}

// AppendHave appends the 9-byte HAVE message of piece index to dst:
// length 5 (big-endian uint32), id 4, index (big-endian uint32).
func AppendHave(dst []byte, index int) ([]byte, error) {
	if index < 0 || index > MaxBlocks-1 {
		return dst, fmt.Errorf("%w: piece %d not in [0, %d)", ErrBlockRange, index, MaxBlocks)
	}
	m := peerwire.Message{Type: peerwire.Have, Index: uint32(index)}
	return m.AppendBinary(dst)
}

// AppendBitfield appends the BITFIELD message of bf to dst: length
// 1 + ⌈m/8⌉, id 5, the bitfield bytes.
func AppendBitfield(dst []byte, bf *Bitfield) []byte {
	m := peerwire.Message{Type: peerwire.Bitfield, Bitfield: bf.b}
	out, _ := m.AppendBinary(dst) // a BITFIELD always encodes
	return out
}

// AppendBinary appends the wire encoding of msg to dst.
func (msg Message) AppendBinary(dst []byte) ([]byte, error) {
	switch {
	case msg.KeepAlive:
		return (&peerwire.Message{Keepalive: true}).AppendBinary(dst)
	case msg.ID == IDHave:
		return AppendHave(dst, msg.Index)
	case msg.ID == IDBitfield:
		if msg.Bitfield == nil {
			return dst, fmt.Errorf("%w: BITFIELD without a bitfield", ErrFrameLength)
		}
		return AppendBitfield(dst, msg.Bitfield), nil
	}
	if !peerwire.Type(msg.ID).Known() {
		return dst, fmt.Errorf("%w: %d", ErrUnknownID, msg.ID)
	}
	// Frame the raw payload, then let the codec check it.
	start := len(dst)
	n := 1 + len(msg.Payload)
	dst = append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n), msg.ID)
	dst = append(dst, msg.Payload...)
	if _, err := peerwire.Unmarshal(dst[start:], 1+MaxExtended); err != nil {
		return dst[:start], mapErr(err)
	}
	return dst, nil
}

// maxLength returns the largest length prefix accepted for a file of m
// pieces.
func maxLength(m int) int {
	return max(1+(m+7)/8, 1+8+MaxBlockData, 1+MaxExtended)
}

// mapErr returns a peerwire error wrapped in this package's sentinel for it.
func mapErr(err error) error {
	switch {
	case errors.Is(err, peerwire.ErrTruncated):
		return fmt.Errorf("%w: %w", ErrTruncated, err)
	case errors.Is(err, peerwire.ErrTooLarge):
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	case errors.Is(err, peerwire.ErrLength):
		return fmt.Errorf("%w: %w", ErrFrameLength, err)
	case errors.Is(err, peerwire.ErrUnknownType):
		return fmt.Errorf("%w: %w", ErrUnknownID, err)
	case errors.Is(err, peerwire.ErrTrailing):
		return fmt.Errorf("%w: %w", ErrTrailing, err)
	}
	return err
}

// ParseMessage parses the first peer-wire message of p for a file of m
// pieces and returns it with the number of bytes it takes. A HAVE must be
// exactly 5 bytes long with an index below m, a BITFIELD exactly 1 + ⌈m/8⌉
// bytes with its spare bits clear; other ids are checked against their
// fixed lengths. When p holds only part of a message the error is
// [ErrTruncated] and n is 0. A message with an id the codec does not know
// (BEP 52's 21–23, say) returns [ErrUnknownID] with n its whole length, so
// that the caller can step over it; other errors have n = 0. On error no
// message is returned.
func ParseMessage(p []byte, m int) (Message, int, error) {
	if m < 1 || m > MaxBlocks {
		return Message{}, 0, fmt.Errorf("%w: m = %d not in [1, %d]", ErrBlocks, m, MaxBlocks)
	}
	pm, n, err := peerwire.Parse(p, maxLength(m))
	if err != nil {
		return Message{}, n, mapErr(err)
	}
	msg, err := convert(&pm, p[:n], m)
	if err != nil {
		return Message{}, 0, err
	}
	return msg, n, nil
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

// convert turns a parsed message, whose whole encoding is frame, into a
// Message of a file of m pieces. The result does not alias frame.
func convert(pm *peerwire.Message, frame []byte, m int) (Message, error) {
	if pm.Keepalive {
		return Message{KeepAlive: true}, nil
	}
	switch pm.Type {
	case peerwire.Have:
		if uint64(pm.Index) >= uint64(m) {
			return Message{}, fmt.Errorf("%w: HAVE %d, %d pieces", ErrBlockRange, pm.Index, m)
		}
		return Message{ID: IDHave, Index: int(pm.Index)}, nil
	case peerwire.Bitfield:
		bf, err := ParseBitfield(pm.Bitfield, m)
		if err != nil {
			return Message{}, err
		}
		return Message{ID: IDBitfield, Bitfield: bf}, nil
	}
	return Message{ID: byte(pm.Type), Payload: append([]byte(nil), frame[5:]...)}, nil
}

// Reader reads peer-wire messages from a stream (after the 68-byte
// handshake, which is not length-prefixed; see peerwire.ReadHandshake).
type Reader struct {
	pr  *peerwire.Reader
	m   int
	enc []byte
}

// NewReader returns a Reader of the messages of a file of m pieces. A nil
// r makes every ReadMessage fail with [ErrNilReader].
func NewReader(r io.Reader, m int) *Reader {
	rd := &Reader{m: m}
	if r != nil {
		rd.pr = peerwire.NewReader(r)
		rd.pr.MaxLength = maxLength(max(m, 1))
	}
	return rd
}

// ReadMessage reads the next message. It returns io.EOF at a clean end of
// stream and an error wrapping [ErrTruncated] and io.ErrUnexpectedEOF when
// the stream stops inside a message. A message of an unknown id is
// consumed and reported with [ErrUnknownID]; the stream stays usable.
func (r *Reader) ReadMessage() (Message, error) {
	if r.m < 1 || r.m > MaxBlocks {
		return Message{}, fmt.Errorf("%w: m = %d not in [1, %d]", ErrBlocks, r.m, MaxBlocks)
	}
	if r.pr == nil {
		return Message{}, ErrNilReader
	}
	pm, err := r.pr.ReadMessage()
	if err != nil {
		if errors.Is(err, io.EOF) && !errors.Is(err, peerwire.ErrTruncated) {
			return Message{}, err
		}
		return Message{}, mapErr(err)
	}
	// Re-frame the payload of "other" messages (keep-alive, HAVE and
	// BITFIELD do not need it).
	var frame []byte
	if !pm.Keepalive && pm.Type != peerwire.Have && pm.Type != peerwire.Bitfield {
		r.enc, err = pm.AppendBinary(r.enc[:0])
		if err != nil {
			return Message{}, mapErr(err)
		}
		frame = r.enc
	}
	return convert(&pm, frame, r.m)
}
