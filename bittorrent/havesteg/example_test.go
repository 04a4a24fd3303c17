package havesteg_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmblocks/swarmblocks/bittorrent/havesteg"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/steg"
)

// A bootstrapping node hides swarm id 42 in the order in which its
// anacrolix client downloads a 128-piece carrier torrent from a seed; a
// joining node's client, watching its HAVEs, reads the id. Everything runs
// on 127.0.0.1.
func Example() {
	dir, err := os.MkdirTemp("", "havesteg-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	key := make([]byte, steg.KeySize) // in PACOM: the secret all clients share
	copy(key, "pacom clients' shared secret....")
	data := make([]byte, 128*16<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	mi, err := loopback.MetaInfo("carrier", data, 16<<10)
	if err != nil {
		panic(err)
	}
	fam, err := steg.NewFamily(key, 128, steg.DefaultFunctions)
	if err != nil {
		panic(err)
	}
	seed, err := loopback.NewSeed(loopback.ClientConfig(filepath.Join(dir, "seed")), mi, data)
	if err != nil {
		panic(err)
	}
	defer seed.Close()

	// The joining node: a Watcher in its client's configuration.
	w, err := havesteg.NewWatcher(fam, mi.HashInfoBytes(), steg.DefaultWindow)
	if err != nil {
		panic(err)
	}
	cfg := loopback.ClientConfig(filepath.Join(dir, "joining"))
	if err := w.Install(cfg); err != nil {
		panic(err)
	}
	cfg.AlwaysWantConns = true // it only listens: accept the others' connections
	joining, err := loopback.NewNode(cfg, mi)
	if err != nil {
		panic(err)
	}
	defer joining.Close()

	// The bootstrapping node: a Hider steering its client's priorities.
	boot, err := loopback.NewNode(loopback.ClientConfig(filepath.Join(dir, "boot")), mi)
	if err != nil {
		panic(err)
	}
	defer boot.Close()
	plan, err := steg.NewPlan(fam, 42, rand.New(rand.NewChaCha8([32]byte{1})))
	if err != nil {
		panic(err)
	}
	h, err := havesteg.NewHider(boot.Torrent, plan, havesteg.HiderConfig{})
	if err != nil {
		panic(err)
	}
	defer h.Close()
	boot.Tell(joining)
	for len(joining.Torrent.PeerConns()) == 0 { // connected before the first HAVE
		select {
		case <-ctx.Done():
			panic(ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	loopback.Connect(seed, boot)

	r, err := w.Wait(ctx, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("swarm id %d after %d HAVEs from the bootstrapping node: %v\n",
		r.Symbol, r.At, r.PeerID == boot.Client.PeerID())
	// Output:
	// swarm id 42 after 24 HAVEs from the bootstrapping node: true
}
