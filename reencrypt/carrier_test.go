package reencrypt

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// TestCarrier runs the protocol as a BitTorrent carrier does: content cut
// by SplitPieces, sealed once at publication into a file of power-of-two
// pieces, bodies fetched as plain torrent data, capsules sent apart,
// transformed alone and verified alone, pieces assembled with NewPiece.
func TestCarrier(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		const pieceLength = 1 << 10
		content := make([]byte, 5*1000+123)
		_, _ = rand.Read(content)
		plain, err := SplitPieces(content, pieceLength)
		require.NoError(t, err)
		require.Len(t, plain, 6)
		s := newSwarm(t, g, plain, 2)
		a, b := s.peers[0], s.peers[1]

		// The sealed bodies form a torrent of pieceLength-byte pieces.
		var file bytes.Buffer
		n, err := s.seed.WriteTo(&file)
		require.NoError(t, err)
		require.Equal(t, s.torrent.SealedLength(), n)
		require.Equal(t, int64(len(content)+6*BodyOverhead), n)
		at := make([]byte, 100)
		k, err := s.seed.ReadAt(at, pieceLength-50)
		require.NoError(t, err)
		require.Equal(t, 100, k)
		require.Equal(t, file.Bytes()[pieceLength-50:pieceLength+50], at, "ReadAt across a piece boundary")
		_, err = s.seed.ReadAt(at, n-10)
		require.ErrorIs(t, err, io.EOF)
		for i := range uint32(len(plain)) {
			body, err := s.seed.Body(i)
			require.NoError(t, err)
			off := int(i) * pieceLength
			require.Equal(t, file.Bytes()[off:min(off+pieceLength, file.Len())], body, "body %d is piece %d of the file", i, i)
			if int(i) < len(plain)-1 {
				require.Len(t, body, pieceLength)
			}

			// Every downloader gets the same body; PEnc and AppendPEnc agree.
			for _, p := range s.peers {
				uk, err := s.tr.UploadKey(i, s.seed.ID(), p.ID())
				require.NoError(t, err)
				pc, err := s.seed.PEnc(uk)
				require.NoError(t, err)
				require.Equal(t, body, pc.Body())
				full, err := s.seed.AppendPEnc(nil, uk)
				require.NoError(t, err)
				require.Equal(t, body, full.Body())
				c, err := s.seed.Capsule(uk)
				require.NoError(t, err)
				require.True(t, c.Equal(pc.Capsule()))
			}

			// Seed → A: the capsule travels alone, as bytes.
			uk, err := s.tr.UploadKey(i, s.seed.ID(), a.ID())
			require.NoError(t, err)
			c, err := s.seed.Capsule(uk)
			require.NoError(t, err)
			wire, err := c.MarshalBinary()
			require.NoError(t, err)
			require.Len(t, wire, CapsuleSize(g))
			ca, err := ParseCapsule(g, wire)
			require.NoError(t, err)
			require.NoError(t, a.VerifyCapsule(ca))
			require.ErrorIs(t, b.VerifyCapsule(ca), ErrPolluted, "A's capsule is not B's")
			pa, err := NewPiece(ca, body)
			require.NoError(t, err)
			require.NoError(t, a.Verify(pa))
			pt, err := a.Decrypt(pa, now)
			require.NoError(t, err)
			require.Equal(t, plain[i], pt)

			// A → B: only the capsule is transformed.
			rk, err := s.tr.ReKey(i, a.ID(), b.ID())
			require.NoError(t, err)
			cb, err := a.TransformCapsule(ca, rk)
			require.NoError(t, err)
			require.True(t, ca.Equal(pa.Capsule()), "TransformCapsule leaves its input alone")
			require.NoError(t, b.VerifyCapsule(cb))
			pb, err := NewPiece(cb, file.Bytes()[int(i)*pieceLength:min(int(i+1)*pieceLength, file.Len())])
			require.NoError(t, err)
			pt, err = b.Decrypt(pb, now)
			require.NoError(t, err)
			require.Equal(t, plain[i], pt)
			viaPiece, err := a.Transform(pa, rk)
			require.NoError(t, err)
			require.True(t, cb.Equal(viaPiece.Capsule()))
		}
		require.Equal(t, content, bytes.Join(plain, nil))
	})
}

// TestNewPieceShares: NewPiece keeps the caller's body, it does not copy it.
func TestNewPieceShares(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(64, 64), 1)
	uk, err := s.tr.UploadKey(0, s.seed.ID(), s.peers[0].ID())
	require.NoError(t, err)
	c, err := s.seed.Capsule(uk)
	require.NoError(t, err)
	body, err := s.seed.Body(0)
	require.NoError(t, err)
	pc, err := NewPiece(c, body)
	require.NoError(t, err)
	require.Same(t, &body[0], &pc.Body()[0])
	require.Equal(t, len(body), cap(body), "appending to a body must not overwrite the next")
	_, err = NewPiece(c, body[:BodyOverhead-1])
	require.ErrorIs(t, err, ErrMalformed)
	_, err = NewPiece(nil, body)
	require.ErrorIs(t, err, ErrMalformed)
}

