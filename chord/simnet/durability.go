package simnet

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
)

// DurabilityConfig configures the replica-loss experiments of Appendix B.
type DurabilityConfig struct {
	Nodes     int     // ring size, kept constant: failed nodes are replaced by fresh ones
	Chunks    int     // chunks stored at the start
	Intervals int     // request intervals t; every live chunk is requested once per interval
	Replicas  int     // q_s
	Repair    int     // c, slots each mget re-puts
	Fail      float64 // p, the probability that a node fails during an interval
	// Successors is r for the full-stack run (default 16, so that a ring
	// losing a fraction p of its nodes per interval stays connected).
	Successors int
}

// DurabilityResult reports a durability experiment and the model's
// prediction for it.
type DurabilityResult struct {
	Config         DurabilityConfig
	Seed           uint64
	ChunkIntervals int     // requests made (chunk-intervals observed)
	Lost           int     // chunks found with no replica left
	Rate           float64 // Lost / ChunkIntervals
	Expected       float64 // expected losses under chord.LazyRepairModel
	Stationary     float64 // the model's long-run loss per interval
	FullRepair     float64 // p^q_s: the loss per interval if every slot were refreshed
	MeanSlots      float64 // replica slots held at request time, averaged
}

// ZScore returns how many standard deviations the measured losses are from
// the model's expectation (losses are a sum of rare independent events,
// so approximately Poisson).
func (r DurabilityResult) ZScore() float64 {
	if r.Expected == 0 {
		return 0
	}
	return (float64(r.Lost) - r.Expected) / math.Sqrt(r.Expected)
}

func (r DurabilityResult) String() string {
	return fmt.Sprintf("q_s=%d c=%d p=%.2f: %d chunk-intervals, %d lost (rate %.2e), model expects %.2f (stationary %.2e/interval, z = %+.2f), full-repair bound p^q_s = %.0e, mean slots held %.2f",
		r.Config.Replicas, r.Config.Repair, r.Config.Fail, r.ChunkIntervals, r.Lost, r.Rate, r.Expected, r.Stationary, r.ZScore(), r.FullRepair, r.MeanSlots)
}

func (cfg DurabilityConfig) model() (*chord.LazyRepairModel, error) {
	if cfg.Nodes < 2 || cfg.Chunks < 1 || cfg.Intervals < 1 {
		return nil, fmt.Errorf("%w: %d nodes, %d chunks, %d intervals", chord.ErrModel, cfg.Nodes, cfg.Chunks, cfg.Intervals)
	}
	return chord.NewLazyRepairModel(cfg.Replicas, cfg.Repair, cfg.Fail)
}

func (r *DurabilityResult) finish(m *chord.LazyRepairModel, slots int) {
	r.Rate = float64(r.Lost) / float64(max(r.ChunkIntervals, 1))
	within, _ := m.LossWithin(r.Config.Intervals)
	r.Expected = within * float64(r.Config.Chunks)
	r.Stationary, _ = m.StationaryLoss()
	r.FullRepair, _ = chord.FullReplicationLoss(r.Config.Replicas, r.Config.Fail)
	r.MeanSlots = float64(slots) / float64(max(r.ChunkIntervals, 1))
}

// SimulateReplicas runs the durability experiment at the level of replica
// placement: a ring of random identifiers, the q_s replica keys of every
// chunk, replica i held by successor(key_i). Each interval every node fails
// with probability p and loses its replicas; as many fresh nodes join at
// random positions and take over, from their successor, the replicas whose
// keys now fall to them (the handoff of package chord); then every live
// chunk is requested: it is lost if no slot's owner holds it, and otherwise
// c slots chosen at random are re-put. Routing is by oracle here; the
// mechanics of placement (two slots falling to one node, joins moving
// keys) are those of the full system, which [RunDurability] checks at a
// smaller scale with real nodes and messages.
func SimulateReplicas(cfg DurabilityConfig, seed uint64) (DurabilityResult, error) {
	res := DurabilityResult{Config: cfg, Seed: seed}
	m, err := cfg.model()
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xd0ab))
	ring := make([]uint64, cfg.Nodes)
	for i := range ring {
		ring[i] = rng.Uint64()
	}
	slices.Sort(ring)
	owner := func(k uint64) uint64 {
		i, _ := slices.BinarySearch(ring, k)
		return ring[i%len(ring)]
	}
	q := cfg.Replicas
	keys := make([]uint64, cfg.Chunks*q)
	holder := make([]uint64, cfg.Chunks*q) // 0: none (node ids are never 0 in practice; checked below)
	for i := range keys {
		keys[i] = rng.Uint64()
		holder[i] = owner(keys[i])
	}
	alive := make([]bool, cfg.Chunks)
	for i := range alive {
		alive[i] = true
	}
	dead := map[uint64]bool{}
	perm := make([]int, q)
	slots := 0
	for range cfg.Intervals {
		clear(dead)
		kept := ring[:0]
		for _, id := range ring {
			if rng.Float64() < cfg.Fail {
				dead[id] = true
			} else {
				kept = append(kept, id)
			}
		}
		ring = kept
		for len(ring) < cfg.Nodes {
			id := rng.Uint64()
			if id == 0 {
				continue
			}
			i, found := slices.BinarySearch(ring, id)
			if !found {
				ring = slices.Insert(ring, i, id)
			}
		}
		for ch := range cfg.Chunks {
			if !alive[ch] {
				continue
			}
			res.ChunkIntervals++
			held := 0
			for s := ch * q; s < (ch+1)*q; s++ {
				switch {
				case holder[s] == 0:
				case dead[holder[s]]:
					holder[s] = 0
				default:
					// A joiner between the key and its holder took the
					// replica over.
					holder[s] = owner(keys[s])
					held++
				}
			}
			slots += held
			if held == 0 {
				res.Lost++
				alive[ch] = false
				continue
			}
			for i := range perm {
				perm[i] = i
			}
			for i := range min(cfg.Repair, q) {
				j := i + rng.IntN(q-i)
				perm[i], perm[j] = perm[j], perm[i]
				s := ch*q + perm[i]
				holder[s] = owner(keys[s])
			}
		}
	}
	res.finish(m, slots)
	return res, nil
}

