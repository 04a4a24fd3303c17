package drm_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

func TestReleaseErrors(t *testing.T) {
	w := newWorld(t, 100<<10, 32<<10)
	for _, tc := range []struct {
		name        string
		seed        *reencrypt.Seed
		file        string
		pieceLength int
	}{
		{"nil seed", nil, "f", 32 << 10},
		{"path as name", w.seed, "../f", 32 << 10},
		{"empty name", w.seed, "", 32 << 10},
		{"not a power of two", w.seed, "f", 48 << 10},
		{"another piece length than the split", w.seed, "f", 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := drm.NewRelease(tc.seed, tc.file, tc.pieceLength)
			require.ErrorIs(t, err, drm.ErrRelease)
		})
	}
}

func TestAddErrors(t *testing.T) {
	w := newWorld(t, 100<<10, 32<<10)
	other := newWorld(t, 100<<10, 32<<10)
	cfg := loopback.ClientConfig(filepath.Join(t.TempDir(), "n"))
	car := drm.NewCarrier(cfg)
	n, err := loopback.NewNode(cfg, w.rel.MetaInfo)
	require.NoError(t, err)
	t.Cleanup(n.Close)
	m := w.join(t, true)
	keys := drm.LocalKeys{Tracker: w.tr, Caller: m.peer.ID()}

	_, err = car.AddPeer(n.Torrent, other.rel, m.peer, m.exp, keys, drm.Options{})
	require.ErrorIs(t, err, drm.ErrRelease, "the peer joined another torrent")
	_, err = car.AddSeed(n.Torrent, w.rel, other.seed, drm.LocalKeys{Tracker: other.tr}, drm.Options{})
	require.ErrorIs(t, err, drm.ErrRelease, "the seed published another torrent")
	_, err = car.AddPeer(n.Torrent, w.rel, m.peer, m.exp[1:], keys, drm.Options{})
	require.ErrorIs(t, err, reencrypt.ErrMalformed, "expected hashes of the wrong count")
	_, err = car.AddPeer(n.Torrent, w.rel, nil, m.exp, keys, drm.Options{})
	require.Error(t, err)
	_, err = car.AddPeer(n.Torrent, w.rel, m.peer, m.exp, nil, drm.Options{})
	require.Error(t, err)

	d, err := car.AddPeer(n.Torrent, w.rel, m.peer, m.exp, keys, drm.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	_, err = car.AddPeer(n.Torrent, w.rel, m.peer, m.exp, keys, drm.Options{})
	require.ErrorIs(t, err, drm.ErrRegistered)
	_, err = d.Player(t.Context())
	require.ErrorIs(t, err, drm.ErrIncomplete)
}
