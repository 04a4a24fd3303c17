package drm_test

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// TestCapsuleFile: capsules read back from the file are checked again; a
// forged one is rejected and fetched anew, a torn record is dropped, and a
// record that does not decode makes the file an error.
func TestCapsuleFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const pieceLength = 32 << 10
	w := newWorld(t, 4*pieceLength, pieceLength)
	dir := t.TempDir()
	g := elgamal.Default
	forged := elgamal.AppendElement(binary.BigEndian.AppendUint32(nil, 1), g.RandomElement(rand.Reader))

	peerDir := filepath.Join(dir, "peer")
	require.NoError(t, os.MkdirAll(peerDir, 0o700))
	torn := append(append([]byte(nil), forged...), forged[:7]...)
	require.NoError(t, os.WriteFile(filepath.Join(peerDir, "capsules"), torn, 0o600))
	seed := w.startSeed(t, filepath.Join(dir, "seed"))
	n := w.startPeer(t, peerDir, w.join(t, true))
	require.Equal(t, int64(1), n.drm.Stats().CapsulesRejected, "the forged capsule")
	connect(seed, n)
	waitDone(t, ctx, n)
	got, err := play(ctx, n)
	require.NoError(t, err)
	require.Equal(t, w.content, got)
	data, err := os.ReadFile(filepath.Join(peerDir, "capsules"))
	require.NoError(t, err)
	require.Len(t, data, (1+w.rel.Torrent.Pieces())*reencrypt.CapsuleSize(g), "the torn record dropped, every capsule appended")

	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.MkdirAll(bad, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "capsules"), make([]byte, reencrypt.CapsuleSize(g)), 0o600))
	cfg := w.config(bad)
	m := w.join(t, true)
	car := drm.NewCarrier(cfg)
	node := w.startSeed(t, filepath.Join(dir, "seed2")) // any torrent of the release on some client
	_, err = car.AddPeer(node.Torrent, w.rel, m.peer, m.exp, m.keys, drm.Options{CapsuleFile: filepath.Join(bad, "capsules")})
	require.ErrorIs(t, err, drm.ErrCapsuleFile)
}
