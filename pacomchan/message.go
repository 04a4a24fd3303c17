package pacomchan

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MsgType is the first byte of a circuit message (Eqs. 5–7 of PACOM §3.5,
// and the acknowledgement of extension 3).
type MsgType uint8

const (
	// MsgHandshake is {type 0, h_id, TTL, E_t{h_id, time, sec_str, K}}.
	MsgHandshake MsgType = 0
	// MsgResponse is {type 1, h_id, E_K{sec_str}}.
	MsgResponse MsgType = 1
	// MsgData is {type 2, h_id, E_K{d_id, len, data}}.
	MsgData MsgType = 2
	// MsgAck is {type 3, h_id, E_K{d_id list}}, extension 3.
	MsgAck MsgType = 3
)

// Wire sizes of circuit messages, in bytes.
const (
	// CircuitIDSize is the size of h_id.
	CircuitIDSize = 16
	// SecretSize is the size of sec_str.
	SecretSize = 16
	// CircuitKeySize is the size of K.
	CircuitKeySize = 32
	// HandshakeSize is the size of a handshake request: type, h_id, TTL,
	// the 32-byte HPKE encapsulation and the sealed {h_id, time, sec_str,
	// K} with its 16-byte tag.
	HandshakeSize = 1 + CircuitIDSize + 1 + hpkeEncSize + handshakeInnerSize + aeadTagSize
	// ResponseSize is the size of a handshake response.
	ResponseSize = 1 + CircuitIDSize + SecretSize + aeadTagSize
	// DataOverhead is what a data message adds to its payload: type, h_id,
	// a 24-byte XChaCha20 nonce, d_id, len and the tag.
	DataOverhead = 1 + CircuitIDSize + xNonceSize + 8 + 4 + aeadTagSize
	// MaxAckIDs is the largest number of d_ids one acknowledgement lists.
	MaxAckIDs = 1024

	hpkeEncSize        = 32
	handshakeInnerSize = CircuitIDSize + 8 + SecretSize + CircuitKeySize
	aeadTagSize        = 16
	xNonceSize         = 24
	headerSize         = 1 + CircuitIDSize
)

// Errors of the circuit message codec.
var (
	ErrShortMessage = errors.New("pacomchan: circuit message too short")
	ErrMessageType  = errors.New("pacomchan: unknown circuit message type")
	ErrMessageSize  = errors.New("pacomchan: circuit message has the wrong size for its type")
)

// CircuitID is h_id, the identity of a circuit, chosen at random by the
// circuit's source.
type CircuitID [CircuitIDSize]byte

// String returns the first bytes of the id in hex.
func (id CircuitID) String() string { return fmt.Sprintf("%x", id[:4]) }

// Message is a parsed circuit message. Sealed is the encrypted part, which
// only the circuit's ends can open; relays route on Type, ID and TTL alone.
type Message struct {
	Type MsgType
	ID   CircuitID
	TTL  uint8  // handshake requests only
	Enc  []byte // handshake requests only: the HPKE encapsulated key
	// Sealed is E_t{...} for a handshake, E_K{...} otherwise; for data and
	// acknowledgements it starts with the 24-byte nonce.
	Sealed []byte
}

// MarshalBinary encodes the message. It never fails for a message that
// [Message.UnmarshalBinary] produced or that the router built.
func (m *Message) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(nil)
}

// AppendBinary appends the encoding of m to b.
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	switch m.Type {
	case MsgHandshake:
		if len(m.Enc) != hpkeEncSize || len(m.Sealed) != handshakeInnerSize+aeadTagSize {
			return b, ErrMessageSize
		}
		b = append(b, byte(m.Type))
		b = append(b, m.ID[:]...)
		b = append(b, m.TTL)
		b = append(b, m.Enc...)
		return append(b, m.Sealed...), nil
	case MsgResponse:
		if len(m.Sealed) != SecretSize+aeadTagSize {
			return b, ErrMessageSize
		}
	case MsgData, MsgAck:
		if len(m.Sealed) < xNonceSize+aeadTagSize+8+4 {
			return b, ErrMessageSize
		}
	default:
		return b, fmt.Errorf("%w: %d", ErrMessageType, m.Type)
	}
	if m.TTL != 0 || m.Enc != nil {
		return b, fmt.Errorf("%w: TTL or encapsulation on a type %d message", ErrMessageSize, m.Type)
	}
	b = append(b, byte(m.Type))
	b = append(b, m.ID[:]...)
	return append(b, m.Sealed...), nil
}

// UnmarshalBinary parses a circuit message. The result aliases b. On error
// m is left unchanged.
func (m *Message) UnmarshalBinary(b []byte) error {
	if len(b) < headerSize {
		return fmt.Errorf("%w: %d bytes", ErrShortMessage, len(b))
	}
	var out Message
	out.Type = MsgType(b[0])
	copy(out.ID[:], b[1:headerSize])
	rest := b[headerSize:]
	switch out.Type {
	case MsgHandshake:
		if len(b) != HandshakeSize {
			return fmt.Errorf("%w: handshake of %d bytes, want %d", ErrMessageSize, len(b), HandshakeSize)
		}
		out.TTL = rest[0]
		out.Enc = rest[1 : 1+hpkeEncSize]
		out.Sealed = rest[1+hpkeEncSize:]
	case MsgResponse:
		if len(b) != ResponseSize {
			return fmt.Errorf("%w: response of %d bytes, want %d", ErrMessageSize, len(b), ResponseSize)
		}
		out.Sealed = rest
	case MsgData, MsgAck:
		if len(rest) < xNonceSize+aeadTagSize+8+4 {
			return fmt.Errorf("%w: type %d message of %d bytes", ErrMessageSize, out.Type, len(b))
		}
		out.Sealed = rest
	default:
		return fmt.Errorf("%w: %d", ErrMessageType, out.Type)
	}
	*m = out
	return nil
}

// handshakeInner is the plaintext E_t{h_id, time, sec_str, K}.
type handshakeInner struct {
	id     CircuitID
	timeMs int64 // sending time, Unix milliseconds
	secret [SecretSize]byte
	key    [CircuitKeySize]byte
}

func (h *handshakeInner) marshal() []byte {
	b := make([]byte, 0, handshakeInnerSize)
	b = append(b, h.id[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.timeMs))
	b = append(b, h.secret[:]...)
	return append(b, h.key[:]...)
}

func (h *handshakeInner) unmarshal(b []byte) error {
	// mutation: unreachable — the HPKE plaintext of a parsed handshake has exactly this size.
	if len(b) != handshakeInnerSize {
		return ErrMessageSize
	}
	copy(h.id[:], b)
	h.timeMs = int64(binary.BigEndian.Uint64(b[CircuitIDSize:]))
	copy(h.secret[:], b[CircuitIDSize+8:])
	copy(h.key[:], b[CircuitIDSize+8+SecretSize:])
	return nil
}
