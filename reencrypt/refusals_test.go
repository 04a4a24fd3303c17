package reencrypt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// The refusals below are the ones mutation testing (go run ./internal/mutate
// -ops check ./reencrypt) found no test for: each test names the property a
// guard protects and fails when the guard is removed.

// TestExactSchemeRefusals: the exact scheme enforces the licence as PDec
// does (no licence, expiry), and refuses pieces of another index, length or
// group and cipher blocks outside [1, p).
func TestExactSchemeRefusals(t *testing.T) {
	g := elgamal.ModP1024
	s := newSwarm(t, g, testPieces(300, 40, 0), 2)
	a, b := s.peers[0], s.peers[1]
	uk, err := s.tr.UploadKey(0, s.seed.ID(), a.ID())
	require.NoError(t, err)
	ca, err := s.seed.ExactPEnc(uk)
	require.NoError(t, err)
	rk, err := s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(t, err)
	pt, err := a.ExactDecrypt(0, ca, now)
	require.NoError(t, err)
	require.Equal(t, s.plain[0], pt)
	kb := elgamal.ElementSize(g)

	// A cipher piece of piece 0 presented as piece 1 (another length), or
	// as a piece the torrent does not have.
	_, err = a.ExactDecrypt(1, ca, now)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = a.ExactDecrypt(3, ca, now)
	require.ErrorIs(t, err, ErrPieceRange)
	// A cipher piece too short for its own length field, even for the
	// empty piece.
	_, err = a.ExactDecrypt(2, []byte{0, 0, 0}, now)
	require.ErrorIs(t, err, ErrMalformed)

	// A last block that decrypts to more bytes than the piece has left
	// (300 = 2·127 + 46 bytes) is refused, not truncated: forged here with
	// A's own mask, as only the tracker and A could.
	mask := a.sk.Mul(a.licence.keys[0]).(*elgamal.ModPElement).Int()
	forged := bytes.Clone(ca)
	m := new(big.Int).Lsh(big.NewInt(1), 8*46) // 47 bytes of plain
	m.Add(m, bigOne).Mul(m, mask).Mod(m, g.P())
	m.FillBytes(forged[len(forged)-kb:])
	_, err = a.ExactDecrypt(0, forged, now)
	require.ErrorIs(t, err, ErrDecrypt)

	// Blocks that are no element of [1, p): refused by T and by PDec.
	for name, block := range map[string][]byte{
		"zero block":    make([]byte, kb),
		"block above p": bytes.Repeat([]byte{0xff}, kb),
	} {
		bad := bytes.Clone(ca)
		copy(bad[4+kb:], block)
		_, err := ExactTransform(rk, bad)
		require.ErrorIs(t, err, ErrMalformed, name)
		_, err = a.ExactDecrypt(0, bad, now)
		require.ErrorIs(t, err, ErrMalformed, name)
	}

	// A re-key of a curve group is not the exact scheme's.
	r := newSwarm(t, elgamal.Default, testPieces(10), 2)
	rrk, err := r.tr.ReKey(0, r.peers[0].ID(), r.peers[1].ID())
	require.NoError(t, err)
	_, err = ExactTransform(rrk, ca)
	require.ErrorIs(t, err, ErrExactGroup)

	// The licence's expiry binds the exact scheme too.
	l, err := s.tr.IssueLicence(a.ID(), Policy{NotAfter: now.Add(-time.Second)})
	require.NoError(t, err)
	require.NoError(t, a.InstallLicence(l))
	_, err = a.ExactDecrypt(0, ca, now)
	require.ErrorIs(t, err, ErrPolicy)

	// And without a licence it decrypts nothing.
	c, err := NewPeer(s.torrent, nil)
	require.NoError(t, err)
	_, err = c.ExactDecrypt(0, ca, now)
	require.ErrorIs(t, err, ErrNoLicence)
}

