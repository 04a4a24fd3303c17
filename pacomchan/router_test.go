package pacomchan

import (
	"bytes"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// routerNet connects routers directly, without blocks: messages are
// delivered in FIFO order. It isolates the circuit logic of §3.5.
type routerNet struct {
	t       testing.TB
	routers map[PeerID]*Router
	queue   []wire
	now     time.Time
	drop    func(w wire) bool // optional: messages lost on the way
	// what reached each router
	delivered map[PeerID][]Delivery
	accepted  map[PeerID][]CircuitID
	ready     map[PeerID][]CircuitID
	errs      []error
}

type wire struct {
	from, to PeerID
	msg      []byte
}

func newRouterNet(t testing.TB, cfg RouterConfig, n int, edges [][2]int) *routerNet {
	net := &routerNet{t: t, routers: map[PeerID]*Router{}, now: t0,
		delivered: map[PeerID][]Delivery{}, accepted: map[PeerID][]CircuitID{}, ready: map[PeerID][]CircuitID{}}
	for i := range n {
		r, err := NewRouter(rand.Reader, mrand.New(mrand.NewPCG(uint64(i), 9)), cfg)
		require.NoError(t, err)
		net.routers[PeerID(i)] = r
	}
	for _, e := range edges {
		net.routers[PeerID(e[0])].AddNeighbour(PeerID(e[1]))
		net.routers[PeerID(e[1])].AddNeighbour(PeerID(e[0]))
	}
	return net
}

func (n *routerNet) post(from PeerID, res Result) {
	for _, o := range res.Out {
		n.queue = append(n.queue, wire{from, o.To, o.Msg})
	}
	n.delivered[from] = append(n.delivered[from], res.Delivered...)
	n.accepted[from] = append(n.accepted[from], res.Accepted...)
	n.ready[from] = append(n.ready[from], res.Established...)
}

func (n *routerNet) run() {
	for len(n.queue) > 0 {
		w := n.queue[0]
		n.queue = n.queue[1:]
		if n.drop != nil && n.drop(w) {
			continue
		}
		res, err := n.routers[w.to].Handle(n.now, w.from, w.msg)
		if err != nil {
			n.errs = append(n.errs, err)
		}
		n.post(w.to, res)
	}
}

func (n *routerNet) build(src, dst PeerID) CircuitID {
	id, res, err := n.routers[src].Build(n.now, n.routers[dst].PublicKey())
	require.NoError(n.t, err)
	n.post(src, res)
	n.run()
	return id
}

func (n *routerNet) send(from PeerID, id CircuitID, data string) {
	out, err := n.routers[from].Send(n.now, id, []byte(data))
	require.NoError(n.t, err)
	n.queue = append(n.queue, wire{from, out.To, out.Msg})
	n.run()
}

// line returns the edges of the path 0 – 1 – … – n−1.
func line(n int) [][2]int {
	var e [][2]int
	for i := 0; i+1 < n; i++ {
		e = append(e, [2]int{i, i + 1})
	}
	return e
}

func TestCircuitEndToEnd(t *testing.T) {
	// A ring of six with a chord: several paths between 0 and 3.
	net := newRouterNet(t, RouterConfig{}, 6, append(line(6), [2]int{5, 0}, [2]int{1, 4}))
	id := net.build(0, 3)
	require.Equal(t, []CircuitID{id}, net.accepted[3], "only the target opens the handshake")
	require.Equal(t, []CircuitID{id}, net.ready[0])
	for _, p := range []PeerID{1, 2, 4, 5} {
		require.Empty(t, net.accepted[p])
	}
	require.True(t, net.routers[0].Established(id))
	require.True(t, net.routers[3].Established(id))
	require.Empty(t, net.errs, "flooding duplicates are not errors")
	dups := uint64(0)
	for _, r := range net.routers {
		dups += r.Stats().HandshakesDuplicate
	}
	require.Positive(t, dups, "the flood reaches some clients twice")

	net.send(0, id, "hello target")
	net.send(3, id, "hello source")
	net.send(0, id, "again")
	require.Equal(t, []Delivery{{id, 0, []byte("hello target")}, {id, 1, []byte("again")}}, net.delivered[3])
	require.Equal(t, []Delivery{{id, 0, []byte("hello source")}}, net.delivered[0])
	relayed := uint64(0)
	for _, p := range []PeerID{1, 2, 4, 5} {
		relayed += net.routers[p].Stats().DataForwarded
	}
	require.Equal(t, uint64(3*2), relayed, "a shortest circuit here has two relays")
}

func TestCircuitRejects(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	id := net.build(0, 2)
	out, err := net.routers[0].Send(net.now, id, []byte("once"))
	require.NoError(t, err)
	// The relay forwards it twice (it cannot tell); the target refuses the
	// replay.
	for range 2 {
		net.queue = append(net.queue, wire{0, out.To, out.Msg})
	}
	net.run()
	require.Len(t, net.delivered[2], 1)
	require.Len(t, net.errs, 1)
	require.ErrorIs(t, net.errs[0], ErrReplay)

	r := net.routers[1]
	before := r.Stats()
	// Unknown circuit id.
	bogus := bytes.Clone(out.Msg)
	bogus[1] ^= 1
	_, err = r.Handle(net.now, 0, bogus)
	require.ErrorIs(t, err, ErrUnknownCircuit)
	// Right circuit, wrong neighbour.
	_, err = r.Handle(net.now, 7, out.Msg)
	require.ErrorIs(t, err, ErrUnknownCircuit)
	// Truncated and oversized messages, unknown types.
	for _, m := range [][]byte{nil, out.Msg[:5], {9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}} {
		_, err = r.Handle(net.now, 0, m)
		require.Error(t, err)
	}
	// A tampered data message reaches the target and fails there.
	bad := bytes.Clone(out.Msg)
	bad[len(bad)-1] ^= 1
	net.queue = append(net.queue, wire{0, 1, bad})
	net.errs = nil
	net.run()
	require.Len(t, net.errs, 1)
	require.ErrorIs(t, net.errs[0], ErrAuth)
	require.Len(t, net.delivered[2], 1)
	require.Greater(t, r.Stats().Unknown, before.Unknown)

	// Data on a circuit that is not established.
	_, err = net.routers[0].Send(net.now, CircuitID{1}, []byte("x"))
	require.ErrorIs(t, err, ErrUnknownCircuit)
	_, err = net.routers[0].Send(net.now, id, make([]byte, net.routers[0].MaxData()+1))
	require.ErrorIs(t, err, ErrTooLong)
	_, _, err = net.routers[0].Build(net.now, []byte("not a key"))
	require.ErrorIs(t, err, ErrBadPublicKey)
}

func TestCircuitHandshakeChecks(t *testing.T) {
	net := newRouterNet(t, RouterConfig{TTL: 2}, 5, line(5))
	// TTL 2 reaches two hops: node 3 is out of reach.
	net.build(0, 3)
	require.Empty(t, net.accepted[3])
	require.Positive(t, net.routers[2].Stats().HandshakesExpired)
	require.Zero(t, net.routers[3].Records(), "a handshake whose TTL ran out is not forwarded")

	// A handshake older than the skew is refused by the target (relay
	// attack: here the source's clock is far behind), which forwards it
	// like any relay so that the refusal does not single it out.
	net2 := newRouterNet(t, RouterConfig{MaxSkew: time.Minute}, 3, line(3))
	_, res, err := net2.routers[0].Build(t0.Add(-2*time.Minute), net2.routers[1].PublicKey())
	require.NoError(t, err)
	stale, err := net2.routers[1].Handle(t0, 0, res.Out[0].Msg)
	require.NoError(t, err)
	require.Empty(t, stale.Accepted)
	require.Len(t, stale.Out, 1, "forwarded, no response")
	require.Equal(t, PeerID(2), stale.Out[0].To)
	require.Equal(t, uint64(1), net2.routers[1].Stats().HandshakesStale)
	// Within the skew the same kind of handshake is accepted once; a
	// replay of it is a duplicate.
	_, res, err = net2.routers[0].Build(t0.Add(-30*time.Second), net2.routers[1].PublicKey())
	require.NoError(t, err)
	r, err := net2.routers[1].Handle(t0, 0, res.Out[0].Msg)
	require.NoError(t, err)
	require.Len(t, r.Accepted, 1)
	r, err = net2.routers[1].Handle(t0, 0, res.Out[0].Msg)
	require.NoError(t, err)
	require.Empty(t, r.Accepted)
	require.Equal(t, uint64(1), net2.routers[1].Stats().HandshakesDuplicate)

	// TTL abuse.
	var m Message
	require.NoError(t, m.UnmarshalBinary(res.Out[0].Msg))
	m.TTL = 200
	abusive, err := m.MarshalBinary()
	require.NoError(t, err)
	_, err = net2.routers[0].Handle(t0, 1, abusive)
	require.ErrorIs(t, err, ErrTTL)

	// A handshake with a garbage HPKE payload is forwarded like any other
	// (a relay cannot tell) but opens nowhere.
	net3 := newRouterNet(t, RouterConfig{}, 3, line(3))
	junk := make([]byte, HandshakeSize)
	_, _ = rand.Read(junk)
	junk[0], junk[1+CircuitIDSize] = byte(MsgHandshake), 4
	net3.queue = append(net3.queue, wire{0, 1, junk})
	net3.run()
	require.Empty(t, net3.errs)
	require.Empty(t, net3.accepted[1])
	require.Empty(t, net3.accepted[2])
	require.Equal(t, 1, net3.routers[2].Records())
}

func TestCircuitPurge(t *testing.T) {
	net := newRouterNet(t, RouterConfig{PurgeAfter: time.Minute}, 3, line(3))
	// A handshake to a client that is not in the network never completes.
	stranger, err := NewRouter(rand.Reader, mrand.New(mrand.NewPCG(1, 1)), RouterConfig{})
	require.NoError(t, err)
	net.build(0, PeerID(2))
	net.build(0, 0) // to itself: nobody else can open it
	_, res, err := net.routers[0].Build(net.now, stranger.PublicKey())
	require.NoError(t, err)
	net.post(0, res)
	net.run()
	require.Equal(t, 3, net.routers[1].Records())
	net.routers[1].Tick(t0.Add(30 * time.Second))
	require.Equal(t, 3, net.routers[1].Records(), "younger than t")
	net.routers[1].Tick(t0.Add(2 * time.Minute))
	require.Equal(t, 1, net.routers[1].Records(), "only the built circuit stays")
	require.Equal(t, uint64(2), net.routers[1].Stats().RecordsPurged)
	net.routers[0].Tick(t0.Add(2 * time.Minute))
	require.Equal(t, 1, net.routers[0].Records())
}

func TestCircuitExtensions(t *testing.T) {
	t.Run("1 parallel circuits", func(t *testing.T) {
		net := newRouterNet(t, RouterConfig{}, 4, [][2]int{{0, 1}, {1, 3}, {0, 2}, {2, 3}})
		a, b := net.build(0, 3), net.build(0, 3)
		require.NotEqual(t, a, b)
		require.ElementsMatch(t, []CircuitID{a, b}, net.accepted[3])
		net.send(0, a, "via a")
		net.send(0, b, "via b")
		require.Len(t, net.delivered[3], 2)
	})
	t.Run("2 random walk", func(t *testing.T) {
		// On a ring of 12, flooding finds the shortest circuit; a walk with
		// p0 = 1 only finds the target by chance and makes longer ones.
		ring := append(line(12), [2]int{11, 0})
		hops := func(cfg RouterConfig) (built int, relays uint64) {
			for seed := range 30 {
				net := newRouterNet(t, cfg, 12, ring)
				net.routers[0].rng = mrand.New(mrand.NewPCG(uint64(seed), 1))
				for _, r := range net.routers {
					r.rng = mrand.New(mrand.NewPCG(uint64(seed), uint64(len(r.neighbours))))
				}
				id := net.build(0, 3)
				if !net.routers[0].Established(id) {
					continue
				}
				built++
				net.send(0, id, "x")
				for _, r := range net.routers {
					relays += r.Stats().DataForwarded
				}
			}
			return built, relays
		}
		fb, fr := hops(RouterConfig{})
		require.Equal(t, 30, fb)
		require.Equal(t, uint64(30*2), fr, "flooding: 2 relays each")
		wb, wr := hops(RouterConfig{WalkProb: 1, TTL: 16})
		require.Positive(t, wb)
		require.Greater(t, float64(wr)/float64(wb), 2.0, "random walks make longer circuits")
	})
	t.Run("3 acknowledgements and rebuild", func(t *testing.T) {
		cfg := RouterConfig{AckEvery: 2, AckTimeout: 10 * time.Second}
		net := newRouterNet(t, cfg, 4, [][2]int{{0, 1}, {1, 3}, {0, 2}, {2, 3}})
		id := net.build(0, 3)
		net.send(0, id, "p0")
		net.send(0, id, "p1")
		require.Empty(t, net.routers[0].ends[id].unacked, "acknowledged")
		require.Equal(t, uint64(1), net.routers[3].Stats().AcksSent)
		// The relay of the circuit silently drops everything from now on.
		relay := net.routers[3].table[id].lastHop
		net.drop = func(w wire) bool { return w.to == relay }
		net.send(0, id, "p2")
		net.send(0, id, "p3")
		require.Len(t, net.delivered[3], 2)
		res := net.routers[0].Tick(net.now.Add(5 * time.Second))
		require.Empty(t, res.Rebuilt, "not yet late")
		// The relay leaves the network; the rebuilt circuit avoids it.
		net.routers[0].RemoveNeighbour(relay)
		net.routers[3].RemoveNeighbour(relay)
		net.now = net.now.Add(11 * time.Second)
		res = net.routers[0].Tick(net.now)
		require.Len(t, res.Rebuilt, 1)
		require.Equal(t, id, res.Rebuilt[0].Old)
		net.post(0, res)
		net.run()
		require.True(t, net.routers[0].Established(res.Rebuilt[0].New))
		var got []string
		for _, d := range net.delivered[3] {
			got = append(got, string(d.Data))
		}
		require.Equal(t, []string{"p0", "p1", "p2", "p3"}, got, "unacknowledged data resent")
	})
	t.Run("4 handshake budget", func(t *testing.T) {
		cfg := RouterConfig{HandshakeBudget: 2 * HandshakeSize, HandshakeWindow: time.Second}
		net := newRouterNet(t, cfg, 3, line(3))
		for range 5 {
			_, res, err := net.routers[0].Build(net.now, net.routers[2].PublicKey())
			require.NoError(t, err)
			net.post(0, res)
		}
		net.run()
		require.Len(t, net.accepted[2], 2, "only two handshakes fit the budget")
		require.Equal(t, uint64(3), net.routers[0].Stats().HandshakesBudgetDropped)
		net.now = net.now.Add(time.Second)
		net.build(0, 2)
		require.Len(t, net.accepted[2], 3, "the budget refills each window")
	})
}

func TestReplayWindow(t *testing.T) {
	var w seqWindow
	for _, d := range []uint64{0, 1, 5, 3, 2, 4, 1100} {
		require.True(t, w.accept(d), "%d", d)
	}
	for _, d := range []uint64{0, 3, 1100, 44, 75} {
		require.False(t, w.accept(d), "%d: replayed or too old", d)
	}
	require.True(t, w.accept(1099))
	require.True(t, w.accept(1100-ReplayWindow+1), "the oldest number of the window")
	require.False(t, w.accept(1100-ReplayWindow), "just behind it")
	require.False(t, w.accept(^uint64(0)))
}

// FuzzReplayWindow compares the ring window with a model that remembers
// every number: a number is new iff the model has not seen it and it is
// within ReplayWindow of the highest seen.
func FuzzReplayWindow(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1, 0, 200, 3})
	f.Add(bytes.Repeat([]byte{0xff, 0x01}, 40))
	f.Fuzz(func(t *testing.T, steps []byte) {
		var w seqWindow
		seen := map[uint64]bool{}
		var top uint64 // highest + 1
		var cur uint64
		for i := 0; i+1 < len(steps); i += 2 {
			// Mostly small moves, sometimes long jumps, both directions.
			d := uint64(steps[i+1]) << (steps[i] & 3 * 4)
			if steps[i]&0x80 != 0 && cur >= d {
				cur -= d
			} else {
				cur += d
			}
			want := !seen[cur] && (cur >= top || top-cur <= ReplayWindow)
			require.Equal(t, want, w.accept(cur), "step %d: %d (top %d)", i/2, cur, top)
			if want {
				seen[cur] = true
				top = max(top, cur+1)
			}
		}
	})
}

