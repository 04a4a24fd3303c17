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
	Factor    Factor
	Weight    float64
	Downloads MeanSD        // per client, in torrents
	MeanDone  time.Duration // mean time to finish over the runs
	Finished  float64       // fraction of clients that finished
	// Replacements and Partial are the mean active-set replacements per
	// run, all and of partly downloaded torrents.
	Replacements, Partial float64
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
			cfg := base
			cfg.Valuation.Weights = SetWeight(valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}, f, v)
			if pt, ok := done[cfg.Valuation.Weights]; ok {
				pt.Factor, pt.Weight = f, v
				out = append(out, pt)
				continue
			}
			rs, err := RunSeeds(cfg, seeds, parallel)
			if err != nil {
				return nil, err
			}
			s := Summarize(rs)
			pt := SweepPoint{
				Factor: f, Weight: v, Downloads: s.Downloads,
				MeanDone:     time.Duration(s.MeanDone.Mean * float64(time.Second)),
				Finished:     float64(s.Finished) / float64(s.Clients),
				Replacements: s.Replacements, Partial: s.Partial,
			}
			done[cfg.Valuation.Weights] = pt
			out = append(out, pt)
		}
	}
	return out, nil
}

// WriteSweep writes the sweep as a table, with each point's mean time to
// finish relative to the best point of its factor.
func WriteSweep(w io.Writer, pts []SweepPoint) error {
	ew := &errWriter{w: w}
	ew.printf("%-14s %7s %16s %14s %9s %9s %9s %9s\n", "factor", "weight", "downloads", "mean finish", "vs best", "finished", "replaced", "partial")
	best := make(map[Factor]time.Duration)
	for _, p := range pts {
		if b, ok := best[p.Factor]; !ok || p.MeanDone < b {
			best[p.Factor] = p.MeanDone
		}
	}
	for _, p := range pts {
		ew.printf("%-14s %7.2f %16s %13.0fs %+8.1f%% %8.0f%% %9.1f %9.1f\n", p.Factor, p.Weight, p.Downloads,
			p.MeanDone.Seconds(), 100*(p.MeanDone.Seconds()/best[p.Factor].Seconds()-1), 100*p.Finished,
			p.Replacements, p.Partial)
	}
	return ew.err
}

// PaperDownloads is the paper's downloads per client at k = 5, 5.71 ±
// 0.43 torrents [Paper §5.3]: the trading regime the defaults aim for.
var PaperDownloads = MeanSD{Mean: 5.71, SD: 0.43}

// ChooseWeights derives weights from a sweep the paper's way, one factor
// at a time [Paper §5.2], with one condition the paper's result implies:
// for each factor, the weight of least mean finish time among those whose
// mean downloads per client lie in band (the marketplace trades, as the
// paper's did: 5.71 ± 0.43 torrents for k = 5); if no weight of a factor
// does, the one whose downloads come closest to the band's centre. Without
// the condition the fastest weights are those that never trade (completeness
// 16: 5.00 torrents, no replacement of a started download), which
// rotate no cover traffic and so test nothing of the marketplace.
func ChooseWeights(pts []SweepPoint, band MeanSD) valuation.Weights {
	w := valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}
	for _, f := range Factors {
		best, found := -1, false
		for i, p := range pts {
			if p.Factor != f {
				continue
			}
			in := math.Abs(p.Downloads.Mean-band.Mean) <= band.SD
			switch {
			case best < 0:
				best, found = i, in
			case in && (!found || p.MeanDone < pts[best].MeanDone):
				best, found = i, true
			case !in && !found && math.Abs(p.Downloads.Mean-band.Mean) < math.Abs(pts[best].Downloads.Mean-band.Mean):
				best = i
			}
		}
		if best >= 0 {
			w = SetWeight(w, f, pts[best].Weight)
		}
	}
	return w
}
