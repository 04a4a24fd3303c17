package pacomchan

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	mrand "math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// plainCodec frames segments without encryption: a stand-in for [Link] where
// a test or benchmark is about scheduling, not cryptography.
type plainCodec struct{ size int }

func (c plainCodec) SealBlock(dst, seg []byte) ([]byte, bool, error) {
	if len(seg) > c.size-4 {
		return dst, false, ErrSegmentSize
	}
	start := len(dst)
	dst = grow(dst, c.size)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(seg)))
	copy(dst[start+4:], seg)
	clear(dst[start+4+len(seg):])
	return dst, len(seg) > 0, nil
}

func (c plainCodec) OpenBlock(buf, block []byte) ([]byte, error) {
	if len(block) != c.size {
		return nil, ErrBlockSize
	}
	n := int(binary.BigEndian.Uint32(block))
	if n > c.size-4 {
		return nil, ErrBadLength
	}
	if n == 0 {
		return nil, nil
	}
	return append(buf[:0], block[4:4+n]...), nil
}

func newSched(t testing.TB, seed uint64) *Scheduler {
	t.Helper()
	s, err := NewScheduler(SchedulerConfig{}, mrand.New(mrand.NewPCG(seed, 0)))
	require.NoError(t, err)
	return s
}

func TestSchedulerRequests(t *testing.T) {
	s := newSched(t, 1)
	require.NoError(t, s.JoinSwarm(1, 100, false))
	require.NoError(t, s.AddPeer(7, PACOMPeer, plainCodec{64}))
	require.NoError(t, s.Connect(7, 1))
	// The peer has the even blocks; the client already has blocks 0..9.
	for i := 0; i < 100; i += 2 {
		require.NoError(t, s.Have(7, 1, i))
	}
	for i := range 10 {
		s.swarms[1].have.set(i)
		s.swarms[1].nhave++
	}
	reqs := s.Requests(nil)
	require.Len(t, reqs, DefaultMaxOutstanding, "at most h outstanding requests")
	seen := map[int]bool{}
	for _, r := range reqs {
		require.Equal(t, PeerID(7), r.To)
		require.Zero(t, r.Index%2, "only blocks in B(Pj)")
		require.GreaterOrEqual(t, r.Index, 10, "never a block in B(Pi)")
		require.False(t, seen[r.Index], "never the same block twice")
		seen[r.Index] = true
	}
	require.Empty(t, s.Requests(nil), "no request while h are unanswered")
	// Answering one frees one slot.
	blk, _, err := plainCodec{64}.SealBlock(nil, nil)
	require.NoError(t, err)
	_, err = s.OnBlock(7, 1, reqs[0].Index, blk, nil)
	require.NoError(t, err)
	more := s.Requests(nil)
	require.Len(t, more, 1)
	require.False(t, seen[more[0].Index])
}

// TestSchedulerRandomChoice checks that line 4 picks uniformly from
// B(P_j) − B(P_i): a chi-square test over many single requests.
func TestSchedulerRandomChoice(t *testing.T) {
	s := newSched(t, 2)
	const n = 20
	require.NoError(t, s.JoinSwarm(1, n, false))
	require.NoError(t, s.AddPeer(1, PACOMPeer, plainCodec{64}))
	require.NoError(t, s.Connect(1, 1))
	require.NoError(t, s.HaveAll(1, 1))
	var counts [n]float64
	const draws = 20000
	for range draws {
		r, ok, err := s.RequestFrom(1, 1)
		require.NoError(t, err)
		require.True(t, ok)
		counts[r.Index]++
		// Forget the request so every draw is from the full set.
		s.peers[1].swarms[1].outstanding = nil
		s.swarms[1].pending.unset(r.Index)
	}
	chi := 0.0
	for _, c := range counts {
		chi += (c - draws/n) * (c - draws/n) / (draws / n)
	}
	require.Less(t, chi, 45.0, "19 degrees of freedom; 45 is p < 0.001")
}

