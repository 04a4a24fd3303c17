package chord

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [Config].
const (
	DefaultSuccessors = 8              // r, the successor-list length
	DefaultQuota      = 256 << 20      // bytes a node stores for others (Appendix A: ≈242 MB)
	DefaultLifetime   = 24 * time.Hour // replica lifetime after its last store or fetch
	DefaultMaxHops    = 4 * IDBits     // lookups give up after this many hops
	closestCandidates = 5              // next-hop candidates returned per iterative step
	maxSuccessors     = MaxNodes       // upper bound on r
	minSuccessors     = 1
)

// Errors of a node's own operations.
var (
	ErrNilArgument  = errors.New("chord: required argument is nil")
	ErrNoSuccessor  = errors.New("chord: no live successor (more than r consecutive successors failed)")
	ErrLookupFailed = errors.New("chord: lookup failed")
	ErrDuplicateID  = errors.New("chord: identifier already in the ring")
	ErrLeft         = errors.New("chord: node has left the ring")
	ErrConfig       = errors.New("chord: invalid configuration")
)

// Config configures a [Node].
type Config struct {
	// Addr is the node's transport address. Required.
	Addr string
	// ID is the node's ring identifier; the zero ID means HashID(Addr).
	// A network engine derives it from the node's authenticated identity
	// (the p2p module hashes the libp2p peer ID) so that a node cannot
	// choose its place on the ring.
	ID ID
	// Transport carries the node's outgoing calls. Required.
	Transport Transport
	// Successors is r, the length of the successor list (default
	// DefaultSuccessors). The ring survives the failure of any r−1
	// consecutive nodes between two stabilisations.
	Successors int
	// Now is the node's clock, used for ticket expiry and replica lifetime;
	// the default is Unix time in nanoseconds. Simulations pass the
	// simulator's clock.
	Now func() time.Duration
	// TrustedTrackers are the public keys whose store tickets the node
	// accepts (§4.3). A node with none accepts no blocks.
	TrustedTrackers []ed25519.PublicKey
	// Quota bounds the bytes of blocks the node stores (default
	// DefaultQuota).
	Quota int64
	// Lifetime is how long a replica lives after it was stored or last
	// fetched (default DefaultLifetime).
	Lifetime time.Duration
	// MaxHops bounds the hops of one lookup (default DefaultMaxHops).
	MaxHops int
	// Store holds the node's blocks (default a new [MemStore]). A durable
	// store lets a node restarted on the same store serve its blocks.
	Store BlockStore
	// Events, if not nil, receives the node's ring events: predecessor
	// or successor changed, blocks moved in or out. The node never
	// blocks on it: when the channel is full the event is dropped and
	// counted in [Stats].EventsDropped, so give it a buffer and drain it;
	// after a drop, [Node.State] tells the current neighbours.
	Events chan<- Event
	// AcceptNode, if not nil, vets every node named in a message from
	// another node (successor lists, lookup candidates, predecessors,
	// fingers) before it enters the node's tables or a lookup; nodes it
	// rejects are ignored. A network engine whose identifiers derive from
	// addresses checks that the two match, so that no node can place
	// itself, or another, anywhere on the ring.
	AcceptNode func(NodeInfo) bool
}