func TestPlainPieceSize(t *testing.T) {
	for _, tc := range []struct {
		length, want int
		ok           bool
	}{
		{32 << 10, 32<<10 - 16, true},
		{256 << 10, 256<<10 - 16, true},
		{1 << 20, 1<<20 - 16, true},
		{MaxPieceSize, MaxPieceSize - 16, true},
		{MinPieceLength, 16, true},
		{16, 0, false},
		{0, 0, false},
		{-1 << 20, 0, false},
		{3 << 10, 0, false},
		{2 * MaxPieceSize, 0, false},
	} {
		got, err := PlainPieceSize(tc.length)
		if !tc.ok {
			require.ErrorIs(t, err, ErrMalformed, "%d", tc.length)
			continue
		}
		require.NoError(t, err, "%d", tc.length)
		require.Equal(t, tc.want, got)
		require.Equal(t, tc.length, SealedSize(got))
	}
	_, err := SplitPieces(nil, 1<<10)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = SplitPieces([]byte{1}, 1000)
	require.ErrorIs(t, err, ErrMalformed)
	_, err = SplitPieces(make([]byte, MaxPieces*16+1), MinPieceLength)
	require.ErrorIs(t, err, ErrPieceRange)
	p, err := SplitPieces(make([]byte, 2*1008), 1<<10)
	require.NoError(t, err)
	require.Len(t, p, 2, "content of exactly two plain pieces")
	require.Equal(t, 1008, cap(p[0]), "appending to a piece must not overwrite the next")
}

// TestCapsuleCodec: the fixed-size capsule encoding round-trips and rejects
// every other length, trailing bytes and the identity, leaving the
// receiver unchanged on error.
func TestCapsuleCodec(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(10, 10), 1)
		uk, err := s.tr.UploadKey(1, s.seed.ID(), s.peers[0].ID())
		require.NoError(t, err)
		c, err := s.seed.Capsule(uk)
		require.NoError(t, err)
		b, err := c.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, b, CapsuleSize(g))
		require.Equal(t, []byte{0, 0, 0, 1}, b[:4])
		ab, err := c.AppendBinary([]byte("x"))
		require.NoError(t, err)
		require.Equal(t, append([]byte("x"), b...), ab)

		got, err := ParseCapsule(g, b)
		require.NoError(t, err)
		require.True(t, c.Equal(got))
		require.Equal(t, elgamal.GroupName(g), elgamal.GroupName(got.Group()))

		keep := got.clone()
		identity := append(b[:4:4], elgamal.AppendElement(nil, g.Identity())...)
		for name, bad := range map[string][]byte{
			"trailing byte": append(bytes.Clone(b), 0),
			"short":         b[:len(b)-1],
			"empty":         nil,
			"identity":      identity,
		} {
			_, err := ParseCapsule(g, bad)
			require.ErrorIs(t, err, ErrMalformed, name)
			require.ErrorIs(t, got.UnmarshalBinary(bad), ErrMalformed, name)
			require.True(t, keep.Equal(got), "%s: a failed decoding changed the capsule", name)
		}
		var zero Capsule
		require.ErrorIs(t, zero.UnmarshalBinary(b), ErrGroup)
		_, err = zero.MarshalBinary()
		require.ErrorIs(t, err, ErrMalformed)
	})
}

// TestRestart: a client saves its key and licence, restarts, and still
// decrypts what it downloaded before.
func TestRestart(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(100, 50), 1)
		p := s.peers[0]
		pieces := []*Piece{s.fromSeed(t, 0, p), s.fromSeed(t, 1, p)}
		key, err := p.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, key, PeerKeySize(g))
		lic, err := p.Licence().MarshalBinary()
		require.NoError(t, err)
		tor, err := s.torrent.MarshalBinary()
		require.NoError(t, err)

		// The process restarts: only the saved bytes remain.
		tor2, err := ParseTorrent(tor)
		require.NoError(t, err)
		q, err := RestorePeer(tor2, key)
		require.NoError(t, err)
		require.Equal(t, p.ID(), q.ID())
		_, err = q.Decrypt(pieces[0], now)
		require.ErrorIs(t, err, ErrNoLicence)
		require.NoError(t, q.LoadLicence(lic, s.tr.LicenceKey()))
		for i, pc := range pieces {
			pt, err := q.Decrypt(pc, now)
			require.NoError(t, err)
			require.Equal(t, s.plain[i], pt)
		}
		again, err := q.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, key, again)

		// Saved bytes of the wrong shape or for another torrent.
		other := newSwarm(t, g, testPieces(7), 0)
		_, err = RestorePeer(other.torrent, key)
		require.ErrorIs(t, err, ErrWrongTorrent)
		for name, bad := range map[string][]byte{
			"short":    key[:len(key)-1],
			"trailing": append(bytes.Clone(key), 0),
			"version":  append([]byte("SBK2"), key[4:]...),
			"zero key": append(bytes.Clone(key[:36]), make([]byte, elgamal.ScalarSize(g))...),
		} {
			_, err := RestorePeer(s.torrent, bad)
			require.ErrorIs(t, err, ErrMalformed, name)
		}
		require.ErrorIs(t, q.LoadLicence(lic[:len(lic)-1], s.tr.LicenceKey()), ErrMalformed)
	})
}

