package steg_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/internal/swarmsim"
	"github.com/swarmblocks/swarmblocks/steg"
)

// The measurements behind the tables of the package documentation. Each
// takes a scale (number of runs) and a seed; the default tests run them
// small and assert the paper's properties, TestMeasureTables (with
// SWARMBLOCKS_LONG=1) runs them at full scale and prints the tables.

// Swarm shape shared by the measurements: 30 leechers and 2 seeds.
const (
	measLeechers = 30
	measSeeds    = 2
)

// node is one simulated downloading node in a fresh swarm.
type node struct {
	f *steg.Family
	p *steg.Picker
	s *swarmsim.Swarm
}

func newNode(t testing.TB, f *steg.Family, rng *rand.Rand) *node {
	p, err := steg.NewPicker(f.Blocks(), rng)
	require.NoError(t, err)
	s, err := swarmsim.New(p, rng, swarmsim.Config{Seeds: measSeeds, Leechers: measLeechers})
	require.NoError(t, err)
	return &node{f: f, p: p, s: s}
}

// download runs the node until it has count pieces (or the file) with
// inflight requests outstanding, completing them in random order, and
// returns its HAVE sequence. next and done are the Picker's (or a
// Sender's) Next and Downloaded.
func (n *node) download(t testing.TB, count, inflight int, next func() (int, error), done func(int) error) []int {
	seq, _, err := n.s.Download(count, inflight, next, done)
	require.NoError(t, err)
	return seq
}

// innocent returns the whole HAVE sequence of a plain rarest-first node.
func innocent(t testing.TB, f *steg.Family, inflight int, rng *rand.Rand) []int {
	n := newNode(t, f, rng)
	return n.download(t, f.Blocks(), inflight, n.p.Next, n.p.Downloaded)
}

// encoded returns the whole HAVE sequence of a node hiding x.
func encoded(t testing.TB, f *steg.Family, x, inflight int, rng *rand.Rand) []int {
	n := newNode(t, f, rng)
	require.NoError(t, n.p.Hide(f, x))
	return n.download(t, f.Blocks(), inflight, n.p.Next, n.p.Downloaded)
}

// encodedPrefix returns the first count HAVEs of a node hiding x.
func encodedPrefix(t testing.TB, f *steg.Family, x, inflight, count int, rng *rand.Rand) []int {
	n := newNode(t, f, rng)
	require.NoError(t, n.p.Hide(f, x))
	return n.download(t, count, inflight, n.p.Next, n.p.Downloaded)
}

// lose drops each element of seq with probability loss.
func lose(seq []int, loss float64, rng *rand.Rand) []int {
	out := make([]int, 0, len(seq))
	for _, b := range seq {
		if rng.Float64() >= loss {
			out = append(out, b)
		}
	}
	return out
}

// fpRow is one row of the false-positive table.
type fpRow struct {
	c        int
	windows  int     // windows of c consecutive HAVEs tested
	hits     int     // windows fitted by at least one function
	analytic float64 // n·2^(1−c)
	exact    float64 // 1 − (1 − 2^(1−c))^n
}

// measureFalsePositives counts, over the innocent sequences of runs plain
// nodes, the windows of c HAVEs that some function fits.
func measureFalsePositives(t testing.TB, runs, m int, cs []int, seed uint64) []fpRow {
	rng := rand.New(rand.NewPCG(seed, 1))
	f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
	require.NoError(t, err)
	rows := make([]fpRow, len(cs))
	for i, c := range cs {
		p := math.Pow(2, float64(1-c))
		rows[i] = fpRow{c: c, analytic: float64(f.Functions()) * p, exact: 1 - math.Pow(1-p, float64(f.Functions()))}
	}
	for range runs {
		seq := innocent(t, f, 1, rng)
		for k, longest := range steg.LongestRuns(f, seq) {
			for i := range rows {
				if k+1 >= rows[i].c {
					rows[i].windows++
					if longest >= rows[i].c {
						rows[i].hits++
					}
				}
			}
		}
	}
	return rows
}

// alarmRate returns the fraction of innocent whole sequences on which the
// streaming decoder with window c reports a symbol.
func alarmRate(t testing.TB, runs, m, c int, seed uint64) (alarms, total int) {
	rng := rand.New(rand.NewPCG(seed, 2))
	f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
	require.NoError(t, err)
	for range runs {
		seq := innocent(t, f, 1, rng)
		sd, err := steg.NewStreamDecoder(f, c)
		require.NoError(t, err)
		for _, b := range seq {
			_, ok, err := sd.Push(b)
			require.NoError(t, err)
			if ok {
				alarms++
				break
			}
		}
		total++
	}
	return alarms, total
}

// wrongRow is one row of the wrong-symbol table: decisions taken on the
// first c HAVEs of encoding nodes.
type wrongRow struct {
	c                int
	runs             int
	several          int // runs where more than one function fits
	firstWrong       int // Algorithm 3 as written returns a wrong symbol
	longestWrong     int // Decode (longest run) returns a wrong symbol
	longestAmbiguous int // Decode declines (tie)
	streamWrong      int // the streaming decoder's first report is wrong
}

