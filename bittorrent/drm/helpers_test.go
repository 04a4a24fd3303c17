package drm_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	pp "github.com/anacrolix/torrent/peer_protocol"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
	"github.com/swarmblocks/swarmblocks/reencrypt/keyserver"
	"golang.org/x/time/rate"
)

// world is a published protected torrent: the key server's tracker, the
// original seed's state, the release and the content.
type world struct {
	tr      *reencrypt.Tracker
	seed    *reencrypt.Seed
	rel     *drm.Release
	content []byte
	sealed  []byte
	// link, if positive, caps every client's upload of torrent data at
	// link bytes per second.
	link int
	// handshake, if not nil, is called for every extended (BEP 10)
	// handshake a client of the world reads: the benchmarks count them to
	// know when a swarm is fully connected.
	handshake func()
	// spread, in the benchmarks, staggers the leechers' first requests
	// (spreadRequests).
	spread bool
	// ks, if not nil, is the HTTP key server every node uses; the seed
	// signs with seedKey; paid holds the peers it licenses.
	ks      *httptest.Server
	seedKey ed25519.PrivateKey
	paid    sync.Map
}

// config returns a loopback client configuration with w's link.
func (w *world) config(dir string) *torrent.ClientConfig {
	cfg := loopback.ClientConfig(dir)
	if w.link > 0 {
		cfg.UploadRateLimiter = rate.NewLimiter(rate.Limit(w.link), 64<<10)
	}
	if h := w.handshake; h != nil {
		cfg.Callbacks.ReadExtendedHandshake = func(*torrent.PeerConn, *pp.ExtendedHandshakeMessage) { h() }
	}
	return cfg
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
	drm    *drm.Torrent
	peer   *reencrypt.Peer // nil for the seed
	member *member         // nil for the seed
}

func closeNode(n *node) {
	_ = n.drm.Close()
	n.Close()
}

// startSeed starts the original seed.
func (w *world) startSeed(t testing.TB, dir string) *node {
	cfg := w.config(dir)
	car := drm.NewCarrier(cfg)
	ln, err := loopback.NewSeed(cfg, w.rel.MetaInfo, w.sealed)
	require.NoError(t, err)
	var keys drm.UploadKeyer = drm.LocalKeys{Tracker: w.tr, Caller: w.seed.ID()}
	if w.ks != nil {
		keys = w.client(t, w.seedKey)
	}
	d, err := car.AddSeed(ln.Torrent, w.rel, w.seed, keys, drm.Options{})
	if err != nil {
		ln.Close()
	}
	require.NoError(t, err)
	n := &node{Node: ln, drm: d}
	t.Cleanup(func() { closeNode(n) })
	return n
}

// member is a subscribed peer: its key, the key server as it sees it, and
// its expected hashes.
type member struct {
	peer *reencrypt.Peer
	keys drm.ReKeyer
	exp  [][32]byte
}

// join makes a peer and subscribes it, over HTTP if the world has a key
// server; a licensed one also gets its licence.
func (w *world) join(t testing.TB, licensed bool) *member {
	p, err := reencrypt.NewPeer(w.rel.Torrent, rand.Reader)
	require.NoError(t, err)
	m := &member{peer: p}
	if w.ks == nil {
		_, err = w.tr.Subscribe(p.PublicKey())
		require.NoError(t, err)
		m.keys = drm.LocalKeys{Tracker: w.tr, Caller: p.ID()}
		m.exp, err = w.tr.ExpectedHashes(p.ID())
		require.NoError(t, err)
		if licensed {
			l, err := w.tr.IssueLicence(p.ID(), reencrypt.Policy{})
			require.NoError(t, err)
			require.NoError(t, p.InstallLicence(l))
		}
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := w.client(t, nil)
	_, err = c.Subscribe(ctx, p)
	require.NoError(t, err)
	m.keys = c
	m.exp, err = c.ExpectedHashes(ctx)
	require.NoError(t, err)
	if licensed {
		w.paid.Store(p.ID(), true)
		l, err := c.Licence(ctx)
		require.NoError(t, err)
		require.NoError(t, p.InstallLicence(l))
	} else {
		_, err := c.Licence(ctx)
		require.ErrorIs(t, err, keyserver.ErrForbidden, "no licence without paying")
	}
	return m
}

// serveKeys puts the tracker behind an HTTP key server on 127.0.0.1 that
// gives licences to the peers in w.paid.
func (w *world) serveKeys(t testing.TB) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	srv, err := keyserver.NewServer(keyserver.Config{
		Tracker: w.tr, SeedKey: pub,
		Licence: func(_ context.Context, id reencrypt.PeerID) (reencrypt.Policy, error) {
			if _, ok := w.paid.Load(id); !ok {
				return reencrypt.Policy{}, errors.New("not paid")
			}
			return reencrypt.Policy{}, nil
		},
	})
	require.NoError(t, err)
	w.ks = httptest.NewServer(srv)
	t.Cleanup(w.ks.Close)
	w.seedKey = priv
}

// client returns a key server client authenticated by key, or by a new key
// if key is nil.
func (w *world) client(t testing.TB, key ed25519.PrivateKey) *keyserver.Client {
	if key == nil {
		var err error
		_, key, err = ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
	}
	c, err := keyserver.NewClient(w.ks.URL, w.rel.Torrent.ID, key, w.ks.Client())
	require.NoError(t, err)
	return c
}

// startPeer starts a downloading client for m, keeping its capsules in
// dir, and asks it to download everything.
func (w *world) startPeer(t testing.TB, dir string, m *member) *node {
	cfg := w.config(dir)
	car := drm.NewCarrier(cfg)
	ln, err := loopback.NewNode(cfg, w.rel.MetaInfo)
	require.NoError(t, err)
	d, err := car.AddPeer(ln.Torrent, w.rel, m.peer, m.exp, m.keys,
		drm.Options{CapsuleFile: filepath.Join(dir, "capsules")})
	if err != nil {
		ln.Close()
	}
	require.NoError(t, err)
	ln.Torrent.DownloadAll()
	n := &node{Node: ln, drm: d, peer: m.peer, member: m}
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

// The HTTP key server's client is what the carrier asks.
var (
	_ drm.UploadKeyer = (*keyserver.Client)(nil)
	_ drm.ReKeyer     = (*keyserver.Client)(nil)
)
