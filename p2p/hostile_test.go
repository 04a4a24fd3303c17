package p2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"

	"github.com/swarmblocks/swarmblocks/chord"
)

// hostile is a libp2p host outside the ring that sends what it likes.
type hostile struct {
	t    *testing.T
	svc  *Service // never started: its transport only calls
	self chord.NodeInfo
}

func newHostile(t *testing.T) *hostile {
	s, err := NewService(testConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return &hostile{t: t, svc: s, self: s.Info()}
}

// raw opens a stream to target and writes b, then reads whatever comes
// back until the stream ends.
func (h *hostile) raw(target *Service, b []byte, closeWrite bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ai, err := ParseAddr(target.Info().Addr)
	require.NoError(h.t, err)
	require.NoError(h.t, h.svc.Host().Connect(ctx, ai))
	s, err := h.svc.Host().NewStream(ctx, ai.ID, ProtocolID)
	require.NoError(h.t, err)
	defer s.Close()
	require.NoError(h.t, s.SetDeadline(time.Now().Add(10*time.Second)))
	if _, err := s.Write(b); err != nil {
		return nil, err
	}
	if closeWrite {
		_ = s.CloseWrite()
	}
	return io.ReadAll(s)
}

// call sends req as the hostile host (authenticated as itself unless
// req.From says otherwise).
func (h *hostile) call(target *Service, req chord.Request) chord.Status {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var resp chord.Response
	require.NoError(h.t, h.svc.Transport().Call(ctx, target.Info().Addr, &req, &resp))
	return resp.Status
}

func frame(payload []byte) []byte {
	b, _ := AppendFrame(nil, payload)
	return b
}

// TestHostilePeer attacks a ring member that holds a replica: malformed,
// truncated, empty and oversize frames, a spoofed sender, handoffs from a
// non-neighbour (with an expired ticket, and with a spoofed neighbour),
// stores under expired, forged and foreign tickets, and attempts to
// overwrite the replica. Each is refused with its status or cut off, each
// is counted, and afterwards the target holds exactly what it held, with
// the same bytes.
func TestHostilePeer(t *testing.T) {
	tracker := newTracker(t)
	sw := newSwarm(t, 1)
	stores := make([]*chord.MemStore, 4)
	r := newRing(t, 4, func(i int) Config {
		c := testConfig(tracker.PublicKey())
		stores[i] = chord.NewMemStore()
		c.Chord.Store = stores[i]
		return c
	})
	r.waitStable(30*time.Second, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data := chunk(1, 2000)
	put, err := r.nodes[0].Node().MPut(ctx, sw, tracker, data)
	require.NoError(t, err)
	key := sw.ReplicaKey(put.ChunkHash, 0)
	owner := r.owner(key)
	var target *Service
	var store *chord.MemStore
	for i, s := range r.nodes {
		if s.Info() == owner {
			target, store = s, stores[i]
		}
	}
	held, ok, err := store.Get(key)
	require.NoError(t, err)
	require.True(t, ok)
	blocks0, bytes0 := store.Usage()
	h := newHostile(t)

	// A valid replica of another chunk, for the attacks that need one.
	other := chunk(2, 2000)
	otherHash, otherSealed := sw.Seal(other)
	now := time.Duration(time.Now().UnixNano())
	otherTicket, err := tracker.SignReplica(sw, otherHash, 0, blake3.Sum256(otherSealed), now+time.Hour)
	require.NoError(t, err)
	junk := []byte("not the replica")
	junkTicket, err := tracker.SignReplica(sw, put.ChunkHash, 0, blake3.Sum256(junk), now+time.Minute)
	require.NoError(t, err)
	expired, err := tracker.SignReplica(sw, put.ChunkHash, 0, blake3.Sum256(junk), now-time.Minute)
	require.NoError(t, err)
	forged := junkTicket
	forged.Sig[3] ^= 1
	foreignTracker := newTracker(t)
	foreign, err := foreignTracker.SignReplica(sw, put.ChunkHash, 0, blake3.Sum256(junk), now+time.Hour)
	require.NoError(t, err)
	moved := otherTicket
	moved.Key = key // the other chunk's ticket, re-pointed at our key
	succ := target.Node().Successor()

	t.Run("frames", func(t *testing.T) {
		before := target.Transport().Stats()
		resp, err := h.raw(target, frame([]byte{1, 2, 3, 4, 5}), true)
		require.NoError(t, err)
		var got chord.Response
		payload, err := ReadFrame(bytesReader(resp), nil, 0)
		require.NoError(t, err)
		require.NoError(t, got.UnmarshalBinary(payload))
		require.Equal(t, chord.StatusBadRequest, got.Status, "a malformed request gets an answer")

		var huge [4]byte
		binary.BigEndian.PutUint32(huge[:], 0xfffffff0)
		resp, _ = h.raw(target, huge[:], false)
		require.Empty(t, resp, "an oversize length is cut off unanswered")
		resp, _ = h.raw(target, []byte{0, 0, 0, 0}, false)
		require.Empty(t, resp, "so is an empty frame")
		resp, _ = h.raw(target, frame(make([]byte, 100))[:50], true)
		require.Empty(t, resp, "and a truncated one")

		after := target.Transport().Stats()
		require.Equal(t, before.Malformed+1, after.Malformed)
		require.Equal(t, before.BadLength+2, after.BadLength)
		require.Equal(t, before.Reset+1, after.Reset)
	})

	cases := []struct {
		name string
		req  chord.Request
		want chord.Status
	}{
		{"spoofed sender", chord.Request{Kind: chord.KindStore, From: r.nodes[1].Info(), Key: otherTicket.Key, Ticket: &otherTicket, Data: otherSealed}, chord.StatusForbidden},
		{"spoofed neighbour handoff", chord.Request{Kind: chord.KindHandoff, From: succ, Key: key, Ticket: &junkTicket, Data: junk}, chord.StatusForbidden},
		{"handoff from a stranger", chord.Request{Kind: chord.KindHandoff, Key: key, Ticket: &junkTicket, Data: junk}, chord.StatusForbidden},
		{"expired handoff", chord.Request{Kind: chord.KindHandoff, Key: key, Ticket: &expired, Data: junk}, chord.StatusForbidden},
		{"expired store", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &expired, Data: junk}, chord.StatusExpired},
		{"forged ticket", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &forged, Data: junk}, chord.StatusBadSignature},
		{"foreign ticket", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &foreign, Data: junk}, chord.StatusUntrusted},
		{"other chunk's ticket", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &otherTicket, Data: otherSealed}, chord.StatusMismatch},
		{"re-pointed ticket", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &moved, Data: otherSealed}, chord.StatusBadSignature},
		{"overwrite", chord.Request{Kind: chord.KindStore, Key: key, Ticket: &junkTicket, Data: junk}, chord.StatusConflict},
		{"no ticket", chord.Request{Kind: chord.KindStore, Key: key, Data: junk}, chord.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := target.Node().Stats()
			if c.req.From.IsZero() {
				c.req.From = h.self
			}
			require.Equal(t, c.want, h.call(target, c.req))
			after := target.Node().Stats()
			require.Equal(t, before.Refused[c.want]+1, after.Refused[c.want], "refusal counted")
			if c.req.From != h.self {
				require.Equal(t, before.Spoofed+1, after.Spoofed)
			}
		})
	}

	blocks, bytes := store.Usage()
	require.Equal(t, blocks0, blocks, "nothing stored, nothing deleted")
	require.Equal(t, bytes0, bytes)
	now2, ok, err := store.Get(key)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, held.Data, now2.Data, "the replica is intact")
	got, err := r.nodes[2].Node().MGet(ctx, sw, tracker, put.ChunkHash, chord.MGetOptions{Rand: mrand.New(mrand.NewPCG(1, 1)), Repair: -1})
	require.NoError(t, err)
	require.Equal(t, data, got.Chunk)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
