package pacomchan

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzMessage checks the circuit message codec: whatever parses re-encodes
// to the same bytes, and what fails to parse leaves the message untouched.
func FuzzMessage(f *testing.F) {
	net := newRouterNet(f, RouterConfig{}, 2, line(2))
	_, res, err := net.routers[0].Build(t0, net.routers[1].PublicKey())
	require.NoError(f, err)
	f.Add(res.Out[0].Msg)
	hs, err := net.routers[1].Handle(t0, 0, res.Out[0].Msg)
	require.NoError(f, err)
	f.Add(hs.Out[0].Msg)
	id := hs.Accepted[0]
	data, err := net.routers[1].Send(t0, id, []byte("payload"))
	require.NoError(f, err)
	f.Add(data.Msg)
	f.Add([]byte{3})
	f.Fuzz(func(t *testing.T, b []byte) {
		sentinel := Message{Type: 9, TTL: 42}
		m := sentinel
		if err := m.UnmarshalBinary(b); err != nil {
			require.Equal(t, sentinel, m, "a failed parse changed the message")
			return
		}
		out, err := m.MarshalBinary()
		require.NoError(t, err)
		require.True(t, bytes.Equal(b, out), "re-encoding differs")
	})
}

// FuzzRouterHandle feeds arbitrary messages, from the circuit's neighbours
// and from strangers, to both ends and the relay of an established
// circuit. Nothing panics, and the circuit still carries data both ways
// afterwards: no input corrupts the table or the ends' keys.
func FuzzRouterHandle(f *testing.F) {
	f.Add([]byte{0}, uint8(0), uint8(1))
	f.Add(bytes.Repeat([]byte{2}, 80), uint8(1), uint8(0))
	f.Add(append([]byte{1}, make([]byte, ResponseSize-1)...), uint8(2), uint8(1))
	f.Fuzz(func(t *testing.T, msg []byte, at, from uint8) {
		net := newRouterNet(t, RouterConfig{MaxRecords: 8}, 3, line(3))
		id := net.build(0, 2)
		require.True(t, net.routers[0].Established(id))
		// Seed the fuzzed bytes with the real circuit id half of the time.
		if len(msg) > headerSize && at&0x80 != 0 {
			copy(msg[1:headerSize], id[:])
		}
		node := PeerID(at % 3)
		net.queue = append(net.queue, wire{PeerID(from % 4), node, msg})
		net.run()
		net.errs = nil
		net.delivered = map[PeerID][]Delivery{}
		net.now = net.now.Add(time.Second)
		net.send(0, id, "still works")
		net.send(2, id, "both ways")
		require.Len(t, net.delivered[2], 1)
		require.Len(t, net.delivered[0], 1)
		require.Equal(t, "still works", string(net.delivered[2][0].Data))
	})
}

// BenchmarkCircuitForward measures a relay's work on one data message of a
// full 16 KiB block's payload: parse, circuit-table lookup, choice of the
// next hop. The message bytes are forwarded as they are (no copy, no
// cryptography at relays), so the cost does not grow with the payload and
// no bytes/s figure is reported.
func BenchmarkCircuitForward(b *testing.B) {
	net := newRouterNet(b, RouterConfig{}, 3, line(3))
	id := net.build(0, 2)
	relay := net.routers[1]
	out, err := net.routers[0].Send(t0, id, make([]byte, net.routers[0].MaxData()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := relay.Handle(t0, 0, out.Msg)
		if err != nil || len(res.Out) != 1 || res.Out[0].To != 2 {
			b.Fatal("not forwarded", err)
		}
	}
}
