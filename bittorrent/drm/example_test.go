package drm_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/storage"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// exampleConfig is a client on 127.0.0.1 that finds peers only by being told.
func exampleConfig(dir string) *torrent.ClientConfig {
	cfg := torrent.NewDefaultClientConfig()
	// Loopback peers never need a long dial, but a loaded machine (tests
	// under the race detector) can take seconds to finish a handshake: the
	// default 4 s limit drops such a peer, and nothing redials it.
	cfg.HandshakesTimeout, cfg.MinDialTimeout = 30*time.Second, 10*time.Second
	cfg.DataDir = dir
	cfg.DefaultStorage = storage.NewFileOpts(storage.NewFileClientOpts{ClientBaseDir: dir, PieceCompletion: storage.NewMapPieceCompletion()})
	cfg.ListenHost = func(string) string { return "127.0.0.1" }
	cfg.ListenPort = 0
	cfg.NoDHT, cfg.DisableTrackers, cfg.DisableUTP, cfg.DisableIPv6, cfg.NoDefaultPortForwarding = true, true, true, true, true
	cfg.Seed = true
	cfg.Slogger = slog.New(slog.DiscardHandler)
	return cfg
}

// An original seed and one licensed peer share a protected file: the
// sealed bodies travel as ordinary torrent data, the capsules in the
// extension, and the peer plays the file with its licence.
func Example() {
	dir, _ := os.MkdirTemp("", "drm-example")
	defer os.RemoveAll(dir)
	content := bytes.Repeat([]byte("a protected film. "), 10000)
	const pieceLength = 32 << 10

	// The owner publishes: the tracker (the key server's core) seals the
	// pieces once; the release is a metainfo over the sealed bodies.
	tracker, _ := reencrypt.NewTracker(elgamal.Default, nil)
	pieces, _ := reencrypt.SplitPieces(content, pieceLength)
	seed, _, _ := tracker.Publish(pieces)
	release, _ := drm.NewRelease(seed, "film.sealed", pieceLength)

	var seedClient *torrent.Client
	{ // The original seed: a client holding the sealed file.
		cfg := exampleConfig(filepath.Join(dir, "seed"))
		carrier := drm.NewCarrier(cfg)
		os.MkdirAll(cfg.DataDir, 0o700)
		f, _ := os.Create(filepath.Join(cfg.DataDir, "film.sealed"))
		seed.WriteTo(f)
		f.Close()
		var err error
		if seedClient, err = torrent.NewClient(cfg); err != nil {
			panic(err)
		}
		defer seedClient.Close()
		t, _ := seedClient.AddTorrent(release.MetaInfo)
		t.VerifyDataContext(context.Background())
		// Completion follows the verified pieces asynchronously: wait for
		// it, or a peer connecting now sees a seed with nothing to offer.
		<-t.Complete().On()
		d, err := carrier.AddSeed(t, release, seed, drm.LocalKeys{Tracker: tracker, Caller: seed.ID()}, drm.Options{})
		if err != nil {
			panic(err)
		}
		defer d.Close()
	}
	{ // A peer subscribes, buys its licence, downloads and plays.
		peer, _ := reencrypt.NewPeer(release.Torrent, nil)
		tracker.Subscribe(peer.PublicKey())
		licence, _ := tracker.IssueLicence(peer.ID(), reencrypt.Policy{MaxPlays: 3})
		peer.InstallLicence(licence)
		expected, _ := tracker.ExpectedHashes(peer.ID())

		cfg := exampleConfig(filepath.Join(dir, "peer"))
		carrier := drm.NewCarrier(cfg)
		cl, err := torrent.NewClient(cfg)
		if err != nil {
			panic(err)
		}
		defer cl.Close()
		t, _ := cl.AddTorrent(release.MetaInfo)
		d, err := carrier.AddPeer(t, release, peer, expected, drm.LocalKeys{Tracker: tracker, Caller: peer.ID()}, drm.Options{})
		if err != nil {
			panic(err)
		}
		defer d.Close()
		t.DownloadAll()
		t.AddClientPeer(seedClient)
		select {
		case <-d.Done():
		case <-time.After(30 * time.Second):
			panic("timeout")
		}
		player, _ := d.Player(context.Background())
		film, err := player.Play(time.Now())
		fmt.Println(bytes.Equal(film, content), err, d.Stats().CapsulesReceived == int64(release.Torrent.Pieces()))
	}
	// Output:
	// true <nil> true
}
