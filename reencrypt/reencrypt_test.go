package reencrypt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// testGroups are the groups every protocol test runs over.
var testGroups = []string{"ristretto255", "p256", "p384", "p521", "modp1024", "modp2048"}

func forGroups(t *testing.T, f func(t *testing.T, g group.Group)) {
	for _, name := range testGroups {
		g, err := elgamal.GroupByName(name)
		require.NoError(t, err)
		t.Run(name, func(t *testing.T) { f(t, g) })
	}
}

// swarm is a published torrent with subscribed, licensed peers.
type swarm struct {
	tr      *Tracker
	seed    *Seed
	torrent *Torrent
	plain   [][]byte
	peers   []*Peer
}

func testPieces(sizes ...int) [][]byte {
	pieces := make([][]byte, len(sizes))
	for i, n := range sizes {
		pieces[i] = make([]byte, n)
		_, _ = rand.Read(pieces[i])
	}
	return pieces
}

func newSwarm(t testing.TB, g group.Group, pieces [][]byte, peers int) *swarm {
	tr, err := NewTracker(g, rand.Reader)
	require.NoError(t, err)
	return newSwarmWith(t, tr, pieces, peers)
}

func newSwarmWith(t testing.TB, tr *Tracker, pieces [][]byte, peers int) *swarm {
	return newSwarmReader(t, tr, pieces, peers, rand.Reader)
}

// newSwarmReader is newSwarmWith drawing the peers' keys from rnd.
func newSwarmReader(t testing.TB, tr *Tracker, pieces [][]byte, peers int, rnd io.Reader) *swarm {
	seed, tor, err := tr.Publish(pieces)
	require.NoError(t, err)
	s := &swarm{tr: tr, seed: seed, torrent: tor, plain: pieces}
	for range peers {
		p, err := NewPeer(tor, rnd)
		require.NoError(t, err)
		id, err := tr.Subscribe(p.PublicKey())
		require.NoError(t, err)
		require.Equal(t, p.ID(), id)
		h, err := tr.ExpectedHashes(id)
		require.NoError(t, err)
		require.NoError(t, p.SetExpectedHashes(h))
		l, err := tr.IssueLicence(id, Policy{})
		require.NoError(t, err)
		require.NoError(t, p.InstallLicence(l))
		s.peers = append(s.peers, p)
	}
	return s
}

// fromSeed runs Algorithm 1 for piece i to peer p and returns the received piece.
func (s *swarm) fromSeed(t testing.TB, i uint32, p *Peer) *Piece {
	uk, err := s.tr.UploadKey(i, s.seed.ID(), p.ID())
	require.NoError(t, err)
	pc, err := s.seed.PEnc(uk)
	require.NoError(t, err)
	wire, err := pc.MarshalBinary()
	require.NoError(t, err)
	got, err := p.Receive(wire)
	require.NoError(t, err)
	return got
}

// forward runs Algorithm 2 for a piece from peer a to peer b.
func (s *swarm) forward(t testing.TB, pc *Piece, a, b *Peer) *Piece {
	rk, err := s.tr.ReKey(pc.Index, a.ID(), b.ID())
	require.NoError(t, err)
	out, err := a.Transform(pc, rk)
	require.NoError(t, err)
	wire, err := out.MarshalBinary()
	require.NoError(t, err)
	got, err := b.Receive(wire)
	require.NoError(t, err)
	return got
}

