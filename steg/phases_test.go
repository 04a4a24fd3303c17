package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSenderPlanFrameDecoder runs the multi-symbol channel through a host
// client's own picker: the host orders the wanted pieces its way, with
// requests in flight completing in any order and HAVEs lost, and a
// watcher's frame decoder recovers the payload.
func TestSenderPlanFrameDecoder(t *testing.T) {
	payload := []byte("swarm#7")
	for _, tc := range []struct {
		name     string
		byIndex  bool
		inflight int
		slot     int
		loss     float64
	}{
		{"index/in order", true, 1, 28, 0},
		{"rarest/in order", false, 1, 28, 0},
		{"rarest/pipelined", false, 6, 36, 0},
		{"index/pipelined", true, 6, 36, 0},
		{"rarest/lossy", false, 1, 36, 0.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tc.inflight)))
			f, err := NewFamily(testKey(4), 2048, DefaultFunctions)
			require.NoError(t, err)
			sp, err := NewSenderPlan(f, payload, tc.slot, rand.New(rand.NewPCG(8, 8)))
			require.NoError(t, err)
			h := newHost(t, sp, rng, tc.byIndex)
			for b := range f.Blocks() {
				h.setAvail(b, 1+rng.IntN(5))
			}
			for h.step(tc.inflight) {
			}
			require.Len(t, h.haves, f.Blocks(), "the host completes the file")
			require.Positive(t, sp.Frames())
			require.Zero(t, sp.OffClass(), "every piece is available: no release")
			fd, err := NewFrameDecoder(f, DefaultWindow)
			require.NoError(t, err)
			got := 0
			for _, b := range h.haves {
				if tc.loss > 0 && rng.Float64() < tc.loss {
					continue
				}
				p, ok, err := fd.Push(b)
				require.NoError(t, err)
				if ok {
					require.Equal(t, payload, p)
					got++
				}
			}
			require.Positive(t, got, "frames sent %d, decoded none", sp.Frames())
			t.Logf("%d frames sent, %d decoded", sp.Frames(), got)
		})
	}
}

// beaconHost records, for each completion, whether the beacon was in a
// burst when the piece completed.
type beaconHost struct {
	*BeaconPlan
	t      *testing.T
	hiding []bool
}

func (b *beaconHost) Completed(blk int) error {
	b.hiding = append(b.hiding, b.Hiding())
	if !b.Hiding() {
		// A gap wants every missing piece: the host's own order rules.
		for p := range b.Pieces() {
			pr, err := b.Priority(p)
			require.NoError(b.t, err)
			if b.p.state[p] == planMissing {
				require.Equal(b.t, Want, pr, "piece %d held in a gap", p)
			}
		}
	}
	return b.BeaconPlan.Completed(blk)
}

// TestBeaconPlan: a BeaconPlan alternates bursts hiding x with gaps in
// which the host picks freely; a streaming decoder finds x in a burst,
// and a receiver that starts in a gap finds it at the next burst.
func TestBeaconPlan(t *testing.T) {
	for _, byIndex := range []bool{true, false} {
		rng := rand.New(rand.NewPCG(9, 9))
		f, err := NewFamily(testKey(4), 1024, DefaultFunctions)
		require.NoError(t, err)
		bp, err := NewBeaconPlan(f, 42, 30, 100, rand.New(rand.NewPCG(10, 10)))
		require.NoError(t, err)
		require.True(t, bp.Hiding())
		bh := &beaconHost{BeaconPlan: bp, t: t}
		h := newHost(t, bh, rng, byIndex)
		for b := range f.Blocks() {
			h.setAvail(b, 1+rng.IntN(5))
		}
		for h.step(2) {
		}
		seq := h.haves
		require.Len(t, seq, f.Blocks())
		require.GreaterOrEqual(t, bp.Bursts(), 7)
		sd, err := NewStreamDecoder(f, DefaultWindow)
		require.NoError(t, err)
		found := 0
		for k, b := range seq {
			x, ok, err := sd.Push(b)
			require.NoError(t, err)
			if ok {
				require.Equal(t, 42, x)
				require.True(t, bh.hiding[k], "reported inside a burst")
				found++
			}
		}
		require.Equal(t, 1, found, "one report: the symbol does not change")
		start := 40
		for bh.hiding[start] {
			start++
		}
		sd.Reset()
		need := -1
		for k, b := range seq[start:] {
			if x, ok, err := sd.Push(b); err == nil && ok {
				require.Equal(t, 42, x)
				need = k + 1
				break
			}
		}
		require.Positive(t, need, "a receiver joining in a gap decodes x")
		require.LessOrEqual(t, need, 100+30+2, "at the next burst")
	}
}

func TestPhasedPlanErrors(t *testing.T) {
	f, err := NewFamily(testKey(4), 1024, DefaultFunctions)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 0))
	_, err = NewSenderPlan(nil, []byte("x"), 30, rng)
	require.ErrorIs(t, err, ErrNil)
	_, err = NewSenderPlan(f, []byte("x"), 30, nil)
	require.ErrorIs(t, err, ErrNil)
	_, err = NewSenderPlan(f, []byte("x"), 0, rng)
	require.ErrorIs(t, err, ErrSlot)
	_, err = NewSenderPlan(f, []byte("x"), 1025, rng)
	require.ErrorIs(t, err, ErrSlot)
	_, err = NewSenderPlan(f, make([]byte, MaxFramePayload+1), 30, rng)
	require.Error(t, err)

	_, err = NewBeaconPlan(nil, 1, 30, 100, rng)
	require.ErrorIs(t, err, ErrNil)
	_, err = NewBeaconPlan(f, 1, 30, 100, nil)
	require.ErrorIs(t, err, ErrNil)
	_, err = NewBeaconPlan(f, 0, 30, 100, rng)
	require.ErrorIs(t, err, ErrSymbol)
	_, err = NewBeaconPlan(f, 1, 0, 100, rng)
	require.ErrorIs(t, err, ErrSlot)
	_, err = NewBeaconPlan(f, 1, 30, -1, rng)
	require.ErrorIs(t, err, ErrSlot)

	bp, err := NewBeaconPlan(f, 1, 30, 100, rng)
	require.NoError(t, err)
	require.ErrorIs(t, bp.Completed(1024), ErrBlockRange)
	require.NoError(t, bp.Completed(3))
	require.ErrorIs(t, bp.Completed(3), ErrDuplicate)
	sp, err := NewSenderPlan(f, []byte("x"), 30, rng)
	require.NoError(t, err)
	require.ErrorIs(t, sp.Completed(-1), ErrBlockRange)
}