func measureWrongSymbol(t testing.TB, runs, m int, cs []int, seed uint64) []wrongRow {
	rng := rand.New(rand.NewPCG(seed, 3))
	f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
	require.NoError(t, err)
	rows := make([]wrongRow, len(cs))
	for i, c := range cs {
		rows[i].c = c
	}
	for range runs {
		x := 1 + rng.IntN(f.Functions())
		seq := encoded(t, f, x, 1, rng)
		for i := range rows {
			r := &rows[i]
			d, err := steg.NewDecoder(f, r.c)
			require.NoError(t, err)
			r.runs++
			ms, err := d.Matches(seq[:r.c])
			require.NoError(t, err)
			if len(ms) > 1 {
				r.several++
			}
			if y, ok, err := d.DecodeFirst(seq[:r.c]); err == nil && ok && y != x {
				r.firstWrong++
			}
			y, ok, err := d.Decode(seq[:r.c])
			require.NoError(t, err)
			if ok && y != x {
				r.longestWrong++
			}
			if !ok {
				r.longestAmbiguous++
			}
			sd, err := steg.NewStreamDecoder(f, r.c)
			require.NoError(t, err)
			for _, b := range seq {
				y, ok, err := sd.Push(b)
				require.NoError(t, err)
				if ok {
					if y != x {
						r.streamWrong++
					}
					break
				}
			}
		}
	}
	return rows
}

// needRow summarizes how many HAVEs the streaming decoder consumed before
// its first (correct) report.
type needRow struct {
	m, c, runs     int
	missed, wrong  int
	p50, p95, maxN int
	mean           float64
}

func summarizeNeeds(r *needRow, needs []int) {
	if len(needs) == 0 {
		return
	}
	slices.Sort(needs)
	sum := 0
	for _, v := range needs {
		sum += v
	}
	r.mean = float64(sum) / float64(len(needs))
	r.p50 = needs[len(needs)/2]
	r.p95 = needs[min(len(needs)-1, len(needs)*95/100)]
	r.maxN = needs[len(needs)-1]
}

// firstReport feeds seq to a streaming decoder and returns how many HAVEs
// it consumed before reporting, and what (0, false when it never did).
func firstReport(t testing.TB, f *steg.Family, c int, seq []int) (need, x int, ok bool) {
	sd, err := steg.NewStreamDecoder(f, c)
	require.NoError(t, err)
	for k, b := range seq {
		y, ok, err := sd.Push(b)
		require.NoError(t, err)
		if ok {
			return k + 1, y, true
		}
	}
	return 0, 0, false
}

// measureNeeded measures, for each m, the HAVEs the streaming decoder
// needs on encoding nodes, with inflight requests and a loss rate on the
// receiver's side.
func measureNeeded(t testing.TB, runs int, ms []int, c, inflight int, loss float64, seed uint64) []needRow {
	rng := rand.New(rand.NewPCG(seed, 4))
	var rows []needRow
	for _, m := range ms {
		f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
		require.NoError(t, err)
		r := needRow{m: m, c: c}
		var needs []int
		for range runs {
			x := 1 + rng.IntN(f.Functions())
			sent := encodedPrefix(t, f, x, inflight, min(m, 8*c), rng)
			seq := lose(sent, loss, rng)
			r.runs++
			if len(seq) < c {
				r.missed++
				continue
			}
			need, y, ok := firstReport(t, f, c, seq)
			switch {
			case !ok:
				r.missed++
			case y != x:
				r.wrong++
			default:
				// count HAVEs sent, not received: map back through the losses
				needs = append(needs, slices.Index(sent, seq[need-1])+1)
			}
		}
		summarizeNeeds(&r, needs)
		rows = append(rows, r)
	}
	return rows
}

// frameRow summarizes the multi-symbol channel on whole downloads.
type frameRow struct {
	m, slot, inflight int
	loss              float64
	runs, decoded     int // runs where the payload was recovered
	wrong             int // frames accepted with another payload
	mean              float64
	p95               int // HAVEs sent before the first good frame
}

func measureFrames(t testing.TB, runs, m, c, slot, inflight int, loss float64, payload []byte, seed uint64) frameRow {
	rng := rand.New(rand.NewPCG(seed, 5))
	f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
	require.NoError(t, err)
	r := frameRow{m: m, slot: slot, inflight: inflight, loss: loss}
	var needs []int
	for range runs {
		n := newNode(t, f, rng)
		snd, err := steg.NewSender(n.p, f, payload, slot)
		require.NoError(t, err)
		sent := n.download(t, m, inflight, snd.Next, snd.Downloaded)
		fd, err := steg.NewFrameDecoder(f, c)
		require.NoError(t, err)
		r.runs++
		got := false
		for k, b := range sent {
			if rng.Float64() < loss {
				continue
			}
			p, ok, err := fd.Push(b)
			require.NoError(t, err)
			if !ok {
				continue
			}
			if string(p) != string(payload) {
				r.wrong++
				continue
			}
			if !got {
				got = true
				r.decoded++
				needs = append(needs, k+1)
			}
		}
	}
	var nr needRow
	summarizeNeeds(&nr, needs)
	r.mean, r.p95 = nr.mean, nr.p95
	return r
}

