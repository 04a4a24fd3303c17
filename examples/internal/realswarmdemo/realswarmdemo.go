// Package realswarmdemo is the tour's "a real swarm" chapter: the DRM of
// package reencrypt carried by package bittorrent/drm in a swarm of real
// BitTorrent clients (github.com/anacrolix/torrent) on 127.0.0.1. An
// original seed, licensed leechers and one unlicensed leecher share a
// protected file, every one of them asking the HTTP key server of package
// reencrypt/keyserver, served over TLS on 127.0.0.1, with a signing key of
// its own; the chapter prints who decrypted what, then times the same
// swarm with and without the DRM.
package realswarmdemo

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/storage"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
	"github.com/swarmblocks/swarmblocks/reencrypt/keyserver"
	"golang.org/x/time/rate"
)

// Config sets the scale of the chapter.
type Config struct {
	Licensed    []string // names of the licensed leechers
	Unlicensed  string   // name of the subscribed leecher without a licence
	ContentSize int      // bytes of plain content
	PieceLength int      // BitTorrent piece length, a power of two
	Rounds      int      // timed rounds of each swarm, plain and DRM
	Leechers    int      // leechers in the timed swarms
	Link        int      // upload cap of every client in the timed swarms, bytes per second (0: none)
}

// TourConfig is the chapter's scale in the tour: a few seconds.
func TourConfig() Config {
	return Config{
		Licensed: []string{"Alice", "Bob", "Carol"}, Unlicensed: "Mallory",
		ContentSize: 2 << 20, PieceLength: 64 << 10, Rounds: 3, Leechers: 4, Link: 4 << 20,
	}
}

