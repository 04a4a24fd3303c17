package sim

import (
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
	"gonum.org/v1/gonum/stat"
)

// RandomCircuits returns, for every client, perClient circuits that start
// there and follow a random simple path of hops links (§6.7: "randomly
// selected path with the same length of 4"). It fails if the topology has
// no such path from some client.
func RandomCircuits(rng *mrand.Rand, top Topology, perClient, hops int) ([][]int, error) {
	if perClient < 1 || hops < 1 || top.Clients < 1 {
		return nil, fmt.Errorf("sim: %d circuits per client of %d hops over %d clients: each must be at least 1", perClient, hops, top.Clients)
	}
	adj := make([][]int, top.Clients)
	for _, e := range top.Edges {
		if e[0] < 0 || e[0] >= top.Clients || e[1] < 0 || e[1] >= top.Clients {
			return nil, fmt.Errorf("sim: edge %v outside the %d clients", e, top.Clients)
		}
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	var out [][]int
	for src := range top.Clients {
		for range perClient {
			var path []int
			for try := 0; try < 1000 && path == nil; try++ {
				path = randomPath(rng, adj, src, hops)
			}
			if path == nil {
				return nil, fmt.Errorf("sim: no simple path of %d hops from client %d", hops, src)
			}
			out = append(out, path)
		}
	}
	return out, nil
}

func randomPath(rng *mrand.Rand, adj [][]int, src, hops int) []int {
	path := []int{src}
	on := map[int]bool{src: true}
	for len(path) <= hops {
		var next []int
		for _, u := range adj[path[len(path)-1]] {
			if !on[u] {
				next = append(next, u)
			}
		}
		if len(next) == 0 {
			return nil
		}
		u := next[rng.IntN(len(next))]
		path = append(path, u)
		on[u] = true
	}
	return path
}

// CoverPoint is one point of Fig. 18.
type CoverPoint struct {
	CircuitsPerClient int
	// Cover is the mean cover-traffic ratio over the seeds, and SD its
	// standard deviation across seeds.
	Cover, SD float64
	// Latency is the mean end-to-end delay of the delivered segments.
	Latency time.Duration
}

// Fig18 measures the cover-traffic ratio of PACOM clients against the
// number of circuits each client initiates, on the Fig. 11 network with
// random 4-hop circuits; base gives the rates and duration, seeds the
// repetitions (seed s uses base.Seed + s).
func Fig18(base TrafficConfig, perClient []int, seeds int) ([]CoverPoint, error) {
	if seeds < 1 {
		return nil, errors.New("sim: Fig18 needs at least one seed")
	}
	var out []CoverPoint
	for _, k := range perClient {
		var covers []float64
		var lat time.Duration
		var delivered int
		for s := range seeds {
			cfg := base
			cfg.Seed = base.Seed + uint64(s)
			rng := mrand.New(mrand.NewPCG(cfg.Seed, 0x18))
			circ, err := RandomCircuits(rng, cfg.Topology, k, 4)
			if err != nil {
				return nil, err
			}
			cfg.Circuits = circ
			tr, err := RunTraffic(cfg)
			if err != nil {
				return nil, err
			}
			covers = append(covers, tr.CoverRatio())
			lat += tr.Latency
			delivered += tr.Delivered
		}
		m, sd := stat.MeanStdDev(covers, nil)
		if len(covers) == 1 {
			sd = 0
		}
		p := CoverPoint{CircuitsPerClient: k, Cover: m, SD: sd}
		if delivered > 0 {
			p.Latency = lat / time.Duration(delivered)
		}
		out = append(out, p)
	}
	return out, nil
}

// Fidelity is the Fig. 18 fidelity measurement on one topology: the
// per-circuit message rate that puts the cover ratio at one circuit per
// client at Target, and the curve measured with it.
type Fidelity struct {
	Rate   float64
	Points []CoverPoint
}

// Fig18Fidelity calibrates base.MessageRate by bisection (10 steps over
// (0, base.RequestRate]) so that the cover ratio at one circuit per client
// is target, then measures Fig. 18 at perClient with that rate.
func Fig18Fidelity(base TrafficConfig, target float64, perClient []int, seeds int) (Fidelity, error) {
	if !(target > 0 && target < 1) {
		return Fidelity{}, fmt.Errorf("sim: target cover %v outside (0, 1)", target)
	}
	lo, hi := 0.0, base.RequestRate
	for range 10 {
		mid := (lo + hi) / 2
		cfg := base
		cfg.MessageRate = mid
		pts, err := Fig18(cfg, []int{1}, seeds)
		if err != nil {
			return Fidelity{}, err
		}
		if pts[0].Cover > target {
			lo = mid // too much cover: more data
		} else {
			hi = mid
		}
	}
	cfg := base
	cfg.MessageRate = (lo + hi) / 2
	pts, err := Fig18(cfg, perClient, seeds)
	if err != nil {
		return Fidelity{}, err
	}
	return Fidelity{Rate: cfg.MessageRate, Points: pts}, nil
}

// Correlation is the Theorem 1 measurement for one relay: the Pearson
// correlation of the packet counts of its input and output links.
type Correlation struct {
	Circuit, Hop int
	R            float64
}

// CorrelationSummary aggregates relay correlations over circuits and seeds.
type CorrelationSummary struct {
	Mode       Mode
	Relays     int     // relay measurements
	Mean, SD   float64 // of r over relays
	MeanAbs    float64 // mean |r|
	Min, Max   float64
	BinSeconds float64
}

// Theorem1 measures, for every relay of every circuit of Table 4 run alone
// on the Fig. 11 network (the setting of Fig. 16, where no other circuit
// mixes with it), the correlation between the block counts of its input
// and output links, counted in intervals of bin, over seeds runs. Under
// PACOM it should be near 0 (Theorem 1); for a naive relay near 1.
func Theorem1(base TrafficConfig, bin time.Duration, seeds int) (CorrelationSummary, []Correlation, error) {
	if bin < base.Bin || bin%base.Bin != 0 {
		return CorrelationSummary{}, nil, fmt.Errorf("sim: correlation interval %v is not a multiple of %v", bin, base.Bin)
	}
	k := int(bin / base.Bin)
	var all []Correlation
	var rs []float64
	for s := range seeds {
		for c, path := range Table4() {
			cfg := base
			cfg.Seed = base.Seed + uint64(s)*100 + uint64(c)
			cfg.Circuits = [][]int{path}
			tr, err := RunTraffic(cfg)
			if err != nil {
				return CorrelationSummary{}, nil, err
			}
			for h := 1; h+1 < len(path); h++ {
				in := rebin(tr.Link(path[h-1], path[h]), k)
				out := rebin(tr.Link(path[h], path[h+1]), k)
				r := stat.Correlation(in, out, nil)
				if math.IsNaN(r) {
					r = 0 // a constant series: no correlation
				}
				all = append(all, Correlation{Circuit: c, Hop: h, R: r})
				rs = append(rs, r)
			}
		}
	}
	sum := CorrelationSummary{Mode: base.Mode, Relays: len(rs), Min: math.Inf(1), Max: math.Inf(-1), BinSeconds: bin.Seconds()}
	sum.Mean, sum.SD = stat.MeanStdDev(rs, nil)
	for _, r := range rs {
		sum.MeanAbs += math.Abs(r) / float64(len(rs))
		sum.Min = math.Min(sum.Min, r)
		sum.Max = math.Max(sum.Max, r)
	}
	return sum, all, nil
}

// rebin sums consecutive groups of k intervals.
func rebin(x []float64, k int) []float64 {
	out := make([]float64, 0, len(x)/k)
	for i := 0; i+k <= len(x); i += k {
		s := 0.0
		for _, v := range x[i : i+k] {
			s += v
		}
		out = append(out, s)
	}
	return out
}

// DetectionPoint is one point of Figs. 15–16: the detection rate of the
// flow-correlation attack after observing the links for Window.
type DetectionPoint struct {
	Window   time.Duration
	Hop      int     // relay position on the circuit, 1 = first relay
	Rate     float64 // mean score over attempts
	Random   float64 // the rate of random guessing, mean of 1/candidates
	Attempts int
}

// Detection runs the passive flow-correlation attack of §6.6 hop by hop.
// For each relay at the given hop positions, the adversary compares the
// relay's input link on the circuit with each of its output links to the
// other neighbours (Eq. 10, read as [anonymity.Spectral]) and guesses the
// closest; a tie among k outputs scores 1/k ([anonymity.DetectionRate]).
// With alone, every circuit of circuits runs by itself (Fig. 16's
// rigorous condition); otherwise all run together (Fig. 15). Each seed is
// one run of the longest window; shorter windows use its first part.
func Detection(base TrafficConfig, circuits [][]int, alone bool, hops []int, windows []time.Duration, seeds int) ([]DetectionPoint, error) {
	longest := time.Duration(0)
	for _, w := range windows {
		if w <= 0 || w%base.Bin != 0 {
			return nil, fmt.Errorf("sim: window %v is not a positive multiple of %v", w, base.Bin)
		}
		longest = max(longest, w)
	}
	adj := make([][]int, base.Topology.Clients)
	for _, e := range base.Topology.Edges {
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	type key struct {
		w   time.Duration
		hop int
	}
	score, random, n := map[key]float64{}, map[key]float64{}, map[key]int{}
	var metric anonymity.Spectral
	var runs [][][]int
	if alone {
		for _, c := range circuits {
			runs = append(runs, [][]int{c})
		}
	} else {
		runs = [][][]int{circuits}
	}
	for s := range seeds {
		for r, set := range runs {
			cfg := base
			cfg.Seed = base.Seed + uint64(s)*100 + uint64(r)
			cfg.Circuits = set
			cfg.Duration = longest
			tr, err := RunTraffic(cfg)
			if err != nil {
				return nil, err
			}
			for _, path := range set {
				for _, h := range hops {
					if h < 1 || h+1 >= len(path) {
						continue
					}
					prev, relay, next := path[h-1], path[h], path[h+1]
					var outs [][2]int
					truth := -1
					for _, u := range adj[relay] {
						if u == prev {
							continue
						}
						if u == next {
							truth = len(outs)
						}
						outs = append(outs, [2]int{relay, u})
					}
					for _, w := range windows {
						bins := int(w / base.Bin)
						in := tr.Link(prev, relay)[:bins]
						series := make([][]float64, len(outs))
						for j, o := range outs {
							series[j] = tr.Link(o[0], o[1])[:bins]
						}
						k := key{w, h}
						rate, err := anonymity.DetectionRate(&metric, [][]float64{in}, series, []int{truth})
						if err != nil {
							return nil, fmt.Errorf("sim: detection at hop %d: %w", h, err)
						}
						score[k] += rate
						random[k] += 1 / float64(len(outs))
						n[k]++
					}
				}
			}
		}
	}
	var out []DetectionPoint
	for _, h := range hops {
		for _, w := range windows {
			k := key{w, h}
			if n[k] == 0 {
				continue
			}
			out = append(out, DetectionPoint{Window: w, Hop: h, Rate: score[k] / float64(n[k]),
				Random: random[k] / float64(n[k]), Attempts: n[k]})
		}
	}
	return out, nil
}
