package pacomchan

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sealPlain seals plaintext pt as a message of type typ from end ep of
// circuit id, framed as [Router.Send] frames it: what a circuit end that
// holds the key but runs broken or hostile code sends.
func sealPlain(t *testing.T, ep *endpoint, typ MsgType, id CircuitID, pt []byte) []byte {
	t.Helper()
	aead := ep.keys.forward
	if ep.role == roleTarget {
		aead = ep.keys.backward
	}
	b := make([]byte, headerSize+xNonceSize)
	b[0] = byte(typ)
	copy(b[1:], id[:])
	_, err := rand.Read(b[headerSize:])
	require.NoError(t, err)
	return aead.Seal(b, b[headerSize:], pt, b[:headerSize])
}

// TestCircuitResponseChecks: the source takes a circuit as built only on a
// response that carries its secret under K, from a neighbour it sent the
// handshake to, once. A relay cannot fake the target's answer.
func TestCircuitResponseChecks(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	var held []wire
	net.drop = func(w wire) bool {
		if w.to == 0 && len(w.msg) > 0 && MsgType(w.msg[0]) == MsgResponse {
			held = append(held, w)
			return true
		}
		return false
	}
	id := net.build(0, 2)
	require.Len(t, held, 1)
	src := net.routers[0]
	require.False(t, src.Established(id))

	forged := make([]byte, ResponseSize)
	forged[0] = byte(MsgResponse)
	copy(forged[1:], id[:])
	_, _ = rand.Read(forged[headerSize:])
	_, err := src.Handle(net.now, 1, forged)
	require.ErrorIs(t, err, ErrSecret, "a relay's forged response")
	// Under the right key, the wrong secret.
	ep := src.ends[id]
	var zero [responseNonceLength]byte
	wrong := ep.secret
	wrong[0] ^= 1
	resp := Message{Type: MsgResponse, ID: id, Sealed: ep.keys.response.Seal(nil, zero[:], wrong[:], headerAAD(MsgResponse, id))}
	b, err := resp.MarshalBinary()
	require.NoError(t, err)
	_, err = src.Handle(net.now, 1, b)
	require.ErrorIs(t, err, ErrSecret, "a response with the wrong secret")
	require.False(t, src.Established(id))

	// The genuine response, but from a neighbour the handshake never went
	// to.
	_, err = src.Handle(net.now, 7, held[0].msg)
	require.ErrorIs(t, err, ErrUnknownCircuit)
	require.False(t, src.Established(id))

	res, err := src.Handle(net.now, 1, held[0].msg)
	require.NoError(t, err)
	require.Equal(t, []CircuitID{id}, res.Established)
	_, err = src.Handle(net.now, 1, held[0].msg)
	require.ErrorIs(t, err, ErrReplay, "a second response")
	require.Equal(t, uint64(1), src.Stats().CircuitsEstablished)
	// A response to a circuit that ends here is refused as well.
	_, err = net.routers[2].Handle(net.now, 1, held[0].msg)
	require.ErrorIs(t, err, ErrUnknownCircuit)
}

// TestCircuitMalformedPlaintext: a circuit end that holds K but sends
// inconsistent plaintexts (length field against body, acknowledgements of
// no ids or of too many) gets an error, never a panic or a delivery.
func TestCircuitMalformedPlaintext(t *testing.T) {
	net := newRouterNet(t, RouterConfig{AckEvery: 2}, 3, line(3))
	id := net.build(0, 2)
	src, dst := net.routers[0], net.routers[2]
	hostile := dst.ends[id] // the target, sealing towards the source
	frame := func(did uint64, n uint32, body []byte) []byte {
		pt := binary.BigEndian.AppendUint64(nil, did)
		pt = binary.BigEndian.AppendUint32(pt, n)
		return append(pt, body...)
	}
	ids := func(k int) []byte { return make([]byte, 8*k) }
	for _, c := range []struct {
		name string
		typ  MsgType
		pt   []byte
	}{
		{"data length above body", MsgData, frame(0, 6, []byte("five!"))},
		{"data length below body", MsgData, frame(0, 4, []byte("five!"))},
		{"data length huge", MsgData, frame(0, 1<<31, []byte("x"))},
		{"ack of no ids", MsgAck, frame(0, 0, nil)},
		{"ack count above body", MsgAck, frame(0, 2, ids(1))},
		{"ack count below body", MsgAck, frame(0, 1, ids(2))},
		{"ack of too many ids", MsgAck, frame(0, MaxAckIDs+1, ids(MaxAckIDs+1))},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := sealPlain(t, hostile, c.typ, id, c.pt)
			var res Result
			var err error
			require.NotPanics(t, func() { res, err = src.Handle(net.now, 1, msg) })
			require.ErrorIs(t, err, ErrMessageSize)
			require.Empty(t, res.Delivered)
			require.Empty(t, res.Out)
		})
	}
	// An acknowledgement of MaxAckIDs ids, the most AckEvery allows, is
	// taken.
	before := src.Stats().AcksReceived
	_, err := src.Handle(net.now, 1, sealPlain(t, hostile, MsgAck, id, frame(0, MaxAckIDs, ids(MaxAckIDs))))
	require.NoError(t, err)
	require.Equal(t, before+1, src.Stats().AcksReceived)
	// A well-formed plaintext from the same end is delivered.
	res, err := src.Handle(net.now, 1, sealPlain(t, hostile, MsgData, id, frame(0, 2, []byte("ok"))))
	require.NoError(t, err)
	require.Equal(t, []Delivery{{id, 0, []byte("ok")}}, res.Delivered)
}

