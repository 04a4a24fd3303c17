package chord

import (
	"context"
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// TicketSize is the size in bytes of an encoded [Ticket].
const TicketSize = 32 + 4 + IDSize + 32 + 8 + ed25519.PublicKeySize + ed25519.SignatureSize

// Ticket errors. A storer that rejects a store request counts the reason in
// [Stats].
var (
	ErrTicketUntrusted = errors.New("chord: ticket signed by an untrusted tracker")
	ErrTicketSignature = errors.New("chord: ticket signature does not verify")
	ErrTicketExpired   = errors.New("chord: ticket expired")
	ErrTicketMismatch  = errors.New("chord: ticket does not match the stored block")
	ErrTicketLength    = errors.New("chord: ticket must be 204 bytes")
)

// ticketDomain separates ticket signatures from any other use of a tracker
// key.
const ticketDomain = "swarmblocks chord store ticket v1\x00"

// A Ticket is the tracker-signed store authorisation of [BitStore §4.3]:
// M' = ⟨⟨chunk_hash, i⟩, k⟩ signed with the tracker's ed25519 key. A storer
// accepts a block only with a ticket from a tracker it trusts, for a key it
// is itself responsible for.
//
// Two fields extend the paper's M' so that a ticket cannot be replayed: the
// BLAKE3 hash of the exact bytes to be stored (so a captured ticket cannot
// authorise other data) and an expiry time, on the clock the trackers and
// storers share (Unix nanoseconds in a deployment; simulated time in
// [chord/simnet]).
type Ticket struct {
	ChunkHash [32]byte // the chunk's hash as published in the .torrent (§4.2)
	Index     uint32   // the replica index i, 0 ≤ i < q_s
	Key       ID       // the ring key k = h(chunk_hash, secret, i)
	DataHash  [32]byte // BLAKE3 of the (encrypted) block the ticket authorises
	Expires   int64    // nanoseconds on the shared clock; the ticket is void after it
	Tracker   [ed25519.PublicKeySize]byte
	Sig       [ed25519.SignatureSize]byte
}

func (t *Ticket) signedBytes() []byte {
	b := make([]byte, 0, len(ticketDomain)+32+4+IDSize+32+8)
	b = append(b, ticketDomain...)
	b = append(b, t.ChunkHash[:]...)
	b = binary.BigEndian.AppendUint32(b, t.Index)
	b = append(b, t.Key[:]...)
	b = append(b, t.DataHash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Expires))
	return b
}

// Verify checks the ticket's signature, that it was signed by one of
// trusted, and that it has not expired at time now. It does not check the
// ring key against the storer's responsibility; the node does that.
func (t *Ticket) Verify(trusted []ed25519.PublicKey, now time.Duration) error {
	ok := false
	for _, pk := range trusted {
		if len(pk) == ed25519.PublicKeySize && [ed25519.PublicKeySize]byte(pk) == t.Tracker {
			ok = true
			break
		}
	}
	if !ok {
		return ErrTicketUntrusted
	}
	if !ed25519.Verify(t.Tracker[:], t.signedBytes(), t.Sig[:]) {
		return ErrTicketSignature
	}
	if int64(now) > t.Expires {
		return ErrTicketExpired
	}
	return nil
}

// AppendBinary appends the TicketSize-byte encoding of t to b.
func (t *Ticket) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, t.ChunkHash[:]...)
	b = binary.BigEndian.AppendUint32(b, t.Index)
	b = append(b, t.Key[:]...)
	b = append(b, t.DataHash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Expires))
	b = append(b, t.Tracker[:]...)
	b = append(b, t.Sig[:]...)
	return b, nil
}

// MarshalBinary returns the TicketSize-byte encoding of t.
func (t *Ticket) MarshalBinary() ([]byte, error) {
	return t.AppendBinary(make([]byte, 0, TicketSize))
}

// UnmarshalBinary decodes a ticket; it rejects any length but TicketSize.
// It does not verify the signature.
func (t *Ticket) UnmarshalBinary(b []byte) error {
	if len(b) != TicketSize {
		return fmt.Errorf("%w: got %d", ErrTicketLength, len(b))
	}
	var u Ticket
	copy(u.ChunkHash[:], b)
	b = b[32:]
	u.Index = binary.BigEndian.Uint32(b)
	b = b[4:]
	copy(u.Key[:], b)
	b = b[IDSize:]
	copy(u.DataHash[:], b)
	b = b[32:]
	u.Expires = int64(binary.BigEndian.Uint64(b))
	b = b[8:]
	copy(u.Tracker[:], b)
	b = b[ed25519.PublicKeySize:]
	copy(u.Sig[:], b)
	*t = u
	return nil
}

// A Tracker signs store tickets for the clients of its swarms (§4.3). The
// trackers of one organisation know each other's public keys; storers are
// configured with them through [Config.TrustedTrackers].
type Tracker struct {
	priv     ed25519.PrivateKey
	pub      ed25519.PublicKey
	now      func() time.Duration
	validity time.Duration
}

// NewTracker generates a tracker key pair from rnd; a nil rnd means
// crypto/rand.Reader, what a deployment uses.
func NewTracker(rnd io.Reader) (*Tracker, error) {
	pub, priv, err := ed25519.GenerateKey(rnd)
	if err != nil {
		return nil, fmt.Errorf("chord: tracker key: %w", err)
	}
	return &Tracker{priv: priv, pub: pub}, nil
}

