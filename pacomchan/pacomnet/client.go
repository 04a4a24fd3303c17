package pacomnet

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// Defaults of [Config].
const (
	DefaultRequestRate    = 50.0
	DefaultRequestTimeout = 2 * time.Second
	DefaultKeepAlive      = 90 * time.Second
	DefaultIdleTimeout    = 3 * time.Minute
	DefaultUnchokeSlots   = 4
	DefaultChokeInterval  = 10 * time.Second
	DefaultTick           = 5 * time.Millisecond
	DefaultDeliveries     = 1024
	writeQueue            = 1024
)

// Errors of the client.
var (
	ErrClosed       = errors.New("pacomnet: client closed")
	ErrUnknownSwarm = errors.New("pacomnet: not in that swarm")
	ErrHandshake    = errors.New("pacomnet: bad handshake")
)

// Config parameterises a [Client]; zero fields take the defaults.
type Config struct {
	// Node configures the sans-IO PACOM client. Its Link.BlockSize must
	// equal the piece length of every swarm joined.
	Node pacomchan.NodeConfig
	// RequestRate is the mean rate, per second and connection, of the
	// block requests (a Poisson process, drawn independently per
	// connection as Theorem 1 assumes), [DefaultRequestRate] if zero.
	RequestRate float64
	// RequestTimeout: a request unanswered for this long is cancelled and
	// its block requested again later.
	RequestTimeout time.Duration
	// KeepAlive is how long a connection may stay silent before a
	// keep-alive goes out; IdleTimeout, how long without receiving
	// anything before the connection is closed.
	KeepAlive, IdleTimeout time.Duration
	// UnchokeSlots peers with the best download rate to us are unchoked
	// every ChokeInterval, plus one optimistic unchoke rotated every
	// third interval (BitTorrent's choker).
	UnchokeSlots  int
	ChokeInterval time.Duration
	// Tick is the period of the client's timer loop.
	Tick time.Duration
	// Naive turns the client into the naive relay of Theorem 1's
	// comparison: it never sends cover traffic, holding a PACOM peer's
	// request until data is queued for it, and keeps h requests
	// outstanding without pacing. For measurements only.
	Naive bool
	// Seed seeds the client's *rand.Rand (block choice, request times).
	Seed uint64
	// Deliveries is the capacity of the Deliveries channel.
	Deliveries int
	// PeerIDPrefix starts every peer id, [DefaultPeerIDPrefix] if empty.
	PeerIDPrefix string
	// WrapConn, if set, wraps every connection before the handshake
	// (fault injection, capture, metering).
	WrapConn func(net.Conn) net.Conn
}

// Delivery is data that reached this client over a circuit, in order.
type Delivery struct {
	Circuit pacomchan.CircuitID
	Data    []byte
}

// Stats counts what a client did.
type Stats struct {
	Conns                               int
	PiecesSent, PiecesReceived          uint64
	Unrequested, Timeouts, Requeued     uint64
	BadBlocks, BadPlain, ChokedRequests uint64
	UnknownMessages, DroppedDeliveries  uint64
	Scheduler                           pacomchan.SchedulerStats
	Router                              pacomchan.RouterStats
	Link                                pacomchan.LinkStats // summed over connections
	Node                                pacomchan.NodeStats
}

// swarmState is what the client holds of one swarm.
type swarmState struct {
	sid    pacomchan.SwarmID
	file   *pacomchan.FileInfo
	peerID [20]byte
	conns  map[pacomchan.PeerID]*conn
}

// circuitOrder delivers a circuit's data in d_id order.
type circuitOrder struct {
	next    uint64
	pending map[uint64][]byte
}