func TestRouterRoute(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 4, line(4))
	id := net.build(0, 3)
	hops := []PeerID{0}
	for at := PeerID(0); ; {
		rt, ok := net.routers[at].Route(id)
		require.True(t, ok)
		require.True(t, rt.Built)
		require.Equal(t, at == 0, rt.Source)
		if rt.Target {
			break
		}
		at = rt.NextHop
		hops = append(hops, at)
	}
	require.Equal(t, []PeerID{0, 1, 2, 3}, hops)
	_, ok := net.routers[0].Route(CircuitID{})
	require.False(t, ok)
}

// TestHandshakeFlood: neighbours that flood a client with handshakes are
// each held to their share of the table and all of them together to
// MaxRecords, circuits already built keep working, and the victim still
// builds circuits of its own.
func TestHandshakeFlood(t *testing.T) {
	net := newRouterNet(t, RouterConfig{MaxRecords: 8, MaxRecordsPerNeighbour: 3}, 3, line(3))
	id := net.build(0, 2) // one record at 1, from neighbour 0
	victim := net.routers[1]
	flood := func(from PeerID, n int) (quota, full int) {
		attacker, err := NewRouter(rand.Reader, mrand.New(mrand.NewPCG(uint64(from), 1)), RouterConfig{})
		require.NoError(t, err)
		attacker.AddNeighbour(1)
		for range n {
			_, res, err := attacker.Build(net.now, net.routers[2].PublicKey())
			require.NoError(t, err)
			_, err = victim.Handle(net.now, from, res.Out[0].Msg)
			switch {
			case errors.Is(err, ErrQuota):
				quota++
			case errors.Is(err, ErrTableFull):
				full++
			default:
				require.NoError(t, err)
			}
		}
		return quota, full
	}
	quota, full := flood(9, 10)
	require.Equal(t, 7, quota, "three records for neighbour 9, the rest refused")
	require.Zero(t, full)
	require.Equal(t, 3, victim.RecordsFrom(9))
	require.Equal(t, uint64(7), victim.Stats().QuotaExceeded)
	quota, full = flood(10, 3)
	require.Zero(t, quota)
	require.Zero(t, full)
	quota, full = flood(11, 3)
	require.Zero(t, quota)
	require.Equal(t, 2, full, "the table holds 8: 1 + 3 + 3 + 1")
	require.Equal(t, 8, victim.Records())

	net.send(0, id, "unaffected")
	require.Equal(t, "unaffected", string(net.delivered[2][0].Data))
	own := net.build(1, 2)
	require.True(t, victim.Established(own), "the victim still builds its own circuits")
	net.send(1, own, "mine")
	require.Equal(t, "mine", string(net.delivered[2][1].Data))
	// The flood's records are purged after t and the table has room again.
	victim.Tick(net.now.Add(2 * DefaultPurgeAfter))
	require.Equal(t, 2, victim.Records())
	require.Zero(t, victim.RecordsFrom(9))
}