// TestChain: a piece travels seed → A → B → C, re-encrypted at every hop,
// and each peer decrypts its own copy with its own licence.
func TestChain(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(1000, 0, 4096, 33), 3)
		a, b, c := s.peers[0], s.peers[1], s.peers[2]
		for i := range uint32(s.torrent.Pieces()) {
			pa := s.fromSeed(t, i, a)
			pb := s.forward(t, pa, a, b)
			pc := s.forward(t, pb, b, c)
			for _, hop := range []struct {
				p  *Peer
				pc *Piece
			}{{a, pa}, {b, pb}, {c, pc}} {
				pt, err := hop.p.Decrypt(hop.pc, now)
				require.NoError(t, err)
				require.Equal(t, s.plain[i], pt)
			}
			// Each copy is blinded for its own receiver only.
			_, err := b.Decrypt(pa, now)
			require.ErrorIs(t, err, ErrDecrypt)
			_, err = a.Decrypt(pc, now)
			require.ErrorIs(t, err, ErrDecrypt)
			// The body travels unchanged; the capsule is unique per receiver.
			require.Equal(t, pa.Body(), pc.Body())
			require.False(t, pa.Capsule().Equal(pb.Capsule()))
			require.False(t, pb.Capsule().Equal(pc.Capsule()))
		}
	})
}

// TestKeysUnique: decryption keys are distinct for every (peer, piece).
func TestKeysUnique(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10, 10, 10, 10, 10), 4)
	seen := map[string]string{}
	for _, p := range s.peers {
		for i, k := range p.licence.keys {
			key := string(elgamal.AppendElement(nil, k))
			where := fmt.Sprintf("peer %v piece %d", p.ID(), i)
			require.NotContains(t, seen, key, "%s repeats %s", where, seen[key])
			seen[key] = where
		}
	}
	require.Len(t, seen, 20)
}

// TestLicenceIsPersonal: a licence is refused by, and useless to, another peer.
func TestLicenceIsPersonal(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(100, 100), 2)
		a, b := s.peers[0], s.peers[1]
		require.ErrorIs(t, b.InstallLicence(a.licence), ErrWrongPeer)

		// Even installed by force, A's licence does not open B's pieces.
		pb := s.fromSeed(t, 0, b)
		b.setLicence(a.licence)
		_, err := b.Decrypt(pb, now)
		require.ErrorIs(t, err, ErrDecrypt)

		// And B's pieces with A's key and B's licence do not open either.
		bl, err := s.tr.IssueLicence(b.ID(), Policy{})
		require.NoError(t, err)
		a.setLicence(bl)
		_, err = a.Decrypt(pb, now)
		require.ErrorIs(t, err, ErrDecrypt)
	})
}

// TestNoLicence: a peer decrypts nothing before it has a licence.
func TestNoLicence(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(100), 1)
	p, err := NewPeer(s.torrent, rand.Reader)
	require.NoError(t, err)
	_, err = s.tr.Subscribe(p.PublicKey())
	require.NoError(t, err)
	pc := s.fromSeed(t, 0, p)
	_, err = p.Decrypt(pc, now)
	require.ErrorIs(t, err, ErrNoLicence)
	_, err = NewPlayer(p, []*Piece{pc})
	require.ErrorIs(t, err, ErrNoLicence)
}

