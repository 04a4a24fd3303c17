package reencrypt

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"sync"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// Tracker is the tracker site of one protected torrent, trusted by the
// content owner. It holds the system parameters (SGen: the group, a master
// key and an ed25519 licence-signing key), the peer table of subscribers'
// public keys, and derives from the master key everything else: the TS keys
// r_ij (TGen), the upload keys of Algorithm 1, the re-encryption keys of
// Algorithm 2, the licences of Algorithm 3 and the expected piece hashes of
// §2.3. It is safe for concurrent use.
type Tracker struct {
	g      group.Group
	ts     tsKeys
	pieces pieceKeys
	master [32]byte
	signer ed25519.PrivateKey

	mu      sync.RWMutex
	torrent *Torrent
	peers   map[PeerID]*elgamal.PublicKey

	// tsKey is ts.scalar; tests replace it with the flawed schedules of §2.4.
	tsKey func(peer PeerID, i uint32) group.Scalar
	// blinds caches r_ij·Y_j (see blindCache).
	blinds blindCache
}

// NewTracker runs SGen: it sets up a tracker for one torrent over group g
// (use [elgamal.Default] unless measuring the paper's mod-p setting),
// reading its master key and signing key from rnd; a nil rnd means
// crypto/rand.Reader.
func NewTracker(g group.Group, rnd io.Reader) (*Tracker, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	// GroupByName refuses the nil group's name with the same ErrGroup; this
	// names the cause (mutation: equivalent).
	if g == nil {
		return nil, fmt.Errorf("%w: nil group", ErrGroup)
	}
	if _, err := elgamal.GroupByName(elgamal.GroupName(g)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGroup, err)
	}
	t := &Tracker{g: g, peers: make(map[PeerID]*elgamal.PublicKey)}
	if _, err := io.ReadFull(rnd, t.master[:]); err != nil {
		return nil, fmt.Errorf("reencrypt: reading randomness: %w", err)
	}
	_, signer, err := ed25519.GenerateKey(rnd)
	if err != nil {
		return nil, fmt.Errorf("reencrypt: reading randomness: %w", err)
	}
	t.signer = signer
	return t, nil
}

// check refuses a Tracker not made by NewTracker.
func (t *Tracker) check() error {
	if t.g == nil || t.signer == nil || t.peers == nil {
		return fmt.Errorf("%w: tracker not made by NewTracker", ErrMalformed)
	}
	return nil
}

// Group returns the torrent's group.
func (t *Tracker) Group() group.Group { return t.g }

// LicenceKey returns the public key that verifies the tracker's licences.
// It is nil for the zero Tracker.
func (t *Tracker) LicenceKey() ed25519.PublicKey {
	if t.signer == nil {
		return nil
	}
	return t.signer.Public().(ed25519.PublicKey)
}

// Publish fixes the torrent's content: the owner hands the plain pieces to
// the tracker, which derives the torrent identifier from them, and returns
// the original seed (Po), which alone keeps the plain pieces, and the public
// [Torrent] description to distribute. Pieces may have any size up to
// [MaxPieceSize]. A tracker publishes once.
func (t *Tracker) Publish(pieces [][]byte) (*Seed, *Torrent, error) {
	if err := t.check(); err != nil {
		return nil, nil, err
	}
	if len(pieces) == 0 || len(pieces) > MaxPieces {
		return nil, nil, fmt.Errorf("%w: %d pieces (want 1 to %d)", ErrPieceRange, len(pieces), MaxPieces)
	}
	for i, p := range pieces {
		if len(p) > MaxPieceSize {
			return nil, nil, fmt.Errorf("%w: piece %d has %d bytes (at most %d)", ErrMalformed, i, len(p), MaxPieceSize)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.torrent != nil {
		return nil, nil, ErrPublished
	}
	id := contentID(pieces)
	t.ts = tsKeys{g: t.g, key: subkey(&t.master, tsKeyLabel), torrent: id}
	t.pieces = pieceKeys{g: t.g, key: subkey(&t.master, pieceKeyLabel), torrent: id}
	if t.tsKey == nil {
		t.tsKey = t.ts.scalar
	}
	tor := &Torrent{
		ID:         id,
		Group:      elgamal.GroupName(t.g),
		Lengths:    make([]int, len(pieces)),
		BodyHashes: make([][32]byte, len(pieces)),
	}
	total := 0
	for _, p := range pieces {
		total += SealedSize(len(p))
	}
	seed := &Seed{
		torrent: tor,
		keys:    t.pieces,
		pieces:  make([]group.Element, len(pieces)),
		plain:   make([][]byte, len(pieces)),
		bodies:  make([]byte, 0, total),
		offsets: make([]int, len(pieces)+1),
	}
	// Each body is sealed once, here: the seed serves these bytes to every
	// downloader and the torrent lists their hashes.
	for i, p := range pieces {
		tor.Lengths[i] = len(p)
		seed.plain[i] = append([]byte(nil), p...)
		seed.pieces[i] = t.pieces.element(uint32(i))
		seed.bodies = sealBody(seed.bodies, id, uint32(i), seed.pieces[i], p)
		seed.offsets[i+1] = len(seed.bodies)
		tor.BodyHashes[i] = blake3.Sum256(seed.bodies[seed.offsets[i]:])
	}
	t.torrent = tor
	return seed, tor.clone(), nil
}

// Torrent returns a copy of the published torrent, or nil before
// [Tracker.Publish].
func (t *Tracker) Torrent() *Torrent {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.torrent == nil {
		return nil
	}
	return t.torrent.clone()
}

// SeedID returns the identity of the original seed, [SeedIDOf] the
// published torrent, or [ErrNotPublished].
func (t *Tracker) SeedID() (PeerID, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.torrent == nil {
		return PeerID{}, ErrNotPublished
	}
	return SeedIDOf(t.torrent.ID), nil
}

// Subscribe adds a peer's public key to the peer table (the subscription
// after which the peer runs PGen's counterpart TGen on the tracker) and
// returns its identifier. Subscribing again with the same key is harmless.
// The tracker takes pk as given: a network front end authenticates the
// subscriber and checks that it holds the private key ([VerifyKeyProof]),
// as package keyserver does.
func (t *Tracker) Subscribe(pk *elgamal.PublicKey) (PeerID, error) {
	if err := t.check(); err != nil {
		return PeerID{}, err
	}
	if pk == nil || pk.Group() == nil {
		return PeerID{}, fmt.Errorf("%w: nil public key", ErrMalformed)
	}
	if elgamal.GroupName(pk.Group()) != elgamal.GroupName(t.g) {
		return PeerID{}, ErrGroup
	}
	id := PeerIDOf(pk)
	t.mu.Lock()
	t.peers[id] = pk
	t.mu.Unlock()
	return id, nil
}

// Unsubscribe removes a peer from the peer table: no more keys or licences
// are issued for it.
func (t *Tracker) Unsubscribe(id PeerID) {
	t.mu.Lock()
	delete(t.peers, id)
	t.mu.Unlock()
}

// Peers returns the number of subscribed peers.
func (t *Tracker) Peers() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.peers)
}

