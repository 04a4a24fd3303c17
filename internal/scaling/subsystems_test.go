package scaling

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSubsystemsAreDescribed(t *testing.T) {
	names := map[string]bool{}
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			require.False(t, names[s.Name], "duplicate name")
			names[s.Name] = true
			for _, f := range []string{s.Name, s.Size, s.Op, s.Work, s.Expected} {
				require.NotEmpty(t, f)
			}
			require.NotNil(t, s.Model)
			require.NotNil(t, s.setup)
			for _, sizes := range [][]int{s.Short, s.Long} {
				require.GreaterOrEqual(t, len(sizes), 3)
				require.True(t, slices.IsSorted(sizes))
				require.Equal(t, len(sizes), len(slices.Compact(slices.Clone(sizes))))
			}
			require.Greater(t, slices.Max(s.Long), slices.Max(s.Short), "the long range goes further")
		})
	}
}

// TestWorkFollowsModel measures each subsystem at small sizes and checks
// that the work it counts grows as its model says (work counts are
// deterministic from the seed; costs are not checked, they are the
// benchmarks' business).
func TestWorkFollowsModel(t *testing.T) {
	for _, tc := range []struct {
		s     Subsystem
		sizes []int
		tol   float64 // on the work's exponent against the model's; < 0: between 1 and the model's
		check func(t *testing.T, p Point)
	}{
		// The model, N·log²N, is asymptotic (the final finger refresh:
		// log2 N lookups of up to log2 N hops per node); at small N the
		// joins (N·log N) and the stabilisation sweeps (N) weigh more, so
		// the work's local exponent lies between 1 and the model's.
		{ChordBuild, []int{128, 256, 512}, -1, func(t *testing.T, p Point) {
			// Every node at least joins (a lookup) and stabilises.
			require.Greater(t, p.Work, float64(2*p.Size))
		}},
		{ChordLookup, []int{128, 256, 512}, 0.1, func(t *testing.T, p Point) {
			// Chord's ½·log2 N hops per lookup, within a hop.
			require.InDelta(t, 0.5*math.Log2(float64(p.Size)), p.Work, 1)
			require.Zero(t, p.Ops%chordLookups)
		}},
		{PacomGrowth, []int{512, 1024, 2048}, 0.05, func(t *testing.T, p Point) {
			// Mean degree between 40 and 60 (the package doc's 52.7 at
			// 256 clients, about 56 above), capped at 100.
			degree := (p.Work - float64(p.Size)) / float64(p.Size)
			require.Greater(t, degree, 40.0)
			require.Less(t, degree, 60.0)
		}},
		{Workload, []int{1000, 2000, 4000}, 0.05, func(t *testing.T, p Point) {
			// At least a birth and a request per peer born, and on
			// average, within 30 days, fewer than 20 events per peer.
			require.Greater(t, p.Work, 2*float64(p.Size))
			require.Less(t, p.Work, 20*float64(p.Size))
		}},
		{Marketplace, []int{60, 120, 240}, 0.1, func(t *testing.T, p Point) {
			// At least one HAVE for each of the k·31 pieces a client
			// downloads (k = 3, 8 MB in 256 KiB pieces).
			require.Greater(t, p.Work, 93*float64(p.Size))
		}},
	} {
		t.Run(tc.s.Name, func(t *testing.T) {
			c, err := Measure(tc.s, tc.sizes, 1)
			require.NoError(t, err)
			for _, p := range c.Points {
				require.Positive(t, p.Cost)
				tc.check(t, p)
			}
			e, err := c.Fit()
			require.NoError(t, err)
			t.Logf("%s: work ∝ N^%.3f (r² %.4f), model N^%.3f, cost N^%.3f", tc.s.Name, e.Work, e.WorkR2, e.Model, e.Cost)
			if tc.tol < 0 {
				require.Greater(t, e.Work, 1.0)
				require.Less(t, e.Work, e.Model)
			} else {
				require.InDelta(t, e.Model, e.Work, tc.tol)
			}
			require.Greater(t, e.WorkR2, 0.99)
		})
	}
}