// TestCircuitReplayAfterReconnect is the replay of issue 2: a relay or an
// eavesdropping neighbour captures a circuit's handshake and data, the
// target's connection drops (its record goes), and the captured messages
// come back on a new connection within MaxSkew: the handshake is refused
// and the data is not delivered a second time. Past MaxSkew the target's
// time check refuses it.
func TestCircuitReplayAfterReconnect(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	var captured []wire
	net.drop = func(w wire) bool {
		if w.to == 2 {
			captured = append(captured, w)
		}
		return false
	}
	id := net.build(0, 2)
	net.send(0, id, "pay 10 tokens")
	require.Len(t, net.delivered[2], 1)
	require.Len(t, captured, 2, "the handshake and the data message")
	target := net.routers[2]
	target.RemoveNeighbour(1)
	require.Zero(t, target.Records())
	target.AddNeighbour(7) // the attacker's new connection
	for _, at := range []time.Duration{time.Second, DefaultMaxSkew, 2*DefaultMaxSkew - time.Second} {
		for _, w := range captured {
			res, err := target.Handle(net.now.Add(at), 7, w.msg)
			require.Error(t, err, "replayed %d bytes after %v", len(w.msg), at)
			require.Empty(t, res.Delivered)
			require.Empty(t, res.Accepted)
		}
	}
	require.Equal(t, uint64(3), target.Stats().HandshakesTombstoned)
	// Once the tombstone is gone the time check refuses the handshake.
	later := net.now.Add(2*DefaultMaxSkew + time.Second)
	target.Tick(later)
	res, err := target.Handle(later, 7, captured[0].msg)
	require.NoError(t, err, "forwarded like any handshake, refused silently")
	require.Empty(t, res.Accepted)
	require.Equal(t, uint64(1), target.Stats().HandshakesStale)
	require.Equal(t, uint64(1), target.Stats().CircuitsAccepted)
}

