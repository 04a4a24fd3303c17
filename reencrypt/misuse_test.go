package reencrypt

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// TestMisuse probes every exported function and method with nil and zero
// inputs: each returns an error, never panics. Functions without an error
// result return a documented zero value.
func TestMisuse(t *testing.T) {
	g := elgamal.Default
	s := newSwarm(t, g, testPieces(40, 40), 2)
	a, b := s.peers[0], s.peers[1]
	pc := s.fromSeed(t, 0, a)
	uk, err := s.tr.UploadKey(0, s.seed.ID(), a.ID())
	require.NoError(t, err)
	rk, err := s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(t, err)
	caps, err := s.seed.Capsule(uk)
	require.NoError(t, err)
	lic, err := a.Licence().MarshalBinary()
	require.NoError(t, err)

	// A piece and a licence of another group (modp1024), for the group checks.
	modp := newSwarm(t, elgamal.ModP1024, testPieces(40, 40), 1)
	foreign := modp.fromSeed(t, 0, modp.peers[0])

	var (
		zt  Tracker
		zs  Seed
		zp  Peer
		zpl Player
	)
	cases := []struct {
		name string
		call func() error
		want error // nil: any error
	}{
		{"NewTracker nil group", func() error { _, err := NewTracker(nil, nil); return err }, ErrGroup},
		{"zero Tracker Publish", func() error { _, _, err := zt.Publish(s.plain); return err }, ErrMalformed},
		{"zero Tracker Subscribe", func() error { _, err := zt.Subscribe(a.PublicKey()); return err }, ErrMalformed},
		{"zero Tracker UploadKey", func() error { _, err := zt.UploadKey(0, s.seed.ID(), a.ID()); return err }, ErrNotPublished},
		{"zero Tracker ReKey", func() error { _, err := zt.ReKey(0, a.ID(), b.ID()); return err }, ErrNotPublished},
		{"zero Tracker IssueLicence", func() error { _, err := zt.IssueLicence(a.ID(), Policy{}); return err }, ErrNotPublished},
		{"zero Tracker ExpectedHashes", func() error { _, err := zt.ExpectedHashes(a.ID()); return err }, ErrNotPublished},
		{"zero Tracker SeedID", func() error { _, err := zt.SeedID(); return err }, ErrNotPublished},
		{"zero Tracker LicenceKey", func() error { return nilIsError(zt.LicenceKey() == nil) }, nil},
		{"zero Tracker Torrent", func() error { return nilIsError(zt.Torrent() == nil && zt.Peers() == 0) }, nil},
		{"Publish nil", func() error { tr, _ := NewTracker(g, nil); _, _, err := tr.Publish(nil); return err }, ErrPieceRange},
		{"Subscribe nil", func() error { _, err := s.tr.Subscribe(nil); return err }, ErrMalformed},
		{"Subscribe zero key", func() error { _, err := s.tr.Subscribe(&elgamal.PublicKey{}); return err }, ErrMalformed},

		{"zero Seed Capsule", func() error { _, err := zs.Capsule(uk); return err }, ErrNotPublished},
		{"zero Seed PEnc", func() error { _, err := zs.PEnc(uk); return err }, ErrNotPublished},
		{"zero Seed AppendPEnc", func() error { _, err := zs.AppendPEnc(nil, uk); return err }, ErrNotPublished},
		{"zero Seed ExactPEnc", func() error { _, err := zs.ExactPEnc(uk); return err }, ErrNotPublished},
		{"zero Seed Body", func() error { _, err := zs.Body(0); return err }, ErrNotPublished},
		{"zero Seed WriteTo", func() error { _, err := zs.WriteTo(new(bytes.Buffer)); return err }, ErrNotPublished},
		{"zero Seed ReadAt", func() error { _, err := zs.ReadAt(make([]byte, 1), 0); return err }, ErrNotPublished},
		{"zero Seed Torrent", func() error { return nilIsError(zs.Torrent() == nil && zs.ID() == PeerID{}) }, nil},
		{"Seed Capsule nil", func() error { _, err := s.seed.Capsule(nil); return err }, ErrMalformed},
		{"Seed PEnc nil", func() error { _, err := s.seed.PEnc(nil); return err }, ErrMalformed},
		{"Seed AppendPEnc nil", func() error { _, err := s.seed.AppendPEnc(nil, nil); return err }, ErrMalformed},
		{"Seed ExactPEnc nil", func() error { _, err := s.seed.ExactPEnc(nil); return err }, ErrMalformed},
		{"Seed PEnc zero key", func() error { _, err := s.seed.PEnc(&UploadKey{}); return err }, ErrMalformed},
		{"Seed Body out of range", func() error { _, err := s.seed.Body(9); return err }, ErrPieceRange},

		{"NewPeer nil torrent", func() error { _, err := NewPeer(nil, nil); return err }, ErrMalformed},
		{"NewPeer zero torrent", func() error { _, err := NewPeer(&Torrent{}, nil); return err }, ErrGroup},
		{"RestorePeer nil torrent", func() error { _, err := RestorePeer(nil, nil); return err }, ErrMalformed},
		{"RestorePeer nil key", func() error { _, err := RestorePeer(s.torrent, nil); return err }, ErrMalformed},
		{"zero Peer SetExpectedHashes", func() error { return zp.SetExpectedHashes(nil) }, ErrMalformed},
		{"zero Peer Receive", func() error { _, err := zp.Receive(nil); return err }, ErrMalformed},
		{"zero Peer Verify", func() error { return zp.Verify(pc) }, ErrMalformed},
		{"zero Peer VerifyCapsule", func() error { return zp.VerifyCapsule(caps) }, ErrMalformed},
		{"zero Peer Transform", func() error { _, err := zp.Transform(pc, rk); return err }, ErrMalformed},
		{"zero Peer TransformCapsule", func() error { _, err := zp.TransformCapsule(caps, rk); return err }, ErrMalformed},
		{"zero Peer InstallLicence", func() error { return zp.InstallLicence(a.Licence()) }, ErrMalformed},
		{"zero Peer LoadLicence", func() error { return zp.LoadLicence(lic, s.tr.LicenceKey()) }, ErrMalformed},
		{"zero Peer Decrypt", func() error { _, err := zp.Decrypt(pc, now); return err }, ErrMalformed},
		{"zero Peer ExactDecrypt", func() error { _, err := zp.ExactDecrypt(0, nil, now); return err }, ErrMalformed},
		{"zero Peer MarshalBinary", func() error { _, err := zp.MarshalBinary(); return err }, ErrMalformed},
		{"zero Peer ProveKey", func() error { _, err := zp.ProveKey(nil, nil); return err }, ErrMalformed},
		{"zero Peer getters", func() error {
			return nilIsError(zp.PublicKey() == nil && zp.Torrent() == nil && zp.Licence() == nil && zp.ID() == PeerID{})
		}, nil},
		{"Peer SetExpectedHashes nil", func() error { return a.SetExpectedHashes(nil) }, ErrMalformed},
		{"Peer Verify nil", func() error { return a.Verify(nil) }, ErrMalformed},
		{"Peer Verify zero", func() error { return a.Verify(&Piece{}) }, ErrMalformed},
		{"Peer VerifyCapsule nil", func() error { return a.VerifyCapsule(nil) }, ErrMalformed},
		{"Peer VerifyCapsule zero", func() error { return a.VerifyCapsule(&Capsule{}) }, ErrMalformed},
		{"Peer Transform nil piece", func() error { _, err := a.Transform(nil, rk); return err }, ErrMalformed},
		{"Peer Transform nil re-key", func() error { _, err := a.Transform(pc, nil); return err }, ErrMalformed},
		{"Peer Transform zero", func() error { _, err := a.Transform(&Piece{}, &ReKey{}); return err }, ErrMalformed},
		{"Peer TransformCapsule nil", func() error { _, err := a.TransformCapsule(nil, nil); return err }, ErrMalformed},
		{"Peer InstallLicence nil", func() error { return a.InstallLicence(nil) }, ErrMalformed},
		{"Peer InstallLicence zero", func() error { return a.InstallLicence(&Licence{}) }, ErrMalformed},
		{"Peer LoadLicence nil", func() error { return a.LoadLicence(nil, nil) }, ErrMalformed},
		{"Peer Decrypt nil", func() error { _, err := a.Decrypt(nil, now); return err }, ErrMalformed},
		{"Peer Decrypt zero", func() error { _, err := a.Decrypt(&Piece{}, now); return err }, ErrMalformed},
		{"Peer Decrypt other group", func() error { _, err := a.Decrypt(foreign, now); return err }, ErrGroup},
		{"Peer Verify other group", func() error { return a.Verify(foreign) }, ErrGroup},
		{"Peer Transform other group", func() error { _, err := a.Transform(foreign, rk); return err }, ErrGroup},
		{"Peer InstallLicence other group", func() error {
			l := *modp.peers[0].Licence()
			l.Torrent, l.Peer = a.torrent.ID, a.ID()
			return a.InstallLicence(&l)
		}, ErrGroup},
		{"Peer ExactDecrypt nil", func() error { _, err := a.ExactDecrypt(0, nil, now); return err }, ErrExactGroup},

		{"NewPlayer nil", func() error { _, err := NewPlayer(nil, nil); return err }, ErrMalformed},
		{"NewPlayer zero peer", func() error { _, err := NewPlayer(&zp, nil); return err }, ErrMalformed},
		{"NewPlayer nil pieces", func() error { _, err := NewPlayer(a, nil); return err }, ErrPieceRange},
		{"NewPlayer nil piece", func() error { _, err := NewPlayer(a, []*Piece{pc, nil}); return err }, ErrPieceRange},
		{"zero Player Play", func() error { _, err := zpl.Play(now); return err }, ErrMalformed},

		{"ParsePiece nil group", func() error { _, err := ParsePiece(nil, nil); return err }, ErrGroup},
		{"ParseCapsule nil group", func() error { _, err := ParseCapsule(nil, nil); return err }, ErrGroup},
		{"ParseUploadKey nil group", func() error { _, err := ParseUploadKey(nil, nil); return err }, ErrGroup},
		{"ParseReKey nil group", func() error { _, err := ParseReKey(nil, nil); return err }, ErrGroup},
		{"ParseLicence nil group", func() error { _, err := ParseLicence(nil, nil, nil); return err }, ErrGroup},
		{"ParseLicence nil key", func() error { _, err := ParseLicence(g, lic, nil); return err }, ErrBadSignature},
		{"ParseTorrent nil", func() error { _, err := ParseTorrent(nil); return err }, ErrMalformed},
		{"NewCapsule nil", func() error { _, err := NewCapsule(nil); return err }, ErrGroup},
		{"NewPiece nil", func() error { _, err := NewPiece(nil, nil); return err }, ErrMalformed},
		{"NewPiece zero capsule", func() error { _, err := NewPiece(&Capsule{}, make([]byte, 16)); return err }, ErrMalformed},
		{"ExactTransform nil", func() error { _, err := ExactTransform(nil, nil); return err }, ErrMalformed},
		{"VerifyKeyProof nil", func() error { return VerifyKeyProof(nil, nil, nil) }, ErrMalformed},
		{"VerifyKeyProof zero key", func() error { return VerifyKeyProof(&elgamal.PublicKey{}, nil, nil) }, ErrMalformed},
		{"SplitPieces nil", func() error { _, err := SplitPieces(nil, 1024); return err }, ErrMalformed},
		{"PlainPieceSize 0", func() error { _, err := PlainPieceSize(0); return err }, ErrMalformed},

		{"zero UploadKey MarshalBinary", func() error { _, err := (&UploadKey{}).MarshalBinary(); return err }, ErrMalformed},
		{"zero ReKey MarshalBinary", func() error { _, err := (&ReKey{}).MarshalBinary(); return err }, ErrMalformed},
		{"zero Licence MarshalBinary", func() error { _, err := (&Licence{}).MarshalBinary(); return err }, ErrMalformed},
		{"zero Piece MarshalBinary", func() error { _, err := (&Piece{}).MarshalBinary(); return err }, ErrMalformed},
		{"zero Capsule MarshalBinary", func() error { _, err := (&Capsule{}).MarshalBinary(); return err }, ErrMalformed},
		{"zero Capsule AppendBinary", func() error { _, err := (&Capsule{}).AppendBinary(nil); return err }, ErrMalformed},
		{"nil Capsule UnmarshalBinary", func() error { return (*Capsule)(nil).UnmarshalBinary(nil) }, ErrGroup},
		{"zero Torrent MarshalBinary", func() error { _, err := (&Torrent{}).MarshalBinary(); return err }, ErrGroup},
		{"nil Torrent MarshalBinary", func() error { _, err := (*Torrent)(nil).MarshalBinary(); return err }, ErrMalformed},
		{"zero values without errors", func() error {
			ok := (&Piece{}).Size() == 0 && (&Piece{}).Capsule() == nil && (&Licence{}).Pieces() == 0 &&
				(&Capsule{}).Group() == nil && !(&Capsule{}).Equal(caps) && (&Torrent{}).SealedLength() == 0 &&
				PeerIDOf(nil) == PeerID{} && PeerIDOf(&elgamal.PublicKey{}) == PeerID{} &&
				CapsuleSize(nil) == 0 && PeerKeySize(nil) == 0 && KeyProofSize(nil) == 0 && ExactSize(nil, 5) == 0
			return nilIsError(ok)
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}

	// nil readers mean crypto/rand.Reader.
	tr, err := NewTracker(g, nil)
	require.NoError(t, err)
	_, err = NewPeer(s.torrent, nil)
	require.NoError(t, err)
	_, err = a.ProveKey(nil, nil)
	require.NoError(t, err)
	_, err = NewTracker(g, bytes.NewReader(nil))
	require.Error(t, err, "a failing reader is an error")
	_, err = NewPeer(s.torrent, bytes.NewReader(nil))
	require.Error(t, err, "a failing reader is an error")
	require.NotNil(t, tr.LicenceKey())
	_ = rand.Reader
}

// nilIsError turns a check that must hold into the error TestMisuse
// expects: errNoError when it holds, nil (a test failure) when not.
func nilIsError(ok bool) error {
	if ok {
		return errNoError
	}
	return nil
}

var errNoError = fmt.Errorf("reencrypt: (no error: documented zero value)")

// TestPeerCopiesTorrent: a peer keeps its own copy of the torrent, so a
// caller shrinking its description afterwards cannot make Receive panic.
func TestPeerCopiesTorrent(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(30, 30), 0)
	tor := s.tr.Torrent()
	p, err := NewPeer(tor, nil)
	require.NoError(t, err)
	_, err = s.tr.Subscribe(p.PublicKey())
	require.NoError(t, err)
	uk, err := s.tr.UploadKey(1, s.seed.ID(), p.ID())
	require.NoError(t, err)
	pc, err := s.seed.PEnc(uk)
	require.NoError(t, err)
	wire, err := pc.MarshalBinary()
	require.NoError(t, err)
	tor.Lengths, tor.BodyHashes = tor.Lengths[:1], tor.BodyHashes[:1]
	var got *Piece
	require.NotPanics(t, func() { got, err = p.Receive(wire) })
	require.NoError(t, err)
	require.Equal(t, uint32(1), got.Index)
}

// TestInstallLicenceCopies: changing a licence value after installing it
// does not change the policy the peer enforces.
func TestInstallLicenceCopies(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(16), 1)
	p := s.peers[0]
	pc := s.fromSeed(t, 0, p)
	l, err := s.tr.IssueLicence(p.ID(), Policy{NotAfter: now.Add(-time.Hour)})
	require.NoError(t, err)
	require.NoError(t, p.InstallLicence(l))
	l.Policy.NotAfter = time.Time{} // the caller's copy, not the peer's
	p.Licence().Policy.NotAfter = time.Time{}
	_, err = p.Decrypt(pc, now)
	require.ErrorIs(t, err, ErrPolicy)
}

