package valuation

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSelectNeighbours(t *testing.T) {
	lists := [][]PeerID{
		{1, 2, 3, 4, 5, 6},
		{7, 8, 9, 1},
		{10, 11, 1, 7},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	t.Run("prefers peers in several torrents", func(t *testing.T) {
		got := SelectNeighbours(nil, lists, 2, false, rng)
		require.Equal(t, []PeerID{1, 7}, got) // in 3 and 2 lists
		got = SelectNeighbours(nil, lists, 100, false, rng)
		require.Len(t, got, 11)
	})
	t.Run("even split", func(t *testing.T) {
		for range 50 {
			got := SelectNeighbours(nil, lists, 3, true, rng)
			require.Len(t, got, 3)
			// One from each torrent's list: the first of each.
			require.ElementsMatch(t, []PeerID{1, 7, 10}, got)
		}
		got := SelectNeighbours([]PeerID{99}, lists, 100, true, rng)
		require.Equal(t, PeerID(99), got[0])
		rest := slices.Clone(got[1:])
		slices.Sort(rest)
		require.Equal(t, []PeerID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, rest)
	})
	t.Run("none", func(t *testing.T) {
		require.Empty(t, SelectNeighbours(nil, lists, 0, false, rng))
		require.Empty(t, SelectNeighbours(nil, nil, 5, true, rng))
	})
}