// TestUploaderLearnsNothing: an uploader without a licence for the piece
// holds its own capsule, its private key and the re-key the tracker sent it,
// and still cannot recover the piece element; Δ is the same whatever the
// content.
func TestUploaderLearnsNothing(t *testing.T) {
	g := elgamal.Default
	s := newSwarm(t, g, testPieces(256), 2)
	a, b := s.peers[0], s.peers[1]
	a.setLicence(nil) // A has not bought the content.
	pa := s.fromSeed(t, 0, a)
	rk, err := s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(t, err)

	c, d := pa.capsule, rk.delta
	neg := func(e group.Element) group.Element { return g.NewElement().Neg(e) }
	add := func(x, y group.Element) group.Element { return g.NewElement().Add(x, y) }
	candidates := map[string]group.Element{
		"C":         c,
		"Δ":         d,
		"−Δ":        neg(d),
		"C+Δ":       add(c, d),
		"C−Δ":       add(c, neg(d)),
		"C−s·Δ":     add(c, neg(a.sk.Mul(d))),
		"C+s·Δ":     add(c, a.sk.Mul(d)),
		"C−s·C":     add(c, neg(a.sk.Mul(c))),
		"s·Δ":       a.sk.Mul(d),
		"Δ−s·G":     add(d, neg(a.sk.Public().Element())),
		"C−Y_a":     add(c, neg(a.sk.Public().Element())),
		"C+Δ−Y_b":   add(add(c, d), neg(b.PublicKey().Element())),
		"C+Δ−s·C":   add(add(c, d), neg(a.sk.Mul(c))),
		"identity":  g.Identity(),
		"generator": g.Generator(),
	}
	for name, m := range candidates {
		_, err := openBody(nil, s.torrent.ID, 0, m, pa.body)
		require.ErrorIs(t, err, ErrDecrypt, name)
	}

	// Δ is a function of the key schedule, the two peers and the piece
	// index only: a tracker with the same keys but a torrent of other
	// content (lengths, body hashes) issues the same Δ, so Δ carries no
	// information about the content. This would fail if ReKey mixed any
	// content-derived value into the re-key.
	tr2 := &Tracker{g: g, master: s.tr.master, signer: s.tr.signer, peers: map[PeerID]*elgamal.PublicKey{}}
	tr2.ts = s.tr.ts // same torrent key schedule
	tr2.tsKey = tr2.ts.scalar
	tr2.torrent = &Torrent{ID: s.torrent.ID, Group: s.torrent.Group, Lengths: []int{9999}, BodyHashes: make([][32]byte, 1)}
	_, err = tr2.Subscribe(a.PublicKey())
	require.NoError(t, err)
	_, err = tr2.Subscribe(b.PublicKey())
	require.NoError(t, err)
	rk2, err := tr2.ReKey(0, a.ID(), b.ID())
	require.NoError(t, err)
	require.True(t, rk2.delta.IsEqual(rk.delta))
}

// TestPollution: §2.3 — tampered or misdirected pieces are rejected on
// arrival.
func TestPollution(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(500, 500), 2)
		a, b := s.peers[0], s.peers[1]
		uk, err := s.tr.UploadKey(1, s.seed.ID(), a.ID())
		require.NoError(t, err)
		pc, err := s.seed.PEnc(uk)
		require.NoError(t, err)
		wire, err := pc.MarshalBinary()
		require.NoError(t, err)
		n := elgamal.ElementSize(g)

		_, err = a.Receive(wire)
		require.NoError(t, err)
		bodyFlip := bytes.Clone(wire)
		bodyFlip[4+n+10] ^= 0x80
		_, err = a.Receive(bodyFlip)
		require.ErrorIs(t, err, ErrPolluted, "tampered body")

		// A capsule replaced by another valid element.
		other := bytes.Clone(wire)
		copy(other[4:4+n], elgamal.AppendElement(nil, g.Generator()))
		_, err = a.Receive(other)
		require.ErrorIs(t, err, ErrPolluted, "replaced capsule")

		// A's copy offered to B.
		_, err = b.Receive(wire)
		require.ErrorIs(t, err, ErrPolluted, "capsule for another peer")

		// Index moved to another piece of the same length.
		moved := bytes.Clone(wire)
		moved[3] = 0
		_, err = a.Receive(moved)
		require.ErrorIs(t, err, ErrPolluted, "wrong index")

		// Without expected hashes the capsule check is left to decryption.
		a.expected = nil
		pcOther, err := ParsePiece(g, other)
		require.NoError(t, err)
		require.NoError(t, a.Verify(pcOther))
		_, err = a.Decrypt(pcOther, now)
		require.ErrorIs(t, err, ErrDecrypt)
	})
}

