package steg_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/steg"
)

// The paper's properties at a scale the default test run affords; the
// same measurements at full scale give the tables of the package
// documentation (TestMeasureTables).

const propSeed = 11

// TestFalsePositiveRate: on innocent (plain rarest-first) sequences a
// window of c HAVEs is fitted by some function with probability
// 1 − (1 − 2^(1−c))^n ≤ n·2^(1−c).
func TestFalsePositiveRate(t *testing.T) {
	rows := measureFalsePositives(t, 6, 512, []int{8, 10, 12}, propSeed)
	for _, r := range rows {
		got := float64(r.hits) / float64(r.windows)
		tol := 0.15
		if r.c == 12 {
			tol = 0.35 // about 140 hits
		}
		require.InEpsilon(t, r.exact, got, tol, "c = %d: %d of %d windows", r.c, r.hits, r.windows)
		require.LessOrEqual(t, r.exact, r.analytic)
	}
}

// TestWrongSymbol: when several functions fit, Algorithm 3 as written
// (first fitting i) returns wrong symbols; the longest-run rule and the
// streaming decoder decline instead and never return a wrong symbol.
func TestWrongSymbol(t *testing.T) {
	rows := measureWrongSymbol(t, 100, 256, []int{8, 12, steg.DefaultWindow}, propSeed)
	for _, r := range rows {
		require.Zero(t, r.longestWrong, "c = %d", r.c)
		require.Zero(t, r.streamWrong, "c = %d", r.c)
		require.LessOrEqual(t, r.firstWrong, r.several)
		require.Equal(t, r.several, r.longestAmbiguous, "at exactly c HAVEs every fit has run c: a tie")
	}
	require.Positive(t, rows[0].firstWrong, "at c = 8 chance fits are common")
	require.Zero(t, rows[2].several, "at the default window they are rare")
}

// TestHavesNeeded: the streaming decoder reports the hidden symbol after c
// HAVEs of an encoding node, for small and large files, and still does
// with lost HAVEs and requests completing out of order.
func TestHavesNeeded(t *testing.T) {
	for _, r := range measureNeeded(t, 12, []int{64, 256, 1024}, steg.DefaultWindow, 1, 0, propSeed) {
		require.Zero(t, r.missed, "m = %d", r.m)
		require.Zero(t, r.wrong, "m = %d", r.m)
		require.Equal(t, steg.DefaultWindow, r.p50, "m = %d", r.m)
	}
	for _, r := range measureNeeded(t, 12, []int{256, 1024}, steg.DefaultWindow, 8, 0.2, propSeed) {
		require.Zero(t, r.missed, "m = %d", r.m)
		require.Zero(t, r.wrong, "m = %d", r.m)
		require.Less(t, r.mean, 2.0*steg.DefaultWindow, "m = %d", r.m)
	}
}

// TestStreamFalseAlarms: a streaming decoder watching whole innocent
// downloads rarely reports anything at the default window.
func TestStreamFalseAlarms(t *testing.T) {
	alarms, total := alarmRate(t, 20, 512, steg.DefaultWindow, propSeed)
	require.LessOrEqual(t, alarms, 1, "%d of %d innocent nodes", alarms, total)
	alarms, total = alarmRate(t, 20, 512, 12, propSeed)
	require.Greater(t, alarms, total/2, "at c = 12 most innocent downloads trip the decoder")
}

// TestUndetectable: an observer without the key gets p-values from its
// tests that look uniform for encoding nodes, as for plain ones, while the
// keyed decoder finds every encoding node.
func TestUndetectable(t *testing.T) {
	const runs = 30
	rows, hits, falses := undetectability(t, runs, 256, 0.5, 0, 0, propSeed)
	for _, r := range rows[:3] { // the tests of the HAVE order alone
		require.LessOrEqual(t, r.encFlag, 0.2, r.test)
		require.Greater(t, r.distinctP, 0.01, r.test)
	}
	// Documented limit: an eavesdropper who also sees the availability
	// around the node finds a whole-download encoder off rarest-first.
	require.Greater(t, rows[3].encMean, rows[3].plainMean)
	require.Equal(t, runs, hits)
	require.LessOrEqual(t, falses, 1)
}

// TestObserverHasPower: the same tests run with the hidden partition (an
// observer holding the key) flag the encoder at once, so the uniform
// p-values above come from the key, not from blunt tests.
func TestObserverHasPower(t *testing.T) {
	const m = 512
	rng := rand.New(rand.NewPCG(propSeed, 9))
	f, err := steg.NewFamily(steg.KeyForTest(1), m, steg.DefaultFunctions)
	require.NoError(t, err)
	seq := encoded(t, f, 42, 1, rng)
	class := make([]uint8, m)
	for b := range m {
		if in, _ := f.InClass1(42, b); in {
			class[b] = 1
		}
	}
	o := steg.NewObserverWithClasses(class, 2)
	cs, err := o.ChiSquare(seq, 8)
	require.NoError(t, err)
	rt, err := o.Runs(seq)
	require.NoError(t, err)
	ks, err := o.PositionKS(seq)
	require.NoError(t, err)
	for _, r := range []steg.TestResult{cs, rt, ks} {
		require.Less(t, r.P, 1e-6)
	}
	// and a keyless observer's errors
	_, err = steg.NewObserver(1, 2, rng)
	require.ErrorIs(t, err, steg.ErrBlocks)
	_, err = steg.NewObserver(m, 1, rng)
	require.ErrorIs(t, err, steg.ErrFunctions)
	ob, err := steg.NewObserver(m, 4, rng)
	require.NoError(t, err)
	_, err = ob.ChiSquare(seq, 1)
	require.ErrorIs(t, err, steg.ErrWindow)
	_, err = ob.ChiSquare(seq[:5], 8)
	require.ErrorIs(t, err, steg.ErrShortSequence)
	_, err = ob.Runs([]int{1, m})
	require.ErrorIs(t, err, steg.ErrBlockRange)
	_, err = ob.PositionKS(nil)
	require.ErrorIs(t, err, steg.ErrShortSequence)
}
