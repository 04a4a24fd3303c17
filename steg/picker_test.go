package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func newTestPicker(t *testing.T, m int, seed uint64) *Picker {
	t.Helper()
	p, err := NewPicker(m, rand.New(rand.NewPCG(seed, 0)))
	require.NoError(t, err)
	return p
}

// randomAvailability gives each piece an availability in [0, levels).
func randomAvailability(t *testing.T, p *Picker, levels int, rng *rand.Rand) {
	t.Helper()
	for b := range p.Blocks() {
		for range rng.IntN(levels) {
			require.NoError(t, p.PeerHas(b))
		}
	}
}

func TestPickerRarestFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	p := newTestPicker(t, 512, 2)
	randomAvailability(t, p, 6, rng)
	for {
		b, err := p.Next()
		if err != nil {
			require.ErrorIs(t, err, ErrNoneAvailable)
			break
		}
		lo := 1 << 30
		for o := range p.Blocks() {
			if o != b && !p.Has(o) && p.state[o] == blockMissing && p.Availability(o) > 0 {
				lo = min(lo, p.Availability(o))
			}
		}
		require.Positive(t, p.Availability(b))
		require.LessOrEqual(t, p.Availability(b), lo, "piece %d is not among the rarest", b)
		require.NoError(t, p.Downloaded(b))
		if rng.IntN(3) == 0 { // availability moves while downloading
			require.NoError(t, p.PeerHas(rng.IntN(p.Blocks())))
		}
	}
	// only pieces nobody has are left
	for b := range p.Blocks() {
		if !p.Has(b) {
			require.Zero(t, p.Availability(b))
		}
	}
}

func TestPickerTieBreakUniform(t *testing.T) {
	const m, draws = 8, 8000
	counts := make([]int, m)
	rng := rand.New(rand.NewPCG(5, 5))
	for range draws {
		p, err := NewPicker(m, rng)
		require.NoError(t, err)
		for b := range m {
			require.NoError(t, p.PeerHas(b))
		}
		b, err := p.Next()
		require.NoError(t, err)
		counts[b]++
	}
	// each piece is first with probability 1/8: 1000 ± 30 (σ), allow 5σ
	for _, c := range counts {
		require.InDelta(t, draws/m, c, 150)
	}
}

// TestPickerHide checks Algorithm 2: while hiding x, every pick is in the
// active class of H_x until that class has no missing piece left, then in
// the other class, and rarest first inside the class.
func TestPickerHide(t *testing.T) {
	const m = 300
	rng := rand.New(rand.NewPCG(3, 3))
	f, err := NewFamily(testKey(9), m, DefaultFunctions)
	require.NoError(t, err)
	p := newTestPicker(t, m, 4)
	randomAvailability(t, p, 5, rng)
	for b := range m { // everything available
		require.NoError(t, p.PeerHas(b))
	}
	require.NoError(t, p.Hide(f, 42))
	x, ok := p.Symbol()
	require.True(t, ok)
	require.Equal(t, 42, x)
	first := p.ActiveClass()
	require.Contains(t, []int{1, 2}, first)
	switched := false
	for p.Missing() > 0 {
		b, err := p.Next()
		require.NoError(t, err)
		in1, err := f.InClass1(42, b)
		require.NoError(t, err)
		class := 2
		if in1 {
			class = 1
		}
		if class != first {
			// the first class must be exhausted
			for o := range m {
				if !p.Has(o) && o != b {
					o1, _ := f.InClass1(42, o)
					if (o1 && first == 1) || (!o1 && first == 2) {
						require.Fail(t, "switched class early", "piece %d of class %d still missing", o, first)
					}
				}
			}
			switched = true
		}
		require.Equal(t, class, p.ActiveClass())
		for o := range m {
			o1, _ := f.InClass1(42, o)
			if !p.Has(o) && o != b && o1 == in1 {
				require.GreaterOrEqual(t, p.Availability(o), p.Availability(b))
			}
		}
		require.NoError(t, p.Downloaded(b))
	}
	require.True(t, switched)
	require.Zero(t, p.OffClass())
	_, err = p.Next()
	require.ErrorIs(t, err, ErrComplete)

	p.Reveal()
	_, ok = p.Symbol()
	require.False(t, ok)
	require.Zero(t, p.ActiveClass())
}

