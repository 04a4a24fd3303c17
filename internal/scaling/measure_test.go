package scaling

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fake is a subsystem whose work per operation is n^2 units, done as n^2
// additions, and which counts its set-ups and runs.
func fake(setups, runs *int) Subsystem {
	return Subsystem{
		Name:  "fake",
		Model: func(n float64) float64 { return n * n },
		setup: func(n int, seed uint64) (func() (int, float64, error), error) {
			*setups++
			return func() (int, float64, error) {
				*runs++
				sum := seed
				for i := range n * n {
					sum += uint64(i)
				}
				sink = sum
				return 3, 3 * float64(n*n), nil
			}, nil
		},
	}
}

var sink uint64

func TestMeasureAveragesOverOperations(t *testing.T) {
	var setups, runs int
	c, err := Measure(fake(&setups, &runs), []int{10, 20, 40}, 7)
	require.NoError(t, err)
	require.Equal(t, 3, setups, "one set-up per size")
	require.GreaterOrEqual(t, runs, 3)
	require.Equal(t, uint64(7), c.Seed)
	require.Len(t, c.Points, 3)
	for i, n := range []int{10, 20, 40} {
		p := c.Points[i]
		require.Equal(t, n, p.Size)
		require.Equal(t, float64(n*n), p.Work, "work is per operation, not per run")
		require.Zero(t, p.Ops%3, "ops count whole runs of 3")
		// Each size is run until it has used MinCPU (Cost is rounded
		// down to the nanosecond).
		require.GreaterOrEqual(t, p.Cost*time.Duration(p.Ops), MinCPU-time.Duration(p.Ops))
	}
	e, err := c.Fit()
	require.NoError(t, err)
	require.InDelta(t, 2, e.Work, 1e-12)
	require.InDelta(t, 1, e.WorkR2, 1e-12)
	require.InDelta(t, 2, e.Model, 1e-12)
	require.InDelta(t, e.Cost-e.Work, e.Excess(), 1e-12)
}

func TestMeasureErrors(t *testing.T) {
	errKernel := errors.New("kernel failed")
	kernel := func(ops int, work float64, err error) Subsystem {
		return Subsystem{Name: "k", setup: func(int, uint64) (func() (int, float64, error), error) {
			return func() (int, float64, error) { return ops, work, err }, nil
		}}
	}
	for _, tc := range []struct {
		name  string
		s     Subsystem
		sizes []int
		err   error
	}{
		{"no kernel", Subsystem{Name: "none"}, []int{1}, ErrSize},
		{"zero size", kernel(1, 1, nil), []int{10, 0}, ErrSize},
		{"negative size", kernel(1, 1, nil), []int{-5}, ErrSize},
		{"set-up fails", Subsystem{Name: "s", setup: func(int, uint64) (func() (int, float64, error), error) {
			return nil, errKernel
		}}, []int{1}, errKernel},
		{"run fails", kernel(1, 1, errKernel), []int{1}, errKernel},
		{"no operations", kernel(0, 1, nil), []int{1}, nil},
		{"negative work", kernel(1, -1, nil), []int{1}, nil},
		{"NaN work", kernel(1, math.NaN(), nil), []int{1}, nil},
		{"infinite work", kernel(1, math.Inf(1), nil), []int{1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Measure(tc.s, tc.sizes, 1)
			require.Error(t, err)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			}
			require.Empty(t, c.Points)
		})
	}
}

func TestCurveFitErrors(t *testing.T) {
	one := Curve{Subsystem: Subsystem{Name: "one"}, Points: []Point{{Size: 10, Cost: time.Second, Work: 1, Ops: 1}}}
	_, err := one.Fit()
	require.ErrorIs(t, err, ErrTooFewPoints)

	// Work can be zero (a lookup on a ring of one node takes no hop); a
	// power law cannot be fitted to it.
	zero := Curve{Subsystem: Subsystem{Name: "zero"}, Points: []Point{
		{Size: 1, Cost: time.Microsecond, Work: 0, Ops: 1},
		{Size: 2, Cost: time.Microsecond, Work: 1, Ops: 1},
	}}
	_, err = zero.Fit()
	require.ErrorIs(t, err, ErrBadPoint)
}

func TestBestKeepsLeastCost(t *testing.T) {
	s := Subsystem{Name: "s"}
	pt := func(n int, cost time.Duration, work float64) Point {
		return Point{Size: n, Cost: cost, Work: work, Ops: 1}
	}
	a := Curve{Subsystem: s, Points: []Point{pt(10, 5, 100), pt(20, 9, 200)}}
	b := Curve{Subsystem: s, Points: []Point{pt(10, 7, 100.5), pt(20, 8, 201)}}
	c, err := Best(a, b)
	require.NoError(t, err)
	require.Equal(t, []Point{pt(10, 5, 100), pt(20, 8, 201)}, c.Points, "each point keeps its own work")
	require.Equal(t, time.Duration(9), a.Points[1].Cost, "inputs unchanged")

	_, err = Best()
	require.ErrorIs(t, err, ErrTooFewPoints)
	for _, bad := range []Curve{
		{Subsystem: Subsystem{Name: "t"}, Points: a.Points},
		{Subsystem: s, Points: a.Points[:1]},
		{Subsystem: s, Points: []Point{pt(10, 5, 100), pt(30, 9, 200)}},
		{Subsystem: s, Points: []Point{pt(10, 5, 100), pt(20, 9, 203)}},
		{Subsystem: s, Points: []Point{pt(10, 5, 100), pt(20, 9, math.NaN())}},
	} {
		_, err = Best(a, bad)
		require.ErrorIs(t, err, ErrBadPoint)
	}
}