// Client is a PACOM client on real sockets: it speaks BEP 3 over TCP in
// every swarm it joins and runs Algorithm 1 through a [pacomchan.Node].
// Its methods are safe for concurrent use.
type Client struct {
	cfg  Config
	rnd  io.Reader
	rng  *rand.Rand
	node *pacomchan.Node

	mu         sync.Mutex
	swarms     map[pacomchan.InfoHash]*swarmState
	bySID      map[pacomchan.SwarmID]*swarmState
	conns      map[pacomchan.PeerID]*conn
	nextPeer   pacomchan.PeerID
	nextSID    pacomchan.SwarmID
	order      map[pacomchan.CircuitID]*circuitOrder
	ready      map[pacomchan.CircuitID]chan struct{}
	stats      Stats
	closed     bool
	lastTick   time.Time
	lastChoke  time.Time
	chokeRound int

	deliveries chan Delivery
	listeners  []net.Listener
	done       chan struct{}
	wg         sync.WaitGroup
}

// NewClient returns a client with keys from rnd (crypto/rand.Reader if
// nil). It starts its timer loop; [Client.Close] stops it.
func NewClient(rnd io.Reader, cfg Config) (*Client, error) {
	if rnd == nil {
		rnd = crand.Reader
	}
	if cfg.RequestRate == 0 {
		cfg.RequestRate = DefaultRequestRate
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.KeepAlive == 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.UnchokeSlots == 0 {
		cfg.UnchokeSlots = DefaultUnchokeSlots
	}
	if cfg.ChokeInterval == 0 {
		cfg.ChokeInterval = DefaultChokeInterval
	}
	if cfg.Tick == 0 {
		cfg.Tick = DefaultTick
	}
	if cfg.Deliveries == 0 {
		cfg.Deliveries = DefaultDeliveries
	}
	if cfg.PeerIDPrefix == "" {
		cfg.PeerIDPrefix = DefaultPeerIDPrefix
	}
	if cfg.Node.Link.BlockSize == 0 {
		cfg.Node.Link.BlockSize = pacomchan.BlockSize
	}
	if !(cfg.RequestRate > 0) || math.IsInf(cfg.RequestRate, 0) || cfg.RequestTimeout < 0 || cfg.UnchokeSlots < 0 || cfg.Tick < 0 {
		return nil, fmt.Errorf("pacomnet: invalid configuration %+v", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7061636f6d))
	node, err := pacomchan.NewNode(rnd, rng, cfg.Node)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg: cfg, rnd: rnd, rng: rng, node: node,
		swarms: map[pacomchan.InfoHash]*swarmState{}, bySID: map[pacomchan.SwarmID]*swarmState{},
		conns: map[pacomchan.PeerID]*conn{}, order: map[pacomchan.CircuitID]*circuitOrder{},
		ready:      map[pacomchan.CircuitID]chan struct{}{},
		deliveries: make(chan Delivery, cfg.Deliveries), done: make(chan struct{}),
	}
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

// PublicKey returns the key other clients build circuits to.
func (c *Client) PublicKey() []byte { return c.node.PublicKey() }

// Deliveries returns the channel of data that reached this client, in
// order on each circuit. If the channel is full, data is dropped and
// counted.
func (c *Client) Deliveries() <-chan Delivery { return c.deliveries }

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.stats
	st.Conns = len(c.conns)
	st.Scheduler = c.node.Scheduler().Stats()
	st.Router = c.node.Router().Stats()
	st.Node = c.node.Stats()
	for id := range c.conns {
		if l := c.node.Link(id); l != nil {
			ls := l.Stats()
			st.Link.HelloSent += ls.HelloSent
			st.Link.DataSent += ls.DataSent
			st.Link.DummySent += ls.DummySent
			st.Link.DataRecv += ls.DataRecv
			st.Link.DummyRecv += ls.DummyRecv
			st.Link.Rejected += ls.Rejected
			st.Link.Replays += ls.Replays
			st.Link.Forgeries += ls.Forgeries
		}
	}
	return st
}

