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
	"github.com/swarmblocks/swarmblocks/internal/des"
)

// ClusterConfig configures a [Cluster].
type ClusterConfig struct {
	Net Config
	// Successors is r (default chord.DefaultSuccessors).
	Successors int
	// StabilizeEvery, FixFingersEvery and CheckPredEvery are the periods
	// of each node's maintenance timers (default 1 s each).
	StabilizeEvery, FixFingersEvery, CheckPredEvery time.Duration
	// TrustedTrackers, Quota and Lifetime are passed to every node.
	TrustedTrackers []ed25519.PublicKey
	Quota           int64
	Lifetime        time.Duration
	// NewStore, if set, makes each node's block store ([chord.Config].Store);
	// by default every node has a [chord.MemStore].
	NewStore func(addr string) chord.BlockStore
}

// Cluster is a simulated Chord ring: nodes on a [Network], driven by a
// discrete-event simulator, with an oracle that knows the true membership.
// It is deterministic from its seed.
type Cluster struct {
	Sim *des.Sim
	Net *Network

	cfg      ClusterConfig
	rng      *rand.Rand
	seed     uint64
	nodes    []*chord.Node
	pos      map[string]int
	timers   map[string][]des.Event
	base     map[string]bool
	lastName int              // the number k of the last address "n<k>" handed out
	sorted   []chord.NodeInfo // oracle view, nil when stale
	ctx      context.Context
	churnOff bool
	cfgErr   error // an invalid ClusterConfig.Net

	// AfterStep, if set, runs after every simulated event (a maintenance
	// operation, a join, a failure); an error stops [Cluster.Run].
	AfterStep func() error
	stepErr   error

	// Churn statistics.
	Joins, Failures, Skipped, Rejoins int
}

// NewCluster returns an empty cluster whose randomness derives from seed.
// An invalid cfg.Net is reported by the first node added.
func NewCluster(cfg ClusterConfig, seed uint64) *Cluster {
	if cfg.Successors == 0 {
		cfg.Successors = chord.DefaultSuccessors
	}
	for _, p := range []*time.Duration{&cfg.StabilizeEvery, &cfg.FixFingersEvery, &cfg.CheckPredEvery} {
		if *p == 0 {
			*p = time.Second
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed_c40d))
	c := &Cluster{
		Sim: &des.Sim{}, cfg: cfg, rng: rng, seed: seed,
		pos: map[string]int{}, timers: map[string][]des.Event{}, base: map[string]bool{},
		ctx: context.Background(),
	}
	nrng := rand.New(rand.NewPCG(seed, 0x9e7))
	nw, err := New(cfg.Net, nrng)
	if err != nil {
		// Reported by the first node added (Create, Join, Grow).
		c.cfgErr = err
		nw, _ = New(Config{}, nrng)
	}
	c.Net = nw
	return c
}

// Seed returns the seed the cluster was built from.
func (c *Cluster) Seed() uint64 { return c.seed }

// Rand returns the cluster's generator, for experiments that must stay
// reproducible from the same seed.
func (c *Cluster) Rand() *rand.Rand { return c.rng }

// Successors returns r.
func (c *Cluster) Successors() int { return c.cfg.Successors }

// Len returns the number of live nodes.
func (c *Cluster) Len() int { return len(c.nodes) }

// Nodes returns the live nodes (in no particular order). The slice is the
// cluster's own; do not modify it.
func (c *Cluster) Nodes() []*chord.Node { return c.nodes }

// Node returns the live node at addr, or nil.
func (c *Cluster) Node(addr string) *chord.Node {
	if i, ok := c.pos[addr]; ok {
		return c.nodes[i]
	}
	return nil
}

// Random returns a live node chosen uniformly at random, or nil if the
// cluster is empty.
func (c *Cluster) Random() *chord.Node {
	if len(c.nodes) == 0 {
		return nil
	}
	return c.nodes[c.rng.IntN(len(c.nodes))]
}

