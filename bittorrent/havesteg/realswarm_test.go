package havesteg_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/swarmblocks/swarmblocks/steg"
)

// The real-swarm experiment: a hiding node downloads a 256-piece torrent
// among 10 plain anacrolix leechers and a seed, on loopback TCP; a watcher
// connected to every leecher decodes each HAVE order with the key, and
// keyless tests compare the hiding node's order with the plain leechers'.
const (
	realPieces = 256
	realPlain  = 10
	realSeed   = 20261207
	// realRuns is the number of swarms of the full experiment
	// (SWARMBLOCKS_LONG=1); the default run uses shortRuns.
	realRuns  = 20
	shortRuns = 4
	// raceRuns swarms of racePieces pieces are the default run under
	// -race.
	raceRuns   = 1
	racePieces = 128
	// realRecovery is the share of runs in which the watcher must find the
	// hidden symbol.
	realRecovery = 0.95
)

// swarmRun is what one swarm gave.
type swarmRun struct {
	x       int
	hiding  []int   // the hiding node's HAVE order, as the watcher saw it
	symbol  int     // what the watcher decoded from it (0: nothing)
	at      int     // after how many HAVEs
	plain   [][]int // the plain leechers' HAVE orders
	plainFP int     // plain leechers on which the watcher decoded a symbol
	plainX  int     // of which the hiding node's symbol
	offCls  int
}

func runReal(t *testing.T, runs, pieces int) []swarmRun {
	rng := rand.New(rand.NewPCG(realSeed, 1))
	out := make([]swarmRun, 0, runs)
	for run := range runs {
		key := make([]byte, steg.KeySize)
		for i := range key {
			key[i] = byte(rng.Uint32())
		}
		x := 1 + rng.IntN(steg.DefaultFunctions)
		start := time.Now()
		s := runSwarm(t, swarmConfig{pieces: pieces, plain: realPlain, x: x, key: key, window: steg.DefaultWindow}, rng, 90*time.Second)
		h, plain := s.orders(t)
		r := swarmRun{x: x, hiding: h.Haves, symbol: h.Symbol, at: h.At, offCls: s.h.OffClass()}
		require.Zero(t, h.Held, "the watcher saw the hiding node from its first piece")
		require.Len(t, h.Haves, pieces)
		require.LessOrEqual(t, classRuns(t, s.fam, x, h.Haves), 2+2*r.offCls,
			"one class of H_x, then the other, but for the pieces released while stalled")
		for _, p := range plain {
			require.Len(t, p.Haves, pieces)
			r.plain = append(r.plain, p.Haves)
			if p.Symbol != 0 {
				r.plainFP++
				if p.Symbol == x {
					r.plainX++
				}
			}
		}
		t.Logf("run %2d (seed %d): x = %3d, decoded %3d after %3d HAVEs, off-class %d, plain leechers decoded %d (%d as x), %v",
			run, realSeed, x, h.Symbol, h.At, r.offCls, r.plainFP, r.plainX, time.Since(start).Round(time.Millisecond))
		out = append(out, r)
		s.close()
	}
	return out
}

// keylessTest is one test of a HAVE order by an observer without the key:
// it returns the statistic it thresholds (a p-value, or a raw statistic).
type keylessTest struct {
	name string
	stat func(seq []int, rng *rand.Rand) float64
	// pValue: small values flag the node at the 5% level.
	pValue bool
}

func keylessTests(t *testing.T, pieces int) []keylessTest {
	obs := func(k int, rng *rand.Rand) *steg.Observer {
		o, err := steg.NewObserver(pieces, k, rng)
		require.NoError(t, err)
		return o
	}
	return []keylessTest{
		{"chi-square, 4 own classes x 8 segments", func(seq []int, rng *rand.Rand) float64 {
			r, err := obs(4, rng).ChiSquare(seq, 8)
			require.NoError(t, err)
			return r.P
		}, true},
		{"runs test, own 2-class partition", func(seq []int, rng *rand.Rand) float64 {
			r, err := obs(2, rng).Runs(seq)
			require.NoError(t, err)
			return r.P
		}, true},
		{"KS, positions of own 2 classes", func(seq []int, rng *rand.Rand) float64 {
			r, err := obs(2, rng).PositionKS(seq)
			require.NoError(t, err)
			return r.P
		}, true},
		{"Spearman rho, HAVE position vs piece index", func(seq []int, _ *rand.Rand) float64 {
			pos, idx := make([]float64, len(seq)), make([]float64, len(seq))
			for i, b := range seq {
				pos[i], idx[i] = float64(i), float64(b)
			}
			return stat.Correlation(pos, idx, nil) // a permutation: Pearson on ranks
		}, false},
		{"descents (index drops between successive HAVEs)", func(seq []int, _ *rand.Rand) float64 {
			d := 0
			for i := 1; i < len(seq); i++ {
				if seq[i] < seq[i-1] {
					d++
				}
			}
			return float64(d)
		}, false},
	}
}

