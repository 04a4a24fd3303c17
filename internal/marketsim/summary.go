package marketsim

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

// MeanSD is a sample mean and standard deviation.
type MeanSD struct{ Mean, SD float64 }

func (m MeanSD) String() string { return fmt.Sprintf("%.2f ± %.2f", m.Mean, m.SD) }

func newMeanSD(x []float64) MeanSD {
	m, s := meanSD(x)
	return MeanSD{m, s}
}

// Test is a two-sample comparison of native against cover samples.
type Test struct {
	Name             string
	Native, Cover    MeanSD
	N1, N2           int
	KSD, KSP, MWP    float64 // KS statistic and p-value, Mann–Whitney p-value
	KSPRuns, MWPRuns MeanSD  // the p-values of the single runs

	// StratP is the p-value of the stratified permutation test on the
	// pooled runs, which respects the clustering of a client's
	// observations (KSP and MWP treat them as independent, which they
	// are not: one client's ranks are a permutation of 1..k); StratPRuns
	// summarises the single runs'. NaN where the samples have no strata
	// (the observer volumes).
	StratP     float64
	StratPRuns MeanSD
	// Advantage is the best threshold distinguisher's advantage on the
	// pooled samples (biased up by the fit); HeldOut is that of the
	// threshold fitted on the odd-numbered runs, scored on the others
	// (NaN with a single run).
	Advantage, HeldOut float64
}

// Summary aggregates the runs of one configuration.
type Summary struct {
	Runs      int
	Seeds     []uint64
	Finished  int     // clients that finished, over all runs
	Clients   int     // clients, over all runs
	Downloads MeanSD  // per client, in torrents
	RunMeans  MeanSD  // the runs' mean downloads
	Overhead  float64 // mean downloads over k, minus one
	MeanDone  MeanSD  // per-run mean time to finish, seconds
	Makespan  MeanSD  // seconds
	Bytes     float64 // mean per run
	Messages  float64 // mean per run
	Wall      MeanSD  // seconds per run
	// Replacements and Partial are the mean active-set replacements per
	// run, all and of partly downloaded torrents.
	Replacements, Partial float64
	Tests                 []Test // start ranks, end ranks, global and observer volumes
}

// Summarize pools the runs' samples. The p-values are those of the pooled
// samples; the per-run p-values are summarised alongside.
func Summarize(rs []*Result) Summary {
	var s Summary
	var runMeans, done, span, wall []float64
	var pooled [8][]float64
	var perRun [4][2][]float64
	var strataRuns [4][]float64
	for _, r := range rs {
		s.Runs++
		s.Seeds = append(s.Seeds, r.Config.Seed)
		s.Finished += r.Finished
		s.Clients += r.Config.Clients
		pooled[0] = append(pooled[0], r.Downloads...)
		m, _ := meanSD(r.Downloads)
		runMeans = append(runMeans, m)
		done = append(done, r.MeanDone.Seconds())
		span = append(span, r.Makespan.Seconds())
		wall = append(wall, r.Wall.Seconds())
		s.Bytes += float64(r.Bytes)
		s.Messages += float64(r.Messages)
		s.Replacements += float64(r.Replacements)
		s.Partial += float64(r.Partial)
		for i, pair := range r.pairs() {
			_, kp := KSTest(pair[0], pair[1])
			_, mp := MannWhitney(pair[0], pair[1])
			perRun[i][0] = append(perRun[i][0], kp)
			perRun[i][1] = append(perRun[i][1], mp)
			if st := r.strata()[i]; st != nil {
				strataRuns[i] = append(strataRuns[i], stratP(st, r.Config.Seed, 199))
			}
		}
	}
	if s.Runs == 0 {
		return s
	}
	s.Bytes /= float64(s.Runs)
	s.Messages /= float64(s.Runs)
	s.Replacements /= float64(s.Runs)
	s.Partial /= float64(s.Runs)
	s.Downloads = newMeanSD(pooled[0])
	s.RunMeans = newMeanSD(runMeans)
	s.Overhead = s.Downloads.Mean/float64(rs[0].Config.K) - 1
	s.MeanDone = newMeanSD(done)
	s.Makespan = newMeanSD(span)
	s.Wall = newMeanSD(wall)
	names := []string{"start rank", "end rank", "volume per bucket, global", "volume per bucket, one observer"}
	var all, odd, even [4][2][]float64
	var strata [4][]anonymity.Stratum
	for j, r := range rs {
		half := &even
		if j%2 == 1 {
			half = &odd
		}
		for i, pair := range r.pairs() {
			all[i][0] = append(all[i][0], pair[0]...)
			all[i][1] = append(all[i][1], pair[1]...)
			half[i][0] = append(half[i][0], pair[0]...)
			half[i][1] = append(half[i][1], pair[1]...)
			strata[i] = append(strata[i], r.strata()[i]...)
		}
	}
	for i, name := range names {
		x, y := all[i][0], all[i][1]
		d, kp := KSTest(x, y)
		_, mp := MannWhitney(x, y)
		t := Test{
			Name: name, Native: newMeanSD(x), Cover: newMeanSD(y), N1: len(x), N2: len(y),
			KSD: d, KSP: kp, MWP: mp,
			KSPRuns: newMeanSD(perRun[i][0]), MWPRuns: newMeanSD(perRun[i][1]),
			StratP: math.NaN(), StratPRuns: newMeanSD(strataRuns[i]),
			Advantage: math.NaN(), HeldOut: math.NaN(),
		}
		if strata[i] != nil {
			t.StratP = stratP(strata[i], rs[0].Config.Seed, 999)
		}
		if a, err := anonymity.Advantage(x, y); err == nil {
			t.Advantage = a
		}
		if h, err := anonymity.HeldOutAdvantage(odd[i][0], odd[i][1], even[i][0], even[i][1]); err == nil {
			t.HeldOut = h
		}
		s.Tests = append(s.Tests, t)
	}
	return s
}