func TestBadInput(t *testing.T) {
	g := elgamal.Default
	s := newSwarm(t, g, testPieces(100, 100), 2)
	a, b := s.peers[0], s.peers[1]
	var stranger PeerID
	stranger[0] = 1

	_, err := s.tr.UploadKey(2, s.seed.ID(), a.ID())
	require.ErrorIs(t, err, ErrPieceRange)
	_, err = s.tr.UploadKey(0, s.seed.ID(), stranger)
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = s.tr.ReKey(0, a.ID(), a.ID())
	require.ErrorIs(t, err, ErrSamePeer)
	_, err = s.tr.ReKey(1<<31, a.ID(), b.ID())
	require.ErrorIs(t, err, ErrPieceRange)
	_, err = s.tr.IssueLicence(stranger, Policy{})
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, _, err = s.tr.Publish(testPieces(1))
	require.ErrorIs(t, err, ErrPublished)

	p256Peer, err := elgamal.GenerateKey(group.P256, rand.Reader)
	require.NoError(t, err)
	_, err = s.tr.Subscribe(p256Peer.Public())
	require.ErrorIs(t, err, ErrGroup)

	// Re-keys applied by the wrong peer or to the wrong piece.
	pa := s.fromSeed(t, 0, a)
	rk, err := s.tr.ReKey(1, a.ID(), b.ID())
	require.NoError(t, err)
	_, err = a.Transform(pa, rk)
	require.ErrorIs(t, err, ErrMalformed)
	rk, err = s.tr.ReKey(0, b.ID(), a.ID())
	require.NoError(t, err)
	_, err = a.Transform(pa, rk)
	require.ErrorIs(t, err, ErrWrongPeer)

	// A tampered re-key decodes (any element is a valid Δ) but its piece is
	// rejected by the receiver and does not decrypt.
	rk, err = s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(t, err)
	rkb, err := rk.MarshalBinary()
	require.NoError(t, err)
	rkb[len(rkb)-1] ^= 0x01
	if bad, err := ParseReKey(g, rkb); err == nil {
		out, err := a.Transform(pa, bad)
		require.NoError(t, err)
		wire, _ := out.MarshalBinary()
		_, err = b.Receive(wire)
		require.ErrorIs(t, err, ErrPolluted)
		_, err = b.Decrypt(out, now)
		require.ErrorIs(t, err, ErrDecrypt)
	} else {
		require.ErrorIs(t, err, ErrMalformed)
	}

	// Pieces and licences of the wrong shape.
	_, err = ParsePiece(g, []byte{0, 0, 0})
	require.ErrorIs(t, err, ErrMalformed)
	_, err = a.Decrypt(&Piece{Index: 7, capsule: g.Generator(), body: make([]byte, 16)}, now)
	require.ErrorIs(t, err, ErrPieceRange)
	lb, err := a.licence.MarshalBinary()
	require.NoError(t, err)
	for _, i := range []int{5, 40, 70, 90, len(lb) - 1} {
		bad := bytes.Clone(lb)
		bad[i] ^= 0x04
		_, err = ParseLicence(g, bad, s.tr.LicenceKey())
		require.Error(t, err, "flipped licence byte %d", i)
	}
	_, err = ParseLicence(g, lb[:len(lb)-1], s.tr.LicenceKey())
	require.ErrorIs(t, err, ErrMalformed)
	otherKey, _, _ := ed25519.GenerateKey(rand.Reader)
	_, err = ParseLicence(g, lb, otherKey)
	require.ErrorIs(t, err, ErrBadSignature)
	_, err = ParseLicence(g, lb, nil)
	require.ErrorIs(t, err, ErrBadSignature)
	l, err := ParseLicence(g, lb, s.tr.LicenceKey())
	require.NoError(t, err)
	require.Equal(t, a.ID(), l.Peer)

	// A licence for another torrent.
	s2 := newSwarm(t, g, testPieces(5, 5), 0)
	id, err := s2.tr.Subscribe(a.PublicKey())
	require.NoError(t, err)
	l2, err := s2.tr.IssueLicence(id, Policy{})
	require.NoError(t, err)
	require.ErrorIs(t, a.InstallLicence(l2), ErrWrongTorrent)
}

