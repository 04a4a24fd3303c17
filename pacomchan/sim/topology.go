package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

// GrowthConfig parameterises the network-growth simulation of [PACOM §6.1]
// and Fig. 10.
type GrowthConfig struct {
	// Seed makes the run reproducible.
	Seed uint64
	// Clients is the number of clients that join, one by one.
	Clients int
	// Rejoin is the rejoin rate: after each arrival, with this probability
	// a random client already in the network rejoins, that is, takes part
	// in the swarm a bootstrapping node currently advertises (as a client
	// does when it has finished a PACOM file, §3.4 and §6.3).
	Rejoin float64
	// Bootstrappers is the threshold on the number of bootstrapping nodes
	// (10 in Fig. 10).
	Bootstrappers int
	// MaxConnections caps each client's connections (100 in §6.1).
	MaxConnections int
	// Sources is the number of BFS sources sampled to estimate the average
	// shortest path length; 0 or more than Clients means all clients.
	Sources int
	// Caps is the distribution of swarm caps; the zero value means
	// [pacomchan.DefaultSwarmCap].
	Caps pacomchan.SwarmCap
}

// PaperGrowth returns the setup of Fig. 10 for n clients and a rejoin rate.
func PaperGrowth(n int, rejoin float64, seed uint64) GrowthConfig {
	return GrowthConfig{Seed: seed, Clients: n, Rejoin: rejoin, Bootstrappers: 10, MaxConnections: 100, Sources: 256}
}

// Growth is the result of a growth run.
type Growth struct {
	Clients, Edges int
	// AvgPath is the average shortest path length between clients of the
	// largest connected component (over the sampled sources).
	AvgPath float64
	// Connected is the fraction of clients in the largest component.
	Connected float64
	// Bootstrappers counts the clients that served as bootstrapping nodes.
	Bootstrappers int
	// Rejoins counts the rejoin events.
	Rejoins int
	// MeanDegree is the average number of connections.
	MeanDegree float64
}

// nopHider stands in for the covert carrier: the simulation hands the
// advertised id to newcomers directly.
type nopHider struct{}

func (nopHider) Hide(int) error { return nil }
func (nopHider) Stop() error    { return nil }

// growth is the state of one run.
type growth struct {
	cfg     GrowthConfig
	rng     *rand.Rand
	adj     []map[int32]struct{}
	boots   []*bootNode // serving bootstrapping nodes
	nboots  int
	rejoins int
}

type bootNode struct {
	owner   int
	b       *pacomchan.Bootstrapper
	members [][]int // members of each of its swarms, the owner included
}

// Grow runs the growth simulation: clients arrive one by one; each joins
// as many PACOM swarms as its geometric draw c (p = 0.8551), one from each
// of up to c bootstrapping nodes, connecting to the swarm's members; a
// client that finds fewer bootstrapping nodes than the threshold becomes
// one, with its own c files and Pareto caps (§3.3, cases 1 and 2).
func Grow(cfg GrowthConfig) (Growth, error) {
	g, err := grow(cfg)
	if err != nil {
		return Growth{}, err
	}
	return g.measure(), nil
}

// GrowTopology runs [Grow] and also returns the network it built, for
// traffic simulations on the Fig. 10 topologies.
func GrowTopology(cfg GrowthConfig) (Topology, Growth, error) {
	g, err := grow(cfg)
	if err != nil {
		return Topology{}, Growth{}, err
	}
	top := Topology{Clients: len(g.adj)}
	for v, m := range g.adj {
		var nb []int
		for u := range m {
			if int(u) > v {
				nb = append(nb, int(u))
			}
		}
		slices.Sort(nb)
		for _, u := range nb {
			top.Edges = append(top.Edges, [2]int{v, u})
		}
	}
	return top, g.measure(), nil
}

