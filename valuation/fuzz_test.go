package valuation

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// encodeBitfield is the inverse of parseBitfield.
func encodeBitfield(b bitset, n int) []byte {
	out := make([]byte, BitfieldLen(n))
	for i := range n {
		if b.has(i) {
			out[i/8] |= 0x80 >> uint(i%8)
		}
	}
	return out
}

// FuzzBitfield: a bitfield is accepted exactly when it has the right length
// and no spare bit set, and then re-encodes to the same bytes; a rejected
// one changes nothing.
func FuzzBitfield(f *testing.F) {
	f.Add(uint16(12), []byte{0x81, 0x90})
	f.Add(uint16(12), []byte{0x81, 0x91})
	f.Add(uint16(8), []byte{0xff})
	f.Add(uint16(1), []byte{})
	f.Fuzz(func(t *testing.T, n16 uint16, p []byte) {
		n := int(n16%2048) + 1
		m, err := NewMarket(Config{})
		require.NoError(t, err)
		require.NoError(t, m.AddTorrent(0, n))
		require.NoError(t, m.AddPeer(1))
		err = m.ObserveBitfield(0, 1, 0, p)
		spare := len(p)*8 - n
		valid := len(p) == BitfieldLen(n) && (spare == 0 || p[len(p)-1]&(1<<uint(spare)-1) == 0)
		if !valid {
			require.ErrorIs(t, err, ErrBitfield)
			require.Zero(t, m.torrents[0].advertisers)
			return
		}
		require.NoError(t, err)
		a := requireAdvert(t, m, 1, 0)
		require.Equal(t, p, encodeBitfield(a.bits, n))
		require.Equal(t, int64(a.n), m.torrents[0].haveSum)
		require.LessOrEqual(t, int(a.n), n)
	})
}

// FuzzObservations feeds a random stream of observations, queries and
// active-set operations. Whatever the stream: no panic, values finite and
// within [0, Weights.Sum()), the aggregate counts match the adverts, and the
// active set keeps its invariants.
func FuzzObservations(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("\x02\x01\x03\x00\x05\x07\x02\x09\x00\xff\x10\x20\x30\x40\x50\x60\x70\x80"))
	f.Add(slices.Repeat([]byte{3, 2, 1, 0, 250}, 40))
	f.Fuzz(runObs)
}

func runObs(t *testing.T, data []byte) {
	{
		const torrents, pieces, k = 6, 20, 3
		w := Weights{Completeness: 2, DemandSupply: 0.5, Have: 0.5, Request: 4}
		m, err := NewMarket(Config{Weights: w, HaveHalfLife: 10 * time.Second, RequestHalfLife: 5 * time.Second})
		require.NoError(t, err)
		for i := range torrents {
			require.NoError(t, m.AddTorrent(TorrentID(i), pieces))
		}
		seed := uint64(len(data))
		if len(data) >= 8 {
			seed = binary.LittleEndian.Uint64(data)
		}
		rng := rand.New(rand.NewPCG(seed, 1))
		a, err := NewActiveSet(ActiveSetConfig{K: k, MinInterval: time.Second, LateStart: time.Duration(seed%3) * time.Second}, 0, universe(torrents), rng)
		require.NoError(t, err)
		u, err := NewUnchoker(UnchokeConfig{}, rng)
		require.NoError(t, err)
		var now time.Duration
		for ops := 0; len(data) >= 4 && ops < 256; ops++ {
			op, p, tr, x := data[0], PeerID(data[1]%8), TorrentID(data[2]%(torrents+1)), int(int8(data[3]))
			data = data[4:]
			if x%5 == 0 {
				now += time.Duration(x) * 100 * time.Millisecond // may go backwards: must be an error
			}
			clock := m.now
			var observed error
			switch op % 10 {
			case 0:
				_ = m.AddPeer(p)
			case 1:
				_ = m.RemovePeer(p)
				u.Forget(p)
			case 2:
				observed = m.ObserveHave(now, p, tr, x)
			case 3:
				observed = m.ObserveRequest(now, p, tr, x)
			case 4:
				observed = m.ObserveJoin(now, p, tr, x)
			case 5:
				observed = m.ObserveWithdraw(now, p, tr)
			case 6:
				_ = m.SetOwnPieces(tr, x)
				if x == pieces || x == -128 {
					_, _ = a.Complete(tr)
				}
			case 7:
				if _, err := a.Update(now, m); err == nil {
					requireSetInvariants(t, a, k, torrents)
				}
			case 8:
				if x >= 0 {
					require.NoError(t, u.Received(p, tr, int64(x)*1000))
				}
				discarded := u.Discarded()
				_, err := u.Round(now, m, []PeerID{0, 1, 2, 3, 4, 5, 6, 7}, nil)
				if err != nil {
					// Unknown torrents are discarded, never an error: only
					// a clock going backwards fails a round.
					require.ErrorIs(t, err, ErrClockBackwards)
					require.Less(t, now, clock)
				}
				require.GreaterOrEqual(t, u.Discarded(), discarded)
			case 9:
				bf := make([]byte, BitfieldLen(pieces))
				for i := range bf {
					bf[i] = byte(rng.Uint32())
				}
				bf[len(bf)-1] &^= 0x0f
				observed = m.ObserveBitfield(now, p, tr, bf)
			}
			if observed != nil && m.now != clock {
				t.Fatalf("a rejected observation moved the clock from %v to %v: %v", clock, m.now, observed)
			}
			requireMarketInvariants(t, m, now, w)
			requireSetInvariants(t, a, k, torrents)
		}
	}
}