func (t *Tracker) lookup(i uint32, ids ...PeerID) ([]*elgamal.PublicKey, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.torrent == nil {
		return nil, ErrNotPublished
	}
	if err := t.torrent.checkIndex(i); err != nil {
		return nil, err
	}
	pks := make([]*elgamal.PublicKey, len(ids))
	for n, id := range ids {
		pk, ok := t.peers[id]
		if !ok {
			return nil, fmt.Errorf("%w: %v", ErrUnknownPeer, id)
		}
		pks[n] = pk
	}
	return pks, nil
}

// UploadKey answers message 5 of Algorithm 1, UploadRequest(i, Po, Pj):
// it returns K = r_ij·Y_j for the original seed to blind piece i for j.
// from is the caller, which must be the original seed ([Tracker.SeedID]);
// anyone else gets [ErrForbidden]. K is as good as a licence key for piece
// i: j's capsule minus K is M_i, which opens the body. So an upload key
// handed to j itself, or to anyone j colludes with, would let j read the
// piece without a licence. A network front end passes the authenticated
// caller as from, as it does for [Tracker.ReKey].
func (t *Tracker) UploadKey(i uint32, from, to PeerID) (*UploadKey, error) {
	seed, err := t.SeedID()
	if err != nil {
		return nil, err
	}
	if from != seed {
		return nil, fmt.Errorf("%w: upload keys go to the original seed only, not %v", ErrForbidden, from)
	}
	pks, err := t.lookup(i, to)
	if err != nil {
		return nil, err
	}
	k := t.g.NewElement().Set(t.blind(to, pks[0], i))
	return &UploadKey{Torrent: t.torrent.ID, Index: i, To: to, key: k}, nil
}

// ReKey answers message 5 of Algorithm 2, UploadRequest(i, Pj, Pk): it
// returns Δ = r_ik·Y_k − r_ij·Y_j, with which j re-encrypts piece i for k.
// from is the caller: a network front end passes the authenticated caller,
// so a re-key goes only to its uploader. Both peers must be subscribed.
// It costs two variable-base scalar multiplications, or one subtraction
// when both blinds are cached ([Tracker.SetBlindCache]).
func (t *Tracker) ReKey(i uint32, from, to PeerID) (*ReKey, error) {
	if from == to {
		return nil, ErrSamePeer
	}
	pks, err := t.lookup(i, from, to)
	if err != nil {
		return nil, err
	}
	d := t.g.NewElement().Neg(t.blind(from, pks[0], i))
	d.Add(d, t.blind(to, pks[1], i))
	return &ReKey{Torrent: t.torrent.ID, Index: i, From: from, To: to, delta: d}, nil
}

// IssueLicence answers GetLicence (Algorithm 3, messages 8–9): a licence
// for peer id holding L_i = r_ik·G for every piece, the policy, and the
// tracker's signature.
func (t *Tracker) IssueLicence(id PeerID, policy Policy) (*Licence, error) {
	if _, err := t.lookup(0, id); err != nil {
		return nil, err
	}
	keys := make([]group.Element, t.torrent.Pieces())
	for i := range keys {
		keys[i] = t.g.NewElement().MulGen(t.tsKey(id, uint32(i)))
	}
	body := licenceBody(t.g, t.torrent.ID, id, policy, keys)
	sig := ed25519.Sign(t.signer, licenceSigned(t.g, body))
	raw := append(body, sig...)
	return ParseLicence(t.g, raw, t.LicenceKey())
}

// ExpectedHashes returns, for peer id, the hash of every piece it will
// receive (§2.3's extension): blake3 over the index, the capsule blinded for
// id and the body's hash. With them a peer verifies each piece as it arrives,
// as in plain BitTorrent, and a polluted piece is rejected before it spreads.
// They can be computed once, when the peer subscribes.
func (t *Tracker) ExpectedHashes(id PeerID) ([][32]byte, error) {
	pks, err := t.lookup(0, id)
	if err != nil {
		return nil, err
	}
	out := make([][32]byte, t.torrent.Pieces())
	for i := range out {
		c := t.g.NewElement().Add(t.blind(id, pks[0], uint32(i)), t.pieces.element(uint32(i)))
		out[i] = capsuleHash(uint32(i), c, t.torrent.BodyHashes[i])
	}
	return out, nil
}
