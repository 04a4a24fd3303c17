package pacomnet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

const testBlock = 1024

// testPieces per file: every pair of members keeps blocks to exchange
// both ways for well over a minute at the test's request rate.
const testPieces = 8192

var testDay = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// testNet is a loopback PACOM network.
type testNet struct {
	t        testing.TB
	clients  []*Client
	addrs    []string
	files    []*pacomchan.FileInfo
	swarms   [][]int
	mu       sync.Mutex
	impaired []*Impaired
}

type netConfig struct {
	swarms  [][]int // members of each swarm
	lengths []int64 // file length of each swarm
	cfg     Config
	impair  *Impairment
	meter   *Meter
}

func newTestNet(t testing.TB, nc netConfig) *testNet {
	t.Helper()
	n := 0
	for _, s := range nc.swarms {
		for _, m := range s {
			n = max(n, m+1)
		}
	}
	tn := &testNet{t: t, swarms: nc.swarms}
	for i, l := range nc.lengths {
		f, err := pacomchan.NewFileInfo(i+1, netip.MustParseAddr("127.0.0.1"), testDay, pacomchan.FileSpec{Length: l, PieceLength: testBlock})
		require.NoError(t, err)
		tn.files = append(tn.files, f)
	}
	seed := uint64(0)
	for i := range n {
		cfg := nc.cfg
		cfg.Seed = uint64(i + 1)
		cfg.Node.Link.BlockSize = testBlock
		cfg.WrapConn = func(c net.Conn) net.Conn {
			if nc.meter != nil {
				c = nc.meter.Wrap(c)
			}
			if nc.impair != nil {
				tn.mu.Lock()
				seed++
				ic := Impair(c, *nc.impair, seed)
				tn.impaired = append(tn.impaired, ic)
				tn.mu.Unlock()
				c = ic
			}
			return c
		}
		c, err := NewClient(nil, cfg)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		addr, err := c.Listen("127.0.0.1:0")
		require.NoError(t, err)
		tn.clients = append(tn.clients, c)
		tn.addrs = append(tn.addrs, addr.String())
	}
	for s, members := range nc.swarms {
		for _, m := range members {
			rng := rand.New(rand.NewPCG(uint64(m), uint64(s)))
			require.NoError(t, tn.clients[m].Join(tn.files[s], func(int) bool { return rng.IntN(2) == 0 }))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for s, members := range nc.swarms {
		for a, i := range members {
			for _, j := range members[a+1:] {
				require.NoError(t, tn.clients[i].Connect(ctx, tn.addrs[j], tn.files[s].InfoHash()))
			}
		}
	}
	return tn
}

// conns is the number of connections each client should have.
func (tn *testNet) conns(i int) int {
	n := 0
	for _, s := range tn.swarms {
		for _, m := range s {
			if m == i {
				n += len(s) - 1
			}
		}
	}
	return n
}

// collect reads n deliveries from a client, in order, within d.
func collect(t testing.TB, c *Client, id pacomchan.CircuitID, n int, d time.Duration) []string {
	t.Helper()
	var got []string
	timeout := time.After(d)
	for len(got) < n {
		select {
		case dl := <-c.Deliveries():
			require.Equal(t, id, dl.Circuit)
			got = append(got, string(dl.Data))
		case <-timeout:
			t.Fatalf("%d of %d messages delivered in %v", len(got), n, d)
		}
	}
	return got
}

func fastConfig() Config {
	return Config{RequestRate: 50, RequestTimeout: 400 * time.Millisecond, Tick: 5 * time.Millisecond}
}

// testSwarms is the test network: six clients in three PACOM swarms,
// S1 = {0, 1, 4}, S2 = {1, 2, 5}, S3 = {2, 3}. Clients 1 and 2 are cut
// vertices, so every circuit from 0 to 3 has at least 3 hops and relays
// 1 and 2 (0 → 1 → 2 → 3 when the flood's first copies take the short
// way; 4 and 5 may add a hop each).
var testSwarms = [][]int{{0, 1, 4}, {1, 2, 5}, {2, 3}}

// TestNetworkCircuitLossy is the loopback network of issue 16: a message
// crosses a 3-hop circuit and back while every connection drops 1 % of
// blocks, duplicates 1 % and reorders 5 %: every message arrives exactly
// once and in order, and no channel dies. The files end in short pieces
// (100 and 30 bytes, the second below MinBlockSize).
func TestNetworkCircuitLossy(t *testing.T) {
	tn := newTestNet(t, netConfig{
		swarms: testSwarms, lengths: []int64{testPieces*testBlock + 100, testPieces*testBlock + 30, testPieces * testBlock},
		cfg: fastConfig(), impair: &Impairment{Drop: 0.01, Duplicate: 0.01, Reorder: 0.05},
	})
	src, dst := tn.clients[0], tn.clients[3]
	id, err := src.Build(dst.PublicKey())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := src.WaitReady(ctx, id); err != nil {
		for i, c := range tn.clients {
			t.Logf("client %d: %+v", i, c.Stats())
		}
		t.Fatal(err)
	}
	require.NoError(t, dst.WaitReady(ctx, id))
	hops := 1
	for _, relay := range []int{1, 2, 4, 5} {
		rt, ok := tn.clients[relay].Route(id)
		if relay <= 2 {
			require.True(t, ok && rt.Built, "relay %d is on every circuit from 0 to 3", relay)
		}
		if ok && rt.Built {
			require.False(t, rt.Source || rt.Target)
			hops++
		}
	}
	t.Logf("circuit of %d hops", hops)
	const n = 40
	var want, back []string
	for i := range n {
		want = append(want, fmt.Sprintf("forward %02d", i))
		back = append(back, fmt.Sprintf("back %02d", i))
	}
	for _, m := range want {
		require.NoError(t, src.Send(id, []byte(m)))
	}
	require.Equal(t, want, collect(t, dst, id, n, 60*time.Second))
	for _, m := range back {
		require.NoError(t, dst.Send(id, []byte(m)))
	}
	require.Equal(t, back, collect(t, src, id, n, 60*time.Second))
	// Nothing more arrives: exactly once.
	time.Sleep(200 * time.Millisecond)
	require.Empty(t, dst.Deliveries())
	require.Empty(t, src.Deliveries())

	var lost, dup, reordered, timeouts, requeued uint64
	for _, ic := range tn.impaired {
		st := ic.Stats()
		lost += st.Dropped
		dup += st.Duplicated
		reordered += st.Reordered
	}
	for i, c := range tn.clients {
		st := c.Stats()
		require.Equal(t, tn.conns(i), st.Conns, "client %d lost a connection", i)
		require.Zero(t, st.Link.Forgeries, "client %d", i)
		require.Zero(t, st.BadBlocks, "client %d", i)
		timeouts += st.Timeouts
		requeued += st.Requeued
	}
	t.Logf("impairment: %d pieces dropped, %d duplicated, %d reordered; %d requests timed out, %d segments requeued",
		lost, dup, reordered, timeouts, requeued)
	require.Positive(t, lost, "the test must lose blocks to mean anything")
	require.Positive(t, dup)
	require.Positive(t, reordered)
	require.GreaterOrEqual(t, timeouts, lost/2, "lost blocks are noticed")
}