// The invariant checks run after every operation of a fuzz input, so they
// use plain comparisons (testify's reflection would dominate the run time).

// requireAdvert returns what peer p advertises for torrent index ti.
func requireAdvert(t *testing.T, m *Market, p PeerID, ti int32) advertView {
	t.Helper()
	for q, a := range m.allAdverts() {
		if q == p && a.ti == ti {
			return a
		}
	}
	t.Fatalf("peer %d advertises no torrent %d", p, ti)
	return advertView{}
}

func requireMarketInvariants(t *testing.T, m *Market, now time.Duration, w Weights) {
	t.Helper()
	adv := make([]int, len(m.torrents))
	sum := make([]int64, len(m.torrents))
	for p, a := range m.allAdverts() {
		{
			ti := a.ti
			adv[ti]++
			sum[ti] += int64(a.n)
			if a.n < 0 || int(a.n) > m.torrents[ti].pieces {
				t.Fatalf("peer %d torrent %d: %d pieces of %d", p, ti, a.n, m.torrents[ti].pieces)
			}
			if a.bits != nil && int(a.n) != a.bits.count() {
				t.Fatalf("peer %d torrent %d: count %d, bitfield %d", p, ti, a.n, a.bits.count())
			}
		}
	}
	for i := range m.torrents {
		ts := &m.torrents[i]
		if adv[i] != ts.advertisers || sum[i] != ts.haveSum {
			t.Fatalf("torrent %d: aggregates %d/%d, adverts %d/%d", i, ts.advertisers, ts.haveSum, adv[i], sum[i])
		}
		f := m.factors(max(now, m.now), ts)
		for _, x := range []float64{f.Completeness, f.DemandSupply, f.Have, f.Request} {
			if !(x >= 0 && x < 1) {
				t.Fatalf("torrent %d: factor out of [0, 1): %+v", i, f)
			}
		}
		if v := f.Value(w); !(v >= 0 && v < w.Sum()) {
			t.Fatalf("torrent %d: value %v out of [0, %v)", i, v, w.Sum())
		}
	}
}

func requireSetInvariants(t *testing.T, a *ActiveSet, k, torrents int) {
	t.Helper()
	ms := a.AppendMembers(nil)
	if len(ms) != min(k, torrents) {
		t.Fatalf("%d members, want %d", len(ms), min(k, torrents))
	}
	done := 0
	for i, x := range ms {
		if slices.Contains(ms[i+1:], x) {
			t.Fatalf("duplicate member %d in %v", x, ms)
		}
		if !a.Downloading(x) {
			done++
		}
	}
	if done != a.Completed() {
		t.Fatalf("%d complete members, Completed() = %d", done, a.Completed())
	}
	if a.Done() && (!a.Contains(a.Native()) || a.Completed() < min(k, torrents)) {
		t.Fatalf("done without the native interest or k downloads: %v", ms)
	}
	if len(ms)-a.Completed() <= 1 && !a.Contains(a.Native()) {
		t.Fatalf("native interest %d left out with one slot left: %v", a.Native(), ms)
	}
}

// FuzzSelectNeighbours: whatever peer lists the DHT returns, the selection
// has at most n distinct peers, all from the lists, and is as large as it
// can be.
func FuzzSelectNeighbours(f *testing.F) {
	f.Add([]byte{1, 2, 3, 0, 4, 1, 5, 0, 6, 1, 4}, uint8(3), false)
	f.Add([]byte{1, 1, 1, 0, 0, 2}, uint8(10), true)
	f.Fuzz(func(t *testing.T, data []byte, n uint8, even bool) {
		var lists [][]PeerID
		var cur []PeerID
		union := make(map[PeerID]bool)
		for _, b := range data {
			if b == 0 {
				lists = append(lists, cur)
				cur = nil
				continue
			}
			cur = append(cur, PeerID(b))
			union[PeerID(b)] = true
		}
		lists = append(lists, cur)
		got := SelectNeighbours([]PeerID{0}, lists, int(n), even, rand.New(rand.NewPCG(uint64(len(data)), 1)))
		require.Equal(t, PeerID(0), got[0], "dst prefix kept")
		got = got[1:]
		require.Len(t, got, min(int(n), len(union)))
		seen := make(map[PeerID]bool)
		for _, p := range got {
			require.True(t, union[p], "peer %d not offered", p)
			require.False(t, seen[p], "peer %d twice", p)
			seen[p] = true
		}
	})
}
