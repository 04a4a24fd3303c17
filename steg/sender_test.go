package steg_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/steg"
)

// TestSenderFrameDecoder runs the multi-symbol channel end to end: a node
// announces a payload during a 2,048-piece download in a swarm, with and
// without pipelining and lost HAVEs, and a watcher recovers it.
func TestSenderFrameDecoder(t *testing.T) {
	payload := []byte("swarm#7")
	for _, tc := range []struct {
		name     string
		inflight int
		slot     int
		loss     float64
	}{
		{"in order", 1, 28, 0},
		{"pipelined", 6, 36, 0},
		{"lossy", 1, 36, 0.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			f, err := steg.NewFamily(steg.KeyForTest(4), 2048, steg.DefaultFunctions)
			require.NoError(t, err)
			n := newNode(t, f, rng)
			snd, err := steg.NewSender(n.p, f, payload, tc.slot)
			require.NoError(t, err)
			require.Same(t, n.p, snd.Picker())
			seq := n.download(t, 2048, tc.inflight, snd.Next, snd.Downloaded)
			require.Positive(t, snd.Frames())
			fd, err := steg.NewFrameDecoder(f, steg.DefaultWindow)
			require.NoError(t, err)
			got := 0
			for _, b := range lose(seq, tc.loss, rng) {
				p, ok, err := fd.Push(b)
				require.NoError(t, err)
				if ok {
					require.Equal(t, payload, p)
					got++
				}
			}
			require.Positive(t, got, "frames sent %d, decoded none", snd.Frames())
			t.Logf("%d frames sent, %d decoded", snd.Frames(), got)
		})
	}
}
