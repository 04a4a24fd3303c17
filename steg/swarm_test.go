package steg_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/internal/swarmsim"
	"github.com/swarmblocks/swarmblocks/steg"
)

// TestSwarmSmoke downloads a whole file in the swarm of internal/swarmsim
// while hiding a symbol, and decodes the HAVE order.
func TestSwarmSmoke(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f, err := steg.NewFamily(steg.KeyForTest(1), 1024, steg.DefaultFunctions)
	require.NoError(t, err)
	p, err := steg.NewPicker(1024, rng)
	require.NoError(t, err)
	require.NoError(t, p.Hide(f, 42))
	s, err := swarmsim.New(p, rng, swarmsim.Config{Seeds: 2, Leechers: 30})
	require.NoError(t, err)
	seq, _, err := s.Download(1024, 1, p.Next, p.Downloaded)
	require.NoError(t, err)
	require.Len(t, seq, 1024)
	sd, err := steg.NewStreamDecoder(f, steg.DefaultWindow)
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