// ErrTrackerKey is returned by [NewTrackerFromKey] for a key that is not
// a well-formed Ed25519 private key.
var ErrTrackerKey = errors.New("chord: malformed tracker key")

// NewTrackerFromKey returns a tracker signing with priv, a key kept from
// an earlier [NewTracker] (its [Tracker.PrivateKey]) or made with
// ed25519.NewKeyFromSeed. It refuses a key of the wrong length, or one
// whose public half does not belong to its seed, with [ErrTrackerKey]. The
// tracker keeps a copy of priv.
func NewTrackerFromKey(priv ed25519.PrivateKey) (*Tracker, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrTrackerKey, len(priv), ed25519.PrivateKeySize)
	}
	k := ed25519.NewKeyFromSeed(priv.Seed())
	if subtle.ConstantTimeCompare(k, priv) != 1 {
		return nil, fmt.Errorf("%w: the public key does not match the seed", ErrTrackerKey)
	}
	return &Tracker{priv: k, pub: k.Public().(ed25519.PublicKey)}, nil
}

// PrivateKey returns a copy of the tracker's signing key, for keeping it
// across restarts ([NewTrackerFromKey]). It is a secret.
func (tr *Tracker) PrivateKey() ed25519.PrivateKey { return slices.Clone(tr.priv) }

// PublicKey returns the key storers verify tickets with.
func (tr *Tracker) PublicKey() ed25519.PublicKey { return tr.pub }

// SignReplica returns a ticket for replica index of the chunk chunkHash of
// swarm sw, authorising exactly the bytes whose BLAKE3 hash is dataHash
// until expires. As in §4.3 the tracker computes the ring key itself,
// k = h(chunk_hash, secret, i) ([Swarm.ReplicaKey]), so a ticket can never
// name another chunk's replica key. It fails if sw is nil or index is not
// below q_s.
func (tr *Tracker) SignReplica(sw *Swarm, chunkHash [32]byte, index uint32, dataHash [32]byte, expires time.Duration) (Ticket, error) {
	if sw == nil {
		return Ticket{}, fmt.Errorf("%w: no swarm", ErrTicketRequest)
	}
	if int64(index) >= int64(sw.replicas) {
		return Ticket{}, fmt.Errorf("%w: replica %d of %d", ErrTicketRequest, index, sw.replicas)
	}
	return tr.sign(chunkHash, index, sw.ReplicaKey(chunkHash, int(index)), dataHash, expires), nil
}

// SignBlock returns a ticket for a content-addressed block (DHash's
// put(block), [Node.Put]): its key is [BlockKey] of the data, so the
// ticket's key, chunk hash and data hash are all dataHash and its index 0.
func (tr *Tracker) SignBlock(dataHash [32]byte, expires time.Duration) Ticket {
	return tr.sign(dataHash, 0, ID(dataHash), dataHash, expires)
}

func (tr *Tracker) sign(chunkHash [32]byte, index uint32, key ID, dataHash [32]byte, expires time.Duration) Ticket {
	t := Ticket{ChunkHash: chunkHash, Index: index, Key: key, DataHash: dataHash, Expires: int64(expires)}
	copy(t.Tracker[:], tr.pub)
	copy(t.Sig[:], ed25519.Sign(tr.priv, t.signedBytes()))
	return t
}

// DefaultTicketValidity is how long a [Tracker]'s tickets stay valid.
const DefaultTicketValidity = time.Hour

// ErrTicketRequest is returned by a [TicketIssuer] asked for a ticket it
// cannot issue.
var ErrTicketRequest = errors.New("chord: invalid ticket request")

// TicketIssuer issues store tickets to a client; a client's tracker plays
// this role (§4.3). [Tracker] implements it.
//
// IssueTicket returns a ticket for replica index of the chunk chunkHash of
// swarm sw, for the bytes whose BLAKE3 hash is dataHash; the issuer
// computes the ring key from the swarm secret. A nil sw asks for a
// content-addressed block ([Node.Put]): then chunkHash must equal dataHash
// and index must be 0, and the key is the data's [BlockKey].
type TicketIssuer interface {
	IssueTicket(ctx context.Context, sw *Swarm, chunkHash [32]byte, index uint32, dataHash [32]byte) (Ticket, error)
}

var _ TicketIssuer = (*Tracker)(nil)

// SetClock sets the clock the tracker dates tickets with and how long they
// stay valid. By default a tracker uses Unix time in nanoseconds, the
// default clock of [Config.Now], and [DefaultTicketValidity].
func (tr *Tracker) SetClock(now func() time.Duration, validity time.Duration) {
	tr.now, tr.validity = now, validity
}

// IssueTicket implements [TicketIssuer]: it signs a ticket valid from now
// for the tracker's validity period.
func (tr *Tracker) IssueTicket(_ context.Context, sw *Swarm, chunkHash [32]byte, index uint32, dataHash [32]byte) (Ticket, error) {
	now, validity := tr.now, tr.validity
	if now == nil {
		now = unixNow
	}
	if validity <= 0 {
		validity = DefaultTicketValidity
	}
	expires := now() + validity
	if sw == nil {
		if chunkHash != dataHash || index != 0 {
			return Ticket{}, fmt.Errorf("%w: a content-addressed block is named by its data hash, index 0", ErrTicketRequest)
		}
		return tr.SignBlock(dataHash, expires), nil
	}
	return tr.SignReplica(sw, chunkHash, index, dataHash, expires)
}

func unixNow() time.Duration { return time.Duration(time.Now().UnixNano()) }
