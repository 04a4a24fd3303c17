package anonymity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRankPermutationTest(t *testing.T) {
	s := time.Second
	// Two nodes, each starting its native torrent first.
	var events []Event
	for node := range 2 {
		for k, tor := range []int{0, 1, 2} {
			events = append(events, Event{Kind: Start, At: time.Duration(node*10+k) * s, Node: node, Torrent: tor})
		}
	}
	l, err := NewIntentLog(sortEvents(events), []Interest{{0, 0}, {1, 0}})
	require.NoError(t, err)
	r, err := l.RankPermutationTest(newRand(1), false, 2000)
	require.NoError(t, err)
	require.Equal(t, 2, r.Nodes)
	// Native rank 1, cover ranks 2 and 3: 1 − 2.5 per node.
	require.InDelta(t, -1.5, r.Statistic, 1e-12)
	// Exact p: the statistic is as extreme (|−1.5|) when both nodes pick
	// rank 1 or both pick rank 3: 2/9.
	require.InDelta(t, 2.0/9, r.PValue, 0.03)

	_, err = l.RankPermutationTest(newRand(1), true, 10) // nothing ended
	require.ErrorIs(t, err, ErrEmpty)
	_, err = l.RankPermutationTest(newRand(1), false, 0)
	require.ErrorIs(t, err, ErrParameter)
}

// TestRankPermutationCalibrated checks that the permutation test keeps its
// level on fair logs, where the two-sample tests are anti-conservative, and
// detects a leak.
func TestRankPermutationCalibrated(t *testing.T) {
	const logs = 60
	falseAlarms := 0
	for seed := range logs {
		ev, native, err := SimulateIntentLog(newRand(uint64(seed)), PaperIntentModel(0.01, 0))
		require.NoError(t, err)
		l, err := NewIntentLog(ev, native)
		require.NoError(t, err)
		r, err := l.RankPermutationTest(newRand(uint64(seed)+1000), false, 200)
		require.NoError(t, err)
		if r.PValue < 0.05 {
			falseAlarms++
		}
	}
	// Binomial(60, 0.05): mean 3; 9 or more has probability < 0.3%.
	require.Less(t, falseAlarms, 9)

	ev, native, err := SimulateIntentLog(newRand(7), PaperIntentModel(0.01, 0.5))
	require.NoError(t, err)
	l, err := NewIntentLog(ev, native)
	require.NoError(t, err)
	for _, end := range []bool{false, true} {
		r, err := l.RankPermutationTest(newRand(8), end, 2000)
		require.NoError(t, err)
		require.Less(t, r.PValue, 0.01, "end=%v", end)
		require.Less(t, r.Statistic, 0.0)
	}
}

func sortEvents(ev []Event) []Event {
	// The handmade events above are already in time order per node; merge
	// them by time.
	out := append([]Event(nil), ev...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At < out[j-1].At; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