func TestPolicy(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(64, 64, 10), 1)
	p := s.peers[0]
	l, err := s.tr.IssueLicence(p.ID(), Policy{NotAfter: now.Add(time.Hour), MaxPlays: 2})
	require.NoError(t, err)
	raw, err := l.MarshalBinary()
	require.NoError(t, err)
	l, err = ParseLicence(s.tr.Group(), raw, s.tr.LicenceKey())
	require.NoError(t, err)
	require.Equal(t, now.Add(time.Hour), l.Policy.NotAfter)
	require.NoError(t, p.InstallLicence(l))

	pieces := make([]*Piece, s.torrent.Pieces())
	for i := range pieces {
		pieces[i] = s.fromSeed(t, uint32(i), p)
	}
	pl, err := NewPlayer(p, pieces)
	require.NoError(t, err)
	want := bytes.Join(s.plain, nil)
	for range 2 {
		got, err := pl.Play(now)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err = pl.Play(now)
	require.ErrorIs(t, err, ErrPolicy, "third play")

	_, err = p.Decrypt(pieces[0], now.Add(2*time.Hour))
	require.ErrorIs(t, err, ErrPolicy, "expired")
	_, err = NewPlayer(p, pieces[:1])
	require.ErrorIs(t, err, ErrPieceRange)
}

// TestPolicyExpiryAtEpoch checks a licence that expires within the first
// second of the Unix epoch. Its not-after field encodes as 0, which means
// "never": such a licence used to be issued as one that never expires.
func TestPolicyExpiryAtEpoch(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(64), 1)
	p := s.peers[0]
	pc := s.fromSeed(t, 0, p)
	for _, na := range []time.Time{time.Unix(0, 0), time.Unix(0, 999_999_999)} {
		l, err := s.tr.IssueLicence(p.ID(), Policy{NotAfter: na})
		require.NoError(t, err)
		require.False(t, l.Policy.NotAfter.IsZero(), "an expiring licence became perpetual")
		require.False(t, l.Policy.NotAfter.After(na), "the licence outlives its policy")
		require.NoError(t, p.InstallLicence(l))
		_, err = p.Decrypt(pc, now)
		require.ErrorIs(t, err, ErrPolicy)
	}
}

func TestExactScheme(t *testing.T) {
	for _, name := range []string{"modp1024", "modp1536"} {
		t.Run(name, func(t *testing.T) {
			g, err := elgamal.GroupByName(name)
			require.NoError(t, err)
			s := newSwarm(t, g, testPieces(1000, 127, 128, 1, 0), 3)
			a, b, c := s.peers[0], s.peers[1], s.peers[2]
			for i := range uint32(s.torrent.Pieces()) {
				uk, err := s.tr.UploadKey(i, s.seed.ID(), a.ID())
				require.NoError(t, err)
				ca, err := s.seed.ExactPEnc(uk)
				require.NoError(t, err)
				require.Len(t, ca, ExactSize(g, len(s.plain[i])))
				rk, err := s.tr.ReKey(i, a.ID(), b.ID())
				require.NoError(t, err)
				cb, err := ExactTransform(rk, ca)
				require.NoError(t, err)
				rk, err = s.tr.ReKey(i, b.ID(), c.ID())
				require.NoError(t, err)
				cc, err := ExactTransform(rk, cb)
				require.NoError(t, err)
				for _, hop := range []struct {
					p *Peer
					c []byte
				}{{a, ca}, {b, cb}, {c, cc}} {
					pt, err := hop.p.ExactDecrypt(i, hop.c, now)
					require.NoError(t, err)
					require.Equal(t, s.plain[i], pt)
				}
				if len(s.plain[i]) > 0 {
					_, err = c.ExactDecrypt(i, cb, now)
					require.Error(t, err, "B's copy is not C's")
				}
			}
		})
	}
	s := newSwarm(t, elgamal.Default, testPieces(10), 1)
	uk, err := s.tr.UploadKey(0, s.seed.ID(), s.peers[0].ID())
	require.NoError(t, err)
	_, err = s.seed.ExactPEnc(uk)
	require.ErrorIs(t, err, ErrExactGroup)
}