// TestPeerConcurrent: a carrier transforms, verifies and decrypts from many
// goroutines while the licence and expected hashes are (re)installed; run
// with -race.
func TestPeerConcurrent(t *testing.T) {
	s := newSwarm(t, elgamal.Default, testPieces(32, 32, 32), 2)
	a, b := s.peers[0], s.peers[1]
	pieces := make([]*Piece, 3)
	rks := make([]*ReKey, 3)
	for i := range pieces {
		pieces[i] = s.fromSeed(t, uint32(i), a)
		var err error
		rks[i], err = s.tr.ReKey(uint32(i), a.ID(), b.ID())
		require.NoError(t, err)
	}
	l := a.Licence()
	h, err := s.tr.ExpectedHashes(a.ID())
	require.NoError(t, err)
	var wg, installer sync.WaitGroup
	errs := make(chan error, 64)
	done := make(chan struct{})
	// The licence is re-installed, erasing the old unblinding keys, for as
	// long as the workers decrypt with them.
	installer.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-done:
				if n >= 20 {
					return
				}
			default:
			}
			if err := a.InstallLicence(l); err != nil {
				errs <- err
				return
			}
			if err := a.SetExpectedHashes(h); err != nil {
				errs <- err
				return
			}
		}
	})
	for w := range 4 {
		wg.Go(func() {
			for n := range 20 {
				i := (w + n) % 3
				if _, err := a.TransformCapsule(pieces[i].Capsule(), rks[i]); err != nil {
					errs <- err
				}
				if err := a.Verify(pieces[i]); err != nil {
					errs <- err
				}
				if _, err := a.Decrypt(pieces[i], now); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(done)
	installer.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