// TestParseLicenceRefusesBadKeys: a licence whose signature verifies is
// still refused when a key is not a canonical element or is the identity
// (the tracker never issues either; a leaked or misused signing key could).
func TestParseLicenceRefusesBadKeys(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(8, 8), 1)
		p := s.peers[0]
		n := elgamal.ElementSize(g)
		keys := p.licence.keys
		body := licenceBody(g, s.torrent.ID, p.ID(), Policy{}, keys)
		sign := func(body []byte) []byte {
			return append(bytes.Clone(body), ed25519.Sign(s.tr.signer, licenceSigned(g, body))...)
		}
		_, err := ParseLicence(g, sign(body), s.tr.LicenceKey())
		require.NoError(t, err, "the genuine body, signed")

		last := len(body) - n // the last key
		identity := append(bytes.Clone(body[:last]), elgamal.AppendElement(nil, g.Identity())...)
		_, err = ParseLicence(g, sign(identity), s.tr.LicenceKey())
		require.ErrorIs(t, err, ErrMalformed, "identity key")

		garbage := append(bytes.Clone(body[:last]), bytes.Repeat([]byte{0xff}, n)...)
		_, err = ParseLicence(g, sign(garbage), s.tr.LicenceKey())
		require.ErrorIs(t, err, ErrMalformed, "key that is no element")
	})
}

// TestLoadLicenceRefusesForgery: a saved licence that another tracker
// signed, or that was altered, is refused as a bad signature, not installed.
func TestLoadLicenceRefusesForgery(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(8), 1)
	p := s.peers[0]
	lic, err := p.Licence().MarshalBinary()
	require.NoError(t, err)
	q, err := NewPeer(s.torrent, nil)
	require.NoError(t, err)
	other, err := NewTracker(elgamal.Default, nil)
	require.NoError(t, err)
	require.ErrorIs(t, p.LoadLicence(lic, other.LicenceKey()), ErrBadSignature)
	altered := bytes.Clone(lic)
	altered[76+3] ^= 1 // MaxPlays
	require.ErrorIs(t, p.LoadLicence(altered, s.tr.LicenceKey()), ErrBadSignature)
	require.ErrorIs(t, q.LoadLicence(lic, s.tr.LicenceKey()), ErrWrongPeer)
	require.Nil(t, q.Licence())
}

// TestDecodersRefuseBadElements: upload keys, re-keys, pieces and key
// proofs refuse an element that is not canonical, and all but re-keys (Δ
// may be any element) the identity.
func TestDecodersRefuseBadElements(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(20), 2)
		a := s.peers[0]
		n := elgamal.ElementSize(g)
		identity := elgamal.AppendElement(nil, g.Identity())
		garbage := bytes.Repeat([]byte{0xff}, n)

		uk, err := s.tr.UploadKey(0, s.seed.ID(), a.ID())
		require.NoError(t, err)
		ukb, err := uk.MarshalBinary()
		require.NoError(t, err)
		pc, err := s.seed.PEnc(uk)
		require.NoError(t, err)
		pcb, err := pc.MarshalBinary()
		require.NoError(t, err)
		rk, err := s.tr.ReKey(0, a.ID(), s.peers[1].ID())
		require.NoError(t, err)
		rkb, err := rk.MarshalBinary()
		require.NoError(t, err)
		for name, elem := range map[string][]byte{"identity": identity, "not an element": garbage} {
			k := append(bytes.Clone(ukb[:68]), elem...)
			_, err := ParseUploadKey(g, k)
			require.ErrorIs(t, err, ErrMalformed, "upload key: %s", name)
			if name != "identity" { // Δ may be any element
				_, err = ParseReKey(g, append(bytes.Clone(rkb[:100]), elem...))
				require.ErrorIs(t, err, ErrMalformed, "re-key: %s", name)
			}

			piece := bytes.Clone(pcb)
			copy(piece[4:4+n], elem)
			_, err = ParsePiece(g, piece)
			require.ErrorIs(t, err, ErrMalformed, "piece: %s", name)
			_, err = a.Receive(piece)
			require.ErrorIs(t, err, ErrMalformed, "received piece: %s", name)
		}

		pf, err := a.ProveKey(nil, []byte("ctx"))
		require.NoError(t, err)
		for name, bad := range map[string][]byte{
			"identity commitment":       append(bytes.Clone(identity), pf[n:]...),
			"commitment not an element": append(bytes.Clone(garbage), pf[n:]...),
			"unreduced response":        append(bytes.Clone(pf[:n]), bytes.Repeat([]byte{0xff}, elgamal.ScalarSize(g))...),
		} {
			require.ErrorIs(t, VerifyKeyProof(a.PublicKey(), bad, []byte("ctx")), ErrMalformed, name)
		}
	})
}

