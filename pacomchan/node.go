package pacomchan

import (
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// NodeConfig parameterises a [Node]; zero fields take the defaults of each
// part. Router.MaxMessage defaults to the segment size of Link.BlockSize.
type NodeConfig struct {
	Link      LinkConfig
	Scheduler SchedulerConfig
	Router    RouterConfig
}

// NodeStats counts what a node dropped between its parts.
type NodeStats struct {
	// QueueDropped counts circuit messages lost to a full output queue.
	QueueDropped uint64
	// Rejected counts segments the router refused (malformed, unknown
	// circuit, replayed, stale).
	Rejected uint64
}

// Node is a whole PACOM client: a [Scheduler] whose PACOM neighbours each
// have a [Link], and a [Router] whose messages travel as the segments those
// links carry. Like its parts it is an event-driven state machine: the
// caller feeds it requests and blocks from its BitTorrent connections and
// sends what it returns.
type Node struct {
	sched  *Scheduler
	router *Router
	links  map[PeerID]*Link
	rnd    io.Reader
	cfg    NodeConfig
	stats  NodeStats
}

// NewNode returns a client with fresh keys from rnd, crypto/rand.Reader if
// nil; rng drives block choices and random walks, and a nil rng is an
// error.
func NewNode(rnd io.Reader, rng *rand.Rand, cfg NodeConfig) (*Node, error) {
	if rnd == nil {
		rnd = crand.Reader
	}
	if cfg.Link.BlockSize == 0 {
		cfg.Link.BlockSize = BlockSize
	}
	if cfg.Router.MaxMessage == 0 {
		cfg.Router.MaxMessage = cfg.Link.BlockSize - BlockOverhead
	}
	if cfg.Router.MaxMessage > cfg.Link.BlockSize-BlockOverhead {
		return nil, fmt.Errorf("pacomchan: MaxMessage %d does not fit in a %d-byte block", cfg.Router.MaxMessage, cfg.Link.BlockSize)
	}
	sched, err := NewScheduler(cfg.Scheduler, rng)
	if err != nil {
		return nil, err
	}
	router, err := NewRouter(rnd, rng, cfg.Router)
	if err != nil {
		return nil, err
	}
	// Validate the link configuration once, here.
	if _, err := NewLink(rnd, cfg.Link); err != nil {
		return nil, err
	}
	return &Node{sched: sched, router: router, links: map[PeerID]*Link{}, rnd: rnd, cfg: cfg}, nil
}

// Scheduler returns the node's scheduler, for swarm membership and HAVE
// bookkeeping.
func (n *Node) Scheduler() *Scheduler { return n.sched }

// Router returns the node's router.
func (n *Node) Router() *Router { return n.router }

// Link returns the channel to a PACOM neighbour.
func (n *Node) Link(p PeerID) *Link { return n.links[p] }

// Stats returns the node's counters.
func (n *Node) Stats() NodeStats { return n.stats }

// PublicKey returns the key other clients build circuits to.
func (n *Node) PublicKey() []byte { return n.router.PublicKey() }

// AddPeer adds a neighbour; a PACOM neighbour gets a fresh [Link] and
// carries circuits.
func (n *Node) AddPeer(p PeerID, kind PeerKind) error {
	if kind == BitTorrentPeer {
		return n.sched.AddPeer(p, kind, nil)
	}
	l, err := NewLink(n.rnd, n.cfg.Link)
	if err != nil {
		return err
	}
	if err := n.sched.AddPeer(p, kind, l); err != nil {
		return err
	}
	n.links[p] = l
	n.router.AddNeighbour(p)
	return nil
}

// RemovePeer drops a neighbour: its circuits break (those this client built
// are rebuilt at the next [Node.Tick]) and the segments queued for it are
// dropped.
func (n *Node) RemovePeer(p PeerID) error {
	left, err := n.sched.RemovePeer(p)
	if err != nil {
		return err
	}
	n.stats.QueueDropped += uint64(len(left))
	delete(n.links, p)
	n.router.RemoveNeighbour(p)
	return nil
}

// OnRequest answers a neighbour's block request; see [Scheduler.OnRequest].
func (n *Node) OnRequest(from PeerID, sid SwarmID, index int, dst []byte) (Response, error) {
	return n.sched.OnRequest(from, sid, index, dst)
}

// OnBlock takes a block a neighbour served: the scheduler opens it and the
// router handles the segment it carried, queueing whatever must go on. The
// Result lists data delivered to this client and circuit events. A block
// that fails to open is an error from the scheduler; a segment the router
// refuses is counted and its error returned with the Received.
func (n *Node) OnBlock(now time.Time, from PeerID, sid SwarmID, index int, block, buf []byte) (Received, Result, error) {
	rec, err := n.sched.OnBlock(from, sid, index, block, buf)
	if err != nil || rec.Segment == nil {
		return rec, Result{}, err
	}
	res, err := n.router.Handle(now, from, rec.Segment)
	if err != nil {
		n.stats.Rejected++
		return rec, res, err
	}
	n.dispatch(res.Out)
	return rec, res, nil
}

// Build starts a circuit to the holder of target; see [Router.Build].
func (n *Node) Build(now time.Time, target []byte) (CircuitID, error) {
	id, res, err := n.router.Build(now, target)
	if err != nil {
		return id, err
	}
	n.dispatch(res.Out)
	return id, nil
}

// Send queues data on an established circuit; see [Router.Send].
func (n *Node) Send(now time.Time, id CircuitID, data []byte) error {
	out, err := n.router.Send(now, id, data)
	if err != nil {
		return err
	}
	return n.enqueue(out)
}

// Tick runs the router's periodic work; see [Router.Tick].
func (n *Node) Tick(now time.Time) Result {
	res := n.router.Tick(now)
	n.dispatch(res.Out)
	return res
}

func (n *Node) dispatch(outs []Outgoing) {
	for _, o := range outs {
		_ = n.enqueue(o)
	}
}

func (n *Node) enqueue(o Outgoing) error {
	err := n.sched.Enqueue(o.To, o.Msg)
	if err != nil {
		n.stats.QueueDropped++
		if errors.Is(err, ErrUnknownPeer) {
			return fmt.Errorf("pacomchan: circuit hop %d is gone: %w", o.To, err)
		}
	}
	return err
}
