package marketsim

import (
	"fmt"
	"io"
	"math"
	"slices"
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
	var all [4][2][]float64
	for _, r := range rs {
		for i, pair := range r.pairs() {
			all[i][0] = append(all[i][0], pair[0]...)
			all[i][1] = append(all[i][1], pair[1]...)
		}
	}
	for i, name := range names {
		x, y := all[i][0], all[i][1]
		d, kp := KSTest(x, y)
		_, mp := MannWhitney(x, y)
		s.Tests = append(s.Tests, Test{
			Name: name, Native: newMeanSD(x), Cover: newMeanSD(y), N1: len(x), N2: len(y),
			KSD: d, KSP: kp, MWP: mp,
			KSPRuns: newMeanSD(perRun[i][0]), MWPRuns: newMeanSD(perRun[i][1]),
		})
	}
	return s
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
	ew.printf("\n%-33s %-15s %-15s %7s %9s %9s   %s\n", "native vs cover", "native", "cover", "KS D", "KS p", "MW p", "per-run KS p / MW p")
	for _, t := range s.Tests {
		ew.printf("%-33s %-15s %-15s %7.3f %9.3g %9.3g   %s / %s\n", t.Name,
			fmtMeanSD(t.Native), fmtMeanSD(t.Cover), t.KSD, t.KSP, t.MWP, t.KSPRuns, t.MWPRuns)
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