// Node is one Chord node with its DHash block store. Its exported methods
// are the operations of the protocol; a driver (the simulator, or a real
// engine's timers) calls [Node.Stabilize], [Node.FixFingers] and
// [Node.CheckPredecessor] periodically. A Node is safe for concurrent use;
// it never holds its lock while calling another node.
type Node struct {
	// The fields every routing step reads come first, to share cache
	// lines and memory pages: a routing step touches the header, the
	// route table and a few entries of the inline finger and successor
	// tables, all within a few kilobytes of one allocation. The
	// allocator places a Node 8 bytes into a 2,048-byte slot, after the
	// header it gives every object of more than 512 bytes that holds
	// pointers; the Node's first 120 bytes complete the slot's first
	// 128, a pair of cache lines that processors fetch together. They
	// hold everything whose value the step needs to find the rest: the
	// lock, the counters the step updates, and the headers of the
	// tables. Once they arrive,
	// the loads of the route table, the successor list and the node's
	// identifier are independent and proceed at once, so that a step
	// waits for about three memory round trips: this header, those
	// tables, and the entries the route table points to.
	left      atomic.Bool
	mu        sync.Mutex
	requests  atomic.Uint64
	succ      []NodeInfo // the successor list, nearest first; in succBuf while it fits
	fingers   []NodeInfo // finger i is fingers[i-fingerLo()], successor(self + 2^i); zero if unknown
	routes    routeTable // fingers and successors, ordered for routing; its slice headers come first
	self      NodeInfo
	succFirst u256 // clockwise distance from self of the first successor
	// Lookup, LookupInto and LookupRecursive count here, when a lookup
	// ends: its first step has read this cache line (beside self and
	// succFirst), so the count costs no memory access of its own, where
	// the counters in nodeCold would cost one. [Node.Stats] adds these to
	// the other lookups counted in stats.
	lookups, lookupFails atomic.Uint64
	succBuf              [succInline]NodeInfo
	fingerBuf            [fingerInline]NodeInfo // fingers is its tail while it fits

	// Read by the node's own lookups, once per hop.
	tr         Transport
	maxHops    int
	acceptNode func(NodeInfo) bool

	// What routing never reads lives in an allocation of its own, so
	// that a Node and its allocation header fit the allocator's
	// 2,048-byte size class: two Nodes to a 4 KiB page, none of them
	// straddling two pages. A Node of more than 2,040 bytes would take
	// a 2,304-byte slot or more, and some Nodes would lie across a page
	// boundary, costing a second address translation on the hops that
	// read both halves.
	*nodeCold
}

// nodeCold holds the fields of a [Node] that routing steps never read:
// maintenance state, the block store and the statistics.
type nodeCold struct {
	r        int
	now      func() time.Duration
	trusted  []ed25519.PublicKey
	quota    int64
	lifetime time.Duration

	pred       NodeInfo
	leaving    NodeInfo // a predecessor that announced its leave, until the predecessor next changes
	nextFinger int
	version    atomic.Uint64
	handoffDue bool

	// smu serialises the node's use of its block store; it is taken
	// before mu when both are held.
	smu    sync.Mutex
	store  BlockStore
	events chan<- Event

	stats counters
}

// Inline capacities of a node's tables; longer tables (a successor list
// longer than the default, a finger table grown by hostile hints) move to
// the heap. A node's finger table spans log2 of the ring's size over the
// gap to its successor: about 21 fingers on average in a ring of 10^6
// nodes, more than 25 for about one node in sixteen there (one in 170
// at 10^5). 25 fill the Node's allocation size class.
const (
	succInline   = DefaultSuccessors
	fingerInline = 25
)

// New returns a node that is not yet in a ring: call [Node.Create] to start
// a ring or [Node.Join] to join one.
func New(cfg Config) (*Node, error) {
	if cfg.Addr == "" || len(cfg.Addr) > MaxAddrLen {
		return nil, fmt.Errorf("%w: address must be 1 to %d bytes", ErrConfig, MaxAddrLen)
	}
	if cfg.Transport == nil {
		return nil, fmt.Errorf("%w: no transport", ErrConfig)
	}
	if cfg.Successors == 0 {
		cfg.Successors = DefaultSuccessors
	}
	if cfg.Successors < minSuccessors || cfg.Successors > maxSuccessors {
		return nil, fmt.Errorf("%w: successor list length %d not in [%d, %d]", ErrConfig, cfg.Successors, minSuccessors, maxSuccessors)
	}
	if cfg.Quota == 0 {
		cfg.Quota = DefaultQuota
	}
	if cfg.Quota < 0 || cfg.Lifetime < 0 || cfg.MaxHops < 0 {
		return nil, fmt.Errorf("%w: negative quota, lifetime or hop limit", ErrConfig)
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = DefaultLifetime
	}
	if cfg.MaxHops == 0 {
		cfg.MaxHops = DefaultMaxHops
	}
	if cfg.Now == nil {
		cfg.Now = unixNow
	}
	id := cfg.ID
	if id == (ID{}) {
		id = HashID([]byte(cfg.Addr))
	}
	if cfg.Store == nil {
		cfg.Store = NewMemStore()
	}
	n := &Node{
		acceptNode: cfg.AcceptNode,
		self:       NodeInfo{ID: id, Addr: cfg.Addr},
		tr:         cfg.Transport,
		maxHops:    cfg.MaxHops,
		nodeCold: &nodeCold{
			store:      cfg.Store,
			events:     cfg.Events,
			r:          cfg.Successors,
			now:        cfg.Now,
			trusted:    append([]ed25519.PublicKey(nil), cfg.TrustedTrackers...),
			quota:      cfg.Quota,
			lifetime:   cfg.Lifetime,
			nextFinger: IDBits - 1,
		},
	}
	n.fingers = n.fingerBuf[fingerInline:]
	n.routes.init()
	return n, nil
}

