// Package bitstorenetdemo is the walkthrough of BitStore on a real network
// (paper 002 §4, packages chord and p2p) that the tour runs: a small Chord
// ring of libp2p hosts on the loopback interface, a client that stores a
// file in it (chunks sealed under the swarm secret, q_s replicas each, under
// tracker-signed tickets), a crash of several of the nodes holding it, and
// a second client that fetches the file through a survivor and finds it
// identical.
package bitstorenetdemo

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/p2p"
)

// Config sizes the walkthrough.
type Config struct {
	Seed      uint64
	Nodes     int // ring size
	Replicas  int // q_s
	Crash     int // nodes that crash after the put
	FileSize  int // bytes
	ChunkSize int
}

// TourConfig is the walkthrough the tour runs: 16 nodes, a 1 MiB file in
// 64 KiB chunks with five replicas each, three nodes crashing.
func TourConfig(seed uint64) Config {
	return Config{Seed: seed, Nodes: 16, Replicas: 5, Crash: 3, FileSize: 1 << 20, ChunkSize: 64 << 10}
}

// Run runs the walkthrough and prints what happens. Node identities, the
// file and the crashed nodes are drawn from the seed; timings are real.
func Run(w io.Writer, cfg Config) error {
	if cfg.Nodes < 3 || cfg.Crash < 0 || cfg.Crash > cfg.Nodes-2 || cfg.FileSize < 1 || cfg.ChunkSize < 1 {
		return errors.New("bitstorenetdemo: configuration out of range")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e7))
	keys := rand.NewChaCha8([32]byte{byte(cfg.Seed), byte(cfg.Seed >> 8), 'n', 'e', 't'})
	tracker, err := chord.NewTracker(keys)
	if err != nil {
		return err
	}
	secret := make([]byte, 32)
	_, _ = keys.Read(secret)
	sw, err := chord.NewSwarm(secret, cfg.Replicas)
	if err != nil {
		return err
	}

	start := time.Now()
	var nodes []*p2p.Service
	defer func() {
		for _, s := range nodes {
			_ = s.Close()
		}
	}()
	for i := range cfg.Nodes {
		s, err := newNode(keys, tracker.PublicKey(), nodes)
		if err != nil {
			return err
		}
		nodes = append(nodes, s)
		if i == 0 {
			fmt.Fprintf(w, "node 0 listens at %s\n", s.Info().Addr)
		}
	}
	if err := waitStable(ctx, nodes); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d libp2p hosts on 127.0.0.1 formed the ideal Chord ring in %v\n", cfg.Nodes, time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(w, "(ring IDs are hashes of the hosts' peer IDs; every request is authenticated by libp2p's secure channel)")

	file := make([]byte, cfg.FileSize)
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	put, err := client(ctx, keys, nodes[0])
	if err != nil {
		return err
	}
	t0 := time.Now()
	key, err := p2p.PutFile(ctx, put.Node(), sw, tracker, bytes.NewReader(file), int64(len(file)), p2p.FileOptions{ChunkSize: cfg.ChunkSize})
	_ = put.Close()
	if err != nil {
		return err
	}
	chunks := (cfg.FileSize + cfg.ChunkSize - 1) / cfg.ChunkSize
	fmt.Fprintf(w, "a client stored a %d KiB file as %d chunks + a manifest, q_s = %d replicas each, in %v\n",
		cfg.FileSize>>10, chunks, cfg.Replicas, time.Since(t0).Round(time.Millisecond))
	fmt.Fprintf(w, "file key (the manifest's chunk hash): %x…\n", key[:8])
	replicaKeys := allReplicaKeys(sw, key, file, cfg.ChunkSize)
	fmt.Fprintf(w, "replicas held across the ring: %d of %d slots\n", countHeld(ctx, nodes, replicaKeys), len(replicaKeys))

	live := make([]bool, len(nodes))
	for i := range live {
		live[i] = true
	}
	// Crash nodes chosen at random among those holding replicas of the
	// file (node 0 stays: the next client joins through it).
	var holders []int
	for _, i := range rng.Perm(cfg.Nodes - 1) {
		if nodes[i+1].Node().State().Blocks > 0 {
			holders = append(holders, i+1)
		}
	}
	for _, i := range holders[:min(cfg.Crash, len(holders))] {
		st := nodes[i].Node().State()
		fmt.Fprintf(w, "crash: node %v holding %d blocks closes its host without leaving\n", st.Self.ID, st.Blocks)
		_ = nodes[i].Close()
		live[i] = false
	}
	t0 = time.Now()
	var survivors []*p2p.Service
	for i, s := range nodes {
		if live[i] {
			survivors = append(survivors, s)
		}
	}
	if err := waitStable(ctx, survivors); err != nil {
		return err
	}
	fmt.Fprintf(w, "the %d survivors repaired the ring in %v\n", len(survivors), time.Since(t0).Round(time.Millisecond))
	fmt.Fprintf(w, "replicas left: %d of %d slots\n", countHeld(ctx, survivors, replicaKeys), len(replicaKeys))

	get, err := client(ctx, keys, nodes[0])
	if err != nil {
		return err
	}
	defer get.Close()
	var out bytes.Buffer
	t0 = time.Now()
	_, err = p2p.GetFile(ctx, get.Node(), sw, tracker, key, &out, p2p.FileOptions{Rand: rng})
	if errors.Is(err, chord.ErrChunkLost) {
		fmt.Fprintf(w, "a chunk lost every replica in this crash (%v): raise q_s or crash fewer nodes\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	if !bytes.Equal(out.Bytes(), file) {
		return errors.New("bitstorenetdemo: fetched file differs")
	}
	fmt.Fprintf(w, "another client fetched the file through node 0 in %v: identical, every chunk checked against its hash\n", time.Since(t0).Round(time.Millisecond))
	fmt.Fprintf(w, "lazy repair (c = %d re-put slots per chunk fetched) brought the replicas back to %d of %d slots\n",
		chord.DefaultRepair, countHeld(ctx, survivors, replicaKeys), len(replicaKeys))
	return nil
}