func (c *Cluster) newNode() (*chord.Node, error) {
	if c.cfgErr != nil {
		return nil, c.cfgErr
	}
	if c.lastName+1 >= maxNumbered {
		return nil, fmt.Errorf("%w: more than %d nodes created", ErrConfig, maxNumbered-1)
	}
	c.lastName++
	addr := c.Net.numberedAddr(c.lastName)
	var id chord.ID
	for i := 0; i < chord.IDSize; i += 8 {
		v := c.rng.Uint64()
		for k := range 8 {
			id[i+k] = byte(v >> (8 * k))
		}
	}
	var store chord.BlockStore
	if c.cfg.NewStore != nil {
		store = c.cfg.NewStore(addr)
	}
	n, err := chord.New(chord.Config{
		Addr: addr, ID: id, Transport: c.Net.Endpoint(addr), Successors: c.cfg.Successors,
		Now: c.Sim.Now, TrustedTrackers: c.cfg.TrustedTrackers, Quota: c.cfg.Quota, Lifetime: c.cfg.Lifetime,
		Store: store,
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (c *Cluster) add(n *chord.Node) {
	c.Net.Register(n.Info().Addr, n)
	c.pos[n.Info().Addr] = len(c.nodes)
	c.nodes = append(c.nodes, n)
	c.sorted = nil
}

func (c *Cluster) remove(addr string) {
	i, ok := c.pos[addr]
	if !ok {
		return
	}
	last := len(c.nodes) - 1
	c.nodes[i] = c.nodes[last]
	c.pos[c.nodes[i].Info().Addr] = i
	c.nodes = c.nodes[:last]
	delete(c.pos, addr)
	for _, ev := range c.timers[addr] {
		c.Sim.Cancel(ev)
	}
	delete(c.timers, addr)
	c.sorted = nil
}

// Create starts the ring with one node.
func (c *Cluster) Create() (*chord.Node, error) {
	if len(c.nodes) > 0 {
		return nil, fmt.Errorf("simnet: ring already created")
	}
	n, err := c.newNode()
	if err != nil {
		return nil, err
	}
	n.Create()
	c.add(n)
	return n, nil
}

// Join adds a node that joins through a random member. It does not
// stabilise anything: the node is an appendage until its predecessor's
// next stabilisation.
func (c *Cluster) Join() (*chord.Node, error) {
	if len(c.nodes) == 0 {
		return c.Create()
	}
	n, err := c.newNode()
	if err != nil {
		return nil, err
	}
	// Like a deployment with a bootstrap list, try a few members.
	for try := 0; ; try++ {
		err = n.Join(c.ctx, c.Random().Info())
		if err == nil {
			break
		}
		if try == 4 {
			return nil, err
		}
	}
	c.add(n)
	c.Joins++
	return n, nil
}

// Fail crashes the node at addr; an address that is not a live node is
// ignored.
func (c *Cluster) Fail(addr string) {
	if c.Node(addr) == nil {
		return
	}
	c.Net.Crash(addr)
	c.remove(addr)
	c.Failures++
}

// SafeToFail reports whether crashing addr keeps Chord's operating
// assumption: the node is not in the stable base (the first r+1 members,
// which Zave's proof assumes never fail) and every other live node keeps a
// live entry in its successor list.
func (c *Cluster) SafeToFail(addr string) bool {
	if c.base[addr] {
		return false
	}
	for _, n := range c.nodes {
		if n.Info().Addr == addr {
			continue
		}
		st := n.State()
		ok := false
		for _, e := range st.Successors {
			if e.Addr != addr && c.Net.Alive(e.Addr) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Leave makes the node at addr leave voluntarily.
func (c *Cluster) Leave(addr string) error {
	n := c.Node(addr)
	if n == nil {
		return fmt.Errorf("simnet: no node %q", addr)
	}
	err := n.Leave(c.ctx)
	c.Net.Crash(addr)
	c.remove(addr)
	return err
}

// MarkBase records the current members as the stable base: SafeToFail
// refuses to crash them.
func (c *Cluster) MarkBase() {
	for _, n := range c.nodes {
		c.base[n.Info().Addr] = true
	}
}

// StabilizeRound runs Stabilize and CheckPredecessor once on every node,
// in random order, and returns how many nodes changed their successor
// list or predecessor.
func (c *Cluster) StabilizeRound() int {
	order := c.rng.Perm(len(c.nodes))
	nodes := slices.Clone(c.nodes)
	changed := 0
	for _, i := range order {
		n := nodes[i]
		if c.Node(n.Info().Addr) == nil {
			continue
		}
		before := n.State()
		n.CheckPredecessor(c.ctx)
		_ = n.Stabilize(c.ctx)
		after := n.State()
		if before.Pred != after.Pred || !slices.Equal(before.Successors, after.Successors) {
			changed++
		}
	}
	return changed
}

// StabilizeUntilStable runs stabilisation rounds until the ring is the
// ideal ring of [chord.CheckStable], at most maxRounds; it returns the
// rounds it took.
func (c *Cluster) StabilizeUntilStable(maxRounds int) (int, error) {
	for round := 0; ; round++ {
		if err := c.CheckStable(); err == nil {
			return round, nil
		} else if round == maxRounds {
			return round, err
		}
		c.StabilizeRound()
	}
}

// FixAllFingers refreshes every node's finger table. Nodes take their
// turns in identifier order: neighbours look up nearly the same keys along
// nearly the same paths, so each node's lookups find the nodes they visit
// still in the processor's cache from its predecessor's. The order is
// only a schedule the simulator picks; on a stable ring every order gives
// the same tables.
func (c *Cluster) FixAllFingers() {
	nodes := slices.Clone(c.nodes)
	slices.SortFunc(nodes, func(a, b *chord.Node) int { return a.ID().Cmp(b.ID()) })
	for _, n := range nodes {
		_ = n.FixAllFingers(c.ctx)
	}
}

// Grow adds n nodes by the protocol: nodes join in batches that double the
// ring, each batch followed by stabilisation sweeps until the ring is ideal
// and by a refresh of every node's fingers. The first r+1 nodes form
// the stable base.
func (c *Cluster) Grow(n int) error {
	if n < 0 {
		return fmt.Errorf("%w: grow by %d nodes", ErrConfig, n)
	}
	if n == 0 {
		return nil
	}
	target := len(c.nodes) + n
	if len(c.nodes) == 0 {
		if _, err := c.Create(); err != nil {
			return err
		}
	}
	fixedAt := 0
	for len(c.nodes) < target {
		batch := min(max(len(c.nodes), 1), target-len(c.nodes))
		for range batch {
			if _, err := c.Join(); err != nil {
				return err
			}
		}
		if err := c.sweepUntilStable(4*c.cfg.Successors + 64); err != nil {
			return fmt.Errorf("simnet: grow to %d: %w", len(c.nodes), err)
		}
		if len(c.base) == 0 && len(c.nodes) > c.cfg.Successors {
			c.markFirst(c.cfg.Successors + 1)
		}
		// Fingers are refreshed whenever the ring has grown eightfold
		// (unless the end is near), and at the end; in between, joins
		// route on older fingers, which still halve the distance at every
		// scale but the finest.
		if (len(c.nodes) >= 8*fixedAt && target >= 4*len(c.nodes)) || len(c.nodes) == target {
			c.FixAllFingers()
			fixedAt = len(c.nodes)
		}
	}
	return nil
}

// sweep stabilises every node once in decreasing identifier order, so that
// a successor list updated at one node reaches its predecessor in the same
// sweep. The order is only a schedule the simulator picks to build rings
// quickly; the protocol does not depend on it.
func (c *Cluster) sweep() int {
	nodes := slices.Clone(c.nodes)
	slices.SortFunc(nodes, func(a, b *chord.Node) int { return b.ID().Cmp(a.ID()) })
	changed := 0
	for _, n := range nodes {
		p, s := n.Predecessor(), n.Successor()
		n.CheckPredecessor(c.ctx)
		_ = n.Stabilize(c.ctx)
		if n.Predecessor() != p || n.Successor() != s {
			changed++
		}
	}
	return changed
}

// sweepUntilStable stabilises until the ring is ideal: a full sweep, then
// sweeps over a work list of the nodes that changed in the previous sweep
// and the predecessors that read their lists, with a full check (and a
// full sweep if it fails) whenever the work list empties.
func (c *Cluster) sweepUntilStable(maxSweeps int) error {
	work := slices.Clone(c.nodes)
	for range maxSweeps {
		if len(work) == 0 {
			if c.CheckStable() == nil {
				return nil
			}
			work = slices.Clone(c.nodes)
		}
		slices.SortFunc(work, func(a, b *chord.Node) int { return b.ID().Cmp(a.ID()) })
		work = slices.CompactFunc(work, func(a, b *chord.Node) bool { return a == b })
		var next []*chord.Node
		for _, n := range work {
			if c.Node(n.Info().Addr) == nil {
				continue
			}
			v := n.Version()
			n.CheckPredecessor(c.ctx)
			_ = n.Stabilize(c.ctx)
			if n.Version() != v {
				next = append(next, n)
				if p := c.Node(n.Predecessor().Addr); p != nil {
					next = append(next, p)
				}
			}
		}
		// A node whose successor changed must also be revisited by the
		// node that notifies it.
		work = next
	}
	return c.CheckStable()
}

func (c *Cluster) markFirst(k int) {
	for _, n := range c.nodes[:min(k, len(c.nodes))] {
		c.base[n.Info().Addr] = true
	}
}

// States returns a snapshot of every live node's pointers.
func (c *Cluster) States() []chord.State {
	st := make([]chord.State, len(c.nodes))
	for i, n := range c.nodes {
		st[i] = n.State()
	}
	return st
}

// ringStates returns what the ring checks read of every live node: its
// identity, predecessor and successor list, the lists sharing one
// allocation. A check of a 10^6-node ring then allocates a few hundred
// megabytes once instead of a full [chord.State] per node.
func (c *Cluster) ringStates() []chord.State {
	st := make([]chord.State, len(c.nodes))
	succs := make([]chord.NodeInfo, 0, len(c.nodes)*c.cfg.Successors)
	for i, n := range c.nodes {
		start := len(succs)
		succs = n.AppendSuccessors(succs)
		st[i] = chord.State{Self: n.Info(), Pred: n.Predecessor(), Successors: succs[start:len(succs):len(succs)]}
	}
	return st
}

// Check checks Zave's invariants ([chord.CheckInvariants]) on the live
// nodes.
func (c *Cluster) Check() error { return chord.CheckInvariants(c.ringStates()) }

// CheckStable checks that the ring is ideal ([chord.CheckStable]).
func (c *Cluster) CheckStable() error { return chord.CheckStable(c.ringStates(), c.cfg.Successors) }

// Owner returns the oracle's answer for successor(key): the live node
// whose identifier is the first at or after key (zero if the cluster is
// empty).
func (c *Cluster) Owner(key chord.ID) chord.NodeInfo {
	if len(c.nodes) == 0 {
		return chord.NodeInfo{}
	}
	if c.sorted == nil {
		c.sorted = make([]chord.NodeInfo, len(c.nodes))
		for i, n := range c.nodes {
			c.sorted[i] = n.Info()
		}
		slices.SortFunc(c.sorted, func(a, b chord.NodeInfo) int { return a.ID.Cmp(b.ID) })
	}
	i, _ := slices.BinarySearchFunc(c.sorted, key, func(a chord.NodeInfo, k chord.ID) int { return a.ID.Cmp(k) })
	return c.sorted[i%len(c.sorted)]
}

// schedule runs fn after d, then the AfterStep hook.
func (c *Cluster) schedule(d time.Duration, fn func()) des.Event {
	return c.Sim.After(d, func() {
		if c.stepErr != nil {
			return
		}
		fn()
		if c.AfterStep != nil {
			if err := c.AfterStep(); err != nil {
				c.stepErr = fmt.Errorf("at %v: %w", c.Sim.Now(), err)
			}
		}
	})
}

// StartTimers starts every live node's maintenance timers (stabilize,
// fix-fingers, check-predecessor), each at a random phase. Nodes that join
// later through churn get theirs when they join.
func (c *Cluster) StartTimers() {
	for _, n := range c.nodes {
		c.startTimers(n)
	}
}

func (c *Cluster) startTimers(n *chord.Node) {
	addr := n.Info().Addr
	loop := func(every time.Duration, slot int, op func()) {
		first := time.Duration(c.rng.Int64N(int64(every)))
		var tick func()
		tick = func() {
			if c.Node(addr) == nil {
				return
			}
			op()
			c.timers[addr][slot] = c.schedule(every, tick)
		}
		c.timers[addr][slot] = c.schedule(first, tick)
	}
	c.timers[addr] = make([]des.Event, 3)
	loop(c.cfg.StabilizeEvery, 0, func() {
		if err := n.Stabilize(c.ctx); errors.Is(err, chord.ErrNoSuccessor) && len(c.nodes) > 1 {
			// Every successor failed: rejoin through a live member, as a
			// deployment would through its bootstrap list.
			for range 3 {
				if b := c.Random(); b != n && n.Join(c.ctx, b.Info()) == nil {
					c.Rejoins++
					break
				}
			}
		}
	})
	loop(c.cfg.FixFingersEvery, 1, func() { _ = n.FixFingers(c.ctx) })
	loop(c.cfg.CheckPredEvery, 2, func() { n.CheckPredecessor(c.ctx) })
}

// Churn configures [Cluster.StartChurn].
type Churn struct {
	JoinRate, FailRate float64 // events per second of simulated time
	// Safe skips failures that would break the operating assumption
	// ([Cluster.SafeToFail]); skipped failures are counted in Skipped.
	Safe bool
	// MinNodes stops failures from shrinking the ring below this size.
	MinNodes int
}

// StartChurn starts Poisson processes of joins and crash failures.
//
// Rates that are negative, infinite or NaN start no process.
func (c *Cluster) StartChurn(ch Churn) {
	c.churnOff = false
	valid := func(rate float64) bool { return rate > 0 && !math.IsInf(rate, 0) }
	if !valid(ch.JoinRate) {
		ch.JoinRate = 0
	}
	if !valid(ch.FailRate) {
		ch.FailRate = 0
	}
	exp := func(rate float64) time.Duration {
		return time.Duration(c.rng.ExpFloat64() / rate * float64(time.Second))
	}
	if ch.JoinRate > 0 {
		var join func()
		join = func() {
			if c.churnOff {
				return
			}
			if n, err := c.Join(); err == nil {
				c.startTimers(n)
			}
			c.schedule(exp(ch.JoinRate), join)
		}
		c.schedule(exp(ch.JoinRate), join)
	}
	if ch.FailRate > 0 {
		var fail func()
		fail = func() {
			if c.churnOff {
				return
			}
			if len(c.nodes) > max(ch.MinNodes, 1) {
				n := c.Random()
				if !ch.Safe || c.SafeToFail(n.Info().Addr) {
					c.Fail(n.Info().Addr)
				} else {
					c.Skipped++
				}
			}
			c.schedule(exp(ch.FailRate), fail)
		}
		c.schedule(exp(ch.FailRate), fail)
	}
}

// Run advances the simulation to time t. Once the AfterStep hook reports an
// error, later events do nothing and Run returns that error.
func (c *Cluster) Run(t time.Duration) error {
	c.Sim.RunUntil(t)
	return c.stepErr
}

// Quantile returns the q-quantile of xs (sorted in place).
func Quantile(xs []int, q float64) int {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	k := int(math.Ceil(q*float64(len(xs)))) - 1
	return xs[max(k, 0)]
}

// StopChurn ends the processes StartChurn started.
func (c *Cluster) StopChurn() { c.churnOff = true }
