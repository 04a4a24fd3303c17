package marketsim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/valuation"
)

// Run simulates one marketplace run of cfg and returns its measurements. It
// is deterministic: the same cfg (seed included) gives the same Result.
func Run(cfg Config) (*Result, error) { return run(cfg, false) }

// run is Run; eager delivers every HAVE and REQUEST to the Markets at
// once instead of in batches (see [world.post]).
func run(cfg Config, eager bool) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	w, err := build(cfg)
	if err != nil {
		return nil, err
	}
	w.eager = eager
	for w.err == nil && w.left < cfg.Clients && w.sim.Now() <= cfg.MaxTime && w.sim.Step() {
	}
	if w.err != nil {
		return nil, fmt.Errorf("marketsim: seed %d at %v: %w", cfg.Seed, w.sim.Now(), w.err)
	}
	r := w.result()
	r.Wall = time.Since(start)
	return r, nil
}

func build(cfg Config) (*world, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d61726b6574))
	nt, nc := cfg.Torrents, cfg.Clients
	w := &world{cfg: cfg, rng: rng}
	w.sizes = make([]int64, nt)
	w.pieces = make([]int, nt)
	w.members = make([][]int, nt)
	for t := range nt {
		size := cfg.FileSize
		if cfg.SizeSpread > 0 {
			f := 1 + cfg.SizeSpread*(2*rng.Float64()-1)
			size = max(int64(cfg.PieceSize), int64(float64(cfg.FileSize)*f))
		}
		w.sizes[t] = size
		w.pieces[t] = int((size + int64(cfg.PieceSize) - 1) / int64(cfg.PieceSize))
		w.ids = append(w.ids, valuation.TorrentID(t))
	}
	w.off = make([]int, nt+1)
	for t := range nt {
		w.off[t+1] = w.off[t] + 2*words(w.pieces[t])
	}
	total := nt + nc
	bw := float64(cfg.Bandwidth) / 8
	// Seeds: node t seeds torrent t.
	for t := range nt {
		s := newNode(w, t, total)
		s.seedOf = t
		s.upCap, s.downCap = bw, bw
		h := w.have(s, t)
		for i := range w.pieces[t] {
			h[i>>6] |= 1 << (uint(i) & 63)
		}
		s.haveCount[t] = w.pieces[t]
		w.nodes = append(w.nodes, s)
	}
	// Native interests: the popular torrents share the popular clients
	// round-robin, the others pick among the rest.
	perm := rng.Perm(nt)
	nPop := int(math.Round(cfg.PopularTorrents * float64(nt)))
	popular, rest := perm[:nPop], perm[nPop:]
	if len(rest) == 0 {
		rest = perm
	}
	nPopClients := int(math.Round(cfg.PopularClients * float64(nc)))
	var arrivals []time.Duration
	if cfg.ArrivalTau > 0 {
		arrivals = arrivalTimes(nc, cfg.ArrivalTau, rng)
	}
	setCfg := cfg.ActiveSet
	setCfg.K = cfg.K
	// The clients' Markets share one cache of decay weights: a HAVE
	// reaches some thirty of them at the same time. (Result.Config keeps
	// cfg as given.)
	valCfg := cfg.Valuation
	valCfg.DecayCache = new(valuation.DecayCache)
	for i, ci := range rng.Perm(nc) {
		id := nt + ci
		_ = i
		d := newNode(w, id, total)
		if ci < nPopClients {
			d.native = popular[ci%len(popular)]
		} else {
			d.native = rest[rng.IntN(len(rest))]
		}
		w.nodes = append(w.nodes, nil)
		w.clients = append(w.clients, d)
		d.upCap, d.downCap = bw, bw
		if len(cfg.Classes) > 0 {
			c := pickClass(cfg.Classes, rng)
			d.upCap, d.downCap = float64(c.Up)/8, float64(c.Down)/8
		}
		if arrivals != nil {
			d.joinAt = arrivals[ci]
		}
		m, err := valuation.NewMarket(valCfg)
		if err != nil {
			return nil, fmt.Errorf("marketsim: %w", err)
		}
		for t := range nt {
			if err := m.AddTorrent(valuation.TorrentID(t), w.pieces[t]); err != nil {
				return nil, err
			}
		}
		d.mkt = m
		nrng := rand.New(rand.NewPCG(cfg.Seed, uint64(id)))
		if d.set, err = valuation.NewActiveSet(setCfg, valuation.TorrentID(d.native), w.ids, nrng); err != nil {
			return nil, fmt.Errorf("marketsim: %w", err)
		}
		if d.unchoker, err = valuation.NewUnchoker(cfg.Unchoke, nrng); err != nil {
			return nil, fmt.Errorf("marketsim: %w", err)
		}
	}
	for _, d := range w.clients {
		w.nodes[d.id] = d
	}
	slices.SortFunc(w.clients, func(a, b *node) int { return a.id - b.id })
	// Seeds are there from the start; clients register with the DHT at
	// their arrival, and (at equal times) all register before any picks
	// its neighbours.
	for _, s := range w.nodes[:nt] {
		w.join(s)
		w.sim.After(time.Duration(rng.Int64N(int64(cfg.UnchokeInterval))), func() { w.unchokeRound(s) })
	}
	for _, d := range w.clients {
		w.sim.At(d.joinAt, func() { w.join(d) })
	}
	for _, d := range w.clients {
		unchokeAt := d.joinAt + time.Duration(rng.Int64N(int64(cfg.UnchokeInterval)))
		updateAt := d.joinAt + time.Duration(rng.Int64N(int64(cfg.UpdateInterval)))
		w.sim.At(d.joinAt, func() {
			w.findNeighbours(d)
			w.sim.At(unchokeAt, func() { w.unchokeRound(d) })
			w.sim.At(updateAt, func() { w.updateRound(d) })
		})
	}
	return w, nil
}

func pickClass(cs []BandwidthClass, rng *rand.Rand) BandwidthClass {
	total := 0.0
	for _, c := range cs {
		total += c.Share
	}
	x := rng.Float64() * total
	for _, c := range cs {
		if x < c.Share {
			return c
		}
		x -= c.Share
	}
	return cs[len(cs)-1]
}

// RunSeeds runs cfg once per seed, parallel runs at a time (at least one),
// and returns the results in seed order. The results do not depend on
// parallel.
func RunSeeds(cfg Config, seeds []uint64, parallel int) ([]*Result, error) {
	out := make([]*Result, len(seeds))
	errs := make([]error, len(seeds))
	sem := make(chan struct{}, max(parallel, 1))
	done := make(chan struct{})
	for i, s := range seeds {
		go func() {
			sem <- struct{}{}
			c := cfg
			c.Seed = s
			out[i], errs[i] = Run(c)
			<-sem
			done <- struct{}{}
		}()
	}
	for range seeds {
		<-done
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
