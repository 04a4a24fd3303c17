package reencrypt

import (
	"fmt"
	"io"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// Peer is a downloading (and uploading) peer: its key pair (PGen), the
// torrent it joined, and, once installed, its licence. It re-encrypts pieces
// it uploads ([Peer.Transform], the paper's T), verifies pieces it receives
// ([Peer.Receive]) and decrypts them with its licence ([Peer.Decrypt],
// PDec). A Peer is not safe for concurrent use.
type Peer struct {
	torrent  *Torrent
	g        group.Group
	sk       *elgamal.PrivateKey
	id       PeerID
	expected [][32]byte
	licence  *Licence
}

// NewPeer runs PGen for a peer of torrent t: it draws the peer's private key
// from rnd. The peer then subscribes with [Tracker.Subscribe] and its
// [Peer.PublicKey]. A torrent whose group is unknown is refused with
// [ErrGroup], one whose piece lengths and body hashes are not two lists of
// 1 to [MaxPieces] entries, with lengths in [0, MaxPieceSize], with
// [ErrMalformed].
func NewPeer(t *Torrent, rnd io.Reader) (*Peer, error) {
	g, err := t.group()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGroup, err)
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	sk, err := elgamal.GenerateKey(g, rnd)
	if err != nil {
		return nil, err
	}
	return &Peer{torrent: t, g: g, sk: sk, id: PeerIDOf(sk.Public())}, nil
}

// ID returns the peer's identifier.
func (p *Peer) ID() PeerID { return p.id }

// PublicKey returns the peer's public key Y = s·G.
func (p *Peer) PublicKey() *elgamal.PublicKey { return p.sk.Public() }

// SetExpectedHashes installs the per-piece hashes the tracker computed for
// this peer ([Tracker.ExpectedHashes]); from then on [Peer.Receive] checks
// each piece's capsule as well as its body.
func (p *Peer) SetExpectedHashes(h [][32]byte) error {
	if len(h) != p.torrent.Pieces() {
		return fmt.Errorf("%w: %d expected hashes for %d pieces", ErrMalformed, len(h), p.torrent.Pieces())
	}
	p.expected = append([][32]byte(nil), h...)
	return nil
}

// Receive parses a piece received from another peer and verifies it: the
// index is in range, the body has the length and blake3 hash the torrent
// lists and, if expected hashes are installed, the capsule is the one
// blinded for this peer. A polluted piece returns [ErrPolluted].
func (p *Peer) Receive(data []byte) (*Piece, error) {
	pc, err := ParsePiece(p.g, data)
	if err != nil {
		return nil, err
	}
	if err := p.Verify(pc); err != nil {
		return nil, err
	}
	return pc, nil
}

// Verify checks a piece against the torrent and, if installed, the expected
// hashes, as [Peer.Receive] does.
func (p *Peer) Verify(pc *Piece) error {
	if pc.capsule == nil {
		return fmt.Errorf("%w: piece without capsule", ErrMalformed)
	}
	if err := p.torrent.checkIndex(pc.Index); err != nil {
		return err
	}
	if len(pc.body) != p.torrent.Lengths[pc.Index]+elgamal.Overhead {
		return fmt.Errorf("%w: body of piece %d has the wrong length", ErrPolluted, pc.Index)
	}
	bh := blake3.Sum256(pc.body)
	if bh != p.torrent.BodyHashes[pc.Index] {
		return fmt.Errorf("%w: body of piece %d", ErrPolluted, pc.Index)
	}
	if p.expected != nil && capsuleHash(pc.Index, pc.capsule, bh) != p.expected[pc.Index] {
		return fmt.Errorf("%w: capsule of piece %d", ErrPolluted, pc.Index)
	}
	return nil
}

// Transform is the paper's T(Pj, Pk, m_i): it re-encrypts piece pc, which
// this peer holds, for the downloader named in re-key k (message 7 of
// Algorithm 2). Only the capsule changes — C + Δ = M_i + r_ik·Y_k — and the
// body is shared with pc, not copied, so the cost is one group addition
// whatever the piece size.
func (p *Peer) Transform(pc *Piece, k *ReKey) (*Piece, error) {
	switch {
	case k.delta == nil || pc.capsule == nil:
		return nil, fmt.Errorf("%w: empty re-key or piece", ErrMalformed)
	case k.Torrent != p.torrent.ID:
		return nil, ErrWrongTorrent
	case k.From != p.id:
		return nil, fmt.Errorf("%w: re-key is for uploader %v", ErrWrongPeer, k.From)
	case k.Index != pc.Index:
		return nil, fmt.Errorf("%w: re-key for piece %d applied to piece %d", ErrMalformed, k.Index, pc.Index)
	case elgamal.GroupName(k.delta.Group()) != elgamal.GroupName(p.g):
		return nil, fmt.Errorf("%w: re-key", ErrGroup)
	}
	return &Piece{Index: pc.Index, capsule: p.g.NewElement().Add(pc.capsule, k.delta), body: pc.body}, nil
}

// InstallLicence installs a licence that [ParseLicence] verified (or that
// the tracker issued in-process). A licence for another peer or torrent is
// refused with [ErrWrongPeer] or [ErrWrongTorrent].
func (p *Peer) InstallLicence(l *Licence) error {
	switch {
	case l.Torrent != p.torrent.ID:
		return ErrWrongTorrent
	case l.Peer != p.id:
		return fmt.Errorf("%w: licence is for %v", ErrWrongPeer, l.Peer)
	case l.Pieces() != p.torrent.Pieces():
		return fmt.Errorf("%w: licence has %d keys for %d pieces", ErrMalformed, l.Pieces(), p.torrent.Pieces())
	}
	p.licence = l
	return nil
}

// Decrypt is PDec (Algorithm 3, message 10): it recovers the plain piece
// with the licence key L_i and the private key, M_i = C − s·L_i, then opens
// the body under the key derived from M_i. The licence's expiry is checked
// against now. It returns [ErrDecrypt] for a piece blinded for another peer
// or tampered with.
func (p *Peer) Decrypt(pc *Piece, now time.Time) ([]byte, error) {
	return p.AppendDecrypt(make([]byte, 0, max(len(pc.body)-elgamal.Overhead, 0)), pc, now)
}

// AppendDecrypt is [Peer.Decrypt] that appends the plain piece to dst.
func (p *Peer) AppendDecrypt(dst []byte, pc *Piece, now time.Time) ([]byte, error) {
	if p.licence == nil {
		return nil, ErrNoLicence
	}
	if na := p.licence.Policy.NotAfter; !na.IsZero() && now.After(na) {
		return nil, fmt.Errorf("%w: licence expired at %v", ErrPolicy, na)
	}
	if err := p.torrent.checkIndex(pc.Index); err != nil {
		return nil, err
	}
	if pc.capsule == nil {
		return nil, fmt.Errorf("%w: piece without capsule", ErrMalformed)
	}
	m := p.sk.Mul(p.licence.keys[pc.Index])
	m.Neg(m)
	m.Add(m, pc.capsule)
	return openBody(dst, p.torrent.ID, pc.Index, m, pc.body)
}
