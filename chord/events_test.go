package chord_test

import (
	"crypto/ed25519"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// topID returns the identifier whose first byte is b and the rest zero.
func topID(b byte) chord.ID { return chord.ID{b} }

func drain(ch chan chord.Event) []chord.Event {
	var evs []chord.Event
	for {
		select {
		case ev := <-ch:
			evs = append(evs, ev)
		default:
			return evs
		}
	}
}

// TestRingEvents checks the events a node reports: when a node C joins as
// A's predecessor, A reports its new predecessor and the blocks it handed
// to C, and C reports its successor and the blocks it received; a node
// whose event channel is full drops events, counts them, and does not
// block.
func TestRingEvents(t *testing.T) {
	tr, err := chord.NewTracker(rand.NewChaCha8([32]byte{5}))
	require.NoError(t, err)
	nw, err := simnet.New(simnet.Config{Wire: true}, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	newNode := func(addr string, id chord.ID, events chan chord.Event) *chord.Node {
		n, err := chord.New(chord.Config{Addr: addr, ID: id, Transport: nw.Endpoint(addr),
			TrustedTrackers: []ed25519.PublicKey{tr.PublicKey()}, Events: events})
		require.NoError(t, err)
		nw.Register(addr, n)
		return n
	}
	stabilize := func(ns ...*chord.Node) {
		for range 3 {
			for _, n := range ns {
				require.NoError(t, n.Stabilize(ctx))
			}
		}
	}
	aEvents, cEvents := make(chan chord.Event, 64), make(chan chord.Event, 64)
	a := newNode("a", topID(0x40), aEvents)
	b := newNode("b", topID(0x80), nil)
	a.Create()
	require.NoError(t, b.Join(ctx, a.Info()))
	stabilize(a, b)
	require.NoError(t, chord.CheckStable([]chord.State{a.State(), b.State()}, 8))
	evs := drain(aEvents)
	require.Contains(t, evs, chord.Event{Kind: chord.EventSuccessor, Node: b.Info()})
	require.Contains(t, evs, chord.Event{Kind: chord.EventPredecessor, Node: b.Info()})
	require.Zero(t, b.Stats().EventsDropped, "a node without an event channel drops nothing")
	require.Equal(t, "keys-out", chord.EventKeysOut.String())
	require.Equal(t, "event(?)", chord.EventKind(0).String())

	// Blocks held by a, some of which will fall to c at 0x20.
	var moving, staying []chord.ID
	for i := 0; len(moving) < 3 || len(staying) < 3; i++ {
		key, err := b.Put(ctx, chunk(i, 32), tr)
		require.NoError(t, err)
		switch {
		case chord.BetweenRightIncl(key, b.ID(), topID(0x20)):
			moving = append(moving, key)
		case chord.BetweenRightIncl(key, topID(0x20), a.ID()):
			staying = append(staying, key)
		}
	}
	c := newNode("c", topID(0x20), cEvents)
	require.NoError(t, c.Join(ctx, b.Info()))
	stabilize(c, b, a)
	require.NoError(t, chord.CheckStable([]chord.State{a.State(), b.State(), c.State()}, 8))

	var out []chord.ID
	evs = drain(aEvents)
	require.Contains(t, evs, chord.Event{Kind: chord.EventPredecessor, Node: c.Info()})
	for _, ev := range evs {
		if ev.Kind == chord.EventKeysOut {
			require.Equal(t, c.Info(), ev.Node)
			out = append(out, ev.Keys...)
		}
	}
	var in []chord.ID
	evs = drain(cEvents)
	require.Contains(t, evs, chord.Event{Kind: chord.EventSuccessor, Node: a.Info()})
	for _, ev := range evs {
		if ev.Kind == chord.EventKeysIn {
			require.Equal(t, a.Info(), ev.Node)
			in = append(in, ev.Keys...)
		}
	}
	sort := func(ids []chord.ID) []chord.ID {
		slices.SortFunc(ids, func(x, y chord.ID) int { return x.Cmp(y) })
		return ids
	}
	require.Equal(t, sort(moving), sort(out), "a reports exactly the blocks it handed to c")
	require.Equal(t, sort(moving), sort(in), "c reports exactly the blocks it received")
	for _, k := range staying {
		require.NotContains(t, out, k)
	}

	// A full channel: events are dropped and counted, the node goes on.
	full := make(chan chord.Event) // unbuffered, never read
	d := newNode("d", topID(0xc0), full)
	done := make(chan error, 1)
	go func() { done <- d.Join(ctx, a.Info()) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("a node blocked on its event channel")
	}
	stabilize(a, b, c, d)
	require.NoError(t, chord.CheckStable([]chord.State{a.State(), b.State(), c.State(), d.State()}, 8))
	require.Positive(t, d.Stats().EventsDropped)
}