func grow(cfg GrowthConfig) (*growth, error) {
	if cfg.Clients < 2 {
		return nil, errors.New("sim: growth needs at least two clients")
	}
	if !(cfg.Rejoin >= 0 && cfg.Rejoin <= 1) {
		return nil, fmt.Errorf("sim: rejoin rate %v outside [0, 1]", cfg.Rejoin)
	}
	if cfg.Bootstrappers < 1 || cfg.MaxConnections < 1 {
		return nil, fmt.Errorf("sim: need at least one bootstrapping node and one connection, got %d and %d", cfg.Bootstrappers, cfg.MaxConnections)
	}
	if cfg.Caps == (pacomchan.SwarmCap{}) {
		cfg.Caps = pacomchan.DefaultSwarmCap
	}
	g := &growth{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x10))}
	for v := range cfg.Clients {
		g.adj = append(g.adj, map[int32]struct{}{})
		if err := g.arrive(v); err != nil {
			return nil, err
		}
		if v > 0 && g.rng.Float64() < cfg.Rejoin {
			u := g.rng.IntN(v)
			g.rejoins++
			if err := g.joinSwarms(u, 1); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

func (g *growth) arrive(v int) error {
	c := pacomchan.FileCount(g.rng)
	if err := g.joinSwarms(v, c); err != nil {
		return err
	}
	if pacomchan.ShouldBootstrap(len(g.boots), g.cfg.Bootstrappers) {
		ip := netip.AddrFrom4([4]byte{10, byte(v >> 16), byte(v >> 8), byte(v)})
		b, err := pacomchan.NewBootstrapper(ip, time.Unix(0, 0), g.rng, g.cfg.Caps, nopHider{})
		if err != nil {
			return err
		}
		bn := &bootNode{owner: v, b: b, members: make([][]int, len(b.Files()))}
		for i := range bn.members {
			bn.members[i] = []int{v}
		}
		g.boots = append(g.boots, bn)
		g.nboots++
	}
	return nil
}

// joinSwarms makes v join up to n swarms, one per serving bootstrapping
// node, picked in random order.
func (g *growth) joinSwarms(v, n int) error {
	order := g.rng.Perm(len(g.boots))
	joined := 0
	for _, k := range order {
		if joined == n {
			break
		}
		bn := g.boots[k]
		if bn.owner == v {
			continue
		}
		f, err := bn.b.Current()
		if err != nil {
			continue
		}
		members := bn.members[f.X-1]
		if slices.Contains(members, v) {
			continue
		}
		for _, u := range members {
			g.connect(v, u)
		}
		bn.members[f.X-1] = append(members, v)
		if err := bn.b.Join(f.X); err != nil {
			return err
		}
		joined++
	}
	// Case 1: nodes whose swarms are all full stop serving.
	g.boots = slices.DeleteFunc(g.boots, func(bn *bootNode) bool { return !bn.b.Serving() })
	return nil
}

func (g *growth) connect(a, b int) {
	if a == b || len(g.adj[a]) >= g.cfg.MaxConnections || len(g.adj[b]) >= g.cfg.MaxConnections {
		return
	}
	g.adj[a][int32(b)] = struct{}{}
	g.adj[b][int32(a)] = struct{}{}
}

// measure computes the average shortest path length by BFS from sampled
// sources over the largest component.
func (g *growth) measure() Growth {
	n := len(g.adj)
	adj := make([][]int32, n)
	edges := 0
	for v, m := range g.adj {
		for u := range m {
			adj[v] = append(adj[v], u)
		}
		slices.Sort(adj[v]) // map order must not leak into the result
		edges += len(m)
	}
	comp := components(adj)
	sizes := map[int]int{}
	for _, c := range comp {
		sizes[c]++
	}
	big, bigSize := 0, 0
	for c, s := range sizes {
		if s > bigSize || (s == bigSize && c < big) {
			big, bigSize = c, s
		}
	}
	var members []int
	for v, c := range comp {
		if c == big {
			members = append(members, v)
		}
	}
	sources := members
	if g.cfg.Sources > 0 && g.cfg.Sources < len(members) {
		rng := rand.New(rand.NewPCG(g.cfg.Seed, 0x20))
		perm := rng.Perm(len(members))[:g.cfg.Sources]
		sources = make([]int, len(perm))
		for i, p := range perm {
			sources[i] = members[p]
		}
	}
	dist := make([]int32, n)
	queue := make([]int32, 0, n)
	total, pairs := 0.0, 0.0
	for _, s := range sources {
		for i := range dist {
			dist[i] = -1
		}
		dist[s] = 0
		queue = append(queue[:0], int32(s))
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, u := range adj[v] {
				if dist[u] < 0 {
					dist[u] = dist[v] + 1
					total += float64(dist[u])
					pairs++
					queue = append(queue, u)
				}
			}
		}
	}
	return Growth{
		Clients: n, Edges: edges / 2, AvgPath: total / pairs,
		Connected: float64(bigSize) / float64(n), Bootstrappers: g.nboots, Rejoins: g.rejoins,
		MeanDegree: float64(edges) / float64(n),
	}
}

// components labels the connected components of a graph.
func components(adj [][]int32) []int {
	comp := make([]int, len(adj))
	for i := range comp {
		comp[i] = -1
	}
	var stack []int32
	label := 0
	for s := range adj {
		if comp[s] >= 0 {
			continue
		}
		comp[s] = label
		stack = append(stack[:0], int32(s))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, u := range adj[v] {
				if comp[u] < 0 {
					comp[u] = label
					stack = append(stack, u)
				}
			}
		}
		label++
	}
	return comp
}