// Join makes the client a member of the swarm of a PACOM file; have
// reports which pieces it already holds (nil: none; a bootstrapping node
// seeding its file holds all).
func (c *Client) Join(f *pacomchan.FileInfo, have func(piece int) bool) error {
	if f == nil {
		return fmt.Errorf("pacomnet: Join with a nil file")
	}
	if f.PieceLength() != c.cfg.Node.Link.BlockSize {
		return fmt.Errorf("pacomnet: piece length %d is not the block size %d", f.PieceLength(), c.cfg.Node.Link.BlockSize)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	ih := f.InfoHash()
	if _, ok := c.swarms[ih]; ok {
		return fmt.Errorf("pacomnet: already in swarm %x", ih[:4])
	}
	id, err := newPeerID(c.rnd, c.cfg.PeerIDPrefix, ih)
	if err != nil {
		return err
	}
	sid := c.nextSID
	c.nextSID++
	s := c.node.Scheduler()
	if err := s.JoinSwarm(sid, f.Pieces(), false); err != nil {
		return err
	}
	if last := f.PieceSize(f.Pieces() - 1); last != f.PieceLength() {
		if err := s.SetLastBlockSize(sid, last); err != nil {
			return err
		}
	}
	if have != nil {
		for i := range f.Pieces() {
			if have(i) {
				if err := s.Own(sid, i); err != nil {
					return err
				}
			}
		}
	}
	sw := &swarmState{sid: sid, file: f, peerID: id, conns: map[pacomchan.PeerID]*conn{}}
	c.swarms[ih] = sw
	c.bySID[sid] = sw
	return nil
}

// Listen accepts connections on addr (for instance "127.0.0.1:0") for
// every swarm joined, now or later, and returns the address.
func (c *Client) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		ln.Close()
		return nil, ErrClosed
	}
	c.listeners = append(c.listeners, ln)
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				if err := c.handshake(nc, nil); err != nil {
					nc.Close()
				}
			}()
		}
	}()
	return ln.Addr(), nil
}

// Connect dials a member of the swarm ih at addr and runs the connection
// until it ends or the client closes.
func (c *Client) Connect(ctx context.Context, addr string, ih pacomchan.InfoHash) error {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if err := c.handshake(nc, &ih); err != nil {
		nc.Close()
		return err
	}
	return nil
}

// handshake runs the BEP 3 handshake on a new connection (dialled if want
// is set) and starts the connection's goroutines.
func (c *Client) handshake(nc net.Conn, want *pacomchan.InfoHash) error {
	if c.cfg.WrapConn != nil {
		nc = c.cfg.WrapConn(nc)
	}
	if err := nc.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	send := func(sw *swarmState) error {
		h := peerwire.Handshake{InfoHash: sw.file.InfoHash(), PeerID: sw.peerID}
		h.Reserved[5] |= peerwire.ReservedExtended // BEP 10, for BEP 9
		return peerwire.WriteHandshake(nc, &h)
	}
	var sw *swarmState
	if want != nil {
		c.mu.Lock()
		sw = c.swarms[*want]
		c.mu.Unlock()
		if sw == nil {
			return fmt.Errorf("%w: %x", ErrUnknownSwarm, want[:4])
		}
		if err := send(sw); err != nil {
			return err
		}
	}
	h, err := peerwire.ReadHandshake(nc)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrHandshake, err)
	}
	c.mu.Lock()
	got := c.swarms[h.InfoHash]
	c.mu.Unlock()
	if got == nil || (sw != nil && got != sw) {
		return fmt.Errorf("%w: info-hash %x", ErrUnknownSwarm, h.InfoHash[:4])
	}
	if h.PeerID == got.peerID {
		return fmt.Errorf("%w: connected to itself", ErrHandshake)
	}
	if sw == nil {
		sw = got
		if err := send(sw); err != nil {
			return err
		}
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		return err
	}
	kind := pacomchan.BitTorrentPeer
	if isPACOMPeer(h.InfoHash, h.PeerID) {
		kind = pacomchan.PACOMPeer
	}
	return c.start(nc, sw, kind, h.PeerID, h.Reserved[5]&peerwire.ReservedExtended != 0)
}

// PeerID returns the peer id the client uses in swarm ih (one per swarm,
// each carrying the PACOM tag of that swarm), and whether it joined ih.
func (c *Client) PeerID(ih pacomchan.InfoHash) ([20]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sw := c.swarms[ih]; sw != nil {
		return sw.peerID, true
	}
	return [20]byte{}, false
}