func TestSchedulerResponses(t *testing.T) {
	s := newSched(t, 3)
	codec := plainCodec{64}
	require.NoError(t, s.JoinSwarm(1, 8, true))
	require.NoError(t, s.AddPeer(1, PACOMPeer, codec))
	require.NoError(t, s.AddPeer(2, BitTorrentPeer, nil))
	for _, p := range []PeerID{1, 2} {
		require.NoError(t, s.Connect(p, 1))
	}
	require.NoError(t, s.Enqueue(1, []byte("first")))
	require.NoError(t, s.Enqueue(1, []byte("second")))
	var got []string
	for i := range 3 {
		resp, err := s.OnRequest(1, 1, i, nil)
		require.NoError(t, err)
		require.False(t, resp.Plain)
		require.Len(t, resp.Block, 64, "data and dummy blocks have one size")
		seg, err := codec.OpenBlock(nil, resp.Block)
		require.NoError(t, err)
		require.Equal(t, i < 2, resp.Carried)
		got = append(got, string(seg))
	}
	require.Equal(t, []string{"first", "second", ""}, got, "FIFO, then a dummy")
	resp, err := s.OnRequest(2, 1, 0, nil)
	require.NoError(t, err)
	require.True(t, resp.Plain, "an ordinary peer gets the plain block")
	st := s.Stats()
	require.Equal(t, uint64(2), st.DataServed)
	require.Equal(t, uint64(1), st.DummyServed)
	require.Equal(t, uint64(1), st.PlainServed)

	require.ErrorIs(t, s.Enqueue(2, []byte("x")), ErrNotPACOM)
	require.ErrorIs(t, s.Enqueue(9, []byte("x")), ErrUnknownPeer)
	require.ErrorIs(t, s.Enqueue(1, nil), ErrEmptySegment)
	_, err = s.OnRequest(1, 1, 8, nil)
	require.ErrorIs(t, err, ErrBlockIndex)
	_, err = s.OnRequest(1, 2, 0, nil)
	require.ErrorIs(t, err, ErrUnknownSwarm)
	_, err = s.OnRequest(3, 1, 0, nil)
	require.ErrorIs(t, err, ErrUnknownPeer)
}

func TestSchedulerBadInput(t *testing.T) {
	s := newSched(t, 4)
	require.NoError(t, s.JoinSwarm(1, 8, false))
	require.ErrorIs(t, s.JoinSwarm(1, 8, false), ErrDuplicateSwarm)
	require.Error(t, s.JoinSwarm(2, 0, false))
	// A block count from a file's metadata is bounded before the block
	// bitsets are allocated (2^62 blocks made the allocation panic).
	require.Error(t, s.JoinSwarm(2, 1<<62, false))
	require.Error(t, s.JoinSwarm(2, 1<<24+1, false))
	require.NoError(t, s.JoinSwarm(2, 1<<24, true))
	require.NoError(t, s.LeaveSwarm(2))
	require.ErrorIs(t, s.AddPeer(1, PACOMPeer, nil), ErrNoCodec)
	require.NoError(t, s.AddPeer(1, PACOMPeer, plainCodec{64}))
	require.ErrorIs(t, s.AddPeer(1, PACOMPeer, plainCodec{64}), ErrDuplicatePeer)
	require.ErrorIs(t, s.Have(1, 1, 0), ErrNotInSwarm)
	require.NoError(t, s.Connect(1, 1))
	require.ErrorIs(t, s.Have(1, 1, 8), ErrBlockIndex)
	require.ErrorIs(t, s.Have(1, 1, -1), ErrBlockIndex)
	_, err := s.OnRequest(1, 1, 0, nil)
	require.ErrorIs(t, err, ErrNotHave, "a client serves only blocks it has")
	blk, _, _ := plainCodec{64}.SealBlock(nil, []byte("x"))
	_, err = s.OnBlock(1, 1, 3, blk, nil)
	require.ErrorIs(t, err, ErrUnrequested)
	require.Equal(t, uint64(1), s.Stats().Unrequested)
	require.False(t, s.swarms[1].have.has(3), "an unrequested block is not taken")

	// A block that fails to open changes nothing: the genuine answer is
	// still accepted, and a timed-out request can be cancelled.
	require.NoError(t, s.HaveAll(1, 1))
	r, ok, err := s.RequestFrom(1, 1)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = s.OnBlock(1, 1, r.Index, blk[:10], nil)
	require.ErrorIs(t, err, ErrBlockSize)
	require.Equal(t, 1, s.Outstanding(1, 1))
	require.False(t, s.swarms[1].have.has(r.Index))
	rec, err := s.OnBlock(1, 1, r.Index, blk, nil)
	require.NoError(t, err)
	require.Equal(t, []byte("x"), rec.Segment)
	r, _, err = s.RequestFrom(1, 1)
	require.NoError(t, err)
	require.True(t, s.CancelRequest(1, 1, r.Index))
	require.False(t, s.CancelRequest(1, 1, r.Index))
	require.Zero(t, s.Outstanding(1, 1))
	require.False(t, s.swarms[1].pending.has(r.Index), "requestable again")
}

