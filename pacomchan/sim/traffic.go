package sim

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/des"
	"github.com/swarmblocks/swarmblocks/pacomchan"
)

// Mode selects how relays forward circuit data.
type Mode uint8

const (
	// PACOMMode runs Algorithm 1: every link carries blocks only when its
	// receiver requests them, with data if queued and padding otherwise.
	PACOMMode Mode = iota
	// NaiveMode is a relay that forwards each data packet as soon as it
	// arrives, with no cover traffic: the store-and-forward baseline.
	NaiveMode
)

func (m Mode) String() string {
	if m == NaiveMode {
		return "naive relay"
	}
	return "PACOM"
}

// Topology is an undirected graph of clients 0..Clients−1.
type Topology struct {
	Clients int
	Edges   [][2]int
}

// TrafficConfig parameterises a traffic simulation.
type TrafficConfig struct {
	Seed     uint64
	Topology Topology
	// Circuits are paths of clients, source first, target last; each
	// consecutive pair must be an edge.
	Circuits [][]int
	Mode     Mode
	Duration time.Duration
	// RequestRate is the rate (per second) at which each client requests
	// blocks from each neighbour: a Poisson process, subject to h. It must
	// be positive and at most 10^6.
	RequestRate float64
	// MessageRate is the rate (per second) at which each circuit's source
	// produces data segments: a Poisson process. It must be in [0, 10^6].
	MessageRate float64
	// MinDelay and MaxDelay bound the one-way delay of each directed link,
	// drawn uniformly once per link (1–100 ms in §6.4).
	MinDelay, MaxDelay time.Duration
	// Bin is the width of the packet-count intervals recorded per link.
	Bin time.Duration
	// BlockSize is the block size of the links (small blocks keep the
	// simulation fast; the counts do not depend on it).
	BlockSize int
	// FileBlocks is the size of each PACOM file, in blocks; a client that
	// completes one rejoins a fresh swarm of the same neighbour (§3.4).
	FileBlocks int
}

// Traffic is the outcome of a traffic simulation.
type Traffic struct {
	Seed uint64
	Mode Mode
	Bins int
	// Counts holds, for each directed link, the number of blocks sent in
	// each interval: what a passive observer of the link sees.
	Counts map[[2]int][]float64
	// Served and Dummy count, per client, the blocks served to PACOM
	// neighbours and how many of them carried no data.
	Served, Dummy []int
	// Sent and Delivered count circuit data segments; Latency sums their
	// end-to-end delay.
	Sent, Delivered int
	Latency         time.Duration
	// Rejoins counts PACOM files completed (and swarms rejoined).
	Rejoins int
	// Dropped counts segments lost to full queues.
	Dropped int
	// Errors counts events the clients refused (none in a correct run).
	Errors int
}