// Run prints the chapter to w.
func Run(w io.Writer, cfg Config) error {
	if len(cfg.Licensed) == 0 || cfg.ContentSize < 1 || cfg.Rounds < 1 || cfg.Leechers < 1 {
		return errors.New("realswarmdemo: need a licensed leecher, content, a round and a leecher")
	}
	dir, err := os.MkdirTemp("", "realswarmdemo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	o, err := publish(cfg.ContentSize, cfg.PieceLength)
	if err != nil {
		return err
	}
	defer o.ks.Close()
	fmt.Fprintf(w, "The owner publishes %d KiB as %d sealed pieces of %d KiB: an ordinary torrent (info hash %x…)\n",
		cfg.ContentSize>>10, o.rel.Torrent.Pieces(), cfg.PieceLength>>10, o.rel.MetaInfo.HashInfoBytes().Bytes()[:6])
	fmt.Fprintf(w, "whose data are the bodies; capsules travel in the BEP 10 extension %q.\n", drm.ExtensionName)
	fmt.Fprintln(w, "The key server runs over HTTPS on 127.0.0.1; every peer signs its requests with a key of its own,")
	fmt.Fprintln(w, "and only peers that paid get a licence.")
	fmt.Fprintln(w)

	s := &swarm{o: o, dir: filepath.Join(dir, "named")}
	defer s.close()
	if err := s.startSeed(); err != nil {
		return err
	}
	names := append(slices.Clone(cfg.Licensed), cfg.Unlicensed)
	for k, name := range names {
		licensed := k < len(cfg.Licensed)
		if name == "" {
			continue
		}
		if err := s.startPeer(name, licensed); err != nil {
			return err
		}
	}
	start := time.Now()
	s.connect()
	if err := s.wait(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "On 127.0.0.1, a seed and %d leechers finished in %v:\n", len(s.nodes)-1, time.Since(start).Round(time.Millisecond))
	for _, n := range s.nodes[1:] {
		st := n.d.Stats()
		fmt.Fprintf(w, "  %-8s %d capsules checked and kept (%d rejected), %d re-encrypted for others; ",
			n.name, st.CapsulesReceived, st.CapsulesRejected, st.CapsulesServed)
		pl, err := n.d.Player(ctx)
		if err == nil {
			var plain []byte
			if plain, err = pl.Play(time.Now()); err == nil {
				fmt.Fprintf(w, "decrypts %d KiB, the original: %v\n", len(plain)>>10, bytes.Equal(plain, o.content))
				continue
			}
		}
		fmt.Fprintf(w, "holds all %d KiB of bodies but cannot play: %v\n", n.t.BytesCompleted()>>10, err)
	}
	fmt.Fprintf(w, "  the seed made %d capsules from upload keys.\n", s.nodes[0].d.Stats().CapsulesServed)
	if cfg.Unlicensed != "" {
		thief := s.nodes[len(s.nodes)-1]
		_, err := thief.ks.Licence(ctx)
		fmt.Fprintf(w, "%s asks the key server for a licence without paying: %v\n", thief.name, err)
		stolen, _ := s.nodes[1].peer.Licence().MarshalBinary()
		err = thief.peer.LoadLicence(stolen, o.tr.LicenceKey())
		fmt.Fprintf(w, "%s copies %s's licence file: %v\n", thief.name, s.nodes[1].name, err)
		_, err = thief.ks.UploadKeys(ctx, thief.peer.ID(), 0)
		fmt.Fprintf(w, "%s asks the key server for an upload key to strip its own capsule: %v\n", thief.name, err)
	}
	s.close()

	fmt.Fprintf(w, "\nThroughput of the same swarm (a seed, %d leechers, the same sealed file, uploads capped at %d KiB/s\n", cfg.Leechers, cfg.Link>>10)
	fmt.Fprintf(w, "per client as the paper capped its seeds), median of %d rounds:\n", cfg.Rounds)
	var plain, protected []float64
	for r := range cfg.Rounds {
		for _, p := range []bool{false, true} {
			mbps, err := timedRound(ctx, o, filepath.Join(dir, fmt.Sprintf("round%d-%v", r, p)), cfg.Leechers, cfg.Link, p)
			if err != nil {
				return err
			}
			if p {
				protected = append(protected, mbps)
			} else {
				plain = append(plain, mbps)
			}
		}
	}
	mp, md := median(plain), median(protected)
	fmt.Fprintf(w, "  plain BitTorrent %6.1f MB/s\n  with the DRM     %6.1f MB/s   (%+.1f%%; the paper reports a loss under 10%%)\n",
		mp, md, 100*(md-mp)/mp)
	fmt.Fprintln(w, "Every client asks the HTTPS key server, as above. On a loaded machine these figures vary by tens")
	fmt.Fprintln(w, "of percent from run to run; BenchmarkSwarmLoss in bittorrent/drm, which interleaves the two swarms")
	fmt.Fprintln(w, "over many rounds and reports the spread, is the measurement.")
	return nil
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}

// owner is the published torrent: the key server's tracker and the key
// server itself, the original seed and its signing key, the release, the
// content and the sealed file.
type owner struct {
	tr      *reencrypt.Tracker
	ks      *httptest.Server
	seedKey ed25519.PrivateKey
	paid    sync.Map // peers that may have a licence
	seed    *reencrypt.Seed
	rel     *drm.Release
	content []byte
	sealed  []byte
}

// keyClient returns a key server client signing with key, or with a new
// key if key is nil.
func (o *owner) keyClient(key ed25519.PrivateKey) (*keyserver.Client, error) {
	if key == nil {
		var err error
		if _, key, err = ed25519.GenerateKey(nil); err != nil {
			return nil, err
		}
	}
	return keyserver.NewClient(o.ks.URL, o.rel.Torrent.ID, key, o.ks.Client())
}

func publish(size, pieceLength int) (*owner, error) {
	o := &owner{content: make([]byte, size)}
	_, _ = rand.Read(o.content)
	var err error
	if o.tr, err = reencrypt.NewTracker(elgamal.Default, nil); err != nil {
		return nil, err
	}
	pieces, err := reencrypt.SplitPieces(o.content, pieceLength)
	if err != nil {
		return nil, err
	}
	if o.seed, _, err = o.tr.Publish(pieces); err != nil {
		return nil, err
	}
	if o.rel, err = drm.NewRelease(o.seed, "film.sealed", pieceLength); err != nil {
		return nil, err
	}
	// The key server: the tracker's role over HTTPS on 127.0.0.1 (a
	// throwaway certificate its clients trust).
	seedPub, seedKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	o.seedKey = seedKey
	srv, err := keyserver.NewServer(keyserver.Config{
		Tracker: o.tr, SeedKey: seedPub,
		Licence: func(_ context.Context, id reencrypt.PeerID) (reencrypt.Policy, error) {
			if _, ok := o.paid.Load(id); !ok {
				return reencrypt.Policy{}, errors.New("no payment")
			}
			return reencrypt.Policy{}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	o.ks = httptest.NewTLSServer(srv)
	var b bytes.Buffer
	if _, err := o.seed.WriteTo(&b); err != nil {
		return nil, err
	}
	o.sealed = b.Bytes()
	return o, nil
}

// clientConfig is a client on 127.0.0.1 that finds peers only by being told.
func clientConfig(dir string) *torrent.ClientConfig {
	cfg := torrent.NewDefaultClientConfig()
	// Loopback peers never need a long dial, but a loaded machine (tests
	// under the race detector) can take seconds to finish a handshake: the
	// default 4 s limit drops such a peer, and nothing redials it.
	cfg.HandshakesTimeout, cfg.MinDialTimeout = 30*time.Second, 10*time.Second
	cfg.DataDir = dir
	cfg.DefaultStorage = storage.NewFileOpts(storage.NewFileClientOpts{ClientBaseDir: dir, PieceCompletion: storage.NewMapPieceCompletion()})
	cfg.ListenHost = func(string) string { return "127.0.0.1" }
	cfg.ListenPort = 0
	cfg.NoDHT, cfg.DisableTrackers, cfg.DisablePEX = true, true, true
	cfg.DisableUTP, cfg.DisableIPv6, cfg.NoDefaultPortForwarding = true, true, true
	cfg.DisableWebtorrent, cfg.DisableWebseeds, cfg.DisableAcceptRateLimiting = true, true, true
	cfg.Seed = true
	cfg.Slogger = slog.New(slog.DiscardHandler)
	return cfg
}

type node struct {
	name string
	cl   *torrent.Client
	t    *torrent.Torrent
	d    *drm.Torrent // nil in a plain swarm
	peer *reencrypt.Peer
	ks   *keyserver.Client // the key server as this node sees it
}

type swarm struct {
	o     *owner
	dir   string
	plain bool
	link  int // upload cap per client in bytes per second, 0 for none
	nodes []*node
}

func (s *swarm) client(name string) (*node, error) {
	cfg := clientConfig(filepath.Join(s.dir, name))
	if s.link > 0 {
		cfg.UploadRateLimiter = rate.NewLimiter(rate.Limit(s.link), 64<<10)
	}
	var car *drm.Carrier
	if !s.plain {
		car = drm.NewCarrier(cfg)
	}
	if name == "seed" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "film.sealed"), s.o.sealed, 0o600); err != nil {
			return nil, err
		}
	}
	cl, err := torrent.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	n := &node{name: name, cl: cl}
	s.nodes = append(s.nodes, n)
	if n.t, err = cl.AddTorrent(s.o.rel.MetaInfo); err != nil {
		return nil, err
	}
	if name == "seed" {
		if err := n.t.VerifyDataContext(context.Background()); err != nil {
			return nil, err
		}
		// The torrent's completion follows the pieces' asynchronously; a
		// peer that connects before it sees a seed with nothing to offer
		// and may never be told otherwise.
		select {
		case <-n.t.Complete().On():
		case <-time.After(30 * time.Second):
			return nil, errors.New("the seed's data does not match the release")
		}
		if s.plain {
			return n, nil
		}
		if n.ks, err = s.o.keyClient(s.o.seedKey); err != nil {
			return nil, err
		}
		n.d, err = car.AddSeed(n.t, s.o.rel, s.o.seed, n.ks, drm.Options{})
		return n, err
	}
	n.t.DownloadAll()
	if s.plain {
		return n, nil
	}
	p, err := reencrypt.NewPeer(s.o.rel.Torrent, nil)
	if err != nil {
		return nil, err
	}
	n.peer = p
	return n, s.protect(car, n)
}

// protect subscribes n's peer at the key server, under a signing key of
// its own, and protects its torrent.
func (s *swarm) protect(car *drm.Carrier, n *node) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	if n.ks, err = s.o.keyClient(nil); err != nil {
		return err
	}
	if _, err := n.ks.Subscribe(ctx, n.peer); err != nil {
		return err
	}
	exp, err := n.ks.ExpectedHashes(ctx)
	if err != nil {
		return err
	}
	n.d, err = car.AddPeer(n.t, s.o.rel, n.peer, exp, n.ks, drm.Options{})
	return err
}