func TestSchedulerQueueBound(t *testing.T) {
	s, err := NewScheduler(SchedulerConfig{MaxQueue: 2}, mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.NoError(t, s.AddPeer(1, PACOMPeer, plainCodec{64}))
	require.NoError(t, s.Enqueue(1, []byte("a")))
	require.NoError(t, s.Enqueue(1, []byte("b")))
	require.ErrorIs(t, s.Enqueue(1, []byte("c")), ErrQueueFull)
	left, err := s.RemovePeer(1)
	require.NoError(t, err)
	require.Equal(t, [][]byte{[]byte("a"), []byte("b")}, left, "queued segments are handed back, not lost")
	_, err = s.RemovePeer(1)
	require.ErrorIs(t, err, ErrUnknownPeer)
}

// TestSchedulerCompletion drives two schedulers with real links until the
// downloader completes the file, and checks that the segments queued at the
// seed arrive in order and that completion is reported once.
func TestSchedulerCompletion(t *testing.T) {
	la, lb := linkPair(t, LinkConfig{BlockSize: 256, RotateAfter: 7})
	seed, leech := newSched(t, 5), newSched(t, 6)
	require.NoError(t, seed.JoinSwarm(1, 40, true))
	require.NoError(t, leech.JoinSwarm(1, 40, false))
	require.NoError(t, seed.AddPeer(2, PACOMPeer, la))
	require.NoError(t, leech.AddPeer(1, PACOMPeer, lb))
	require.NoError(t, seed.Connect(2, 1))
	require.NoError(t, leech.Connect(1, 1))
	require.NoError(t, leech.HaveAll(1, 1))
	for i := range 25 {
		require.NoError(t, seed.Enqueue(2, fmt.Appendf(nil, "segment %d", i)))
	}
	var got []string
	completed := 0
	for !leech.Complete(1) {
		reqs := leech.Requests(nil)
		require.NotEmpty(t, reqs)
		for _, r := range reqs {
			resp, err := seed.OnRequest(2, r.Swarm, r.Index, nil)
			require.NoError(t, err)
			rec, err := leech.OnBlock(1, r.Swarm, r.Index, resp.Block, nil)
			require.NoError(t, err)
			if rec.Segment != nil {
				got = append(got, string(rec.Segment))
			}
			if rec.Completed {
				completed++
			}
		}
	}
	require.Equal(t, 1, completed)
	require.Len(t, got, 25)
	for i, g := range got {
		require.Equal(t, fmt.Sprintf("segment %d", i), g)
	}
	require.Empty(t, leech.Requests(nil), "nothing left to request")
	require.Equal(t, uint64(40-25), seed.Stats().DummyServed)
	require.Equal(t, uint64(40/7), lb.Stats().Rotations, "keys rotated under way")
	require.NoError(t, leech.LeaveSwarm(1))
	require.False(t, leech.Complete(1))
}

// checkInvariants asserts the scheduler's internal consistency. It avoids
// testify's reflection: fuzzing calls it after every event.
func checkInvariants(t testing.TB, s *Scheduler) {
	t.Helper()
	for sid, sw := range s.swarms {
		n := 0
		for _, w := range sw.have {
			n += bits.OnesCount64(w)
		}
		if n != sw.nhave {
			t.Fatalf("swarm %d: nhave %d, bitset has %d", sid, sw.nhave, n)
		}
		pend := newBitset(sw.n)
		for id, p := range s.peers {
			ps, ok := p.swarms[sid]
			if !ok {
				continue
			}
			if len(ps.outstanding) > s.h {
				t.Fatalf("peer %d: %d outstanding requests, h = %d", id, len(ps.outstanding), s.h)
			}
			for _, i := range ps.outstanding {
				if pend.has(i) {
					t.Fatalf("block %d requested twice", i)
				}
				if sw.have.has(i) {
					t.Fatalf("block %d requested although the client has it", i)
				}
				pend.set(i)
			}
		}
		if !slices.Equal(pend, sw.pending) {
			t.Fatalf("swarm %d: pending set differs from the outstanding requests", sid)
		}
	}
}

// TestSchedulerShortLastBlockAndRequeue: the last block of a file that is
// not a whole number of blocks is served at its own size, and a segment
// whose block was lost goes back to the head of the queue and out again.
func TestSchedulerShortLastBlockAndRequeue(t *testing.T) {
	la, lb := linkPair(t, LinkConfig{BlockSize: 256})
	s, err := NewScheduler(SchedulerConfig{}, mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.NoError(t, s.JoinSwarm(1, 4, true))
	require.NoError(t, s.SetLastBlockSize(1, 100))
	require.ErrorIs(t, s.SetLastBlockSize(2, 100), ErrUnknownSwarm)
	require.NoError(t, s.AddPeer(7, PACOMPeer, la))
	require.NoError(t, s.Connect(7, 1))
	require.NoError(t, s.Enqueue(7, []byte("first")))
	require.NoError(t, s.Enqueue(7, []byte("second")))
	resp, err := s.OnRequest(7, 1, 3, nil)
	require.NoError(t, err)
	require.Len(t, resp.Block, 100, "the short last block")
	require.Equal(t, "first", string(resp.Segment))
	// The block is lost: the segment goes back before "second".
	require.NoError(t, s.Requeue(7, resp.Segment))
	require.Equal(t, 2, s.Queued(7))
	for _, want := range []string{"first", "second"} {
		resp, err = s.OnRequest(7, 1, 0, nil)
		require.NoError(t, err)
		require.Len(t, resp.Block, 256)
		got, err := lb.OpenBlock(nil, resp.Block)
		require.NoError(t, err)
		require.Equal(t, want, string(got))
	}
	require.ErrorIs(t, s.Requeue(9, []byte("x")), ErrUnknownPeer)
	require.ErrorIs(t, s.Requeue(7, nil), ErrEmptySegment)
}