// TestVerifyCapsuleRefusals: a capsule for a piece the torrent does not
// have, or of another group, is refused on arrival.
func TestVerifyCapsuleRefusals(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(20, 20), 1)
	a := s.peers[0]
	uk, err := s.tr.UploadKey(1, s.seed.ID(), a.ID())
	require.NoError(t, err)
	c, err := s.seed.Capsule(uk)
	require.NoError(t, err)
	require.NoError(t, a.VerifyCapsule(c))
	moved := c.clone()
	moved.Index = 2
	require.ErrorIs(t, a.VerifyCapsule(moved), ErrPieceRange)
	modp := newSwarm(t, elgamal.ModP1024, testPieces(20, 20), 1)
	muk, err := modp.tr.UploadKey(1, modp.seed.ID(), modp.peers[0].ID())
	require.NoError(t, err)
	mc, err := modp.seed.Capsule(muk)
	require.NoError(t, err)
	require.ErrorIs(t, a.VerifyCapsule(mc), ErrGroup)
}

// TestSeedRefusesForeignUploadKeys: the seed blinds a piece only with an
// upload key for its own torrent, for a piece it has, in its group.
func TestSeedRefusesForeignUploadKeys(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(20, 20), 1)
	uk, err := s.tr.UploadKey(1, s.seed.ID(), s.peers[0].ID())
	require.NoError(t, err)

	other := newSwarm(t, elgamal.Default, testPieces(5, 5), 1)
	ouk, err := other.tr.UploadKey(1, other.seed.ID(), other.peers[0].ID())
	require.NoError(t, err)
	out := *uk
	out.Index = 2
	modp := newSwarm(t, elgamal.ModP1024, testPieces(20, 20), 1)
	muk, err := modp.tr.UploadKey(1, modp.seed.ID(), modp.peers[0].ID())
	require.NoError(t, err)
	muk.Torrent = s.torrent.ID
	for name, tc := range map[string]struct {
		k    *UploadKey
		want error
	}{
		"another torrent":    {ouk, ErrWrongTorrent},
		"piece out of range": {&out, ErrPieceRange},
		"another group":      {muk, ErrGroup},
	} {
		_, err := s.seed.Capsule(tc.k)
		require.ErrorIs(t, err, tc.want, name)
		_, err = s.seed.AppendPEnc(nil, tc.k)
		require.ErrorIs(t, err, tc.want, name)
	}
}

// TestPlayerEnforcesExpiry: the player refuses to play content whose
// licence expired, and counts no play for it.
func TestPlayerEnforcesExpiry(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(16, 16), 1)
	p := s.peers[0]
	l, err := s.tr.IssueLicence(p.ID(), Policy{NotAfter: now})
	require.NoError(t, err)
	require.NoError(t, p.InstallLicence(l))
	pl, err := NewPlayer(p, []*Piece{s.fromSeed(t, 0, p), s.fromSeed(t, 1, p)})
	require.NoError(t, err)
	_, err = pl.Play(now.Add(time.Second))
	require.ErrorIs(t, err, ErrPolicy)
	require.Zero(t, pl.Plays())
	got, err := pl.Play(now)
	require.NoError(t, err)
	require.Equal(t, bytes.Join(s.plain, nil), got)
}

// TestTorrentDescriptionTruncated: a description cut inside its header is
// refused, not read past its end.
func TestTorrentDescriptionTruncated(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10), 0)
	b, err := s.torrent.MarshalBinary()
	require.NoError(t, err)
	head := 37 + len(s.torrent.Group) // up to the piece count
	for cut := 37; cut < head+4; cut++ {
		_, err := ParseTorrent(b[:cut])
		require.ErrorIs(t, err, ErrMalformed, "cut at %d", cut)
	}
}

// TestTrackerSetUpRefusals: SGen refuses a group it cannot name (peers
// could not join it) and a reader that fails while drawing the signing key;
// Publish refuses a piece larger than MaxPieceSize.
func TestTrackerSetUpRefusals(t *testing.T) {
	unnamed := struct{ group.Group }{elgamal.Default}
	_, err := NewTracker(unnamed, nil)
	require.ErrorIs(t, err, ErrGroup)
	_, err = NewTracker(elgamal.Default, bytes.NewReader(make([]byte, 32)))
	require.Error(t, err, "the reader ran out before the signing key")
	_, err = NewTracker(elgamal.Default, &failOnce{r: rand.Reader})
	require.Error(t, err, "a master key read that failed once must not be used")

	tr, err := NewTracker(elgamal.Default, rand.Reader)
	require.NoError(t, err)
	_, _, err = tr.Publish([][]byte{{1}, make([]byte, MaxPieceSize+1)})
	require.ErrorIs(t, err, ErrMalformed)
	require.Nil(t, tr.Torrent(), "a refused publication publishes nothing")
}