// TestTrackerState: the tracker stores no TS key, yet derives the same key
// every time; trackers with different master keys derive different ones.
func TestTrackerState(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10, 10), 2)
	a, b := s.peers[0], s.peers[1]
	r1, err := s.tr.ReKey(1, a.ID(), b.ID())
	require.NoError(t, err)
	r2, err := s.tr.ReKey(1, a.ID(), b.ID())
	require.NoError(t, err)
	require.True(t, r1.delta.IsEqual(r2.delta))

	tr2, err := NewTracker(elgamal.Default, rand.Reader)
	require.NoError(t, err)
	_, _, err = tr2.Publish(s.plain)
	require.NoError(t, err)
	require.Equal(t, s.torrent.ID, tr2.Torrent().ID, "the torrent ID is the content's")
	for _, p := range s.peers {
		_, err := tr2.Subscribe(p.PublicKey())
		require.NoError(t, err)
	}
	r3, err := tr2.ReKey(1, a.ID(), b.ID())
	require.NoError(t, err)
	require.False(t, r1.delta.IsEqual(r3.delta))
}

// TestTrackerConcurrent: the tracker serves many peers at once.
func TestTrackerConcurrent(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10, 10, 10), 4)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				from, to := s.peers[w%4], s.peers[(w+1)%4]
				if _, err := s.tr.ReKey(uint32(i), from.ID(), to.ID()); err != nil {
					errs <- err
				}
				p, err := NewPeer(s.torrent, rand.Reader)
				if err != nil {
					errs <- err
					continue
				}
				if _, err := s.tr.Subscribe(p.PublicKey()); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 4+8*3, s.tr.Peers())
}

// TestZeroValues: zero-valued messages are errors, not panics.
// TestNewPeerMalformedTorrent checks that a peer refuses a torrent
// description (the .torrent analogue, which reaches it from elsewhere)
// whose lists disagree or are out of range. It used to accept one with a
// short hash list and then panic verifying the first piece past its end.
func TestNewPeerMalformedTorrent(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(64, 32), 1)
	pc, err := s.tr.UploadKey(1, s.seed.ID(), s.peers[0].ID())
	require.NoError(t, err)
	piece, err := s.seed.PEnc(pc)
	require.NoError(t, err)
	wire, err := piece.MarshalBinary()
	require.NoError(t, err)
	for name, mutate := range map[string]func(*Torrent){
		"short hash list":  func(tor *Torrent) { tor.BodyHashes = tor.BodyHashes[:1] },
		"long hash list":   func(tor *Torrent) { tor.BodyHashes = append(tor.BodyHashes, [32]byte{}) },
		"no pieces":        func(tor *Torrent) { tor.Lengths, tor.BodyHashes = nil, nil },
		"negative length":  func(tor *Torrent) { tor.Lengths[0] = -1 },
		"oversized length": func(tor *Torrent) { tor.Lengths[0] = MaxPieceSize + 1 },
	} {
		t.Run(name, func(t *testing.T) {
			tor := *s.torrent
			tor.Lengths = slices.Clone(tor.Lengths)
			tor.BodyHashes = slices.Clone(tor.BodyHashes)
			mutate(&tor)
			p, err := NewPeer(&tor, rand.Reader)
			if err == nil {
				_, _ = p.Receive(wire) // what a bad description led to
			}
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

func TestZeroValues(t *testing.T) {
	s := newSwarm(t, elgamal.ModP1024, testPieces(10), 1)
	p := s.peers[0]
	_, err := s.seed.PEnc(&UploadKey{})
	require.ErrorIs(t, err, ErrMalformed)
	_, err = s.seed.ExactPEnc(&UploadKey{})
	require.ErrorIs(t, err, ErrMalformed)
	_, err = ExactTransform(&ReKey{}, nil)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = p.Transform(&Piece{}, &ReKey{})
	require.ErrorIs(t, err, ErrMalformed)
	_, err = p.Decrypt(&Piece{}, now)
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorIs(t, p.Verify(&Piece{}), ErrMalformed)
	require.Error(t, p.InstallLicence(&Licence{}))
}
