package drm_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	pp "github.com/anacrolix/torrent/peer_protocol"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// startHostile starts a client that seeds the public bodies and speaks the
// extension, but answers every capsule request with a random capsule for
// the right piece, and sends, with its first answer, messages that do not
// decode or answer nothing.
func (w *world) startHostile(t testing.TB, dir string) *loopback.Node {
	g := elgamal.Default
	cfg := loopback.ClientConfig(dir)
	cfg.Callbacks.PeerConnAdded = append(cfg.Callbacks.PeerConnAdded, func(pc *torrent.PeerConn) {
		m := &torrent.LocalLtepProtocolMap{Index: slices.Clone(pc.LocalLtepProtocolMap.Index), NumBuiltin: pc.LocalLtepProtocolMap.NumBuiltin}
		m.AddUserProtocol(drm.ExtensionName)
		pc.LocalLtepProtocolMap = m
	})
	first := true
	cfg.Callbacks.PeerConnReadExtensionMessage = append(cfg.Callbacks.PeerConnReadExtensionMessage, func(ev torrent.PeerConnReadExtensionMessageEvent) {
		if ev.ExtensionNumber == pp.HandshakeExtendedID {
			return
		}
		name, builtin, err := ev.PeerConn.LocalLtepProtocolMap.LookupId(ev.ExtensionNumber)
		if err != nil || builtin || name != drm.ExtensionName {
			return
		}
		req, err := drm.ParseMessage(g, ev.Payload)
		if err != nil || req.Kind != drm.KindRequest {
			return
		}
		var out [][]byte
		if first {
			first = false
			n := uint32(w.rel.Torrent.Pieces())
			junk := [][]byte{
				{},
				{0x7f, 1, 2, 3},
				append([]byte{byte(drm.KindCapsule)}, make([]byte, reencrypt.CapsuleSize(g))...), // identity element
				binary.BigEndian.AppendUint32([]byte{byte(drm.KindRefuse)}, 0),                   // short refusal
				append(binary.BigEndian.AppendUint32([]byte{byte(drm.KindRefuse)}, n+7), 1),      // no such piece
			}
			out = append(out, junk...)
			// A well-formed refusal for a piece nobody asked this peer.
			other := (req.Index + 1) % n
			r, _ := (&drm.Message{Kind: drm.KindRefuse, Index: other, Reason: drm.ReasonBusy}).MarshalBinary()
			out = append(out, r)
		}
		e := g.RandomElement(rand.Reader)
		c, err := reencrypt.ParseCapsule(g, elgamal.AppendElement(binary.BigEndian.AppendUint32(nil, req.Index), e))
		if err != nil {
			panic(err)
		}
		b, _ := (&drm.Message{Kind: drm.KindCapsule, Capsule: c}).MarshalBinary()
		out = append(out, b)
		pc := ev.PeerConn
		// Writing takes the client lock, held during callbacks.
		go func() {
			for _, m := range out {
				_ = pc.WriteExtendedMessage(drm.ExtensionName, m)
			}
		}()
	})
	n, err := loopback.NewSeed(cfg, w.rel.MetaInfo, w.sealed)
	require.NoError(t, err)
	t.Cleanup(n.Close)
	return n
}

// TestPollutedCapsule has a downloader fetch every body from a hostile
// peer that sends polluted capsules and junk: every polluted capsule is
// rejected (§2.3), the junk is counted, and once the original seed is
// reachable every capsule is fetched again from it and the content
// decrypts.
func TestPollutedCapsule(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const pieceLength = 32 << 10
	w := newWorld(t, 8*pieceLength, pieceLength)
	dir := t.TempDir()
	hostile := w.startHostile(t, filepath.Join(dir, "hostile"))
	victim := w.startPeer(t, filepath.Join(dir, "victim"), w.join(t, true))
	loopback.Connect(hostile, victim.Node)

	select {
	case <-victim.Torrent.Complete().On():
	case <-ctx.Done():
		require.FailNow(t, "the victim did not get the bodies from the hostile peer")
	}
	require.Eventually(t, func() bool {
		s := victim.drm.Stats()
		return s.CapsulesRejected >= 3 && s.Malformed >= 4 && s.Unsolicited >= 1
	}, 20*time.Second, 10*time.Millisecond, "stats %+v", victim.drm.Stats())
	require.Zero(t, victim.drm.Stats().CapsulesReceived, "no polluted capsule is kept")
	_, err := play(ctx, victim)
	require.ErrorIs(t, err, drm.ErrIncomplete)

	seed := w.startSeed(t, filepath.Join(dir, "seed"))
	connect(seed, victim)
	waitDone(t, ctx, victim)
	s := victim.drm.Stats()
	t.Logf("victim: %+v", s)
	require.Equal(t, int64(w.rel.Torrent.Pieces()), s.CapsulesReceived)
	// The seed counts a capsule once its write returns, which may be after
	// the victim has it.
	require.Eventually(t, func() bool { return seed.drm.Stats().CapsulesServed == s.CapsulesReceived },
		5*time.Second, time.Millisecond, "every capsule came from the seed")
	got, err := play(ctx, victim)
	require.NoError(t, err)
	require.True(t, bytes.Equal(w.content, got))
}
