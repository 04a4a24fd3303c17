// Package simnet is a deterministic simulated network for [chord] nodes:
// an in-memory [chord.Transport] with latency, message loss, crashes and
// partitions, and a [Cluster] that drives whole rings (maintenance timers,
// Poisson churn, oracle checks) on the discrete-event engine internal/des.
//
// Every call is delivered synchronously: the caller's request is copied
// (or, with [Config.Wire], encoded and decoded) and handed to the callee's
// [chord.Node.Handle] at once, so each protocol operation is one atomic step
// of the simulation, as in Zave's model of Chord. Latency does not reorder
// steps; it is charged to the simulated time a call takes ([Network.Charged])
// so that lookups can report their latency. Everything random is drawn from
// one seeded generator: a run is reproducible from its seed.
//
// A Network and its nodes are safe for concurrent use, and calls from
// several goroutines proceed in parallel (BenchmarkLookupParallel in
// package chord runs one lookup per core this way); a run is reproducible
// from its seed only when one goroutine drives it, as a [Cluster] does.
package simnet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
)

// ErrSpoofed is returned by a call whose request names a sender other than
// the endpoint it is sent from.
var ErrSpoofed = errors.New("simnet: request sender does not match the endpoint")

// Config configures a [Network].
type Config struct {
	// Latency is the mean one-way delay; Jitter the width of the uniform
	// spread around it.
	Latency, Jitter time.Duration
	// Loss is the probability that a call (request or answer) is lost,
	// which the caller sees as a timeout.
	Loss float64
	// Timeout is the time a caller waits before presuming a silent node
	// dead (default 500 ms).
	Timeout time.Duration
	// Wire makes every call go through the binary codec, as a real network
	// would; slower, and the default in the package's tests.
	Wire bool
}

// Network is a simulated network. It is safe for concurrent use, but
// simulations drive it from one goroutine to stay deterministic.
//
// Calls take only a read lock, on a shard of their own port's choosing,
// and count on their own port, so that lookups from several goroutines (a
// parallel benchmark, a node serving many clients) neither queue behind
// one another nor share a cache line.
type Network struct {
	cfg Config

	mu     shardedLock // guards eps, groups and ports
	eps    endpoints
	groups bool // some endpoint is outside group 0
	ports  []*port

	rngMu sync.Mutex // guards rng
	rng   *rand.Rand
}

// ErrConfig is returned for an invalid network or cluster configuration.
var ErrConfig = errors.New("simnet: invalid configuration")

// New returns an empty network whose randomness (loss, jitter) comes from
// rng, which is required.
func New(cfg Config, rng *rand.Rand) (*Network, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrConfig)
	}
	if cfg.Loss < 0 || cfg.Loss > 1 || math.IsNaN(cfg.Loss) || cfg.Latency < 0 || cfg.Jitter < 0 || cfg.Timeout < 0 {
		return nil, fmt.Errorf("%w: loss %v, latency %v, jitter %v, timeout %v", ErrConfig, cfg.Loss, cfg.Latency, cfg.Jitter, cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 500 * time.Millisecond
	}
	return &Network{cfg: cfg, rng: rng}, nil
}

// Register attaches handler h at address addr, up and in partition group 0.
func (nw *Network) Register(addr string, h chord.Handler) {
	nw.mu.lock()
	defer nw.mu.unlock()
	nw.eps.set(addr, endpoint{h: h})
}

// numberedAddr returns the address "n<k>", whose bytes share memory with
// the handler registered at it (see [endpoints.addr]): calls to it resolve
// in one memory access. k is below maxNumbered.
func (nw *Network) numberedAddr(k int) string {
	nw.mu.lock()
	defer nw.mu.unlock()
	return nw.eps.addr(k)
}

// Crash makes addr silent: every call to it times out. The node's memory is
// gone as far as the network is concerned (crash-stop).
func (nw *Network) Crash(addr string) {
	nw.mu.lock()
	defer nw.mu.unlock()
	nw.eps.delete(addr)
}

// SetGroup puts addr in partition group g; nodes in different groups
// cannot reach each other until [Network.Heal].
func (nw *Network) SetGroup(addr string, g int) {
	nw.mu.lock()
	defer nw.mu.unlock()
	if ep, ok := nw.eps.get(addr); ok {
		ep.group = g
		nw.eps.set(addr, ep)
		nw.groups = nw.groups || g != 0
	}
}

// Heal puts every endpoint back in group 0.
func (nw *Network) Heal() {
	nw.mu.lock()
	defer nw.mu.unlock()
	nw.eps.setGroupAll(0)
	nw.groups = false
}

// Alive reports whether addr is registered and not crashed.
func (nw *Network) Alive(addr string) bool {
	defer nw.mu.rlock(0).RUnlock()
	_, ok := nw.eps.get(addr)
	return ok
}