// TestCircuitIdlePurge: established circuits that carry nothing for
// IdleAfter are purged at every hop and reported to their ends; a circuit
// in use stays.
func TestCircuitIdlePurge(t *testing.T) {
	net := newRouterNet(t, RouterConfig{IdleAfter: time.Hour}, 3, line(3))
	idle, busy := net.build(0, 2), net.build(0, 2)
	for _, r := range net.routers {
		require.Equal(t, 2, r.Records())
	}
	net.now = t0.Add(50 * time.Minute)
	net.send(0, busy, "still here")
	at := t0.Add(61 * time.Minute)
	for p, r := range net.routers {
		res := r.Tick(at)
		require.Equal(t, 1, r.Records(), "router %d", p)
		if p != 1 {
			require.Equal(t, []CircuitID{idle}, res.Expired, "router %d", p)
		} else {
			require.Empty(t, res.Expired, "a relay is no end")
		}
		require.Equal(t, uint64(1), r.Stats().IdlePurged)
	}
	require.False(t, net.routers[0].Established(idle))
	require.True(t, net.routers[0].Established(busy))
	// The idle circuit's handshake is dead too.
	_, err := net.routers[0].Send(at, idle, []byte("x"))
	require.ErrorIs(t, err, ErrUnknownCircuit)
}

