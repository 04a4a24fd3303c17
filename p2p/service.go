package p2p

import (
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/swarmblocks/swarmblocks/chord"
)

// Maintenance defaults of [Config]. Each task runs on its own timer; every
// wait is the interval scaled by a uniform factor in [1−Jitter, 1+Jitter],
// so that nodes started together do not stabilise in lockstep.
const (
	DefaultStabilizeInterval        = 2 * time.Second
	DefaultFixFingersInterval       = 1 * time.Second
	DefaultCheckPredecessorInterval = 5 * time.Second
	DefaultJitter                   = 0.25
	// DefaultListen is where a node listens when Config.Listen is empty:
	// TCP on the loopback interface, on a port the system picks.
	DefaultListen = "/ip4/127.0.0.1/tcp/0"
)

// Service errors.
var (
	// ErrBootstrap is returned by [Service.Start] when no bootstrap node
	// could be joined through.
	ErrBootstrap = errors.New("p2p: no bootstrap node answered")
	// ErrStarted is returned by a second [Service.Start].
	ErrStarted = errors.New("p2p: service already started")
)

// Config configures a [Service].
type Config struct {
	// Listen are the multiaddrs the host listens on (default
	// DefaultListen).
	Listen []string
	// Announce, if set, is the multiaddr (without /p2p) other nodes dial;
	// by default the first listen address the host reports.
	Announce string
	// Identity is the node's libp2p key; nil means a fresh Ed25519 key
	// drawn from Rand. The ring ID is [RingID] of its peer ID.
	Identity crypto.PrivKey
	// Rand is the randomness of a fresh identity; nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// DataDir, if set, holds the node's state: its identity key
	// (identity.key, created on first use unless Identity is set),
	// unless Chord.Store is set its blocks (blocks.db, a [BoltStore]),
	// and the address it listened on (listen.addr). A node restarted on
	// the same directory has the same peer ID, hence the same ring ID and
	// range of keys, serves the blocks it held and, when Listen is empty,
	// listens on the same address again if it is free.
	DataDir string
	// Bootstrap are node addresses (multiaddrs ending in /p2p/<peer ID>)
	// tried in order by [Service.Start]; none means the node creates a new
	// ring. They are tried again when the node loses every successor.
	Bootstrap []string
	// Chord configures the node; the service sets Addr, ID and Transport.
	Chord chord.Config
	// Transport configures the transport.
	Transport TransportConfig
	// Maintenance intervals and their jitter (see the defaults).
	StabilizeInterval        time.Duration
	FixFingersInterval       time.Duration
	CheckPredecessorInterval time.Duration
	Jitter                   float64
	// Events, if set, receives the node's ring events ([chord.Event]:
	// predecessor or successor changed, blocks moved in or out), in order,
	// from one goroutine of the service. It must not call Close. While it
	// runs, further events queue in a buffer of EventBuffer; beyond that
	// the node drops them and counts the drops in its Stats.
	Events func(chord.Event)
	// EventBuffer is the capacity of the event queue (default 256).
	EventBuffer int
	// HostOptions are appended to the service's own libp2p options
	// (listen addresses, identity), for example a resource manager.
	HostOptions []libp2p.Option
}

// Service is one Chord/BitStore node on a libp2p host: the host, a
// [Transport] serving the node, and goroutines that run the node's
// maintenance ([chord.Node.Stabilize], [chord.Node.FixFingers],
// [chord.Node.CheckPredecessor]) on jittered timers.
//
// [NewService] opens the host; [Service.Start] joins the ring and starts
// the timers; [Service.Close] stops them, closes the transport and the
// host, and returns when every goroutine the service started has ended.
// Close without Leave is a crash as far as the ring is concerned; call
// [chord.Node.Leave] first for a voluntary departure.
type Service struct {
	cfg  Config
	host host.Host
	tr   *Transport
	node *chord.Node
	info chord.NodeInfo

	mu      sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	events  chan chord.Event
	rejoins atomic.Uint64
	// refreshes counts a client's route refreshes (StartClient).
	refreshes atomic.Uint64
	// maint runs one maintenance task at a time: each timer has its own
	// goroutine, but the tasks take turns, as in Chord's single
	// maintenance thread, so that (for example) FixFingers never sees
	// the successor list emptied by a concurrent Stabilize.
	maint sync.Mutex
	store *BoltStore // opened by the service in Config.DataDir
}