// Charged returns the simulated time spent in calls so far (round trips
// and timeouts).
func (nw *Network) Charged() time.Duration {
	defer nw.mu.rlock(0).RUnlock()
	var d time.Duration
	for _, p := range nw.ports {
		d += time.Duration(p.charged.Load())
	}
	return d
}

// Calls returns the number of calls made and how many got no answer.
func (nw *Network) Calls() (calls, failed uint64) {
	defer nw.mu.rlock(0).RUnlock()
	for _, p := range nw.ports {
		calls += p.calls.Load()
		failed += p.failed.Load()
	}
	return calls, failed
}

// Endpoint returns the transport of the node at addr.
func (nw *Network) Endpoint(addr string) chord.Transport {
	p := &port{nw: nw, addr: addr}
	nw.mu.lock()
	defer nw.mu.unlock()
	p.shard = len(nw.ports) % lockShards
	nw.ports = append(nw.ports, p)
	return p
}

// port is one node's transport; it counts the calls the node makes.
type port struct {
	nw            *Network
	addr          string
	shard         int // the shard of Network.mu its calls read-lock
	calls, failed atomic.Uint64
	charged       atomic.Int64 // time.Duration
}

// lost reports whether a call is lost.
func (nw *Network) lost() bool {
	if nw.cfg.Loss <= 0 {
		return false
	}
	nw.rngMu.Lock()
	defer nw.rngMu.Unlock()
	return nw.rng.Float64() < nw.cfg.Loss
}

// roundTrip draws the time a call that is answered takes.
func (nw *Network) roundTrip() time.Duration {
	if nw.cfg.Jitter <= 0 {
		return 2 * max(nw.cfg.Latency, 0)
	}
	nw.rngMu.Lock()
	defer nw.rngMu.Unlock()
	var rt time.Duration
	for range 2 {
		d := nw.cfg.Latency + time.Duration(nw.rng.Int64N(int64(nw.cfg.Jitter))) - nw.cfg.Jitter/2
		rt += max(d, 0)
	}
	return rt
}

// Call implements [chord.Transport].
func (p *port) Call(ctx context.Context, to string, req *chord.Request, resp *chord.Response) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if req.From.Addr != "" && req.From.Addr != p.addr {
		// A real transport authenticates the sender (libp2p's secure
		// channels do); a node cannot claim another's address.
		return fmt.Errorf("%w: sender %q is not %q", ErrSpoofed, req.From.Addr, p.addr)
	}
	nw := p.nw
	mu := nw.mu.rlock(p.shard)
	var h chord.Handler
	if !nw.groups {
		h = nw.eps.handler(to)
	} else if dst, ok := nw.eps.get(to); ok {
		if src, found := nw.eps.get(p.addr); !found || src.group == dst.group {
			h = dst.h
		}
	}
	mu.RUnlock()
	p.calls.Add(1)
	if h == nil || nw.lost() {
		p.failed.Add(1)
		p.charged.Add(int64(nw.cfg.Timeout))
		return fmt.Errorf("%w: %s", chord.ErrUnreachable, to)
	}
	p.charged.Add(int64(nw.roundTrip()))

	if nw.cfg.Wire {
		return callWire(ctx, h, req, resp)
	}
	// Copy what the request references so that the callee shares no
	// memory with the caller; the callee copies what it answers into resp.
	// A request without references is passed as is: handlers neither
	// modify nor retain it.
	if len(req.Nodes) == 0 && len(req.Data) == 0 && req.Ticket == nil {
		h.Handle(ctx, req, resp)
		return nil
	}
	q := *req
	q.Nodes = append([]chord.NodeInfo(nil), q.Nodes...)
	q.Data = append([]byte(nil), q.Data...)
	if q.Ticket != nil {
		t := *q.Ticket
		q.Ticket = &t
	}
	h.Handle(ctx, &q, resp)
	return nil
}

// callWire sends req and resp through the binary codec in both directions.
func callWire(ctx context.Context, h chord.Handler, req *chord.Request, resp *chord.Response) error {
	b, err := req.MarshalBinary()
	if err != nil {
		return fmt.Errorf("simnet: encode request: %w", err)
	}
	var q chord.Request
	if err := q.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("simnet: decode request: %w", err)
	}
	var r chord.Response
	h.Handle(ctx, &q, &r)
	out, err := r.MarshalBinary()
	if err != nil {
		return fmt.Errorf("simnet: encode response: %w", err)
	}
	resp.Reset()
	if err := resp.UnmarshalBinary(out); err != nil {
		return fmt.Errorf("simnet: decode response: %w", err)
	}
	return nil
}