// TestReplayWindowModel compares the ring window with a model that
// remembers every number over a long seeded walk of small reorderings,
// word-boundary crossings, gaps and long jumps: a number is new iff the
// model has not seen it and it is within ReplayWindow of the highest.
func TestReplayWindowModel(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(12, 6479))
	var w seqWindow
	seen := map[uint64]bool{}
	var top, cur uint64 = 0, 5000
	for step := range 60000 {
		switch k := rng.IntN(2000); {
		case k < 1:
			cur += 500 + rng.Uint64N(2000) // a gap, sometimes past the ring
		case k < 3 && cur > 3000:
			cur -= 1000 + rng.Uint64N(1100) // far back, around the window edge
		default:
			cur = cur + 24 - min(cur, rng.Uint64N(45)) // dense: small steps both ways
		}
		// Probe the edges without marking: the next number, the oldest in
		// the window and the one just behind it.
		for _, p := range []uint64{top, top - ReplayWindow, top - ReplayWindow - 1} {
			if p <= top && (w.check(p) == windowNew) != (!seen[p] && top-p <= ReplayWindow) {
				t.Fatalf("step %d: check(%d) = %d with top %d", step, p, w.check(p), top)
			}
		}
		want := !seen[cur] && (cur >= top || top-cur <= ReplayWindow)
		require.Equal(t, want, w.accept(cur), "step %d: %d (top %d)", step, cur, top)
		if want {
			seen[cur] = true
			top = max(top, cur+1)
		}
	}
}