// TestCapsuleEqualZero: Equal compares nil and empty capsules by identity
// instead of dereferencing them.
func TestCapsuleEqualZero(t *testing.T) {
	var nilCapsule *Capsule
	require.True(t, nilCapsule.Equal(nil))
	zero := &Capsule{}
	require.True(t, zero.Equal(zero))
	require.False(t, zero.Equal(&Capsule{}))
	require.False(t, nilCapsule.Equal(zero))
}

// TestSizeBoundsInclusive: the documented bounds are inclusive — an empty
// plain piece, a piece of MaxPieceSize bytes and a torrent of MaxPieces
// pieces are accepted — and one more is refused.
func TestSizeBoundsInclusive(t *testing.T) {
	g := elgamal.Default
	s := newSwarm(t, g, testPieces(0), 1)
	uk, err := s.tr.UploadKey(0, s.seed.ID(), s.peers[0].ID())
	require.NoError(t, err)
	c, err := s.seed.Capsule(uk)
	require.NoError(t, err)
	body, err := s.seed.Body(0)
	require.NoError(t, err)
	require.Len(t, body, BodyOverhead)
	pc, err := NewPiece(c, body)
	require.NoError(t, err, "the sealed empty piece")
	pt, err := s.peers[0].Decrypt(pc, now)
	require.NoError(t, err)
	require.Empty(t, pt)

	cb, err := c.MarshalBinary()
	require.NoError(t, err)
	largest := make([]byte, BodyOverhead+MaxPieceSize+1)
	_, err = NewPiece(c, largest[:BodyOverhead+MaxPieceSize])
	require.NoError(t, err)
	_, err = NewPiece(c, largest)
	require.ErrorIs(t, err, ErrMalformed)
	wire := append(cb, largest...)
	_, err = ParsePiece(g, wire[:len(wire)-1])
	require.NoError(t, err)
	_, err = ParsePiece(g, wire)
	require.ErrorIs(t, err, ErrMalformed)

	tor := &Torrent{ID: s.torrent.ID, Group: s.torrent.Group,
		Lengths: make([]int, MaxPieces), BodyHashes: make([][32]byte, MaxPieces)}
	tor.Lengths[0] = MaxPieceSize
	_, err = NewPeer(tor, nil)
	require.NoError(t, err)
	tb, err := tor.MarshalBinary()
	require.NoError(t, err)
	_, err = ParseTorrent(tb)
	require.NoError(t, err)
	tor.Lengths[0]++
	_, err = NewPeer(tor, nil)
	require.ErrorIs(t, err, ErrMalformed)
	tor.Lengths[0]--
	tor.Lengths, tor.BodyHashes = append(tor.Lengths, 0), append(tor.BodyHashes, [32]byte{})
	_, err = NewPeer(tor, nil)
	require.ErrorIs(t, err, ErrMalformed)
	tb = binary.BigEndian.AppendUint32(tb[:37+len(tor.Group)], MaxPieces+1)
	tb = append(tb, make([]byte, 36*(MaxPieces+1))...)
	_, err = ParseTorrent(tb)
	require.ErrorIs(t, err, ErrMalformed)

}

// TestUnsubscribe: a peer removed from the peer table gets no more keys or
// licences, and nobody gets keys for it.
func TestUnsubscribe(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10), 2)
	a, b := s.peers[0], s.peers[1]
	s.tr.Unsubscribe(a.ID())
	require.Equal(t, 1, s.tr.Peers())
	_, err := s.tr.IssueLicence(a.ID(), Policy{})
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = s.tr.ExpectedHashes(a.ID())
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = s.tr.ReKey(0, a.ID(), b.ID())
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = s.tr.ReKey(0, b.ID(), a.ID())
	require.ErrorIs(t, err, ErrUnknownPeer)
	_, err = s.tr.UploadKey(0, s.seed.ID(), a.ID())
	require.ErrorIs(t, err, ErrUnknownPeer)
}

// failOnce is a reader whose first read fails and later reads work.
type failOnce struct {
	r      io.Reader
	failed bool
}

func (f *failOnce) Read(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, errors.New("transient")
	}
	return f.r.Read(p)
}