// TestCircuitOwnLimit: a client builds at most MaxOwn circuits of its own
// at a time; the next Build is refused, and a purged circuit frees its
// place.
func TestCircuitOwnLimit(t *testing.T) {
	net := newRouterNet(t, RouterConfig{MaxOwn: 2}, 2, line(2))
	src := net.routers[0]
	for range 2 {
		_, _, err := src.Build(net.now, net.routers[1].PublicKey())
		require.NoError(t, err)
	}
	_, _, err := src.Build(net.now, net.routers[1].PublicKey())
	require.ErrorIs(t, err, ErrTableFull)
	require.Equal(t, 2, src.Records())
	src.Tick(net.now.Add(2 * DefaultPurgeAfter))
	require.Zero(t, src.Records())
	_, _, err = src.Build(net.now.Add(2*DefaultPurgeAfter), net.routers[1].PublicKey())
	require.NoError(t, err)
	// No neighbour, no circuit.
	lone, err := NewRouter(nil, mrand.New(mrand.NewPCG(1, 1)), RouterConfig{})
	require.NoError(t, err)
	_, _, err = lone.Build(net.now, net.routers[1].PublicKey())
	require.ErrorIs(t, err, ErrNoNeighbour)
	require.Zero(t, lone.Records())
}

// constReader returns the same bytes forever: broken randomness.
type constReader struct{}