// TestTorrentCodec: a torrent description round-trips; malformed ones are
// refused; the copy a tracker, a seed or a peer hands out is the caller's
// to change.
func TestTorrentCodec(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(10, 20, 0), 1)
	b, err := s.torrent.MarshalBinary()
	require.NoError(t, err)
	got, err := ParseTorrent(b)
	require.NoError(t, err)
	require.Equal(t, s.torrent, got)
	for name, bad := range map[string][]byte{
		"trailing":  append(bytes.Clone(b), 0),
		"short":     b[:len(b)-1],
		"magic":     append([]byte("SBT2"), b[4:]...),
		"no pieces": append(bytes.Clone(b[:37+len("ristretto255")]), 0, 0, 0, 0),
	} {
		_, err := ParseTorrent(bad)
		require.ErrorIs(t, err, ErrMalformed, name)
	}
	unknown := bytes.Clone(b)
	unknown[37] = 'R'
	_, err = ParseTorrent(unknown)
	require.ErrorIs(t, err, ErrGroup)

	// Copies: changing what a getter returned changes nothing inside.
	s.tr.Torrent().Lengths[0] = 999
	s.seed.Torrent().BodyHashes[0][0] ^= 1
	s.peers[0].Torrent().Lengths[1] = 1
	s.torrent.Lengths[2] = 7 // the description Publish returned
	require.Equal(t, got, s.tr.Torrent())
	require.Equal(t, got, s.seed.Torrent())
	require.Equal(t, got, s.peers[0].Torrent())
}

// TestUploadKeyOnlyToSeed reproduces the hole of issue 14: a subscribed
// peer without a licence that obtains the upload key for itself strips its
// own capsule (C − K = M_i) and reads the piece. The tracker now answers
// upload requests from the original seed only.
func TestUploadKeyOnlyToSeed(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(300), 0)
		// Mallory subscribes but buys no licence, and downloads her piece.
		mallory, err := NewPeer(s.torrent, nil)
		require.NoError(t, err)
		_, err = s.tr.Subscribe(mallory.PublicKey())
		require.NoError(t, err)
		pc := s.fromSeed(t, 0, mallory)
		_, err = mallory.Decrypt(pc, now)
		require.ErrorIs(t, err, ErrNoLicence)

		// She asks the tracker for her own upload key, as uploader.
		_, err = s.tr.UploadKey(0, mallory.ID(), mallory.ID())
		require.ErrorIs(t, err, ErrForbidden)
		var zero PeerID
		_, err = s.tr.UploadKey(0, zero, mallory.ID())
		require.ErrorIs(t, err, ErrForbidden)

		// What she would have done with it: the attack works whenever the
		// key reaches her, which is why only the seed may have it.
		uk, err := s.tr.UploadKey(0, s.seed.ID(), mallory.ID())
		require.NoError(t, err)
		m := g.NewElement().Neg(uk.key)
		m.Add(m, pc.capsule)
		pt, err := openBody(nil, s.torrent.ID, 0, m, pc.body)
		require.NoError(t, err)
		require.Equal(t, s.plain[0], pt)

		// The seed is no subscriber: it can get no re-key or licence.
		_, err = s.tr.ReKey(0, s.seed.ID(), mallory.ID())
		require.ErrorIs(t, err, ErrUnknownPeer)
		_, err = s.tr.IssueLicence(s.seed.ID(), Policy{})
		require.ErrorIs(t, err, ErrUnknownPeer)
	})
}

// TestKeyProof: only the holder of a key proves possession of it, and a
// proof does not carry over to another context or key.
func TestKeyProof(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(1), 2)
		a, b := s.peers[0], s.peers[1]
		pf, err := a.ProveKey(nil, []byte("ctx"))
		require.NoError(t, err)
		require.Len(t, pf, KeyProofSize(g))
		require.NoError(t, VerifyKeyProof(a.PublicKey(), pf, []byte("ctx")))
		require.ErrorIs(t, VerifyKeyProof(a.PublicKey(), pf, []byte("ctX")), ErrBadSignature)
		require.ErrorIs(t, VerifyKeyProof(b.PublicKey(), pf, []byte("ctx")), ErrBadSignature)
		bad := bytes.Clone(pf)
		bad[len(bad)-1] ^= 1
		if err := VerifyKeyProof(a.PublicKey(), bad, []byte("ctx")); !errors.Is(err, ErrMalformed) {
			require.ErrorIs(t, err, ErrBadSignature)
		}
		require.ErrorIs(t, VerifyKeyProof(a.PublicKey(), pf[1:], []byte("ctx")), ErrMalformed)
		require.ErrorIs(t, VerifyKeyProof(nil, pf, nil), ErrMalformed)
	})
}