// RunDurability runs the durability experiment with real nodes: a ring of
// chord nodes on the simulated network, chunks stored with MPut, and every
// interval p of the nodes crashing, as many joining, the ring stabilising
// and refreshing its fingers, and every live chunk fetched with MGet by a
// random node (which re-puts c slots). A chunk is lost when MGet reports
// that no replica is left.
func RunDurability(cfg DurabilityConfig, seed uint64) (DurabilityResult, error) {
	res := DurabilityResult{Config: cfg, Seed: seed}
	m, err := cfg.model()
	if err != nil {
		return res, err
	}
	if cfg.Successors == 0 {
		cfg.Successors = 16
	}
	ctx := context.Background()
	tracker, err := chord.NewTracker(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'd'}))
	if err != nil {
		return res, err
	}
	c := NewCluster(ClusterConfig{Successors: cfg.Successors, TrustedTrackers: []ed25519.PublicKey{tracker.PublicKey()},
		Lifetime: 1000 * time.Hour, Quota: 1 << 40}, seed)
	tracker.SetClock(c.Sim.Now, time.Hour)
	if err := c.Grow(cfg.Nodes); err != nil {
		return res, err
	}
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(c.rng.Uint32())
	}
	sw, err := chord.NewSwarm(secret, cfg.Replicas)
	if err != nil {
		return res, err
	}
	hashes := make([][32]byte, cfg.Chunks)
	for i := range hashes {
		pr, err := c.Random().MPut(ctx, sw, tracker, fmt.Appendf(nil, "chunk %d of seed %d", i, seed))
		if err != nil {
			return res, err
		}
		hashes[i] = pr.ChunkHash
	}
	alive := make([]bool, cfg.Chunks)
	for i := range alive {
		alive[i] = true
	}
	slots := 0
	for t := range cfg.Intervals {
		_ = c.Run(time.Duration(t+1) * time.Hour) // the request interval
		var victims []string
		for _, n := range c.nodes {
			if c.rng.Float64() < cfg.Fail {
				victims = append(victims, n.Info().Addr)
			}
		}
		if len(victims) >= len(c.nodes) {
			victims = victims[1:]
		}
		for _, a := range victims {
			c.Fail(a)
		}
		if err := c.repair(); err != nil {
			return res, fmt.Errorf("interval %d: %w", t, err)
		}
		for range victims {
			if _, err := c.Join(); err != nil {
				return res, fmt.Errorf("interval %d: join: %w", t, err)
			}
		}
		if err := c.repair(); err != nil {
			return res, fmt.Errorf("interval %d: %w", t, err)
		}
		for ch, h := range hashes {
			if !alive[ch] {
				continue
			}
			res.ChunkIntervals++
			g, err := c.Random().MGet(ctx, sw, tracker, h, chord.MGetOptions{Repair: cfg.Repair, Rand: c.rng})
			slots += g.Slots
			switch {
			case errors.Is(err, chord.ErrChunkLost):
				res.Lost++
				alive[ch] = false
			case err != nil:
				return res, fmt.Errorf("interval %d: mget: %w", t, err)
			}
		}
	}
	res.finish(m, slots)
	return res, nil
}

// repair brings the ring back to the ideal ring after failures and joins:
// stabilisation sweeps (nodes that lost every successor rejoin) and a
// finger refresh.
func (c *Cluster) repair() error {
	for range 8*c.cfg.Successors + 64 {
		if c.sweep() == 0 && c.CheckStable() == nil {
			c.FixAllFingers()
			return nil
		}
		for _, n := range slices.Clone(c.nodes) {
			if n.Successor().IsZero() {
				if err := n.Join(c.ctx, c.Random().Info()); err == nil {
					c.Rejoins++
				}
			}
		}
	}
	return c.CheckStable()
}
