package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// swarm is a small model of the neighbourhood of one downloading node, for
// tests and measurements: seeds hold every block, leechers a random subset
// whose density varies from leecher to leecher and from block to block (so
// availability is uneven and rarest-first has ties and non-ties), leechers
// gain blocks as time goes on (choosing the rarer of two random missing
// blocks, an approximation of rarest-first) and are replaced by fresh ones
// (churn). The node's Picker sees every change.
type swarm struct {
	m     int
	rng   *rand.Rand
	peers []*Bitfield
	seeds int
	pop   []float64
	p     *Picker
	gain  float64 // probability that a leecher gains a block per step
	churn float64 // probability per step that one leecher is replaced

	// view is the availability seen by an eavesdropper connected to the
	// peers whose index is in seen (nil: no eavesdropper).
	seen []bool
	view []int
}

// watch makes an eavesdropper see the peers of the swarm with probability
// frac each (seeds included).
func (s *swarm) watch(frac float64) {
	s.seen = make([]bool, len(s.peers))
	s.view = make([]int, s.m)
	for k, bf := range s.peers {
		s.seen[k] = s.rng.Float64() < frac
		if s.seen[k] {
			for b := range s.m {
				if bf.Has(b) {
					s.view[b]++
				}
			}
		}
	}
}

// rank returns, in the eavesdropper's view, the fraction of the blocks the
// node still misses (other than b) that are strictly rarer than b but not
// absent: 0 for a rarest-first choice.
func (s *swarm) rank(b int) float64 {
	rarer, total := 0, 0
	for o := range s.m {
		if o == b || s.p.Has(o) || s.view[o] == 0 {
			continue
		}
		total++
		if s.view[o] < s.view[b] {
			rarer++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(rarer) / float64(total)
}

func newSwarm(t testing.TB, m, leechers, seeds int, p *Picker, rng *rand.Rand) *swarm {
	s := &swarm{m: m, rng: rng, seeds: seeds, p: p, pop: make([]float64, m), gain: 0.3, churn: 0.05}
	for b := range s.pop {
		s.pop[b] = 0.3 + 1.4*rng.Float64()
	}
	for range seeds {
		bf, err := NewBitfield(m)
		require.NoError(t, err)
		for b := range m {
			require.NoError(t, bf.Set(b))
		}
		s.peers = append(s.peers, bf)
		require.NoError(t, p.AddPeer(bf))
	}
	for range leechers {
		bf := s.leecher(t)
		s.peers = append(s.peers, bf)
		require.NoError(t, p.AddPeer(bf))
	}
	return s
}

func (s *swarm) leecher(t testing.TB) *Bitfield {
	bf, err := NewBitfield(s.m)
	require.NoError(t, err)
	u := s.rng.Float64() * 0.9
	for b := range s.m {
		if s.rng.Float64() < u*s.pop[b] {
			require.NoError(t, bf.Set(b))
		}
	}
	return bf
}

// account adds d times peer k's blocks to the eavesdropper's view.
func (s *swarm) account(k, d int) {
	if s.seen == nil || !s.seen[k] {
		return
	}
	for b := range s.m {
		if s.peers[k].Has(b) {
			s.view[b] += d
		}
	}
}

// step advances the swarm by one block download time of the node.
func (s *swarm) step(t testing.TB) {
	for k, bf := range s.peers {
		if k < s.seeds || s.rng.Float64() >= s.gain {
			continue
		}
		best := -1
		for range 2 {
			b := s.rng.IntN(s.m)
			if !bf.Has(b) && (best < 0 || s.p.Availability(b) < s.p.Availability(best)) {
				best = b
			}
		}
		if best >= 0 {
			require.NoError(t, bf.Set(best))
			require.NoError(t, s.p.PeerHas(best))
			if s.seen != nil && s.seen[k] {
				s.view[best]++
			}
		}
	}
	if len(s.peers) > s.seeds && s.rng.Float64() < s.churn {
		k := s.seeds + s.rng.IntN(len(s.peers)-s.seeds)
		require.NoError(t, s.p.RemovePeer(s.peers[k]))
		s.account(k, -1)
		s.peers[k] = s.leecher(t)
		require.NoError(t, s.p.AddPeer(s.peers[k]))
		s.account(k, 1)
	}
}

// download runs the node until it has count blocks (or the file) with
// inflight requests outstanding, completing them in random order, and
// returns its HAVE sequence. next and done are the Picker's (or a
// Sender's) Next and Downloaded.
func (s *swarm) download(t testing.TB, count, inflight int, next func() (int, error), done func(int) error) []int {
	return s.downloadWatched(t, count, inflight, next, done, nil)
}

// downloadWatched is download calling onPick with each block as it is
// chosen.
func (s *swarm) downloadWatched(t testing.TB, count, inflight int, next func() (int, error), done func(int) error, onPick func(int)) []int {
	var seq, pending []int
	for len(seq) < count {
		for len(pending) < inflight {
			b, err := next()
			if err != nil {
				require.ErrorIs(t, err, ErrComplete)
				break
			}
			if onPick != nil {
				onPick(b)
			}
			pending = append(pending, b)
		}
		if len(pending) == 0 {
			break
		}
		k := s.rng.IntN(len(pending))
		b := pending[k]
		pending = append(pending[:k], pending[k+1:]...)
		require.NoError(t, done(b))
		seq = append(seq, b)
		s.step(t)
	}
	return seq
}

// testKey returns a deterministic key for tests.
func testKey(seed byte) []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func TestSwarmSmoke(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f, err := NewFamily(testKey(1), 1024, DefaultFunctions)
	require.NoError(t, err)
	p, err := NewPicker(1024, rng)
	require.NoError(t, err)
	require.NoError(t, p.Hide(f, 42))
	s := newSwarm(t, 1024, 30, 2, p, rng)
	seq := s.download(t, 1024, 1, p.Next, p.Downloaded)
	require.Len(t, seq, 1024)
	sd, err := NewStreamDecoder(f, DefaultWindow)
	require.NoError(t, err)
	for k, b := range seq {
		x, ok, err := sd.Push(b)
		require.NoError(t, err)
		if ok {
			t.Logf("decoded %d after %d HAVEs", x, k+1)
		}
	}
	t.Logf("off-class %d", p.OffClass())
}
