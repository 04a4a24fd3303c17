package drm

import (
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// ExtensionName is the name under which the carrier's BEP 10 extension
// message is advertised in the extended handshake.
const ExtensionName = "sb_drm_capsule_v1"

// Kind is the first byte of an extension message.
type Kind uint8

const (
	// KindRequest asks for the capsule of a piece blinded for a peer:
	// index (4) ‖ peer (32), [RequestSize] bytes after the kind.
	KindRequest Kind = 1
	// KindCapsule answers a request: a capsule in its fixed-size wire
	// form, [reencrypt.CapsuleSize] bytes after the kind.
	KindCapsule Kind = 2
	// KindRefuse answers a request that will not be served: index (4) ‖
	// reason (1), [RefuseSize] bytes after the kind.
	KindRefuse Kind = 3
)

func (k Kind) String() string {
	switch k {
	case KindRequest:
		return "request"
	case KindCapsule:
		return "capsule"
	case KindRefuse:
		return "refuse"
	}
	return fmt.Sprintf("kind %d", uint8(k))
}

// RequestSize and RefuseSize are the lengths of a request and a refusal
// after the kind byte.
const (
	RequestSize = 4 + 32
	RefuseSize  = 4 + 1
)

// Reason says why a request was refused.
type Reason uint8

const (
	// ReasonUnavailable: the uploader does not hold the piece's capsule
	// (yet): ask another peer, or again later.
	ReasonUnavailable Reason = 1
	// ReasonBusy: the uploader has too many requests from this peer.
	ReasonBusy Reason = 2
	// ReasonKeys: the key server refused or failed to give the uploader
	// its key, for instance because the requester is not subscribed.
	ReasonKeys Reason = 3
)

func (r Reason) String() string {
	switch r {
	case ReasonUnavailable:
		return "unavailable"
	case ReasonBusy:
		return "busy"
	case ReasonKeys:
		return "no key"
	}
	return fmt.Sprintf("reason %d", uint8(r))
}

// Message is one extension message of the carrier. Which fields are set
// depends on Kind: Index and To for a request, Capsule for a capsule (its
// index is the piece's), Index and Reason for a refusal.
//
// # Protocol overview
//
//	downloader k                                uploader j          key server
//	(body i complete, SHA-1 checked)
//	── Request(i, k) ──────────────────────────▶
//	                                            ── ReKeys(k, i) ──▶ (j ≠ Po)
//	                                            ◀── Δ ─────────────
//	                                            C' = C_j + Δ        (T)
//	◀── Capsule(C') ─────────────────────────── (or Refuse(i, why))
//	VerifyCapsule(C') against the expected hash (§2.3); if polluted,
//	reject it and ask another peer.
//
// The original seed Po answers with UploadKeys and [reencrypt.Seed.Capsule]
// instead of a re-key and T.
type Message struct {
	Kind    Kind
	Index   uint32
	To      reencrypt.PeerID
	Capsule *reencrypt.Capsule
	Reason  Reason
}

// AppendBinary appends the wire form of m to b.
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	switch m.Kind {
	case KindRequest:
		b = append(b, byte(KindRequest))
		b = binary.BigEndian.AppendUint32(b, m.Index)
		return append(b, m.To[:]...), nil
	case KindCapsule:
		if m.Capsule == nil {
			return nil, fmt.Errorf("%w: capsule message without a capsule", ErrMessage)
		}
		return m.Capsule.AppendBinary(append(b, byte(KindCapsule)))
	case KindRefuse:
		if m.Reason < ReasonUnavailable || m.Reason > ReasonKeys {
			return nil, fmt.Errorf("%w: %v", ErrMessage, m.Reason)
		}
		b = append(b, byte(KindRefuse))
		b = binary.BigEndian.AppendUint32(b, m.Index)
		return append(b, byte(m.Reason)), nil
	}
	return nil, fmt.Errorf("%w: kind %d", ErrMessage, m.Kind)
}

// MarshalBinary returns the wire form of m.
func (m *Message) MarshalBinary() ([]byte, error) { return m.AppendBinary(nil) }

// ParseMessage decodes an extension message of a torrent over group g. It
// rejects an unknown kind or reason, a wrong length for the kind, and a
// capsule that [reencrypt.ParseCapsule] rejects, with [ErrMessage]. It does
// not check the index against the torrent: the carrier does.
func ParseMessage(g group.Group, data []byte) (*Message, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrMessage)
	}
	m := &Message{Kind: Kind(data[0])}
	body := data[1:]
	switch m.Kind {
	case KindRequest:
		if len(body) != RequestSize {
			return nil, fmt.Errorf("%w: request of %d bytes", ErrMessage, len(body))
		}
		m.Index = binary.BigEndian.Uint32(body)
		copy(m.To[:], body[4:])
	case KindCapsule:
		c, err := reencrypt.ParseCapsule(g, body)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMessage, err)
		}
		m.Capsule, m.Index = c, c.Index
	case KindRefuse:
		if len(body) != RefuseSize {
			return nil, fmt.Errorf("%w: refusal of %d bytes", ErrMessage, len(body))
		}
		m.Index = binary.BigEndian.Uint32(body)
		m.Reason = Reason(body[4])
		if m.Reason < ReasonUnavailable || m.Reason > ReasonKeys {
			return nil, fmt.Errorf("%w: %v", ErrMessage, m.Reason)
		}
	default:
		return nil, fmt.Errorf("%w: kind %d", ErrMessage, m.Kind)
	}
	return m, nil
}