func (constReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestRouterBrokenRandomness: a failing randomness source makes Build and
// Send fail without leaving a record or sending a byte, and a source that
// repeats itself cannot make Build reuse a circuit id.
func TestRouterBrokenRandomness(t *testing.T) {
	target, err := NewRouter(nil, mrand.New(mrand.NewPCG(1, 1)), RouterConfig{})
	require.NoError(t, err)
	// The seed takes 32 bytes; h_id, sec_str and K take 16, 16 and 32,
	// and HPKE's ephemeral key 32 more.
	for _, n := range []int{32, 32 + 16, 32 + 32, 32 + 64, 32 + 64 + 31} {
		r, err := NewRouter(&shortReader{n: n}, mrand.New(mrand.NewPCG(2, 2)), RouterConfig{})
		require.NoError(t, err)
		r.AddNeighbour(1)
		_, res, err := r.Build(t0, target.PublicKey())
		require.Error(t, err, "randomness fails after %d bytes", n)
		require.Empty(t, res.Out)
		require.Zero(t, r.Records())
	}
	// A source that fails once and then recovers: the read that failed
	// (h_id, sec_str, K or HPKE's ephemeral key) is not used half-filled.
	for call := 2; call <= 5; call++ {
		r, err := NewRouter(&onceFailingReader{failAt: call}, mrand.New(mrand.NewPCG(2, 2)), RouterConfig{})
		require.NoError(t, err)
		r.AddNeighbour(1)
		_, res, err := r.Build(t0, target.PublicKey())
		require.Error(t, err, "read %d fails", call)
		require.Empty(t, res.Out)
		require.Zero(t, r.Records())
	}

	r, err := NewRouter(constReader{}, mrand.New(mrand.NewPCG(2, 2)), RouterConfig{})
	require.NoError(t, err)
	r.AddNeighbour(1)
	_, _, err = r.Build(t0, target.PublicKey())
	require.NoError(t, err)
	_, res, err := r.Build(t0, target.PublicKey())
	require.Error(t, err, "the same h_id twice")
	require.Empty(t, res.Out)
	require.Equal(t, 1, r.Records())

	// Randomness that fails once the circuit is up: no data message goes
	// out with a predictable nonce, and the d_id is not spent.
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	id := net.build(0, 2)
	net.routers[0].rnd = failingReader{}
	_, err = net.routers[0].Send(net.now, id, []byte("x"))
	require.Error(t, err)
	net.routers[0].rnd = rand.Reader
	net.send(0, id, "after")
	require.Equal(t, []Delivery{{id, 0, []byte("after")}}, net.delivered[2])
}

// TestHandshakeHostile: handshakes a neighbour can send that no honest
// source builds. One with TTL 0 is dropped without a record; one whose
// encapsulated key is a low-order point, or whose sealed h_id differs from
// the outer one (§3.5's success test), is relayed like any other but
// accepted by nobody.
func TestHandshakeHostile(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	_, built, err := net.routers[0].Build(t0, net.routers[1].PublicKey())
	require.NoError(t, err)
	var m Message
	require.NoError(t, m.UnmarshalBinary(built.Out[0].Msg))

	t.Run("TTL 0", func(t *testing.T) {
		dead := m
		dead.TTL = 0
		b, err := dead.MarshalBinary()
		require.NoError(t, err)
		relay := net.routers[1]
		res, err := relay.Handle(t0, 0, b)
		require.NoError(t, err)
		require.Empty(t, res.Out)
		require.Empty(t, res.Accepted)
		require.Zero(t, relay.Records())
		require.Equal(t, uint64(1), relay.Stats().HandshakesExpired)
	})
	t.Run("low-order encapsulation", func(t *testing.T) {
		bad := m
		bad.ID[0] ^= 1
		bad.Enc = make([]byte, hpkeEncSize) // the point 0
		b, err := bad.MarshalBinary()
		require.NoError(t, err)
		var res Result
		require.NotPanics(t, func() { res, err = net.routers[1].Handle(t0, 0, b) })
		require.NoError(t, err)
		require.Empty(t, res.Accepted)
		require.Len(t, res.Out, 1, "relayed")
	})
	t.Run("inner h_id differs", func(t *testing.T) {
		target := net.routers[1]
		outer := CircuitID{0xee, 1}
		in := handshakeInner{id: CircuitID{0xee, 2}, timeMs: t0.UnixMilli()}
		pk, err := handshakeKEM.UnmarshalBinaryPublicKey(target.PublicKey())
		require.NoError(t, err)
		sender, err := handshakeSuite.NewSender(pk, []byte(hpkeInfo))
		require.NoError(t, err)
		enc, sealer, err := sender.Setup(rand.Reader)
		require.NoError(t, err)
		sealed, err := sealer.Seal(in.marshal(), headerAAD(MsgHandshake, outer))
		require.NoError(t, err)
		b, err := (&Message{Type: MsgHandshake, ID: outer, TTL: 3, Enc: enc, Sealed: sealed}).MarshalBinary()
		require.NoError(t, err)
		res, err := target.Handle(t0, 0, b)
		require.NoError(t, err)
		require.Empty(t, res.Accepted, "the target refuses a mismatched h_id")
		require.Len(t, res.Out, 1, "and relays it like any handshake")
		require.Zero(t, target.Stats().CircuitsAccepted)
		// The same request with matching ids is accepted: the refusal was
		// for the mismatch alone.
		in.id = CircuitID{0xee, 3}
		sender, err = handshakeSuite.NewSender(pk, []byte(hpkeInfo))
		require.NoError(t, err)
		enc, sealer, err = sender.Setup(rand.Reader)
		require.NoError(t, err)
		sealed, err = sealer.Seal(in.marshal(), headerAAD(MsgHandshake, in.id))
		require.NoError(t, err)
		b, err = (&Message{Type: MsgHandshake, ID: in.id, TTL: 3, Enc: enc, Sealed: sealed}).MarshalBinary()
		require.NoError(t, err)
		res, err = target.Handle(t0, 0, b)
		require.NoError(t, err)
		require.Equal(t, []CircuitID{in.id}, res.Accepted)
	})
}

// TestCircuitNotReady: no data goes out on a circuit whose response has
// not arrived, or whose path broke; data still arriving on a broken
// circuit is not delivered.
func TestCircuitNotReady(t *testing.T) {
	net := newRouterNet(t, RouterConfig{}, 3, line(3))
	var held []wire
	net.drop = func(w wire) bool {
		if w.to == 0 {
			held = append(held, w)
			return true
		}
		return false
	}
	id := net.build(0, 2)
	src := net.routers[0]
	_, err := src.Send(net.now, id, []byte("early"))
	require.ErrorIs(t, err, ErrNotReady)
	res, err := src.Handle(net.now, 1, held[0].msg)
	require.NoError(t, err)
	require.Equal(t, []CircuitID{id}, res.Established)
	held = nil
	net.send(2, id, "in flight")
	require.Len(t, held, 1)
	src.RemoveNeighbour(1)
	_, err = src.Send(net.now, id, []byte("late"))
	require.ErrorIs(t, err, ErrNotReady)
	res, err = src.Handle(net.now, 1, held[0].msg)
	require.ErrorIs(t, err, ErrUnknownCircuit)
	require.Empty(t, res.Delivered)
}

// TestRouterRandomnessFailsMidCircuit: when randomness fails while an end
// must seal (an acknowledgement, or data held for a rebuilt circuit), the
// router returns an error instead of an empty or predictable message, and,
// like every error of Handle, leaves the router unchanged: nothing is
// delivered under the error, and the same message handled again once
// randomness is back delivers its data exactly once.
func TestRouterRandomnessFailsMidCircuit(t *testing.T) {
	t.Run("acknowledgement", func(t *testing.T) {
		net := newRouterNet(t, RouterConfig{AckEvery: 1}, 3, line(3))
		id := net.build(0, 2)
		out, err := net.routers[0].Send(net.now, id, []byte("x"))
		require.NoError(t, err)
		fwd, err := net.routers[1].Handle(net.now, 0, out.Msg)
		require.NoError(t, err)
		net.routers[2].rnd = failingReader{}
		res, err := net.routers[2].Handle(net.now, 1, fwd.Out[0].Msg)
		require.Error(t, err)
		require.Empty(t, res.Out)
		require.Empty(t, res.Delivered, "no data delivered under an error a caller may drop")

		net.routers[2].rnd = rand.Reader
		res, err = net.routers[2].Handle(net.now, 1, fwd.Out[0].Msg)
		require.NoError(t, err, "the packet was not marked as seen")
		require.Equal(t, []Delivery{{id, 0, []byte("x")}}, res.Delivered)
		require.Len(t, res.Out, 1, "the acknowledgement")
		_, err = net.routers[2].Handle(net.now, 1, fwd.Out[0].Msg)
		require.ErrorIs(t, err, ErrReplay, "delivered once")
	})
	t.Run("data held for a rebuilt circuit", func(t *testing.T) {
		cfg := RouterConfig{AckEvery: 2, AckTimeout: 10 * time.Second}
		net := newRouterNet(t, cfg, 4, [][2]int{{0, 1}, {1, 3}, {0, 2}, {2, 3}})
		id := net.build(0, 3)
		net.send(0, id, "unacknowledged")
		relay := net.routers[3].table[id].lastHop
		net.routers[0].RemoveNeighbour(relay)
		net.routers[3].RemoveNeighbour(relay)
		var held []wire
		net.drop = func(w wire) bool {
			if w.to == 0 {
				held = append(held, w)
				return true
			}
			return false
		}
		res := net.routers[0].Tick(net.now)
		require.Len(t, res.Rebuilt, 1)
		net.post(0, res)
		net.run()
		require.Len(t, held, 1)
		net.routers[0].rnd = failingReader{}
		got, err := net.routers[0].Handle(net.now, held[0].from, held[0].msg)
		require.Error(t, err)
		require.Empty(t, got.Out)
		newID := res.Rebuilt[0].New
		require.False(t, net.routers[0].Established(newID), "the failed response changes nothing")

		// Randomness is back and the response arrives again (a
		// retransmission): the held data goes out on the new circuit.
		net.routers[0].rnd = rand.Reader
		net.drop = nil
		got, err = net.routers[0].Handle(net.now, held[0].from, held[0].msg)
		require.NoError(t, err)
		require.True(t, net.routers[0].Established(newID))
		net.post(0, got)
		net.run()
		var data []string
		for _, d := range net.delivered[3] {
			data = append(data, string(d.Data))
		}
		require.Equal(t, []string{"unacknowledged", "unacknowledged"}, data,
			"the held data reaches the target on the rebuilt circuit (first copy on the old one)")
	})
}

// onceFailingReader fails its failAt-th Read call (counting from 1) and
// otherwise reads crypto/rand.
type onceFailingReader struct{ calls, failAt int }

func (r *onceFailingReader) Read(p []byte) (int, error) {
	r.calls++
	if r.calls == r.failAt {
		return 0, errors.New("entropy hiccup")
	}
	return rand.Read(p)
}
