package p2p

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestCloseLeavesNoGoroutine starts a ring of three services, runs
// maintenance and traffic, closes them, and checks that every goroutine
// they started (maintenance timers, event delivery, stream servers,
// libp2p's own) has ended.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	events := make(chan chord.Event, 1024)
	var nodes []*Service
	for i := range 3 {
		cfg := testConfig()
		cfg.Events = func(ev chord.Event) {
			select {
			case events <- ev:
			default:
			}
		}
		if i > 0 {
			cfg.Bootstrap = []string{nodes[0].Info().Addr}
		}
		s, err := NewService(cfg)
		require.NoError(t, err)
		require.NoError(t, s.Start(context.Background()))
		nodes = append(nodes, s)
	}
	r := &ring{t: t, nodes: nodes, live: []bool{true, true, true}}
	r.waitStable(30*time.Second, 2)
	for _, s := range nodes {
		require.NoError(t, s.Close())
	}
	require.NoError(t, nodes[0].Close(), "a second Close is harmless")
	require.NotEmpty(t, events, "ring events were delivered")
}

// TestEvents checks that a node reports its new neighbours when a second
// node joins.
func TestEvents(t *testing.T) {
	events := make(chan chord.Event, 64)
	cfg := testConfig()
	cfg.Events = func(ev chord.Event) { events <- ev }
	a, err := NewService(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	require.NoError(t, a.Start(context.Background()))
	cfg = testConfig()
	cfg.Bootstrap = []string{a.Info().Addr}
	b, err := NewService(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	require.NoError(t, b.Start(context.Background()))
	seen := map[chord.EventKind]chord.NodeInfo{}
	timeout := time.After(20 * time.Second)
	for seen[chord.EventPredecessor] != b.Info() || seen[chord.EventSuccessor] != b.Info() {
		select {
		case ev := <-events:
			seen[ev.Kind] = ev.Node
		case <-timeout:
			t.Fatalf("events seen: %v", seen)
		}
	}
}

// TestBootstrapUnreachable: a bootstrap address where nothing listens
// fails Start with ErrBootstrap, promptly.
func TestBootstrapUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	id, err := NewIdentity(nil)
	require.NoError(t, err)
	pid, err := peerIDOf(id)
	require.NoError(t, err)
	cfg := testConfig()
	cfg.Bootstrap = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d/p2p/%s", port, pid)}
	s, err := NewService(cfg)
	require.NoError(t, err)
	defer s.Close()
	start := time.Now()
	err = s.Start(context.Background())
	require.ErrorIs(t, err, ErrBootstrap)
	require.Less(t, time.Since(start), 15*time.Second)

	cfg.Bootstrap = []string{"/ip4/127.0.0.1/tcp/1"}
	_, err = NewService(cfg)
	require.ErrorIs(t, err, ErrBadAddr, "a bootstrap address without /p2p is refused")
}

// TestRestartServesBlocks stores chunks on a ring whose nodes keep their
// state in data directories, crashes one holder, restarts it on its
// directory: it comes back with the same ring ID and serves the blocks it
// held.
func TestRestartServesBlocks(t *testing.T) {
	tracker := newTracker(t)
	sw := newSwarm(t, 3)
	dirs := make([]string, 6)
	for i := range dirs {
		dirs[i] = t.TempDir()
	}
	r := newRing(t, 6, func(i int) Config {
		c := testConfig(tracker.PublicKey())
		c.DataDir = dirs[i]
		return c
	})
	r.waitStable(30*time.Second, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range 20 {
		_, err := r.nodes[0].Node().MPut(ctx, sw, tracker, chunk(i, 1000))
		require.NoError(t, err)
	}
	victim := 1 // the node holding the most blocks, not the bootstrap node
	for i := 2; i < len(r.nodes); i++ {
		if r.nodes[i].Node().State().Blocks > r.nodes[victim].Node().State().Blocks {
			victim = i
		}
	}
	before := r.nodes[victim].Node().State()
	require.Positive(t, before.Blocks)
	var keys []chord.ID
	for i := range 20 {
		for _, k := range sw.ReplicaKeys(nil, chord.ChunkHash(chunk(i, 1000))) {
			var resp chord.Response
			r.nodes[victim].Node().Handle(ctx, &chord.Request{Kind: chord.KindHas, Key: k}, &resp)
			if resp.Found {
				keys = append(keys, k)
			}
		}
	}
	r.crash(victim)

	// With no listen address configured, the node comes back on the
	// address it used (its address is part of its entry in the other
	// nodes' tables, see the package doc).
	cfg := testConfig(tracker.PublicKey())
	cfg.Listen = nil
	cfg.DataDir = dirs[victim]
	cfg.Bootstrap = []string{r.nodes[0].Info().Addr}
	s, err := NewService(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.Equal(t, before.Self, s.Info(), "same identity, ring ID and address")
	require.Equal(t, before.Blocks, s.Node().State().Blocks, "blocks survive the restart")
	require.NoError(t, s.Start(ctx))
	r.nodes[victim], r.live[victim] = s, true
	r.waitStable(30*time.Second, 4)
	for _, k := range keys {
		var resp chord.Response
		require.NoError(t, r.nodes[0].Transport().Call(ctx, s.Info().Addr, &chord.Request{Kind: chord.KindFetch, Key: k, From: r.nodes[0].Info()}, &resp))
		require.Equal(t, chord.StatusOK, resp.Status)
		require.NotEmpty(t, resp.Data)
	}
}

// TestLastNodeServesOn: when every other node is gone, the ring's first
// node becomes a ring of its own again and goes on answering, so that new
// nodes can join it and clients can fetch what it holds.
func TestLastNodeServesOn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newRing(t, 2, func(int) Config { return testConfig() })
	r.waitStable(30*time.Second, 4)
	r.crash(1)
	r.waitStable(30*time.Second, 4)
	require.Positive(t, r.nodes[0].Rejoins())
	cfg := testConfig()
	cfg.Bootstrap = []string{r.nodes[0].Info().Addr}
	s, err := NewService(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Start(ctx), "a new node joins the survivor")
	r.nodes, r.live = append(r.nodes, s), append(r.live, true)
	r.waitStable(30*time.Second, 4)
}
