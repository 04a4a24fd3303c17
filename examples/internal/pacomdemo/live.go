package pacomdemo

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/des"
	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
)

// liveNet runs whole pacomchan.Node clients on the discrete-event clock:
// every client requests blocks from every neighbour as a Poisson process,
// the neighbour answers after the link delay, and everything the routers
// emit travels inside those blocks.
type liveNet struct {
	sim    des.Sim
	rng    *mrand.Rand
	start  time.Time
	nodes  []*pacomchan.Node
	adj    [][]int
	delay  map[[2]int]time.Duration
	swarm  map[[2]int]pacomchan.SwarmID
	nextSw pacomchan.SwarmID
	blocks int
	rate   float64

	established map[pacomchan.CircuitID]time.Duration
	delivered   []delivery
	served      []int
	dummy       []int
	errs        int
}

type delivery struct {
	at     int
	when   time.Duration
	packet pacomchan.Delivery
}

func newLiveNet(seed uint64, top sim.Topology, blockSize, fileBlocks int, rate float64) (*liveNet, error) {
	n := &liveNet{
		rng: mrand.New(mrand.NewPCG(seed, 0x11)), start: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC),
		adj: make([][]int, top.Clients), delay: map[[2]int]time.Duration{}, swarm: map[[2]int]pacomchan.SwarmID{},
		blocks: fileBlocks, rate: rate, established: map[pacomchan.CircuitID]time.Duration{},
		served: make([]int, top.Clients), dummy: make([]int, top.Clients),
	}
	for i := range top.Clients {
		nd, err := pacomchan.NewNode(rand.Reader, mrand.New(mrand.NewPCG(seed, uint64(i))),
			pacomchan.NodeConfig{Link: pacomchan.LinkConfig{BlockSize: blockSize}})
		if err != nil {
			return nil, err
		}
		n.nodes = append(n.nodes, nd)
	}
	for _, e := range top.Edges {
		n.adj[e[0]] = append(n.adj[e[0]], e[1])
		n.adj[e[1]] = append(n.adj[e[1]], e[0])
	}
	for i, nb := range n.adj {
		for _, j := range nb {
			n.delay[[2]int{i, j}] = time.Millisecond + time.Duration(n.rng.Int64N(int64(99*time.Millisecond)))
			if err := n.nodes[i].AddPeer(pacomchan.PeerID(j), pacomchan.PACOMPeer); err != nil {
				return nil, err
			}
		}
	}
	for i, nb := range n.adj {
		for _, j := range nb {
			if err := n.newSwarm(j, i); err != nil {
				return nil, err
			}
			n.arm(i, j)
		}
	}
	return n, nil
}

func (n *liveNet) now() time.Time { return n.start.Add(n.sim.Now()) }

// newSwarm makes server seed a fresh PACOM file that client downloads.
func (n *liveNet) newSwarm(server, client int) error {
	n.nextSw++
	sid := n.nextSw
	n.swarm[[2]int{client, server}] = sid
	srv, cl := n.nodes[server].Scheduler(), n.nodes[client].Scheduler()
	for _, err := range []error{
		srv.JoinSwarm(sid, n.blocks, true), cl.JoinSwarm(sid, n.blocks, false),
		srv.Connect(pacomchan.PeerID(client), sid), cl.Connect(pacomchan.PeerID(server), sid),
		cl.HaveAll(pacomchan.PeerID(server), sid),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (n *liveNet) arm(i, j int) {
	d := time.Duration(n.rng.ExpFloat64() / n.rate * float64(time.Second))
	n.sim.After(d, func() {
		n.request(i, j)
		n.arm(i, j)
	})
}

func (n *liveNet) request(i, j int) {
	r, ok, err := n.nodes[i].Scheduler().RequestFrom(pacomchan.PeerID(j), n.swarm[[2]int{i, j}])
	if err != nil || !ok {
		return
	}
	n.sim.After(n.delay[[2]int{i, j}], func() {
		resp, err := n.nodes[j].OnRequest(pacomchan.PeerID(i), r.Swarm, r.Index, nil)
		if err != nil {
			n.errs++
			return
		}
		n.served[j]++
		if !resp.Carried {
			n.dummy[j]++
		}
		n.sim.After(n.delay[[2]int{j, i}], func() {
			rec, res, err := n.nodes[i].OnBlock(n.now(), pacomchan.PeerID(j), r.Swarm, r.Index, resp.Block, nil)
			if err != nil {
				n.errs++
				return
			}
			for _, id := range res.Established {
				n.established[id] = n.sim.Now()
			}
			for _, d := range res.Delivered {
				n.delivered = append(n.delivered, delivery{at: i, when: n.sim.Now(), packet: d})
			}
			if rec.Completed {
				_ = n.nodes[i].Scheduler().LeaveSwarm(r.Swarm)
				if err := n.newSwarm(j, i); err != nil {
					n.errs++
				}
			}
		})
	})
}

// path follows a circuit's records from its source to its target.
func (n *liveNet) path(src int, id pacomchan.CircuitID) ([]int, error) {
	p := []int{src}
	for at := src; len(p) <= len(n.nodes); {
		rt, ok := n.nodes[at].Router().Route(id)
		if !ok || !rt.Built {
			return nil, fmt.Errorf("circuit %v not built at P%d", id, at+1)
		}
		if rt.Target {
			return p, nil
		}
		at = int(rt.NextHop)
		p = append(p, at)
	}
	return nil, fmt.Errorf("circuit %v loops", id)
}