// NewService opens the host and builds the node; the node does not answer
// until [Service.Start].
func NewService(cfg Config) (*Service, error) {
	if cfg.StabilizeInterval < 0 || cfg.FixFingersInterval < 0 || cfg.CheckPredecessorInterval < 0 ||
		cfg.Jitter < 0 || cfg.Jitter >= 1 || cfg.Jitter != cfg.Jitter {
		return nil, fmt.Errorf("%w: negative interval or jitter not in [0, 1)", chord.ErrConfig)
	}
	if cfg.StabilizeInterval == 0 {
		cfg.StabilizeInterval = DefaultStabilizeInterval
	}
	if cfg.FixFingersInterval == 0 {
		cfg.FixFingersInterval = DefaultFixFingersInterval
	}
	if cfg.CheckPredecessorInterval == 0 {
		cfg.CheckPredecessorInterval = DefaultCheckPredecessorInterval
	}
	if cfg.Jitter == 0 {
		cfg.Jitter = DefaultJitter
	}
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("p2p: data directory: %w", err)
		}
	}
	// With no listen address configured, a node with a data directory
	// listens where it listened last time (its address is part of its
	// entries in other nodes' tables), if that address is free.
	var remembered []string
	if len(cfg.Listen) == 0 && cfg.DataDir != "" {
		if b, err := os.ReadFile(filepath.Join(cfg.DataDir, ListenFile)); err == nil {
			if a := strings.TrimSpace(string(b)); a != "" {
				remembered = []string{a}
			}
		}
	}
	if len(cfg.Listen) == 0 {
		cfg.Listen = []string{DefaultListen}
	}
	for _, b := range cfg.Bootstrap {
		if _, err := ParseAddr(b); err != nil {
			return nil, fmt.Errorf("p2p: bootstrap: %w", err)
		}
	}
	var announce ma.Multiaddr
	if cfg.Announce != "" {
		a, err := ma.NewMultiaddr(cfg.Announce)
		if err != nil {
			return nil, fmt.Errorf("p2p: announce address %q: %w", cfg.Announce, err)
		}
		announce = a
	}
	key := cfg.Identity
	if key == nil {
		var err error
		if cfg.DataDir != "" {
			key, err = LoadOrCreateIdentity(filepath.Join(cfg.DataDir, IdentityFile), cfg.Rand)
		} else {
			key, err = NewIdentity(cfg.Rand)
		}
		if err != nil {
			return nil, err
		}
	}
	var ownStore *BoltStore
	if cfg.DataDir != "" && cfg.Chord.Store == nil {
		st, err := OpenBoltStore(filepath.Join(cfg.DataDir, BlocksFile), BoltOptions{})
		if err != nil {
			return nil, err
		}
		ownStore, cfg.Chord.Store = st, st
	}
	fail := func(err error) (*Service, error) {
		if ownStore != nil {
			_ = ownStore.Close()
		}
		return nil, err
	}
	newHost := func(listen []string) (host.Host, error) {
		opts := []libp2p.Option{libp2p.Identity(key), libp2p.ListenAddrStrings(listen...), libp2p.DisableRelay()}
		return libp2p.New(append(opts, cfg.HostOptions...)...)
	}
	var h host.Host
	if remembered != nil {
		h, _ = newHost(remembered) // taken or gone: fall back on Listen
	}
	if h == nil {
		var err error
		if h, err = newHost(cfg.Listen); err != nil {
			return fail(fmt.Errorf("p2p: host: %w", err))
		}
	}
	if announce == nil {
		announce = pickAddr(h.Addrs())
		if announce == nil {
			_ = h.Close()
			return fail(fmt.Errorf("p2p: host has no listen address"))
		}
	}
	info, err := NodeInfo(h.ID(), announce)
	if err != nil {
		_ = h.Close()
		return fail(err)
	}
	if cfg.DataDir != "" && cfg.Announce == "" {
		if err := os.WriteFile(filepath.Join(cfg.DataDir, ListenFile), []byte(announce.String()+"\n"), 0o600); err != nil {
			_ = h.Close()
			return fail(fmt.Errorf("p2p: data directory: %w", err))
		}
	}
	tr, err := NewTransport(h, cfg.Transport)
	if err != nil {
		_ = h.Close()
		return fail(err)
	}
	cc := cfg.Chord
	cc.Addr, cc.ID, cc.Transport = info.Addr, info.ID, tr
	cc.AcceptNode = newAddrChecker().accept
	var events chan chord.Event
	if cfg.Events != nil {
		if cfg.EventBuffer <= 0 {
			cfg.EventBuffer = 256
		}
		events = make(chan chord.Event, cfg.EventBuffer)
		cc.Events = events
	}
	node, err := chord.New(cc)
	if err != nil {
		_ = h.Close()
		return fail(err)
	}
	cfg.Bootstrap = append([]string(nil), cfg.Bootstrap...)
	cfg.Listen = append([]string(nil), cfg.Listen...)
	return &Service{cfg: cfg, host: h, tr: tr, node: node, info: info, events: events, store: ownStore}, nil
}

