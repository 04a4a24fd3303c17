package reencrypt

import (
	"crypto/rand"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// Peer is a downloading (and uploading) peer: its key pair (PGen), the
// torrent it joined, and, once installed, its licence. It re-encrypts pieces
// it uploads ([Peer.Transform], the paper's T), verifies pieces it receives
// ([Peer.Receive]) and decrypts them with its licence ([Peer.Decrypt],
// PDec). A Peer is safe for concurrent use: a carrier may transform,
// verify and decrypt from many connections at once.
type Peer struct {
	torrent *Torrent
	g       group.Group
	sk      *elgamal.PrivateKey
	id      PeerID

	mu       sync.RWMutex
	expected [][32]byte
	licence  *Licence
	// unblind[i] = −s·L_i, computed once by InstallLicence: PDec is then
	// M_i = C + unblind[i], one addition. Secret (it is the upload key of
	// this peer's capsule); erased when replaced.
	unblind []group.Element
}

// NewPeer runs PGen for a peer of torrent t: it draws the peer's private key
// from rnd (a nil rnd means crypto/rand.Reader). The peer then subscribes
// with [Tracker.Subscribe] and its [Peer.PublicKey]. The peer keeps a copy
// of t. A nil torrent or one whose group is unknown is refused with
// [ErrGroup] or [ErrMalformed], one whose piece lengths and body hashes are
// not two lists of 1 to [MaxPieces] entries, with lengths in
// [0, MaxPieceSize], with [ErrMalformed]. A restarted client restores its
// peer with [RestorePeer] instead.
func NewPeer(t *Torrent, rnd io.Reader) (*Peer, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	g, err := checkTorrent(t)
	if err != nil {
		return nil, err
	}
	sk, err := elgamal.GenerateKey(g, rnd)
	if err != nil {
		return nil, fmt.Errorf("reencrypt: reading randomness: %w", err)
	}
	return newPeer(t, g, sk), nil
}

func checkTorrent(t *Torrent) (group.Group, error) {
	if t == nil {
		return nil, fmt.Errorf("%w: nil torrent", ErrMalformed)
	}
	g, err := t.group()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGroup, err)
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return g, nil
}

func newPeer(t *Torrent, g group.Group, sk *elgamal.PrivateKey) *Peer {
	return &Peer{torrent: t.clone(), g: g, sk: sk, id: PeerIDOf(sk.Public())}
}

// ID returns the peer's identifier.
func (p *Peer) ID() PeerID { return p.id }

// PublicKey returns the peer's public key Y = s·G, or nil for the zero
// Peer.
func (p *Peer) PublicKey() *elgamal.PublicKey {
	// elgamal's Public returns nil for a nil key too (mutation: equivalent).
	if p.sk == nil {
		return nil
	}
	return p.sk.Public()
}

// Torrent returns a copy of the torrent description the peer joined, or
// nil for the zero Peer.
func (p *Peer) Torrent() *Torrent {
	if p.torrent == nil {
		return nil
	}
	return p.torrent.clone()
}

// check refuses a Peer not made by NewPeer or RestorePeer.
func (p *Peer) check() error {
	if p.sk == nil || p.torrent == nil || p.g == nil {
		return fmt.Errorf("%w: peer not made by NewPeer or RestorePeer", ErrMalformed)
	}
	return nil
}

// Licence returns the installed licence, or nil. Save its
// [Licence.MarshalBinary] with [Peer.MarshalBinary] to restore both after a
// restart.
func (p *Peer) Licence() *Licence {
	l := p.installed()
	if l == nil {
		return nil
	}
	return l.clone()
}

// installed returns the installed licence, or nil.
func (p *Peer) installed() *Licence {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.licence
}

// SetExpectedHashes installs the per-piece hashes the tracker computed for
// this peer ([Tracker.ExpectedHashes]); from then on [Peer.Receive] checks
// each piece's capsule as well as its body.
func (p *Peer) SetExpectedHashes(h [][32]byte) error {
	if err := p.check(); err != nil {
		return err
	}
	if len(h) != p.torrent.Pieces() {
		return fmt.Errorf("%w: %d expected hashes for %d pieces", ErrMalformed, len(h), p.torrent.Pieces())
	}
	h = append([][32]byte(nil), h...)
	p.mu.Lock()
	p.expected = h
	p.mu.Unlock()
	return nil
}