// fingerLo returns the index of the lowest finger the table holds; n.mu
// is held.
func (n *Node) fingerLo() int { return IDBits - len(n.fingers) }

// Info returns the node's identifier and address.
func (n *Node) Info() NodeInfo { return n.self }

// ID returns the node's ring identifier.
func (n *Node) ID() ID { return n.self.ID }

// Create makes n the only member of a new ring: its successor is itself.
func (n *Node) Create() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.setSuccs([]NodeInfo{n.self})
	n.setPred(NodeInfo{})
}

// State is a snapshot of a node's ring pointers, for the invariant checker,
// tests and statistics.
type State struct {
	Self       NodeInfo
	Pred       NodeInfo   // zero if unknown
	Successors []NodeInfo // the successor list, nearest first
	Fingers    []NodeInfo // the distinct non-zero fingers, farthest first
	Blocks     int        // blocks stored
	BlockBytes int64      // bytes stored
	Left       bool
}

// State returns a snapshot of n's pointers.
func (n *Node) State() State {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := State{Self: n.self, Pred: n.pred, Successors: append([]NodeInfo(nil), n.succ...), Left: n.left.Load()}
	st.Blocks, st.BlockBytes = n.store.Usage()
	st.Fingers = n.appendFingers(nil, len(n.fingers))
	return st
}

// appendFingers appends to dst up to limit of n's distinct non-zero
// fingers, farthest first; n.mu is held.
func (n *Node) appendFingers(dst []NodeInfo, limit int) []NodeInfo {
	start := len(dst)
	for i := len(n.fingers) - 1; i >= 0 && len(dst)-start < limit; i-- {
		f := n.fingers[i]
		if !f.IsZero() && (len(dst) == start || dst[len(dst)-1] != f) {
			dst = append(dst, f)
		}
	}
	return dst
}

// HandleFrom answers a request that a network transport received from the
// authenticated node from: the identity the transport's secure channel
// proved (the p2p module derives it from the remote libp2p peer). A
// request whose claimed sender req.From is not exactly from is refused
// with [StatusForbidden] and counted in [Stats].Spoofed; otherwise it is
// answered as by [Node.Handle]. Network transports must deliver every
// request through HandleFrom or [Node.HandleWireFrom].
func (n *Node) HandleFrom(ctx context.Context, from NodeInfo, req *Request, resp *Response) {
	if req != nil && resp != nil && req.From != from {
		resp.Reset()
		n.requests.Add(1)
		n.stats.spoofed.Add(1)
		n.stats.refused[StatusForbidden].Add(1)
		resp.Status = StatusForbidden
		return
	}
	n.Handle(ctx, req, resp)
}