// pickAddr prefers a public, then a private, then a loopback address.
func pickAddr(addrs []ma.Multiaddr) ma.Multiaddr {
	var best ma.Multiaddr
	rank := 0
	for _, a := range addrs {
		r := 1
		switch {
		case manet.IsPublicAddr(a):
			r = 3
		case manet.IsPrivateAddr(a):
			r = 2
		}
		if r > rank {
			best, rank = a, r
		}
	}
	return best
}

// Node returns the service's Chord node.
func (s *Service) Node() *chord.Node { return s.node }

// Host returns the service's libp2p host.
func (s *Service) Host() host.Host { return s.host }

// Transport returns the service's transport.
func (s *Service) Transport() *Transport { return s.tr }

// Info returns the node's ring identifier and address (the address other
// nodes bootstrap from).
func (s *Service) Info() chord.NodeInfo { return s.info }

// begin marks the service started, once: a second Start or StartClient,
// or one after Close, returns ErrStarted.
func (s *Service) begin() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return ErrStarted
	}
	s.started = true
	return nil
}

// runContextLocked returns the context the service's goroutines run
// under, cancelled by Close, or ErrClosed if Close came first. s.mu is
// held.
func (s *Service) runContextLocked() (context.Context, error) {
	if s.closed {
		return nil, ErrClosed
	}
	mctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	return mctx, nil
}

// Start serves the node, joins the ring through the first bootstrap node
// that answers (or creates a ring when there are none), and starts the
// maintenance timers. It returns an error wrapping [ErrBootstrap] when
// every bootstrap node failed three times, a second apart; the service
// must still be closed.
func (s *Service) Start(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	s.tr.Serve(s.node)
	if len(s.cfg.Bootstrap) == 0 {
		s.node.Create()
	} else if err := s.joinRetry(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mctx, err := s.runContextLocked()
	if err != nil {
		return err
	}
	s.wg.Add(3)
	go s.loop(mctx, s.cfg.StabilizeInterval, s.stabilize)
	go s.loop(mctx, s.cfg.FixFingersInterval, func(ctx context.Context) { _ = s.node.FixFingers(ctx) })
	go s.loop(mctx, s.cfg.CheckPredecessorInterval, s.node.CheckPredecessor)
	if s.events != nil {
		s.wg.Add(1)
		go s.deliver(mctx)
	}
	return nil
}

// StartClient makes the node a client of the ring reached through the
// bootstrap nodes, for storing and fetching ([chord.Node.MPut],
// [chord.Node.MGet], [PutFile], [GetFile]) without serving: the node
// learns its successor and fingers as a joining node does but never
// notifies its successor, runs no maintenance and answers no request, so
// no node adopts it or routes to it, and it holds no block. Its lookups
// run through the ring from its successor and the successor's fingers.
//
// So that a long-lived client keeps up with a ring whose members come and
// go, it refreshes its routes every StabilizeInterval (jittered): it joins
// again, without notifying anyone, through the first of its successors,
// its fingers and its bootstrap nodes that answers, and refreshes one
// finger as FixFingers does. [Service.ClientRefreshes] counts the
// refreshes that succeeded.
func (s *Service) StartClient(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	if len(s.cfg.Bootstrap) == 0 {
		return fmt.Errorf("%w: a client needs a bootstrap node", ErrBootstrap)
	}
	if err := s.joinRetry(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mctx, err := s.runContextLocked()
	if err != nil {
		return err
	}
	s.wg.Add(1)
	go s.loop(mctx, s.cfg.StabilizeInterval, s.refreshClient)
	return nil
}

// refreshClient joins the ring again through the first node that answers
// among the client's successors, fingers and bootstrap nodes, then fixes
// a finger.
func (s *Service) refreshClient(ctx context.Context) {
	st := s.node.State()
	var addrs []string
	for _, n := range st.Successors {
		addrs = append(addrs, n.Addr)
	}
	for _, n := range st.Fingers {
		addrs = append(addrs, n.Addr)
	}
	addrs = append(addrs, s.cfg.Bootstrap...)
	seen := map[string]bool{s.info.Addr: true}
	for _, a := range addrs {
		if seen[a] {
			continue
		}
		seen[a] = true
		if s.join(ctx, []string{a}) == nil {
			s.refreshes.Add(1)
			break
		}
	}
	_ = s.node.FixFingers(ctx)
}

// ClientRefreshes counts the route refreshes of a client started with
// [Service.StartClient] that reached the ring.
func (s *Service) ClientRefreshes() uint64 { return s.refreshes.Load() }

// joinAttempts is how many rounds of the bootstrap list Start tries, a
// second apart, before giving up: a bootstrap node that refuses the
// connection fails at once, one that is merely slow gets another chance.
const joinAttempts = 3

func (s *Service) joinRetry(ctx context.Context) error {
	var err error
	for i := range joinAttempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%w: %w", ErrBootstrap, ctx.Err())
			case <-time.After(time.Second):
			}
		}
		if err = s.join(ctx, s.cfg.Bootstrap); err == nil {
			return nil
		}
	}
	return err
}

