package p2p_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/p2p"
)

// Three nodes on the loopback interface form a ring; a client stores a
// chunk as three replicas and another fetches it back.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tracker, _ := chord.NewTracker(nil)
	swarm, _ := chord.NewSwarm([]byte("the swarm's secret, from its tracker"), 3)

	var nodes []*p2p.Service
	for i := range 3 {
		cfg := p2p.Config{
			Listen:            []string{"/ip4/127.0.0.1/tcp/0"},
			StabilizeInterval: 50 * time.Millisecond,
			Chord:             chord.Config{TrustedTrackers: []ed25519.PublicKey{tracker.PublicKey()}},
		}
		if i > 0 {
			cfg.Bootstrap = []string{nodes[0].Info().Addr}
		}
		s, err := p2p.NewService(cfg)
		if err != nil {
			panic(err)
		}
		defer s.Close()
		if err := s.Start(ctx); err != nil {
			panic(err)
		}
		nodes = append(nodes, s)
	}
	for ctx.Err() == nil { // wait for the ideal ring
		var st []chord.State
		for _, s := range nodes {
			st = append(st, s.Node().State())
		}
		if chord.CheckStable(st, chord.DefaultSuccessors) == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Println("ring of", len(nodes), "nodes is stable")

	client := func() *p2p.Service {
		c, err := p2p.NewService(p2p.Config{Bootstrap: []string{nodes[1].Info().Addr}})
		if err != nil {
			panic(err)
		}
		if err := c.StartClient(ctx); err != nil {
			panic(err)
		}
		return c
	}
	a := client()
	defer a.Close()
	put, err := a.Node().MPut(ctx, swarm, tracker, []byte("a chunk of a file"))
	if err != nil {
		panic(err)
	}
	fmt.Println("replicas stored:", put.Stored+put.Present)

	b := client()
	defer b.Close()
	got, err := b.Node().MGet(ctx, swarm, tracker, put.ChunkHash, chord.MGetOptions{Rand: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		panic(err)
	}
	fmt.Printf("fetched: %s\n", got.Chunk)
	// Output:
	// ring of 3 nodes is stable
	// replicas stored: 3
	// fetched: a chunk of a file
}

// Frames are a four-byte big-endian length and the payload.
func ExampleReadFrame() {
	frame, _ := p2p.AppendFrame(nil, []byte("hello"))
	fmt.Printf("% x\n", frame)
	payload, _ := p2p.ReadFrame(bytes.NewReader(frame), nil, 0)
	fmt.Printf("%s\n", payload)
	_, err := p2p.ReadFrame(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}), nil, 0)
	fmt.Println(err)
	// Output:
	// 00 00 00 05 68 65 6c 6c 6f
	// hello
	// p2p: frame too large: 4294967295 bytes announced, limit 1122605
}

// A node's ring identifier is the hash of its peer ID, hence of its
// public key: the same key gives the same place on the ring.
func ExampleRingID() {
	seed := rand.NewChaCha8([32]byte{1})
	id, _ := p2p.NewIdentity(seed)
	s, _ := p2p.NewService(p2p.Config{Identity: id})
	defer s.Close()
	fmt.Println(s.Info().ID == p2p.RingID(s.Host().ID()))
	// Output:
	// true
}
