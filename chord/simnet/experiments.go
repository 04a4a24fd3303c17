package simnet

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
)

// This file holds the measurements quoted in the chord package
// documentation. Each takes a seed and is reproducible from it.

// HopsResult summarises lookups on a ring.
type HopsResult struct {
	N        int     // ring size
	Lookups  int     // lookups run
	Mean     float64 // mean hops
	P99      int     // 99th-percentile hops
	Half     float64 // ½·log2 N, the Chord paper's expected path length
	Failed   int     // lookups that returned an error
	Wrong    int     // lookups that returned a node other than the true owner
	Timeouts int     // calls to dead nodes, summed over all lookups
}

func (r HopsResult) String() string {
	return fmt.Sprintf("N=%-7d mean %.2f  p99 %d  ½·log2N %.2f  failed %d  wrong %d", r.N, r.Mean, r.P99, r.Half, r.Failed, r.Wrong)
}

// MeasureLookups runs lookups of random keys from random live nodes and
// compares each answer with the oracle.
func (c *Cluster) MeasureLookups(lookups int) HopsResult {
	if c.Len() == 0 || lookups < 0 {
		lookups = 0
	}
	res := HopsResult{N: c.Len(), Lookups: lookups, Half: 0.5 * math.Log2(float64(max(c.Len(), 1)))}
	hops := make([]int, 0, lookups)
	total := 0
	for range lookups {
		var key chord.ID
		for i := 0; i < chord.IDSize; i += 8 {
			v := c.rng.Uint64()
			for k := range 8 {
				key[i+k] = byte(v >> (8 * k))
			}
		}
		r, err := c.Random().Lookup(context.Background(), key)
		res.Timeouts += r.Timeouts
		if err != nil {
			res.Failed++
			continue
		}
		if r.Node != c.Owner(key) {
			res.Wrong++
		}
		hops = append(hops, r.Hops)
		total += r.Hops
	}
	if len(hops) > 0 {
		res.Mean = float64(total) / float64(len(hops))
	}
	res.P99 = Quantile(hops, 0.99)
	return res
}

// ChurnConfig configures [RunChurn].
type ChurnConfig struct {
	N          int           // initial ring size
	Successors int           // r
	Rate       float64       // joins per second, and failures per second
	Period     time.Duration // stabilize, fix-fingers and check-predecessor period
	Duration   time.Duration // simulated time under churn
	Lookups    int           // lookups, spread evenly over Duration
}

// ChurnResult reports [RunChurn].
type ChurnResult struct {
	Config                     ChurnConfig
	Seed                       uint64
	Lookups, Failed, Wrong     int
	Joins, Failures, Rejoins   int
	FinalN                     int
	StableAfter                time.Duration // time to the ideal ring once churn stops; -1 if not within 100 periods
	InvariantErr               error         // first violation of Zave's invariants, checked once per period
	MeanHops, MeanTimeoutsPerL float64
}

// RunChurn grows a ring, then runs Poisson joins and crash failures at the
// same rate while every node runs its maintenance timers and lookups are
// issued from random nodes; a lookup succeeds if it returns the oracle's
// owner. The failure process does not protect anyone: the ring relies on
// successor lists, and nodes left without any live successor rejoin.
func RunChurn(cfg ChurnConfig, seed uint64) (ChurnResult, error) {
	if cfg.N < 1 || cfg.Successors < 0 || cfg.Period <= 0 || cfg.Duration < 0 || cfg.Lookups < 0 ||
		!(cfg.Rate >= 0) || math.IsInf(cfg.Rate, 0) {
		return ChurnResult{Config: cfg, Seed: seed}, fmt.Errorf("%w: churn %+v", ErrConfig, cfg)
	}
	c := NewCluster(ClusterConfig{Successors: cfg.Successors, StabilizeEvery: cfg.Period,
		FixFingersEvery: cfg.Period, CheckPredEvery: cfg.Period}, seed)
	res := ChurnResult{Config: cfg, Seed: seed}
	if err := c.Grow(cfg.N); err != nil {
		return res, err
	}
	c.StartTimers()
	joins0, fails0 := c.Joins, c.Failures
	c.StartChurn(Churn{JoinRate: cfg.Rate, FailRate: cfg.Rate, MinNodes: cfg.Successors + 1})
	gap := cfg.Duration / time.Duration(max(cfg.Lookups, 1))
	hops, timeouts := 0, 0
	var lookup func()
	lookup = func() {
		if res.Lookups >= cfg.Lookups || c.churnOff {
			return
		}
		res.Lookups++
		key := chord.HashID(fmt.Appendf(nil, "churn %d %d", seed, res.Lookups))
		r, err := c.Random().Lookup(context.Background(), key)
		timeouts += r.Timeouts
		switch {
		case err != nil:
			res.Failed++
		case r.Node != c.Owner(key):
			res.Wrong++
		default:
			hops += r.Hops
		}
		c.schedule(gap, lookup)
	}
	c.schedule(gap, lookup)
	for t := cfg.Period; t <= cfg.Duration; t += cfg.Period {
		if err := c.Run(t); err != nil {
			return res, err
		}
		if res.InvariantErr == nil {
			res.InvariantErr = c.Check()
		}
	}
	res.Joins, res.Failures, res.Rejoins = c.Joins-joins0, c.Failures-fails0, c.Rejoins
	if ok := res.Lookups - res.Failed - res.Wrong; ok > 0 {
		res.MeanHops = float64(hops) / float64(ok)
	}
	res.MeanTimeoutsPerL = float64(timeouts) / float64(max(res.Lookups, 1))
	res.StableAfter = c.restabilize(100)
	res.FinalN = c.Len()
	return res, nil
}