func TestPickerStrictAndFallback(t *testing.T) {
	const m = 64
	f, err := NewFamily(testKey(9), m, DefaultFunctions)
	require.NoError(t, err)
	for _, strict := range []bool{true, false} {
		p := newTestPicker(t, m, 1)
		require.NoError(t, p.Hide(f, 7))
		// only pieces of the class opposite to the active one are available
		active := p.ActiveClass()
		for b := range m {
			in1, _ := f.InClass1(7, b)
			if in1 != (active == 1) {
				require.NoError(t, p.PeerHas(b))
			}
		}
		p.SetStrict(strict)
		b, err := p.Next()
		if strict {
			require.ErrorIs(t, err, ErrStalled)
			require.Zero(t, p.OffClass())
			continue
		}
		require.NoError(t, err)
		in1, _ := f.InClass1(7, b)
		require.NotEqual(t, active == 1, in1)
		require.Equal(t, 1, p.OffClass())
	}
}

func TestPickerNextFrom(t *testing.T) {
	const m = 128
	p := newTestPicker(t, m, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	randomAvailability(t, p, 4, rng)
	peer, err := NewBitfield(m)
	require.NoError(t, err)
	for b := 0; b < m; b += 3 {
		require.NoError(t, peer.Set(b))
		require.NoError(t, p.PeerHas(b))
	}
	for range 20 {
		b, err := p.NextFrom(peer)
		require.NoError(t, err)
		require.True(t, peer.Has(b))
		for o := 0; o < m; o += 3 {
			if p.state[o] == blockMissing {
				require.GreaterOrEqual(t, p.Availability(o), p.Availability(b))
			}
		}
	}
	other, err := NewBitfield(m + 1)
	require.NoError(t, err)
	_, err = p.NextFrom(other)
	require.ErrorIs(t, err, ErrMismatch)
}

func TestPickerErrors(t *testing.T) {
	_, err := NewPicker(1, rand.New(rand.NewPCG(1, 1)))
	require.ErrorIs(t, err, ErrBlocks)
	_, err = NewPicker(MaxBlocks+1, rand.New(rand.NewPCG(1, 1)))
	require.ErrorIs(t, err, ErrBlocks)
	_, err = NewPicker(10, nil)
	require.ErrorIs(t, err, ErrNil)

	p := newTestPicker(t, 10, 1)
	_, err = p.Next()
	require.ErrorIs(t, err, ErrNoneAvailable)
	for _, b := range []int{-1, 10} {
		require.ErrorIs(t, p.PeerHas(b), ErrBlockRange)
		require.ErrorIs(t, p.PeerLost(b), ErrBlockRange)
		require.ErrorIs(t, p.Downloaded(b), ErrBlockRange)
		require.ErrorIs(t, p.Abandon(b), ErrBlockRange)
		require.Zero(t, p.Availability(b))
		require.False(t, p.Has(b))
	}
	require.ErrorIs(t, p.PeerLost(3), ErrAvailability)
	require.ErrorIs(t, p.Abandon(3), ErrNotReserved)

	require.NoError(t, p.PeerHas(3))
	b, err := p.Next()
	require.NoError(t, err)
	require.Equal(t, 3, b)
	_, err = p.Next()
	require.ErrorIs(t, err, ErrNoneAvailable, "a reserved piece is not returned twice")
	require.NoError(t, p.Abandon(3))
	b, err = p.Next()
	require.NoError(t, err)
	require.Equal(t, 3, b)
	require.NoError(t, p.Downloaded(3))
	require.ErrorIs(t, p.Downloaded(3), ErrDuplicate)
	require.NoError(t, p.Downloaded(5), "a piece received unasked")
	require.Equal(t, 2, p.Owned())
	require.Equal(t, 8, p.Missing())

	f, err := NewFamily(testKey(1), 11, 5)
	require.NoError(t, err)
	require.ErrorIs(t, p.Hide(f, 1), ErrMismatch)
	g, err := NewFamily(testKey(1), 10, 5)
	require.NoError(t, err)
	require.ErrorIs(t, p.Hide(g, 0), ErrSymbol)
	require.ErrorIs(t, p.Hide(g, 6), ErrSymbol)

	bf, err := NewBitfield(10)
	require.NoError(t, err)
	require.NoError(t, bf.Set(1))
	require.ErrorIs(t, p.RemovePeer(bf), ErrAvailability)
	require.Zero(t, p.Availability(1), "a failed RemovePeer changes nothing")
	require.NoError(t, p.AddPeer(bf))
	require.Equal(t, 1, p.Availability(1))
	require.NoError(t, p.RemovePeer(bf))
	require.Zero(t, p.Availability(1))
	big, err := NewBitfield(11)
	require.NoError(t, err)
	require.ErrorIs(t, p.AddPeer(big), ErrMismatch)
	require.ErrorIs(t, p.RemovePeer(big), ErrMismatch)

	for b := range 10 {
		if !p.Has(b) {
			require.NoError(t, p.Downloaded(b))
		}
	}
	_, err = p.Next()
	require.ErrorIs(t, err, ErrComplete)
}
