package drm_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/reencrypt"
	"github.com/swarmblocks/swarmblocks/reencrypt/keyserver"
)

// TestSwarm runs the DRM swarm: an original seed, six licensed leechers
// and one subscribed but unlicensed leecher on loopback TCP, every node
// asking the HTTP key server with its own authenticated client.
func TestSwarm(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const pieceLength = 32 << 10
	w := newWorld(t, 24*pieceLength-1000, pieceLength)
	w.serveKeys(t)
	dir := t.TempDir()

	seed := w.startSeed(t, filepath.Join(dir, "seed"))
	var licensed []*node
	for i := range 6 {
		licensed = append(licensed, w.startPeer(t, filepath.Join(dir, fmt.Sprint("licensed", i)), w.join(t, true)))
	}
	unlicensed := w.startPeer(t, filepath.Join(dir, "unlicensed"), w.join(t, false))
	all := append([]*node{seed, unlicensed}, licensed...)
	connect(all...)
	waitDone(t, ctx, append(licensed, unlicensed)...)

	t.Run("every licensed leecher decrypts the original", func(t *testing.T) {
		for i, n := range licensed {
			got, err := play(ctx, n)
			require.NoError(t, err, "leecher %d", i)
			require.True(t, bytes.Equal(w.content, got), "leecher %d decrypted other content", i)
		}
	})

	t.Run("capsules are re-encrypted by leechers, not only by the seed", func(t *testing.T) {
		served := func() (fromPeers, received int64) {
			for _, n := range append(licensed, unlicensed) {
				fromPeers += n.drm.Stats().CapsulesServed
				received += n.drm.Stats().CapsulesReceived
			}
			return fromPeers, received
		}
		for _, n := range append(licensed, unlicensed) {
			require.Zero(t, n.drm.Stats().CapsulesRejected)
		}
		// An uploader counts a capsule once its write returns, which may be
		// after the downloader has it.
		require.Eventually(t, func() bool {
			fromPeers, received := served()
			return received == fromPeers+seed.drm.Stats().CapsulesServed
		}, 5*time.Second, time.Millisecond)
		fromPeers, received := served()
		require.Equal(t, int64(7*w.rel.Torrent.Pieces()), received)
		t.Logf("capsules: %d from the seed, %d re-encrypted by leechers", seed.drm.Stats().CapsulesServed, fromPeers)
		require.Positive(t, fromPeers)
	})

	t.Run("the unlicensed leecher has the bodies and cannot decrypt", func(t *testing.T) {
		got, err := unlicensed.ReadAll(ctx)
		require.NoError(t, err)
		require.True(t, bytes.Equal(w.sealed, got), "bodies are the public torrent data")
		_, err = play(ctx, unlicensed)
		require.ErrorIs(t, err, reencrypt.ErrNoLicence)
		// Nor may it get an upload key, which would strip its capsules.
		_, err = unlicensed.member.keys.(*keyserver.Client).UploadKeys(ctx, unlicensed.peer.ID(), 0)
		require.ErrorIs(t, err, keyserver.ErrForbidden)
	})

	t.Run("another peer's licence is refused", func(t *testing.T) {
		stolen, err := licensed[0].peer.Licence().MarshalBinary()
		require.NoError(t, err)
		err = unlicensed.peer.LoadLicence(stolen, w.tr.LicenceKey())
		require.ErrorIs(t, err, reencrypt.ErrWrongPeer)
		_, err = play(ctx, unlicensed)
		require.ErrorIs(t, err, reencrypt.ErrNoLicence)
	})

	t.Run("a restarted leecher decrypts from its saved key and licence", func(t *testing.T) {
		old := licensed[5]
		key, err := old.peer.MarshalBinary()
		require.NoError(t, err)
		lic, err := old.peer.Licence().MarshalBinary()
		require.NoError(t, err)
		dir := old.Dir
		closeNode(old)

		p, err := reencrypt.RestorePeer(w.rel.Torrent, key)
		require.NoError(t, err)
		require.NoError(t, p.LoadLicence(lic, w.tr.LicenceKey()))
		n := w.startPeer(t, dir, &member{peer: p, keys: old.member.keys, exp: old.member.exp}) // connected to no one
		select {
		case <-n.Torrent.Complete().On():
		case <-ctx.Done():
			require.FailNow(t, "the restarted client did not re-verify its data")
		}
		waitDone(t, ctx, n)
		require.Zero(t, n.drm.Stats().CapsulesReceived, "no capsule came over the network")
		got, err := play(ctx, n)
		require.NoError(t, err)
		require.True(t, bytes.Equal(w.content, got))
	})
}
