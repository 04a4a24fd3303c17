package marketsim

import (
	"errors"
	"fmt"
	"time"
)

// Performance is what the paper measures performance by [Paper §4]: "the
// number of additional download bytes required to achieve a given level of
// anonymity", here per client in units of one torrent (downloads − k, 0
// being optimal), beside the mean time to finish.
type Performance struct {
	Overhead float64       // mean downloads per finished client, minus k
	MeanDone time.Duration // mean time for a client to finish
}

// PerformanceOf returns the performance of one run.
func PerformanceOf(r *Result) Performance {
	m, _ := meanSD(r.Downloads)
	return Performance{Overhead: m - float64(r.Config.K), MeanDone: r.MeanDone}
}

// Paired compares two configurations run on the same seeds [Paper §5.2:
// "When we reconfigured the simulation to ignore direct requests,
// performance worsened by nearly twenty percent"].
type Paired struct {
	Seeds int
	// Overhead and MeanDone are the per-seed relative changes from the
	// base to the variant (+0.2: twenty percent more additional bytes,
	// or a twenty percent longer mean time to finish), mean and standard
	// deviation over the seeds; Downloads is that of the downloads per
	// client, k included.
	Overhead, MeanDone, Downloads MeanSD
	// Worse counts the seeds on which the variant's overhead is larger.
	Worse int
}

// ComparePaired pairs base[i] with variant[i], which must be runs of the
// same seed.
func ComparePaired(base, variant []*Result) (Paired, error) {
	if len(base) != len(variant) || len(base) == 0 {
		return Paired{}, fmt.Errorf("marketsim: %d base and %d variant runs", len(base), len(variant))
	}
	var oh, done, dl []float64
	p := Paired{Seeds: len(base)}
	for i := range base {
		a, b := base[i], variant[i]
		if a.Config.Seed != b.Config.Seed || a.Config.K != b.Config.K {
			return Paired{}, fmt.Errorf("marketsim: run %d pairs seed %d with seed %d", i, a.Config.Seed, b.Config.Seed)
		}
		pa, pb := PerformanceOf(a), PerformanceOf(b)
		if pa.Overhead <= 0 || pa.MeanDone <= 0 {
			return Paired{}, errors.New("marketsim: a base run without overhead or finish time has no relative change")
		}
		k := float64(a.Config.K)
		oh = append(oh, pb.Overhead/pa.Overhead-1)
		done = append(done, pb.MeanDone.Seconds()/pa.MeanDone.Seconds()-1)
		dl = append(dl, (pb.Overhead+k)/(pa.Overhead+k)-1)
		if pb.Overhead > pa.Overhead {
			p.Worse++
		}
	}
	p.Overhead, p.MeanDone, p.Downloads = newMeanSD(oh), newMeanSD(done), newMeanSD(dl)
	return p, nil
}
