package pacomnet

import (
	"encoding/binary"

	"github.com/swarmblocks/swarmblocks/peerwire"
)

// splitter cuts a BEP 3 byte stream (handshake first) into whole messages.
type splitter struct {
	buf        []byte
	handshaken bool
}

// push adds bytes and returns the complete units now available: the
// handshake, then one message at a time. Returned slices are fresh.
func (s *splitter) push(p []byte) [][]byte {
	s.buf = append(s.buf, p...)
	var out [][]byte
	for {
		if !s.handshaken {
			if len(s.buf) < peerwire.HandshakeSize {
				return out
			}
			out = append(out, append([]byte(nil), s.buf[:peerwire.HandshakeSize]...))
			s.buf = s.buf[peerwire.HandshakeSize:]
			s.handshaken = true
			continue
		}
		if len(s.buf) < 4 {
			return out
		}
		n := 4 + int(binary.BigEndian.Uint32(s.buf))
		if n > 4+peerwire.DefaultMaxLength || len(s.buf) < n {
			if n > 4+peerwire.DefaultMaxLength { // not BEP 3: pass it all
				out = append(out, s.buf)
				s.buf = nil
			}
			return out
		}
		out = append(out, append([]byte(nil), s.buf[:n]...))
		s.buf = s.buf[n:]
	}
}

// isPiece reports whether a unit is a PIECE message.
func isPiece(u []byte) bool { return len(u) >= 5 && u[4] == byte(peerwire.Piece) }