// Handle answers one request, trusting req.From to name its sender. It is
// the entry point of transports that guarantee this themselves: in-process
// transports such as [chord/simnet], which refuses a request naming
// another sender's address. Network transports use [Node.HandleFrom].
// Every refusal is reported in resp.Status and counted in the node's
// [Stats], and no request, however malformed, panics or corrupts the
// node's pointers.
func (n *Node) Handle(ctx context.Context, req *Request, resp *Response) {
	if resp == nil {
		return // nowhere to answer: a transport's bug
	}
	resp.Reset()
	if req == nil {
		resp.Status = StatusBadRequest
		return
	}
	n.requests.Add(1)
	if n.left.Load() {
		resp.Status = StatusUnavailable
		return
	}
	if req.Kind != KindPing && req.Kind != KindFetch && req.Kind != KindHas && req.Kind != KindClosest {
		// A node with no successor (not joined yet, or every successor
		// failed) must not pass its empty list on: its neighbours treat it
		// as absent until it rejoins.
		n.mu.Lock()
		orphan := len(n.succ) == 0
		n.mu.Unlock()
		if orphan {
			resp.Status = StatusUnavailable
			n.stats.refused[StatusUnavailable].Add(1)
			return
		}
	}
	switch req.Kind {
	case KindPing:
	case KindGetState:
		n.mu.Lock()
		resp.Node = n.pred
		resp.Nodes = append(resp.Nodes, n.succ...)
		n.mu.Unlock()
	case KindNotify:
		n.rectify(ctx, req.From)
	case KindClosest:
		n.closestStep(req.Key, resp)
	case KindFindSuccessor:
		n.findSuccessorRecursive(ctx, req, resp)
	case KindGetFingers:
		n.mu.Lock()
		resp.Nodes = n.appendFingers(resp.Nodes, MaxNodes)
		n.mu.Unlock()
	case KindLeave:
		n.handleLeave(req)
	case KindStore:
		resp.Status = statusOf(n.handleStore(ctx, req, false))
	case KindHandoff:
		resp.Status = statusOf(n.handleStore(ctx, req, true))
	case KindFetch:
		resp.Status = statusOf(n.handleFetch(req.Key, resp))
	case KindHas:
		found, err := n.has(req.Key)
		resp.Found, resp.Status = found, statusOf(err)
	default:
		resp.Status = StatusBadRequest
	}
	if resp.Status != StatusOK && resp.Status != StatusDuplicate {
		n.stats.refused[min(int(resp.Status), len(n.stats.refused)-1)].Add(1)
	}
}

// HandleWire decodes an encoded request, answers it with [Node.Handle]
// (trusting its sender field) and returns the encoded response; a
// malformed message gets a StatusBadRequest answer and is counted.
func (n *Node) HandleWire(ctx context.Context, msg []byte) []byte {
	return n.handleWire(ctx, nil, msg)
}

// HandleWireFrom is [Node.HandleWire] for a message received from the
// authenticated node from: it answers through [Node.HandleFrom]. Network
// transports call it for each incoming message.
func (n *Node) HandleWireFrom(ctx context.Context, from NodeInfo, msg []byte) []byte {
	return n.handleWire(ctx, &from, msg)
}

func (n *Node) handleWire(ctx context.Context, from *NodeInfo, msg []byte) []byte {
	var req Request
	var resp Response
	switch err := req.UnmarshalBinary(msg); {
	case err != nil:
		n.stats.malformed.Add(1)
		resp.Status = StatusBadRequest
	case from != nil:
		n.HandleFrom(ctx, *from, &req, &resp)
	default:
		n.Handle(ctx, &req, &resp)
	}
	b, err := resp.MarshalBinary()
	if err != nil { // our own answer exceeds the wire limits: refuse instead
		b, _ = (&Response{Status: StatusBadRequest}).MarshalBinary()
	}
	return b
}

// call sends req to node to. A node calling itself is answered locally,
// without the transport.
func (n *Node) call(ctx context.Context, to NodeInfo, req *Request, resp *Response) error {
	req.From = n.self
	if to.ID == n.self.ID && to.Addr == n.self.Addr {
		n.Handle(ctx, req, resp)
		return nil
	}
	if err := n.tr.Call(ctx, to.Addr, req, resp); err != nil {
		n.stats.unreachable.Add(1)
		return err
	}
	return nil
}

