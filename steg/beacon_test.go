package steg_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/steg"
)

// TestBeacon: a Beacon alternates bursts hiding x with plain gaps; a
// streaming decoder finds x in a burst, and the order outside the bursts
// is plain rarest-first.
func TestBeacon(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	f, err := steg.NewFamily(steg.KeyForTest(4), 1024, steg.DefaultFunctions)
	require.NoError(t, err)
	n := newNode(t, f, rng)
	bc, err := steg.NewBeacon(n.p, f, 42, 30, 100)
	require.NoError(t, err)
	require.True(t, bc.Hiding())
	var hiding []bool
	seq := n.download(t, 1024, 1, bc.Next, func(b int) error {
		hiding = append(hiding, bc.Hiding())
		return bc.Downloaded(b)
	})
	require.GreaterOrEqual(t, bc.Bursts(), 7)
	// count decodes from every start: each burst is found
	sd, err := steg.NewStreamDecoder(f, steg.DefaultWindow)
	require.NoError(t, err)
	found := 0
	for k, b := range seq {
		x, ok, err := sd.Push(b)
		require.NoError(t, err)
		if ok {
			require.Equal(t, 42, x)
			require.True(t, hiding[k], "reported inside a burst")
			found++
		}
	}
	require.Equal(t, 1, found, "one report: the symbol does not change")
	// a receiver that starts watching in a gap decodes at the next burst
	start := 40
	for hiding[start] {
		start++
	}
	need, x, ok := firstReport(t, f, steg.DefaultWindow, seq[start:])
	require.True(t, ok)
	require.Equal(t, 42, x)
	require.LessOrEqual(t, need, 100+30)

	p, err := steg.NewPicker(1024, rand.New(rand.NewPCG(1, 0)))
	require.NoError(t, err)
	_, err = steg.NewBeacon(p, f, 0, 30, 100)
	require.ErrorIs(t, err, steg.ErrSymbol)
	_, err = steg.NewBeacon(p, f, 1, 0, 100)
	require.ErrorIs(t, err, steg.ErrSlot)
	_, err = steg.NewBeacon(p, f, 1, 30, -1)
	require.ErrorIs(t, err, steg.ErrSlot)
	g, err := steg.NewFamily(steg.KeyForTest(4), 1000, steg.DefaultFunctions)
	require.NoError(t, err)
	_, err = steg.NewBeacon(p, g, 1, 30, 100)
	require.ErrorIs(t, err, steg.ErrMismatch)
}