// join tries each address in turn.
func (s *Service) join(ctx context.Context, addrs []string) error {
	var errs []error
	for _, a := range addrs {
		ai, err := ParseAddr(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ai.ID == s.host.ID() {
			continue
		}
		jctx, cancel := context.WithTimeout(ctx, 3*s.tr.cfg.CallTimeout)
		err = s.node.Join(jctx, chord.NodeInfo{ID: RingID(ai.ID), Addr: a})
		cancel()
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", a, err))
	}
	return fmt.Errorf("%w: %w", ErrBootstrap, errors.Join(errs...))
}

// loop runs task every jittered interval until ctx ends.
func (s *Service) loop(ctx context.Context, every time.Duration, task func(context.Context)) {
	defer s.wg.Done()
	t := time.NewTimer(s.jittered(every))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tctx, cancel := context.WithTimeout(ctx, max(every, s.tr.cfg.CallTimeout))
		s.maint.Lock()
		task(tctx)
		s.maint.Unlock()
		cancel()
		t.Reset(s.jittered(every))
	}
}

func (s *Service) jittered(d time.Duration) time.Duration {
	f := 1 + s.cfg.Jitter*(2*mrand.Float64()-1)
	return time.Duration(float64(d) * f)
}

// stabilize runs one stabilisation. A node that lost every successor
// rejoins through the fingers it still knows and its bootstrap nodes; a
// node started without bootstrap nodes (the ring's first) that finds none
// of them becomes a ring of its own again, so that it goes on answering
// (other nodes can join it). A node with bootstrap nodes keeps trying
// them at every stabilisation instead: a ring of its own would never
// merge back (see the chord package's limits on partitions).
func (s *Service) stabilize(ctx context.Context) {
	err := s.node.Stabilize(ctx)
	if !errors.Is(err, chord.ErrNoSuccessor) {
		return
	}
	st := s.node.State()
	var addrs []string
	for _, f := range st.Fingers {
		addrs = append(addrs, f.Addr)
	}
	addrs = append(addrs, s.cfg.Bootstrap...)
	for _, a := range addrs {
		if s.join(ctx, []string{a}) == nil {
			s.rejoins.Add(1)
			return
		}
	}
	if len(s.cfg.Bootstrap) == 0 {
		s.node.Create()
		s.rejoins.Add(1)
	}
}

// Rejoins counts the times the node lost every successor and joined the
// ring again (or, being the first node, started a ring of its own again).
func (s *Service) Rejoins() uint64 { return s.rejoins.Load() }

// deliver passes the node's events to Config.Events until ctx ends.
func (s *Service) deliver(ctx context.Context) {
	defer s.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-s.events:
			s.cfg.Events(ev)
		}
	}
}

// Close stops the maintenance goroutines, the transport and the host. It
// does not leave the ring: to the other nodes the node has crashed.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
	err := s.tr.Close()
	if herr := s.host.Close(); err == nil {
		err = herr
	}
	if s.store != nil {
		if serr := s.store.Close(); err == nil {
			err = serr
		}
	}
	return err
}