// ping reports whether node to answers.
func (n *Node) ping(ctx context.Context, to NodeInfo) bool {
	resp := getResponse()
	defer putResponse(resp)
	req := getRequest()
	defer putRequest(req)
	req.Kind = KindPing
	err := n.call(ctx, to, req, resp)
	return err == nil && resp.Status == StatusOK
}

// Responses and requests of the node's own calls are pooled: the routing
// and maintenance paths make millions of calls in a large simulation.
var (
	respPool = sync.Pool{New: func() any {
		return &Response{Nodes: make([]NodeInfo, 0, maxClosest), Succs: make([]NodeInfo, 0, 2*DefaultSuccessors)}
	}}
	reqPool = sync.Pool{New: func() any { return new(Request) }}
)

func getResponse() *Response {
	r := respPool.Get().(*Response)
	r.Reset()
	return r
}

func putResponse(r *Response) {
	if cap(r.Data) > 64<<10 {
		r.Data = nil
	}
	respPool.Put(r)
}

func getRequest() *Request { return reqPool.Get().(*Request) }

func putRequest(r *Request) {
	*r = Request{}
	reqPool.Put(r)
}

// Stats counts what a node has seen. All fields are cumulative.
type Stats struct {
	Requests    uint64            // requests handled
	Malformed   uint64            // undecodable messages (HandleWire)
	Refused     map[Status]uint64 // refusals by answer code
	Unreachable uint64            // outgoing calls that got no answer
	Lookups     uint64            // lookups started by this node
	LookupFails uint64            // lookups that failed
	Stored      uint64            // blocks accepted by store or handoff
	Duplicates  uint64            // stores ignored because the block was held
	Expired     uint64            // replicas dropped at the end of their lifetime
	HandedOff   uint64            // blocks moved to another node on membership change
	Spoofed     uint64            // requests whose sender was not the authenticated peer (HandleFrom)
	StoreErrors uint64            // failures of the node's BlockStore
	// EventsDropped counts ring events lost because [Config.Events] was full.
	EventsDropped uint64
}

type counters struct {
	malformed, unreachable, lookups, lookupFails atomic.Uint64
	stored, duplicates, expired, handedOff       atomic.Uint64
	spoofed, storeErrors, eventsDropped          atomic.Uint64
	refused                                      [statusEnd]atomic.Uint64
}

// Stats returns a snapshot of n's counters.
func (n *Node) Stats() Stats {
	s := Stats{
		Requests: n.requests.Load(), Malformed: n.stats.malformed.Load(),
		Unreachable: n.stats.unreachable.Load(), Lookups: n.stats.lookups.Load() + n.lookups.Load(),
		LookupFails: n.stats.lookupFails.Load() + n.lookupFails.Load(), Stored: n.stats.stored.Load(),
		Duplicates: n.stats.duplicates.Load(), Expired: n.stats.expired.Load(),
		HandedOff: n.stats.handedOff.Load(), Refused: map[Status]uint64{},
		Spoofed: n.stats.spoofed.Load(), StoreErrors: n.stats.storeErrors.Load(),
		EventsDropped: n.stats.eventsDropped.Load(),
	}
	for i := range n.stats.refused {
		if v := n.stats.refused[i].Load(); v != 0 {
			s.Refused[Status(i)] = v
		}
	}
	return s
}

// Successor returns n's first successor (zero before Create or Join).
func (n *Node) Successor() NodeInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.succ) == 0 {
		return NodeInfo{}
	}
	return n.succ[0]
}

// AppendSuccessors appends n's successor list, nearest first, to dst and
// returns the extended slice. It is [Node.State]'s Successors without the
// rest of the snapshot, for checking the rings of large simulations.
func (n *Node) AppendSuccessors(dst []NodeInfo) []NodeInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append(dst, n.succ...)
}

// Predecessor returns n's predecessor (zero if unknown).
func (n *Node) Predecessor() NodeInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.pred
}

// Version returns a counter that changes whenever n's successor list or
// predecessor changes. Drivers use it to tell when maintenance has
// converged.
func (n *Node) Version() uint64 { return n.version.Load() }