// CoverRatio returns the average over clients of the fraction of the
// blocks each served that were cover traffic (Fig. 18's metric).
func (t *Traffic) CoverRatio() float64 {
	sum, n := 0.0, 0
	for i := range t.Served {
		if t.Served[i] > 0 {
			sum += float64(t.Dummy[i]) / float64(t.Served[i])
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// MeanLatency returns the mean end-to-end delay of delivered segments.
func (t *Traffic) MeanLatency() time.Duration {
	if t.Delivered == 0 {
		return 0
	}
	return t.Latency / time.Duration(t.Delivered)
}

// Link returns the packet counts of the directed link u → v.
func (t *Traffic) Link(u, v int) []float64 { return t.Counts[[2]int{u, v}] }

// segment layout inside a block: flow, sequence number, creation time.
const segmentSize = 4 + 4 + 8

// trafficSim is one run's state.
type trafficSim struct {
	cfg    TrafficConfig
	sim    des.Sim
	rng    *mrand.Rand
	adj    [][]int
	delay  map[[2]int]time.Duration
	nodes  []*pacomchan.Scheduler
	links  map[[2]int]*pacomchan.Link // links[{i,j}] is i's end towards j
	swarm  map[[2]int]pacomchan.SwarmID
	nextSw pacomchan.SwarmID
	route  []map[uint32]int // route[node][flow] = next hop, −1 at the target
	out    Traffic
}

// errInvalid reports a bad configuration.
var errInvalid = errors.New("sim: invalid traffic configuration")

// maxRate bounds RequestRate and MessageRate, per second: a mean gap of
// 1 µs, a thousand ticks of the nanosecond clock. Near 10^9 the Poisson
// gaps round to 0 ns, the clock stops and the run never ends.
const maxRate = 1e6

// RunTraffic runs a traffic simulation. It is deterministic given the
// configuration, Seed included (the links' keys come from crypto/rand but
// do not influence any event).
func RunTraffic(cfg TrafficConfig) (*Traffic, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	s := &trafficSim{
		cfg: cfg, rng: mrand.New(mrand.NewPCG(cfg.Seed, 0x30)),
		delay: map[[2]int]time.Duration{}, links: map[[2]int]*pacomchan.Link{},
		swarm: map[[2]int]pacomchan.SwarmID{},
	}
	bins := int(cfg.Duration / cfg.Bin)
	s.out = Traffic{Seed: cfg.Seed, Mode: cfg.Mode, Bins: bins, Counts: map[[2]int][]float64{},
		Served: make([]int, cfg.Topology.Clients), Dummy: make([]int, cfg.Topology.Clients)}
	s.adj = make([][]int, cfg.Topology.Clients)
	for _, e := range cfg.Topology.Edges {
		s.adj[e[0]] = append(s.adj[e[0]], e[1])
		s.adj[e[1]] = append(s.adj[e[1]], e[0])
	}
	for i, nb := range s.adj {
		for _, j := range nb {
			span := cfg.MaxDelay - cfg.MinDelay
			d := cfg.MinDelay
			if span > 0 {
				d += time.Duration(s.rng.Int64N(int64(span) + 1))
			}
			s.delay[[2]int{i, j}] = d
			s.out.Counts[[2]int{i, j}] = make([]float64, bins)
		}
	}
	s.route = make([]map[uint32]int, cfg.Topology.Clients)
	for i := range s.route {
		s.route[i] = map[uint32]int{}
	}
	for f, path := range cfg.Circuits {
		for k := 1; k < len(path); k++ {
			next := -1
			if k+1 < len(path) {
				next = path[k+1]
			}
			s.route[path[k]][uint32(f)] = next
		}
	}
	if cfg.Mode == PACOMMode {
		if err := s.setupPACOM(); err != nil {
			return nil, err
		}
	}
	for f, path := range cfg.Circuits {
		s.scheduleMessage(uint32(f), path, 0)
	}
	s.sim.RunUntil(cfg.Duration)
	return &s.out, nil
}

func (cfg *TrafficConfig) check() error {
	switch {
	case cfg.Topology.Clients < 2:
		return fmt.Errorf("%w: %d clients", errInvalid, cfg.Topology.Clients)
	case cfg.Duration <= 0 || cfg.Bin <= 0 || cfg.Duration < cfg.Bin:
		return fmt.Errorf("%w: duration %v, bin %v", errInvalid, cfg.Duration, cfg.Bin)
	case !(cfg.RequestRate > 0 && cfg.RequestRate <= maxRate) || !(cfg.MessageRate >= 0 && cfg.MessageRate <= maxRate):
		return fmt.Errorf("%w: request rate %v, message rate %v", errInvalid, cfg.RequestRate, cfg.MessageRate)
	case cfg.MinDelay < 0 || cfg.MaxDelay < cfg.MinDelay:
		return fmt.Errorf("%w: delays %v–%v", errInvalid, cfg.MinDelay, cfg.MaxDelay)
	case cfg.FileBlocks < 1:
		return fmt.Errorf("%w: %d blocks per file", errInvalid, cfg.FileBlocks)
	}
	if cfg.BlockSize == 0 {
		cfg.BlockSize = 1024
	}
	edge := map[[2]int]bool{}
	for _, e := range cfg.Topology.Edges {
		if e[0] == e[1] || e[0] < 0 || e[1] < 0 || e[0] >= cfg.Topology.Clients || e[1] >= cfg.Topology.Clients {
			return fmt.Errorf("%w: edge %v", errInvalid, e)
		}
		if edge[e] || edge[[2]int{e[1], e[0]}] {
			return fmt.Errorf("%w: duplicate edge %v", errInvalid, e)
		}
		edge[e] = true
	}
	for f, p := range cfg.Circuits {
		if len(p) < 2 {
			return fmt.Errorf("%w: circuit %d is too short", errInvalid, f)
		}
		for k := 0; k+1 < len(p); k++ {
			if !edge[[2]int{p[k], p[k+1]}] && !edge[[2]int{p[k+1], p[k]}] {
				return fmt.Errorf("%w: circuit %d uses the non-edge %d–%d", errInvalid, f, p[k], p[k+1])
			}
		}
	}
	return nil
}

// setupPACOM creates each client's scheduler and links, the swarms (client
// j seeds one file per neighbour i, which i downloads), and the request
// processes.
func (s *trafficSim) setupPACOM() error {
	for i := range s.adj {
		sch, err := pacomchan.NewScheduler(pacomchan.SchedulerConfig{}, mrand.New(mrand.NewPCG(s.cfg.Seed, uint64(i)+0x100)))
		if err != nil {
			return err
		}
		s.nodes = append(s.nodes, sch)
	}
	for i, nb := range s.adj {
		for _, j := range nb {
			l, err := pacomchan.NewLink(rand.Reader, pacomchan.LinkConfig{BlockSize: s.cfg.BlockSize})
			if err != nil {
				return err
			}
			s.links[[2]int{i, j}] = l
			if err := s.nodes[i].AddPeer(pacomchan.PeerID(j), pacomchan.PACOMPeer, l); err != nil {
				return err
			}
		}
	}
	for i, nb := range s.adj {
		for _, j := range nb {
			if err := s.newSwarm(j, i); err != nil {
				return err
			}
			s.scheduleRequest(i, j)
		}
	}
	return nil
}

// newSwarm makes server seed a fresh PACOM file that client downloads.
func (s *trafficSim) newSwarm(server, client int) error {
	s.nextSw++
	sid := s.nextSw
	s.swarm[[2]int{client, server}] = sid
	srv, cl := s.nodes[server], s.nodes[client]
	if err := srv.JoinSwarm(sid, s.cfg.FileBlocks, true); err != nil {
		return err
	}
	if err := cl.JoinSwarm(sid, s.cfg.FileBlocks, false); err != nil {
		return err
	}
	if err := srv.Connect(pacomchan.PeerID(client), sid); err != nil {
		return err
	}
	if err := cl.Connect(pacomchan.PeerID(server), sid); err != nil {
		return err
	}
	return cl.HaveAll(pacomchan.PeerID(server), sid)
}

func (s *trafficSim) expDelay(rate float64) time.Duration {
	return time.Duration(s.rng.ExpFloat64() / rate * float64(time.Second))
}

// scheduleRequest arms the next request of client i to neighbour j.
func (s *trafficSim) scheduleRequest(i, j int) {
	s.sim.After(s.expDelay(s.cfg.RequestRate), func() {
		s.request(i, j)
		s.scheduleRequest(i, j)
	})
}

// request performs lines 3–6 of Algorithm 1 and the round trip it causes.
func (s *trafficSim) request(i, j int) {
	sid := s.swarm[[2]int{i, j}]
	r, ok, err := s.nodes[i].RequestFrom(pacomchan.PeerID(j), sid)
	if err != nil || !ok {
		return
	}
	s.sim.After(s.delay[[2]int{i, j}], func() {
		resp, err := s.nodes[j].OnRequest(pacomchan.PeerID(i), r.Swarm, r.Index, nil)
		if err != nil {
			s.out.Errors++
			return
		}
		s.out.Served[j]++
		if !resp.Carried {
			s.out.Dummy[j]++
		}
		s.count(j, i)
		s.sim.After(s.delay[[2]int{j, i}], func() { s.receive(i, j, r, resp.Block) })
	})
}

// receive handles a block arriving at i from j (lines 8–18).
func (s *trafficSim) receive(i, j int, r pacomchan.Request, block []byte) {
	rec, err := s.nodes[i].OnBlock(pacomchan.PeerID(j), r.Swarm, r.Index, block, nil)
	if err != nil {
		s.out.Errors++
		return
	}
	if rec.Segment != nil {
		s.arrive(i, rec.Segment)
	}
	if rec.Completed {
		s.out.Rejoins++
		_ = s.nodes[i].LeaveSwarm(r.Swarm)
		if err := s.newSwarm(j, i); err != nil {
			panic(err) // cannot happen: fresh ids
		}
	}
}

// arrive routes a data segment that reached client i.
func (s *trafficSim) arrive(i int, seg []byte) {
	flow := binary.BigEndian.Uint32(seg)
	next, ok := s.route[i][flow]
	if !ok {
		return
	}
	if next < 0 {
		s.out.Delivered++
		s.out.Latency += s.sim.Now() - time.Duration(binary.BigEndian.Uint64(seg[8:]))
		return
	}
	s.forward(i, next, seg)
}

// forward sends seg from i towards next: queued until next requests a block
// in PACOM mode, sent at once by a naive relay.
func (s *trafficSim) forward(i, next int, seg []byte) {
	if s.cfg.Mode == PACOMMode {
		if err := s.nodes[i].Enqueue(pacomchan.PeerID(next), seg); err != nil {
			s.out.Dropped++
		}
		return
	}
	s.count(i, next)
	cp := append([]byte(nil), seg...)
	s.sim.After(s.delay[[2]int{i, next}], func() { s.arrive(next, cp) })
}

// scheduleMessage arms the next data segment of circuit f.
func (s *trafficSim) scheduleMessage(f uint32, path []int, seq uint32) {
	if s.cfg.MessageRate == 0 {
		return
	}
	s.sim.After(s.expDelay(s.cfg.MessageRate), func() {
		seg := make([]byte, segmentSize)
		binary.BigEndian.PutUint32(seg, f)
		binary.BigEndian.PutUint32(seg[4:], seq)
		binary.BigEndian.PutUint64(seg[8:], uint64(s.sim.Now()))
		s.out.Sent++
		s.forward(path[0], path[1], seg)
		s.scheduleMessage(f, path, seq+1)
	})
}

// count records a block sent on link u → v now.
func (s *trafficSim) count(u, v int) {
	b := int(s.sim.Now() / s.cfg.Bin)
	if c := s.out.Counts[[2]int{u, v}]; b < len(c) {
		c[b]++
	}
}
