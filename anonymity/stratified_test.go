package anonymity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStratifiedAgainstEnumeration: the Monte Carlo p-value converges to
// the exact permutation p-value obtained by enumerating every marking of
// every stratum.
func TestStratifiedAgainstEnumeration(t *testing.T) {
	strata := []Stratum{
		{Values: []float64{1, 2, 3}, Marked: 1},
		{Values: []float64{1, 4, 2, 3}, Marked: 1},
		{Values: []float64{2, 1, 3}, Marked: 1},
		{Values: []float64{1, 2, 2, 5}, Marked: 2},
	}
	stat := func(marks [][]int) float64 {
		s := 0.0
		for i, st := range strata {
			var a, b float64
			for j, v := range st.Values {
				if marks[i][j] == 1 {
					a += v
				} else {
					b += v
				}
			}
			s += a/float64(st.Marked) - b/float64(len(st.Values)-st.Marked)
		}
		return s / float64(len(strata))
	}
	// Every marking of every stratum: the observed one is "first Marked".
	var all [][][]int
	var rec func(i int, cur [][]int)
	rec = func(i int, cur [][]int) {
		if i == len(strata) {
			all = append(all, append([][]int{}, cur...))
			return
		}
		n := len(strata[i].Values)
		for mask := 0; mask < 1<<n; mask++ {
			if popcount(mask) != strata[i].Marked {
				continue
			}
			m := make([]int, n)
			for j := range n {
				m[j] = mask >> j & 1
			}
			rec(i+1, append(cur, m))
		}
	}
	rec(0, nil)
	obsMarks := make([][]int, len(strata))
	for i, st := range strata {
		obsMarks[i] = make([]int, len(st.Values))
		for j := range st.Marked {
			obsMarks[i][j] = 1
		}
	}
	obs := stat(obsMarks)
	ge := 0
	for _, m := range all {
		if math.Abs(stat(m)) >= math.Abs(obs)-1e-12 {
			ge++
		}
	}
	exact := float64(ge) / float64(len(all))
	r, err := StratifiedPermutationTest(rand.New(rand.NewPCG(1, 2)), strata, 200_000)
	require.NoError(t, err)
	require.InDelta(t, obs, r.Statistic, 1e-12)
	require.InDelta(t, exact, r.PValue, 0.005, "exact %v over %d markings", exact, len(all))
	require.Equal(t, 4, r.Nodes)
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestStratifiedCalibrated: on clustered rank data under the null
// hypothesis (each node's ranks a permutation of 1..5, the native one
// uniformly chosen), the stratified test rejects at about α.
func TestStratifiedCalibrated(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	const trials = 200
	rejected := 0
	for range trials {
		strata := make([]Stratum, 30)
		for i := range strata {
			v := make([]float64, 5)
			for j, p := range r.Perm(5) {
				v[j] = float64(p + 1)
			}
			strata[i] = Stratum{Values: v, Marked: 1}
		}
		res, err := StratifiedPermutationTest(r, strata, 199)
		require.NoError(t, err)
		if res.PValue <= 0.05 {
			rejected++
		}
	}
	// Binomial(200, 0.05): mean 10, sd 3.1.
	require.Less(t, rejected, 20)
	require.Greater(t, rejected, 2)
}

// TestHeldOutAdvantage: under the null hypothesis the in-sample advantage
// of the best threshold is biased up, the held-out one is not; a real
// shift shows in both.
func TestHeldOutAdvantage(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	var in, out float64
	const trials = 50
	for range trials {
		a, b := normals(r, 100, 0), normals(r, 400, 0)
		c, d := normals(r, 100, 0), normals(r, 400, 0)
		adv, err := Advantage(a, b)
		require.NoError(t, err)
		in += adv
		h, err := HeldOutAdvantage(a, b, c, d)
		require.NoError(t, err)
		out += h
	}
	require.Greater(t, in/trials, 0.03)
	require.Less(t, math.Abs(out/trials), 0.015)
	a, b := normals(r, 1000, 0), normals(r, 1000, 1)
	c, d := normals(r, 1000, 0), normals(r, 1000, 1)
	h, err := HeldOutAdvantage(a, b, c, d)
	require.NoError(t, err)
	require.InDelta(t, 0.19, h, 0.04) // Φ(½) − ½ for a shift of one sd
	_, err = HeldOutAdvantage(a, b, nil, d)
	require.ErrorIs(t, err, ErrEmpty)
}