// restabilize restarts the simulation with maintenance timers only and
// returns the simulated time until the ring is ideal, or -1.
func (c *Cluster) restabilize(periods int) time.Duration {
	c.StopChurn()
	start := c.Sim.Now()
	for p := range periods + 1 {
		if c.CheckStable() == nil {
			return c.Sim.Now() - start
		}
		_ = c.Run(start + time.Duration(p+1)*c.cfg.StabilizeEvery)
	}
	return -1
}

// MassFailureResult reports [RunMassFailure].
type MassFailureResult struct {
	N, Successors, Failed int
	Seed                  uint64
	Right                 HopsResult    // lookups right after the failure, before any repair
	RingAfter             time.Duration // time until every node's first successor is right
	StableAfter           time.Duration // time until the ideal ring (full lists, predecessors)
	Rejoins               int
}

// RunMassFailure grows a ring of n nodes, crashes the given fraction of
// them at once, measures lookups immediately (no maintenance has run), then
// starts every node's maintenance timers and measures the simulated time
// until the ring is right again.
func RunMassFailure(n, r int, fraction float64, lookups int, period time.Duration, seed uint64) (MassFailureResult, error) {
	if n < 2 || r < 0 || !(fraction >= 0 && fraction < 1) || lookups < 0 || period <= 0 {
		return MassFailureResult{N: n, Successors: r, Seed: seed}, fmt.Errorf("%w: mass failure of %v of %d nodes, r %d, %d lookups, period %v",
			ErrConfig, fraction, n, r, lookups, period)
	}
	c := NewCluster(ClusterConfig{Successors: r, StabilizeEvery: period, FixFingersEvery: period, CheckPredEvery: period}, seed)
	res := MassFailureResult{N: n, Successors: r, Seed: seed}
	if err := c.Grow(n); err != nil {
		return res, err
	}
	kill := int(fraction * float64(n))
	for range kill {
		c.Fail(c.Random().Info().Addr)
	}
	res.Failed = kill
	res.Right = c.MeasureLookups(lookups)
	c.StartTimers()
	start := c.Sim.Now()
	res.RingAfter, res.StableAfter = -1, -1
	for p := 1; p <= 200; p++ {
		_ = c.Run(start + time.Duration(p)*period)
		if res.RingAfter < 0 && c.firstSuccessorsRight() {
			res.RingAfter = c.Sim.Now() - start
		}
		if res.RingAfter >= 0 && c.CheckStable() == nil {
			res.StableAfter = c.Sim.Now() - start
			break
		}
	}
	res.Rejoins = c.Rejoins
	return res, nil
}

// firstSuccessorsRight reports whether every live node's first successor
// is the next live node.
func (c *Cluster) firstSuccessorsRight() bool {
	for _, n := range c.nodes {
		id := n.ID()
		next := c.Owner(id.Add(chord.IDFromUint64(1)))
		if n.Successor() != next {
			return false
		}
	}
	return true
}
