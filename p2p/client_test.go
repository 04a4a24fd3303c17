package p2p

import (
	"context"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestClientRefreshesRoutes: a client keeps working while the ring it
// joined is replaced under it. It joins a ring of three nodes; three more
// join; the client's periodic refresh learns of them; the first three
// crash, bootstrap node included. Without the refresh, every node the
// client knew would be dead; with it, its lookups find the true owners
// and it stores and fetches a chunk.
func TestClientRefreshesRoutes(t *testing.T) {
	tracker := newTracker(t)
	sw := newSwarm(t, 2)
	cfg := func(int) Config { return testConfig(tracker.PublicKey()) }
	r := newRing(t, 3, cfg)
	r.waitStable(30*time.Second, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c := testConfig()
	c.Bootstrap = []string{r.nodes[0].Info().Addr}
	client, err := NewService(c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.StartClient(ctx))

	for range 3 {
		c := cfg(0)
		c.Bootstrap = []string{r.nodes[0].Info().Addr}
		s, err := NewService(c)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Start(ctx))
		r.nodes = append(r.nodes, s)
		r.live = append(r.live, true)
	}
	r.waitStable(30*time.Second, 4)
	// Wait for a refresh that sees the new nodes: the client's successor
	// list then holds at least one of them.
	newcomer := func() bool {
		for _, s := range client.Node().State().Successors {
			if slices.ContainsFunc(r.nodes[3:], func(n *Service) bool { return n.Info() == s }) {
				return true
			}
		}
		return false
	}
	require.Eventually(t, newcomer, 20*time.Second, 20*time.Millisecond, "the client learns of the nodes that joined after it")
	refreshes := client.ClientRefreshes()
	require.Positive(t, refreshes)

	for i := range 3 {
		r.crash(i)
	}
	r.waitStable(30*time.Second, 2)
	rng := mrand.New(mrand.NewPCG(5, 5))
	for range 20 {
		key := randomID(rng)
		res, err := client.Node().Lookup(ctx, key)
		require.NoError(t, err)
		require.Equal(t, r.owner(key), res.Node)
	}
	put, err := client.Node().MPut(ctx, sw, tracker, chunk(1, 3000))
	require.NoError(t, err)
	require.Equal(t, 2, put.Stored+put.Present)
	got, err := client.Node().MGet(ctx, sw, tracker, put.ChunkHash, chord.MGetOptions{Rand: rng, Repair: -1})
	require.NoError(t, err)
	require.Equal(t, chunk(1, 3000), got.Chunk)
	require.Eventually(t, func() bool { return client.ClientRefreshes() > refreshes }, 20*time.Second, 20*time.Millisecond,
		"refreshes go on through the surviving nodes")
}