// Receive parses a piece received from another peer and verifies it: the
// index is in range, the body has the length and blake3 hash the torrent
// lists and, if expected hashes are installed, the capsule is the one
// blinded for this peer. A polluted piece returns [ErrPolluted].
func (p *Peer) Receive(data []byte) (*Piece, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	pc, err := ParsePiece(p.g, data)
	// Verify refuses the nil piece with the same ErrMalformed; this keeps
	// ParsePiece's more precise message (mutation: equivalent).
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
	if err := p.check(); err != nil {
		return err
	}
	if pc == nil || pc.capsule == nil {
		return fmt.Errorf("%w: piece without capsule", ErrMalformed)
	}
	if err := p.checkElement(pc.Index, pc.capsule); err != nil {
		return err
	}
	// A body of another length cannot have the listed hash either; this rejects
	// it before hashing, with its reason (mutation: equivalent).
	if len(pc.body) != SealedSize(p.torrent.Lengths[pc.Index]) {
		return fmt.Errorf("%w: body of piece %d has the wrong length", ErrPolluted, pc.Index)
	}
	if blake3.Sum256(pc.body) != p.torrent.BodyHashes[pc.Index] {
		return fmt.Errorf("%w: body of piece %d", ErrPolluted, pc.Index)
	}
	return p.checkExpected(pc.Index, pc.capsule)
}

// VerifyCapsule checks a capsule received apart from its body, as a carrier
// receives it: the index is in range, the group is the torrent's and, if
// expected hashes are installed, it is the capsule blinded for this peer
// (§2.3), so a polluted capsule is rejected with [ErrPolluted] before any
// body is fetched. The body is checked by the carrier's own piece hashes,
// or by [Peer.Verify] on the assembled piece.
func (p *Peer) VerifyCapsule(c *Capsule) error {
	if err := p.check(); err != nil {
		return err
	}
	if c == nil || c.element == nil {
		return fmt.Errorf("%w: empty capsule", ErrMalformed)
	}
	if err := p.checkElement(c.Index, c.element); err != nil {
		return err
	}
	return p.checkExpected(c.Index, c.element)
}

func (p *Peer) checkElement(i uint32, e group.Element) error {
	if err := p.torrent.checkIndex(i); err != nil {
		return err
	}
	if elgamal.GroupName(e.Group()) != elgamal.GroupName(p.g) {
		return fmt.Errorf("%w: capsule of %s in a %s torrent", ErrGroup, elgamal.GroupName(e.Group()), elgamal.GroupName(p.g))
	}
	return nil
}

func (p *Peer) checkExpected(i uint32, e group.Element) error {
	p.mu.RLock()
	expected := p.expected
	p.mu.RUnlock()
	if expected != nil && capsuleHash(i, e, p.torrent.BodyHashes[i]) != expected[i] {
		return fmt.Errorf("%w: capsule of piece %d", ErrPolluted, i)
	}
	return nil
}

// Transform is the paper's T(Pj, Pk, m_i): it re-encrypts piece pc, which
// this peer holds, for the downloader named in re-key k (message 7 of
// Algorithm 2). Only the capsule changes — C + Δ = M_i + r_ik·Y_k — and the
// body is shared with pc, not copied, so the cost is one group addition
// whatever the piece size.
func (p *Peer) Transform(pc *Piece, k *ReKey) (*Piece, error) {
	if pc == nil || pc.capsule == nil {
		return nil, fmt.Errorf("%w: empty piece", ErrMalformed)
	}
	c, err := p.TransformCapsule(&Capsule{Index: pc.Index, element: pc.capsule}, k)
	if err != nil {
		return nil, err
	}
	return &Piece{Index: c.Index, capsule: c.element, body: pc.body}, nil
}

// TransformCapsule is [Peer.Transform] on a capsule alone, for carriers
// that send bodies as torrent data: it returns the capsule C + Δ for the
// downloader named in re-key k. c is not modified.
func (p *Peer) TransformCapsule(c *Capsule, k *ReKey) (*Capsule, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	switch {
	case k == nil || k.delta == nil || c == nil || c.element == nil:
		return nil, fmt.Errorf("%w: empty re-key or capsule", ErrMalformed)
	case k.Torrent != p.torrent.ID:
		return nil, ErrWrongTorrent
	case k.From != p.id:
		return nil, fmt.Errorf("%w: re-key is for uploader %v", ErrWrongPeer, k.From)
	case k.Index != c.Index:
		return nil, fmt.Errorf("%w: re-key for piece %d applied to piece %d", ErrMalformed, k.Index, c.Index)
	case elgamal.GroupName(k.delta.Group()) != elgamal.GroupName(p.g):
		return nil, fmt.Errorf("%w: re-key", ErrGroup)
	case elgamal.GroupName(c.element.Group()) != elgamal.GroupName(p.g):
		return nil, fmt.Errorf("%w: capsule", ErrGroup)
	}
	return &Capsule{Index: c.Index, element: p.g.NewElement().Add(c.element, k.delta)}, nil
}

