package drm_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// world is a published protected torrent: the key server's tracker, the
// original seed's state, the release and the content.
type world struct {
	tr      *reencrypt.Tracker
	seed    *reencrypt.Seed
	rel     *drm.Release
	content []byte
	sealed  []byte
}

func newWorld(t testing.TB, size, pieceLength int) *world {
	w := &world{content: make([]byte, size)}
	_, _ = rand.Read(w.content)
	var err error
	w.tr, err = reencrypt.NewTracker(elgamal.Default, rand.Reader)
	require.NoError(t, err)
	pieces, err := reencrypt.SplitPieces(w.content, pieceLength)
	require.NoError(t, err)
	w.seed, _, err = w.tr.Publish(pieces)
	require.NoError(t, err)
	w.rel, err = drm.NewRelease(w.seed, "content.sealed", pieceLength)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = w.seed.WriteTo(&buf)
	require.NoError(t, err)
	w.sealed = buf.Bytes()
	return w
}

// node is one client of the swarm with its protected torrent.
type node struct {
	*loopback.Node
	drm  *drm.Torrent
	peer *reencrypt.Peer // nil for the seed
}

func closeNode(n *node) {
	_ = n.drm.Close()
	n.Close()
}

// startSeed starts the original seed.
func (w *world) startSeed(t testing.TB, dir string) *node {
	cfg := loopback.ClientConfig(dir)
	car := drm.NewCarrier(cfg)
	ln, err := loopback.NewSeed(cfg, w.rel.MetaInfo, w.sealed)
	require.NoError(t, err)
	d, err := car.AddSeed(ln.Torrent, w.rel, w.seed, drm.LocalKeys{Tracker: w.tr, Caller: w.seed.ID()}, drm.Options{})
	if err != nil {
		ln.Close()
	}
	require.NoError(t, err)
	n := &node{Node: ln, drm: d}
	t.Cleanup(func() { closeNode(n) })
	return n
}

// newPeer makes a subscribed peer, licensed or not.
func (w *world) newPeer(t testing.TB, licensed bool) *reencrypt.Peer {
	p, err := reencrypt.NewPeer(w.rel.Torrent, rand.Reader)
	require.NoError(t, err)
	_, err = w.tr.Subscribe(p.PublicKey())
	require.NoError(t, err)
	if licensed {
		l, err := w.tr.IssueLicence(p.ID(), reencrypt.Policy{})
		require.NoError(t, err)
		require.NoError(t, p.InstallLicence(l))
	}
	return p
}

// startPeer starts a downloading client for peer, keeping its capsules in
// dir, and asks it to download everything.
func (w *world) startPeer(t testing.TB, dir string, p *reencrypt.Peer) *node {
	cfg := loopback.ClientConfig(dir)
	car := drm.NewCarrier(cfg)
	ln, err := loopback.NewNode(cfg, w.rel.MetaInfo)
	require.NoError(t, err)
	exp, err := w.tr.ExpectedHashes(p.ID())
	require.NoError(t, err)
	d, err := car.AddPeer(ln.Torrent, w.rel, p, exp, drm.LocalKeys{Tracker: w.tr, Caller: p.ID()},
		drm.Options{CapsuleFile: filepath.Join(dir, "capsules")})
	if err != nil {
		ln.Close()
	}
	require.NoError(t, err)
	ln.Torrent.DownloadAll()
	n := &node{Node: ln, drm: d, peer: p}
	t.Cleanup(func() { closeNode(n) })
	return n
}

func connect(nodes ...*node) {
	ln := make([]*loopback.Node, len(nodes))
	for i, n := range nodes {
		ln[i] = n.Node
	}
	loopback.Connect(ln...)
}

// waitDone waits for every node to hold every capsule.
func waitDone(t testing.TB, ctx context.Context, nodes ...*node) {
	t.Helper()
	for i, n := range nodes {
		select {
		case <-n.drm.Done():
		case <-ctx.Done():
			require.FailNowf(t, "timeout", "node %d: %d of %d bytes, %d capsules, stats %+v %s",
				i, n.Torrent.BytesCompleted(), n.Torrent.Length(), n.drm.Capsules(), n.drm.Stats(), n.drm.DebugString())
		}
	}
}

// play decrypts a node's finished download with its licence.
func play(ctx context.Context, n *node) ([]byte, error) {
	pl, err := n.drm.Player(ctx)
	if err != nil {
		return nil, err
	}
	return pl.Play(time.Now())
}

var _ = torrent.NewDefaultClientConfig
