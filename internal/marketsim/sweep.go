package marketsim

import (
	"io"
	"math"
	"time"

	"github.com/swarmblocks/swarmblocks/valuation"
)

// Factor names a valuation factor of the weight sweep.
type Factor string

// The factors of [valuation.Weights].
const (
	FactorCompleteness Factor = "completeness"
	FactorDemandSupply Factor = "demand/supply"
	FactorHave         Factor = "have"
	FactorRequest      Factor = "request"
)

// Factors lists the factors in the order of [valuation.Weights].
var Factors = []Factor{FactorCompleteness, FactorDemandSupply, FactorHave, FactorRequest}

// SetWeight returns w with factor f set to v.
func SetWeight(w valuation.Weights, f Factor, v float64) valuation.Weights {
	switch f {
	case FactorCompleteness:
		w.Completeness = v
	case FactorDemandSupply:
		w.DemandSupply = v
	case FactorHave:
		w.Have = v
	case FactorRequest:
		w.Request = v
	default:
		panic("marketsim: unknown factor " + string(f))
	}
	return w
}

// SweepPoint is one configuration of the weight sweep.
type SweepPoint struct {
	Factor  Factor
	Weight  float64
	Weights valuation.Weights // the configuration run: Factor at Weight, the others at 1
	Runs    int

	Downloads MeanSD        // per client, in torrents
	MeanDone  time.Duration // mean time to finish over the runs
	Finished  float64       // fraction of clients that finished
	// Replacements and Partial are the mean active-set replacements per
	// run, all and of partly downloaded torrents.
	Replacements, Partial float64
	// HeldOut is the held-out advantage of the best threshold
	// distinguisher of native from cover by start rank, end rank and
	// global volume per bucket (see [Test]); NaN with a single run.
	HeldOut [3]float64
}

// Centre returns the sweep's fixed point: every weight at 1.
func Centre() valuation.Weights {
	return valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}
}

// RunPoint runs one configuration of the sweep: base with factor f at
// weight v and the other factors at 1, once per seed.
func RunPoint(base Config, f Factor, v float64, seeds []uint64, parallel int) (SweepPoint, error) {
	cfg := base
	cfg.Valuation.Weights = SetWeight(Centre(), f, v)
	rs, err := RunSeeds(cfg, seeds, parallel)
	if err != nil {
		return SweepPoint{}, err
	}
	s := Summarize(rs)
	pt := SweepPoint{
		Factor: f, Weight: v, Weights: cfg.Valuation.Weights, Runs: s.Runs,
		Downloads:    s.Downloads,
		MeanDone:     time.Duration(s.MeanDone.Mean * float64(time.Second)),
		Finished:     float64(s.Finished) / float64(s.Clients),
		Replacements: s.Replacements, Partial: s.Partial,
	}
	for i := range pt.HeldOut {
		pt.HeldOut[i] = s.Tests[i].HeldOut
	}
	return pt, nil
}

// Sweep runs the paper's weight sweep [Paper §5.2]: for each factor and each
// weight of grid, the other factors held at 1, the runs of seeds.
// A configuration met twice (every factor at 1 comes once per factor) is
// run once. The weights of an all-zero configuration are invalid and make
// Sweep fail.
func Sweep(base Config, factors []Factor, grid []float64, seeds []uint64, parallel int) ([]SweepPoint, error) {
	var out []SweepPoint
	done := make(map[valuation.Weights]SweepPoint)
	for _, f := range factors {
		for _, v := range grid {
			if pt, ok := done[SetWeight(Centre(), f, v)]; ok {
				pt.Factor, pt.Weight = f, v
				out = append(out, pt)
				continue
			}
			pt, err := RunPoint(base, f, v, seeds, parallel)
			if err != nil {
				return nil, err
			}
			done[pt.Weights] = pt
			out = append(out, pt)
		}
	}
	return out, nil
}

// WriteSweep writes the sweep as a table, with each point's mean time to
// finish relative to the fastest point of the table, and marks the point
// [ChooseWeights] picks for band.
func WriteSweep(w io.Writer, pts []SweepPoint, band MeanSD) error {
	ew := &errWriter{w: w}
	ew.printf("%-14s %7s %13s %12s %8s %9s %9s %9s   %s\n", "factor", "weight", "downloads", "mean finish", "vs best",
		"finished", "replaced", "partial", "held-out advantage start/end/volume")
	var best time.Duration
	for _, p := range pts {
		if best == 0 || p.MeanDone < best {
			best = p.MeanDone
		}
	}
	_, pick := ChooseWeights(pts, band)
	for i, p := range pts {
		mark := ""
		if i == pick {
			mark = "  <"
		}
		ew.printf("%-14s %7.2f %13s %11.0fs %+7.1f%% %8.0f%% %9.1f %9.1f   %.3f / %.3f / %.3f%s\n", p.Factor, p.Weight, p.Downloads,
			p.MeanDone.Seconds(), 100*(p.MeanDone.Seconds()/best.Seconds()-1), 100*p.Finished,
			p.Replacements, p.Partial, p.HeldOut[0], p.HeldOut[1], p.HeldOut[2], mark)
	}
	return ew.err
}

// PaperDownloads is the paper's downloads per client at k = 5, 5.71 ±
// 0.43 torrents [Paper §5.3]: the trading regime the defaults aim for.
var PaperDownloads = MeanSD{Mean: 5.71, SD: 0.43}

// ChooseWeights derives weights from a sweep [Paper §5.2]: the weights of
// the configuration of least mean finish time among those in which every
// client finished and whose mean downloads per client lie in band (the
// marketplace trades as the paper's did: 5.71 ± 0.43 torrents for k = 5);
// if none does, the configuration whose downloads come closest to the
// band's centre. It returns the weights and the index of the chosen point
// (−1 for an empty sweep, with the centre weights).
//
// The choice is a configuration that was run, so that the defaults
// reproduce the table's row. Choosing each factor's weight separately and
// combining them, as a reading of the paper's one-factor-at-a-time sweep
// suggests, gives weights that were never run together: with the ten-seed
// sweep it gave (1, 0.75, 0.75, 0.75), whose marketplace trades less than
// any of its parts (5.24 torrents, below the band). Without the band the
// fastest configurations are those that hardly replace a started download
// (demand/supply 0 or completeness 16: 5.00 torrents, 20 and 35 partial
// replacements per run), marketplaces that rotate almost no cover traffic
// and so test little of the paper's.
func ChooseWeights(pts []SweepPoint, band MeanSD) (valuation.Weights, int) {
	best, found := -1, false
	for i, p := range pts {
		in := p.Finished == 1 && math.Abs(p.Downloads.Mean-band.Mean) <= band.SD
		switch {
		case best < 0:
			best, found = i, in
		case in && (!found || p.MeanDone < pts[best].MeanDone):
			best, found = i, true
		case !in && !found && math.Abs(p.Downloads.Mean-band.Mean) < math.Abs(pts[best].Downloads.Mean-band.Mean):
			best = i
		}
	}
	if best < 0 {
		return Centre(), -1
	}
	return pts[best].Weights, best
}