func newNode(keys io.Reader, tracker ed25519.PublicKey, ring []*p2p.Service) (*p2p.Service, error) {
	id, err := p2p.NewIdentity(keys)
	if err != nil {
		return nil, err
	}
	cfg := p2p.Config{
		Identity: id, Listen: []string{"/ip4/127.0.0.1/tcp/0"},
		StabilizeInterval: 50 * time.Millisecond, FixFingersInterval: 50 * time.Millisecond, CheckPredecessorInterval: 100 * time.Millisecond,
		Chord: chord.Config{Successors: 4, TrustedTrackers: []ed25519.PublicKey{tracker}},
	}
	if len(ring) > 0 {
		cfg.Bootstrap = []string{ring[len(ring)/2].Info().Addr}
	}
	s, err := p2p.NewService(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Start(context.Background()); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func client(ctx context.Context, keys io.Reader, via *p2p.Service) (*p2p.Service, error) {
	id, err := p2p.NewIdentity(keys)
	if err != nil {
		return nil, err
	}
	c, err := p2p.NewService(p2p.Config{Identity: id, Bootstrap: []string{via.Info().Addr}})
	if err != nil {
		return nil, err
	}
	if err := c.StartClient(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func waitStable(ctx context.Context, nodes []*p2p.Service) error {
	var err error
	for ctx.Err() == nil {
		var st []chord.State
		for _, s := range nodes {
			st = append(st, s.Node().State())
		}
		if err = chord.CheckStable(st, 4); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("bitstorenetdemo: ring not stable: %w", err)
}

func allReplicaKeys(sw *chord.Swarm, key [32]byte, file []byte, chunkSize int) []chord.ID {
	ks := sw.ReplicaKeys(nil, key)
	for off := 0; off < len(file); off += chunkSize {
		ks = sw.ReplicaKeys(ks, chord.ChunkHash(file[off:min(off+chunkSize, len(file))]))
	}
	return ks
}

// countHeld counts the replica slots some node holds, asking each node
// directly.
func countHeld(ctx context.Context, nodes []*p2p.Service, keys []chord.ID) int {
	n := 0
	for _, k := range keys {
		for _, s := range nodes {
			var resp chord.Response
			s.Node().Handle(ctx, &chord.Request{Kind: chord.KindHas, Key: k}, &resp)
			if resp.Found {
				n++
				break
			}
		}
	}
	return n
}