// strata returns the clustered samples in the order of pairs (nil for the
// observer volumes, which have no per-client strata).
func (r *Result) strata() [4][]anonymity.Stratum {
	return [4][]anonymity.Stratum{r.StrataStart, r.StrataEnd, r.StrataVolume, nil}
}

// stratP runs the stratified permutation test with an rng drawn from seed,
// returning NaN if it cannot run.
func stratP(st []anonymity.Stratum, seed uint64, rounds int) float64 {
	res, err := anonymity.StratifiedPermutationTest(rand.New(rand.NewPCG(seed, 0x7374726174)), st, rounds)
	if err != nil {
		return math.NaN()
	}
	return res.PValue
}

// pairs returns the native and cover samples the tests compare.
func (r *Result) pairs() [4][2][]float64 {
	return [4][2][]float64{
		{r.NativeStart, r.CoverStart},
		{r.NativeEnd, r.CoverEnd},
		{r.PoolNative, r.PoolCover},
		{r.ObsPoolNative, r.ObsPoolCover},
	}
}

// WriteText writes a plain-text report of s.
func (s Summary) WriteText(w io.Writer, k int) error {
	ew := &errWriter{w: w}
	ew.printf("runs: %d (seeds %s)\n", s.Runs, seedList(s.Seeds))
	ew.printf("clients finished: %d of %d\n", s.Finished, s.Clients)
	ew.printf("downloads per client (torrents): %s per client, run means %s; optimum %d; overhead %+.1f%%\n",
		s.Downloads, s.RunMeans, k, 100*s.Overhead)
	ew.printf("mean time to finish: %s s; last client done: %s s\n", s.MeanDone, s.Makespan)
	ew.printf("active-set replacements per run: %.1f, %.1f of them of a partly downloaded torrent\n", s.Replacements, s.Partial)
	ew.printf("per run: %.1f GB transferred, %.2f M control messages, %s s wall\n",
		s.Bytes/1e9, s.Messages/1e6, s.Wall)
	ew.printf("\n%-33s %-15s %-15s %7s %9s %9s %9s   %s\n", "native vs cover", "native", "cover", "KS D", "KS p", "MW p", "strat p", "per-run KS p / MW p / strat p")
	for _, t := range s.Tests {
		ew.printf("%-33s %-15s %-15s %7.3f %9.3g %9.3g %9.3g   %s / %s / %s\n", t.Name,
			fmtMeanSD(t.Native), fmtMeanSD(t.Cover), t.KSD, t.KSP, t.MWP, t.StratP, t.KSPRuns, t.MWPRuns, t.StratPRuns)
	}
	ew.printf("\nbest threshold distinguisher, advantage over guessing (0 = indistinguishable, 0.5 = always right):\n")
	for _, t := range s.Tests {
		ew.printf("  %-33s in sample %.3f, held out (fit on odd runs, scored on even) %.3f\n", t.Name, t.Advantage, t.HeldOut)
	}
	return ew.err
}

func fmtMeanSD(m MeanSD) string {
	if math.Abs(m.Mean) >= 1e4 {
		return fmt.Sprintf("%.2g±%.2g", m.Mean, m.SD)
	}
	return m.String()
}

func seedList(seeds []uint64) string {
	if len(seeds) > 4 {
		return fmt.Sprintf("%d..%d", slices.Min(seeds), slices.Max(seeds))
	}
	return fmt.Sprint(seeds)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
