package p2p

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/swarmblocks/swarmblocks/chord"
)

// Frame limits.
const (
	// FrameHeaderSize is the size of a frame's length prefix: a big-endian
	// uint32 counting the payload bytes that follow.
	FrameHeaderSize = 4
	// MaxFrameSize bounds a frame's payload: it is
	// [chord.MaxMessageSize], the longest valid encoding of a
	// [chord.Request] or [chord.Response], so that a frame carries any
	// valid message and nothing longer. A peer announcing a longer frame is
	// cut off before anything is allocated.
	MaxFrameSize = chord.MaxMessageSize
)

// Frame errors.
var (
	// ErrFrameTooLarge is returned by [ReadFrame] for a length prefix above
	// the limit, and by [AppendFrame] for a payload above it.
	ErrFrameTooLarge = errors.New("p2p: frame too large")
	// ErrFrameEmpty is returned by [ReadFrame] for a zero length prefix:
	// no valid message is empty.
	ErrFrameEmpty = errors.New("p2p: empty frame")
)

// AppendFrame appends payload to b behind its length prefix.
func AppendFrame(b, payload []byte) ([]byte, error) {
	if len(payload) > MaxFrameSize {
		return b, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, len(payload))
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(payload)))
	return append(b, payload...), nil
}

// ReadFrame reads one frame from r and returns its payload, reusing buf's
// memory when it is large enough. A length above max (or above
// MaxFrameSize when max is zero or larger) is refused with
// [ErrFrameTooLarge] before any payload is read or allocated, so a hostile
// peer cannot make the reader allocate more than the limit. A clean end of
// stream before the first header byte is io.EOF; a stream ending inside a
// frame is io.ErrUnexpectedEOF.
func ReadFrame(r io.Reader, buf []byte, max int) ([]byte, error) {
	if max <= 0 || max > MaxFrameSize {
		max = MaxFrameSize
	}
	var hdr [FrameHeaderSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 {
		return nil, ErrFrameEmpty
	}
	if uint64(n) > uint64(max) {
		return nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrFrameTooLarge, n, max)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}
