package peerwire

import (
	"errors"
	"fmt"
	"io"
)

// Reader reads messages from a stream after the handshake.
type Reader struct {
	r io.Reader
	// MaxLength bounds a message's length prefix; 0 means
	// [DefaultMaxLength].
	MaxLength int
	hdr       [4]byte
	buf       []byte
}

// NewReader returns a Reader of the messages on r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// ReadMessage reads the next message. The byte slices of the message alias
// the Reader's buffer and are valid until the next call. It returns io.EOF
// at a clean end of stream and an error wrapping [ErrTruncated] and
// io.ErrUnexpectedEOF when the stream stops inside a message. A message of
// an unknown type is consumed and reported with [ErrUnknownType]; the
// stream stays usable.
func (r *Reader) ReadMessage() (Message, error) {
	max := r.MaxLength
	if max <= 0 {
		max = DefaultMaxLength
	}
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Message{}, fmt.Errorf("%w: %w", ErrTruncated, err)
		}
		return Message{}, err
	}
	n := uint32(r.hdr[0])<<24 | uint32(r.hdr[1])<<16 | uint32(r.hdr[2])<<8 | uint32(r.hdr[3])
	if n == 0 {
		return Message{Keepalive: true}, nil
	}
	if uint64(n) > uint64(max) {
		return Message{}, fmt.Errorf("%w: length %d above %d", ErrTooLarge, n, max)
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
	// parseBody returns a message of an unknown type with its Type set,
	// and the zero Message with any other error.
	return parseBody(body)
}
