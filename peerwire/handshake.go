package peerwire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Protocol is the protocol string of the BEP 3 handshake.
const Protocol = "BitTorrent protocol"

// HandshakeSize is the size of a BEP 3 handshake: the length byte 19, the
// protocol string, 8 reserved bytes, the info-hash and the peer id.
const HandshakeSize = 1 + len(Protocol) + 8 + 20 + 20

// Reserved-bit masks of the handshake's 8 reserved bytes.
const (
	ReservedExtended byte = 0x10 // byte 5: BEP 10 extension protocol
	ReservedFast     byte = 0x04 // byte 7: BEP 6 fast extension
	ReservedDHT      byte = 0x01 // byte 7: BEP 5 DHT
)

// ErrHandshake is returned for a handshake that is not a BEP 3 handshake.
var ErrHandshake = errors.New("peerwire: not a BitTorrent handshake")

// Handshake is the BEP 3 handshake each side sends first.
type Handshake struct {
	Reserved [8]byte
	InfoHash [20]byte
	PeerID   [20]byte
}

// AppendBinary appends the 68-byte encoding of h to dst.
func (h *Handshake) AppendBinary(dst []byte) ([]byte, error) {
	dst = append(dst, byte(len(Protocol)))
	dst = append(dst, Protocol...)
	dst = append(dst, h.Reserved[:]...)
	dst = append(dst, h.InfoHash[:]...)
	return append(dst, h.PeerID[:]...), nil
}

// MarshalBinary returns the 68-byte encoding of h.
func (h *Handshake) MarshalBinary() ([]byte, error) { return h.AppendBinary(nil) }

// UnmarshalBinary parses exactly one handshake. On error h is unchanged.
func (h *Handshake) UnmarshalBinary(b []byte) error {
	if len(b) != HandshakeSize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrHandshake, len(b), HandshakeSize)
	}
	if b[0] != byte(len(Protocol)) || !bytes.Equal(b[1:1+len(Protocol)], []byte(Protocol)) {
		return fmt.Errorf("%w: protocol string %q", ErrHandshake, b[1:1+min(int(b[0]), len(Protocol))])
	}
	var out Handshake
	o := 1 + len(Protocol)
	copy(out.Reserved[:], b[o:o+8])
	copy(out.InfoHash[:], b[o+8:o+28])
	copy(out.PeerID[:], b[o+28:])
	*h = out
	return nil
}

// WriteHandshake writes h to w.
func WriteHandshake(w io.Writer, h *Handshake) error {
	b, _ := h.MarshalBinary()
	_, err := w.Write(b)
	return err
}

// ReadHandshake reads a handshake from r.
func ReadHandshake(r io.Reader) (Handshake, error) {
	var b [HandshakeSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Handshake{}, fmt.Errorf("peerwire: reading handshake: %w", err)
	}
	var h Handshake
	err := h.UnmarshalBinary(b[:])
	return h, err
}
