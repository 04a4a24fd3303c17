package p2p

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// testConfig is a node configuration with fast timers for tests.
func testConfig(trusted ...ed25519.PublicKey) Config {
	scale := time.Duration(1)
	if raceEnabled {
		scale = 3
	}
	return Config{
		Listen:                   []string{"/ip4/127.0.0.1/tcp/0"},
		StabilizeInterval:        scale * 150 * time.Millisecond,
		FixFingersInterval:       scale * 100 * time.Millisecond,
		CheckPredecessorInterval: scale * 300 * time.Millisecond,
		Transport:                TransportConfig{CallTimeout: 5 * time.Second},
		Chord:                    chord.Config{Successors: 4, TrustedTrackers: trusted},
	}
}

// ring is a set of services on loopback, started one after another.
type ring struct {
	t     *testing.T
	nodes []*Service
	live  []bool
}

func newRing(t *testing.T, n int, cfg func(i int) Config) *ring {
	t.Helper()
	r := &ring{t: t}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rng := mrand.New(mrand.NewPCG(uint64(n), 1))
	for i := range n {
		c := cfg(i)
		if i > 0 {
			c.Bootstrap = []string{r.nodes[rng.IntN(i)].Info().Addr}
		}
		s, err := NewService(c)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Start(ctx), "node %d", i)
		r.nodes = append(r.nodes, s)
		r.live = append(r.live, true)
	}
	return r
}

func (r *ring) states() []chord.State {
	var st []chord.State
	for i, s := range r.nodes {
		if r.live[i] {
			st = append(st, s.Node().State())
		}
	}
	return st
}

// waitStable waits until the live nodes form the ideal ring.
func (r *ring) waitStable(within time.Duration, succs int) {
	r.t.Helper()
	deadline := time.Now().Add(within)
	var err error
	for time.Now().Before(deadline) {
		if err = chord.CheckStable(r.states(), succs); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatalf("ring not stable after %v: %v", within, err)
}

// owner is the oracle: the first live node at or after key.
func (r *ring) owner(key chord.ID) chord.NodeInfo {
	var ids []chord.NodeInfo
	for i, s := range r.nodes {
		if r.live[i] {
			ids = append(ids, s.Info())
		}
	}
	slices.SortFunc(ids, func(a, b chord.NodeInfo) int { return a.ID.Cmp(b.ID) })
	i, _ := slices.BinarySearchFunc(ids, key, func(a chord.NodeInfo, k chord.ID) int { return a.ID.Cmp(k) })
	return ids[i%len(ids)]
}

func (r *ring) randomLive(rng *mrand.Rand) *Service {
	for {
		if i := rng.IntN(len(r.nodes)); r.live[i] {
			return r.nodes[i]
		}
	}
}

// crash closes node i's host without leaving the ring.
func (r *ring) crash(i int) {
	require.NoError(r.t, r.nodes[i].Close())
	r.live[i] = false
}

func randomID(rng *mrand.Rand) chord.ID {
	var id chord.ID
	for i := range id {
		id[i] = byte(rng.Uint32())
	}
	return id
}

func newTracker(t testing.TB) *chord.Tracker {
	tr, err := chord.NewTracker(rand.Reader)
	require.NoError(t, err)
	return tr
}

func newSwarm(t testing.TB, q int) *chord.Swarm {
	sw, err := chord.NewSwarm([]byte("a secret of the test swarm 0123"), q)
	require.NoError(t, err)
	return sw
}

func chunk(i, size int) []byte {
	b := make([]byte, size)
	copy(b, fmt.Sprintf("chunk %d ", i))
	for j := 16; j < size; j++ {
		b[j] = byte(i*31 + j)
	}
	return b
}