// keylessRow compares one keyless test on the hiding and the plain nodes.
type keylessRow struct {
	name                 string
	plainMean, hideMean  float64
	plainFlag, hideFlag  float64 // share flagged at p < 0.05 (p-value tests)
	advantage, distinctP float64 // KS D (the best threshold distinguisher's advantage) and its p-value
}

func keyless(t *testing.T, runs []swarmRun) []keylessRow {
	pieces := len(runs[0].hiding)
	rng := rand.New(rand.NewPCG(realSeed, 2))
	var rows []keylessRow
	for _, kt := range keylessTests(t, pieces) {
		var hide, plain []float64
		for _, r := range runs {
			hide = append(hide, kt.stat(r.hiding, rng))
			for _, p := range r.plain {
				plain = append(plain, kt.stat(p, rng))
			}
		}
		ks := steg.KSTwoSample(hide, plain)
		row := keylessRow{name: kt.name, plainMean: stat.Mean(plain, nil), hideMean: stat.Mean(hide, nil), advantage: ks.Statistic, distinctP: ks.P}
		row.plainFlag, row.hideFlag = math.NaN(), math.NaN()
		if kt.pValue {
			row.plainFlag, row.hideFlag = below(plain, 0.05), below(hide, 0.05)
		}
		rows = append(rows, row)
	}
	return rows
}

func below(x []float64, thr float64) float64 {
	n := 0
	for _, v := range x {
		if v < thr {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

func formatKeyless(rows []keylessRow, hiding, plain int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d hiding nodes, %d plain anacrolix leechers\n", hiding, plain)
	fmt.Fprintf(&b, "%-50s %10s %8s %10s %8s %9s %9s\n", "test", "plain mean", "flagged", "hide mean", "flagged", "advantage", "KS p")
	for _, r := range rows {
		flag := func(v float64) string {
			if math.IsNaN(v) {
				return "-"
			}
			return fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(&b, "%-50s %10.3f %8s %10.3f %8s %9.3f %9.2g\n", r.name, r.plainMean, flag(r.plainFlag), r.hideMean, flag(r.hideFlag), r.advantage, r.distinctP)
	}
	return b.String()
}

// TestRealSwarm runs the experiment: shortRuns swarms by default (one
// smaller swarm under -race), realRuns with SWARMBLOCKS_LONG=1, or the
// number SWARMBLOCKS_SWARMS says. It asserts that the watcher recovers the hidden
// symbol in at least 95% of the runs and that the keyless tests of
// [steg.Observer] flag the hiding node no more often than the plain
// leechers, and prints the keyless table with each test's advantage.
func TestRealSwarm(t *testing.T) {
	runs, pieces := shortRuns, realPieces
	switch {
	case os.Getenv("SWARMBLOCKS_LONG") == "1":
		runs = realRuns
	case raceEnabled:
		runs, pieces = raceRuns, racePieces
	}
	if v := os.Getenv("SWARMBLOCKS_SWARMS"); v != "" { // more swarms, for tighter figures
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		require.Positive(t, n)
		runs = n
	}
	res := runReal(t, runs, pieces)

	t.Run("recovery", func(t *testing.T) {
		ok := 0
		var ats []int
		for _, r := range res {
			if r.symbol == r.x {
				ok++
				ats = append(ats, r.at)
			}
		}
		slices.Sort(ats)
		t.Logf("recovered %d of %d (%.0f%%), HAVEs needed: %v", ok, len(res), 100*float64(ok)/float64(len(res)), ats)
		require.GreaterOrEqual(t, float64(ok), math.Ceil(realRecovery*float64(len(res))), "recovered in %d of %d runs", ok, len(res))
	})

	t.Run("keyless", func(t *testing.T) {
		rows := keyless(t, res)
		t.Logf("keyless tests (seed %d):\n%s", realSeed, formatKeyless(rows, len(res), len(res)*realPlain))
		for _, r := range rows[:3] {
			// an observer's own random partition is independent of the
			// order: whatever the node does, its p-values are uniform
			require.Less(t, r.hideFlag, 0.05+3*math.Sqrt(0.05*0.95/float64(len(res)))+1/float64(len(res)), r.name)
		}
	})
}

// classRuns returns the number of runs of one class of H_x in seq.
func classRuns(t *testing.T, f *steg.Family, x int, seq []int) int {
	runs, prev := 0, false
	for k, b := range seq {
		in, err := f.InClass1(x, b)
		require.NoError(t, err)
		if k == 0 || in != prev {
			runs++
		}
		prev = in
	}
	return runs
}