func (s *swarm) startSeed() error {
	_, err := s.client("seed")
	return err
}

func (s *swarm) startPeer(name string, licensed bool) error {
	n, err := s.client(name)
	if err != nil || !licensed || s.plain {
		return err
	}
	// The peer pays, then fetches its licence.
	s.o.paid.Store(n.peer.ID(), true)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := n.ks.Licence(ctx)
	if err != nil {
		return err
	}
	return n.peer.InstallLicence(l)
}

func (s *swarm) connect() {
	for i, a := range s.nodes {
		for _, b := range s.nodes[i+1:] {
			for _, addr := range b.cl.ListenAddrs() {
				a.t.AddPeers([]torrent.PeerInfo{{Addr: addr, Trusted: true}})
			}
		}
	}
}

// wait waits for every leecher: its bodies, and with the DRM its capsules.
func (s *swarm) wait(ctx context.Context) error {
	for _, n := range s.nodes[1:] {
		done := n.t.Complete().On()
		if n.d != nil {
			done = n.d.Done()
		}
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("realswarmdemo: %s did not finish: %w", n.name, ctx.Err())
		}
	}
	return nil
}

func (s *swarm) close() {
	for _, n := range s.nodes {
		if n.d != nil {
			_ = n.d.Close()
		}
		n.cl.Close()
	}
	s.nodes = nil
}

// timedRound runs one swarm of leechers and returns its throughput: the
// bytes delivered to all leechers per second, in MB/s.
func timedRound(ctx context.Context, o *owner, dir string, leechers, link int, protected bool) (float64, error) {
	s := &swarm{o: o, dir: dir, plain: !protected, link: link}
	defer s.close()
	if err := s.startSeed(); err != nil {
		return 0, err
	}
	for i := range leechers {
		if err := s.startPeer(fmt.Sprint("leecher", i), true); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	s.connect()
	if err := s.wait(ctx); err != nil {
		return 0, err
	}
	return float64(len(o.sealed)*leechers) / time.Since(start).Seconds() / 1e6, nil
}