// InstallLicence installs a copy of a licence that [ParseLicence] verified
// (or that the tracker issued in-process). A licence for another peer or
// torrent is refused with [ErrWrongPeer] or [ErrWrongTorrent].
//
// Installing precomputes, for every piece i, the unblinding key −s·L_i
// from the licence key L_i and the peer's private key s, so that
// [Peer.Decrypt] costs one group addition, a key derivation and the AEAD
// open, and no scalar multiplication. Installing therefore costs one
// scalar multiplication per piece, as issuing the licence cost the tracker
// (about 45 µs per piece on ristretto255, 5 ms on modp2048), and the peer
// keeps one more element per piece: 176 bytes on ristretto255 (0.7 MB for
// 4,000 pieces), 128 on p256, 200 on p384, 296 on p521, 352 on modp2048.
// The keys are secret — each opens this peer's capsule of its piece, as an
// upload key does — and are erased ([elgamal.Erase]) when another licence
// replaces them. A restarted peer recomputes them when [Peer.LoadLicence]
// installs its saved licence.
func (p *Peer) InstallLicence(l *Licence) error {
	if err := p.check(); err != nil {
		return err
	}
	switch {
	case l == nil || len(l.keys) == 0:
		return fmt.Errorf("%w: empty licence", ErrMalformed)
	case l.Torrent != p.torrent.ID:
		return ErrWrongTorrent
	case l.Peer != p.id:
		return fmt.Errorf("%w: licence is for %v", ErrWrongPeer, l.Peer)
	case l.Pieces() != p.torrent.Pieces():
		return fmt.Errorf("%w: licence has %d keys for %d pieces", ErrMalformed, l.Pieces(), p.torrent.Pieces())
	case elgamal.GroupName(l.keys[0].Group()) != elgamal.GroupName(p.g):
		return fmt.Errorf("%w: licence", ErrGroup)
	}
	p.setLicence(l.clone())
	return nil
}

// setLicence installs l, which the peer now owns, with its unblinding keys
// −s·L_i, and erases those of the licence it replaces; a nil l uninstalls.
// InstallLicence checks l first; tests call it directly to install a
// licence by force.
func (p *Peer) setLicence(l *Licence) {
	var unblind []group.Element
	if l != nil {
		unblind = make([]group.Element, len(l.keys))
		for i, k := range l.keys {
			u := p.sk.Mul(k)
			unblind[i] = u.Neg(u)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// AppendDecrypt uses the old keys only while it holds the read lock, so
	// none is in use here.
	for _, u := range p.unblind {
		elgamal.Erase(u)
	}
	p.licence, p.unblind = l, unblind
}

// Decrypt is PDec (Algorithm 3, message 10): it recovers the plain piece
// with the licence key L_i and the private key, M_i = C − s·L_i, then opens
// the body under the key derived from M_i. The product s·L_i was computed
// when the licence was installed ([Peer.InstallLicence]), so decryption
// adds one group addition and a key derivation to the AEAD open. The licence's expiry is checked
// against now. It returns [ErrDecrypt] for a piece blinded for another peer
// or tampered with, [ErrGroup] for a piece of another group.
func (p *Peer) Decrypt(pc *Piece, now time.Time) ([]byte, error) {
	if pc == nil {
		return nil, fmt.Errorf("%w: nil piece", ErrMalformed)
	}
	return p.AppendDecrypt(make([]byte, 0, max(len(pc.body)-BodyOverhead, 0)), pc, now)
}

// AppendDecrypt is [Peer.Decrypt] that appends the plain piece to dst.
func (p *Peer) AppendDecrypt(dst []byte, pc *Piece, now time.Time) ([]byte, error) {
	m, err := p.pieceElement(pc, now)
	if err != nil {
		return nil, err
	}
	defer elgamal.Erase(m)
	return openBody(dst, p.torrent.ID, pc.Index, m, pc.body)
}

// licenceUsable reports why the installed licence cannot decrypt at now,
// or nil if it can. p.mu is held.
func (p *Peer) licenceUsable(now time.Time) error {
	l := p.licence
	if l == nil {
		return ErrNoLicence
	}
	if na := l.Policy.NotAfter; !na.IsZero() && now.After(na) {
		return fmt.Errorf("%w: licence expired at %v", ErrPolicy, na)
	}
	return nil
}

// pieceElement checks the licence and the piece and recovers the piece
// element M_i = C − s·L_i = C + unblind[i]. It holds the read lock while it
// uses unblind[i], which setLicence erases once replaced.
func (p *Peer) pieceElement(pc *Piece, now time.Time) (group.Element, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.licenceUsable(now); err != nil {
		return nil, err
	}
	if pc == nil || pc.capsule == nil {
		return nil, fmt.Errorf("%w: piece without capsule", ErrMalformed)
	}
	if err := p.checkElement(pc.Index, pc.capsule); err != nil {
		return nil, err
	}
	return p.g.NewElement().Add(pc.capsule, p.unblind[pc.Index]), nil
}