// undetRow summarizes one keyless test over many plain and encoding
// nodes: the mean of its per-node value (a p-value, or the mean rarity
// rank), how often it flags a node at the 5% level, and the p-value of a
// two-sample KS test between the plain and the encoding nodes' values
// (small means the test tells them apart).
type undetRow struct {
	test      string
	plainMean float64
	plainFlag float64 // fraction of plain nodes flagged
	encMean   float64
	encFlag   float64 // fraction of encoding nodes flagged
	distinctP float64
	isPValue  bool
}

// undetectability runs plain and encoding nodes on m pieces, applies the
// keyless observer's tests to each sequence and the keyed decoder. view is
// the fraction of the node's neighbours an eavesdropper also watches, for
// the rarity test: the mean, over the node's choices, of the fraction of
// the pieces it still misses that the eavesdropper sees as strictly rarer
// than the chosen one (0 for rarest-first with a full view); it flags a
// node whose mean exceeds the 95th percentile of the plain nodes'.
//
// With burst > 0 the encoding nodes use a [steg.Beacon] (burst HAVEs hiding x,
// gap HAVEs plain) instead of hiding for the whole download.
func undetectability(t testing.TB, runs, m int, view float64, burst, gap int, seed uint64) (rows []undetRow, keyedHits, keyedFalse int) {
	rng := rand.New(rand.NewPCG(seed, 6))
	f, err := steg.NewFamily(steg.KeyForTest(byte(seed)), m, steg.DefaultFunctions)
	require.NoError(t, err)
	names := []string{"chi-square, 4 own classes x 8 segments", "runs test, own 2-class partition", "KS, positions of own 2 classes", fmt.Sprintf("mean rarity rank, eavesdropper sees %.0f%%", 100*view)}
	vals := [2][4][]float64{}
	for run := range 2 * runs {
		enc := run%2 == 1
		n := newNode(t, f, rng)
		n.s.Watch(view)
		x := 1 + rng.IntN(f.Functions())
		next, done := n.p.Next, n.p.Downloaded
		if enc && burst == 0 {
			require.NoError(t, n.p.Hide(f, x))
		}
		if enc && burst > 0 {
			bc, err := steg.NewBeacon(n.p, f, x, burst, gap)
			require.NoError(t, err)
			next, done = bc.Next, bc.Downloaded
		}
		seq, rank, err := n.s.Download(m, 1, next, done)
		require.NoError(t, err)
		k := 0
		if enc {
			k = 1
		}
		o4, err := steg.NewObserver(m, 4, rng)
		require.NoError(t, err)
		o2, err := steg.NewObserver(m, 2, rng)
		require.NoError(t, err)
		cs, err := o4.ChiSquare(seq, 8)
		require.NoError(t, err)
		rt, err := o2.Runs(seq)
		require.NoError(t, err)
		ks, err := o2.PositionKS(seq)
		require.NoError(t, err)
		for i, v := range []float64{cs.P, rt.P, ks.P, rank} {
			vals[k][i] = append(vals[k][i], v)
		}
		y, ok := keyedFirst(t, f, seq)
		if enc && ok && y == x {
			keyedHits++
		}
		if !enc && ok {
			keyedFalse++
		}
	}
	for i, name := range names {
		r := undetRow{test: name, isPValue: i < 3, distinctP: steg.KSTwoSample(vals[0][i], vals[1][i]).P}
		r.plainMean, r.encMean = mean(vals[0][i]), mean(vals[1][i])
		if r.isPValue {
			r.plainFlag, r.encFlag = fractionBelow(vals[0][i], 0.05), fractionBelow(vals[1][i], 0.05)
		} else {
			sorted := slices.Clone(vals[0][i])
			slices.Sort(sorted)
			thr := sorted[min(len(sorted)-1, len(sorted)*95/100)]
			r.plainFlag, r.encFlag = 1-fractionBelow(vals[0][i], math.Nextafter(thr, 2)), 1-fractionBelow(vals[1][i], math.Nextafter(thr, 2))
		}
		rows = append(rows, r)
	}
	return rows, keyedHits, keyedFalse
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// fractionBelow returns the fraction of x strictly below thr.
func fractionBelow(x []float64, thr float64) float64 {
	n := 0
	for _, v := range x {
		if v < thr {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

// keyedFirst returns the first symbol a default-window streaming decoder
// reports on seq.
func keyedFirst(t testing.TB, f *steg.Family, seq []int) (int, bool) {
	_, x, ok := firstReport(t, f, steg.DefaultWindow, seq)
	return x, ok
}
