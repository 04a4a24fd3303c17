package pacomchan

import (
	"bytes"
	crand "crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cloudflare/circl/kem"
)

// Router defaults.
const (
	DefaultTTL             = 6
	DefaultMaxTTL          = 16
	DefaultMaxSkew         = 2 * time.Minute
	DefaultPurgeAfter      = time.Minute
	DefaultAckTimeout      = 30 * time.Second
	DefaultHandshakeWindow = time.Second
	DefaultMaxRecords      = 1 << 16
	DefaultIdleAfter       = 10 * time.Minute
	DefaultMaxOwn          = 1 << 10
	// PublicKeySize is the size of a router's marshalled public key.
	PublicKeySize = 32
)

// Errors returned by [Router]. Each is also counted in [RouterStats]; none
// changes the router's state.
var (
	ErrUnknownCircuit = errors.New("pacomchan: unknown circuit or wrong hop")
	ErrTTL            = errors.New("pacomchan: handshake TTL above the limit")
	ErrReplay         = errors.New("pacomchan: replayed circuit message")
	ErrTableFull      = errors.New("pacomchan: circuit table full")
	ErrQuota          = errors.New("pacomchan: neighbour's share of the circuit table used up")
	ErrNotReady       = errors.New("pacomchan: circuit not established")
	ErrTooLong        = errors.New("pacomchan: data longer than one circuit message carries")
	ErrBadPublicKey   = errors.New("pacomchan: invalid target public key")
	ErrNoNeighbour    = errors.New("pacomchan: no neighbour to send through")
	ErrSecret         = errors.New("pacomchan: handshake response with the wrong secret")
)

// RouterConfig parameterises a [Router]; zero fields take the defaults.
type RouterConfig struct {
	// TTL is the TTL of the handshakes this client builds.
	TTL uint8
	// MaxTTL: handshakes arriving with a larger TTL are dropped.
	MaxTTL uint8
	// MaxSkew is how far the time field of a handshake may be from the
	// target's clock (§3.5: against relay attacks).
	MaxSkew time.Duration
	// PurgeAfter is t of §3.5: a record whose circuit was not built within
	// t is purged.
	PurgeAfter time.Duration
	// WalkProb is p0 of extension 2. If positive, the source sends its
	// handshake to one random neighbour, and each client forwards it to
	// one random neighbour with probability p0, to all with 1 − p0.
	WalkProb float64
	// AckEvery enables extension 3: the receiving end acknowledges every
	// AckEvery data packets, and the source rebuilds a circuit whose data
	// stays unacknowledged for AckTimeout. Zero disables it.
	AckEvery   int
	AckTimeout time.Duration
	// HandshakeBudget enables extension 4: at most this many bytes of
	// handshake requests go to one neighbour per HandshakeWindow; the rest
	// are dropped. Zero means no limit.
	HandshakeBudget int
	HandshakeWindow time.Duration
	// MaxRecords caps the records of circuits that other clients build
	// through or to this client; handshakes beyond it are refused with
	// [ErrTableFull].
	MaxRecords int
	// MaxRecordsPerNeighbour caps the records whose handshake came from
	// one neighbour (one connection), MaxRecords/8 (at least 1) if zero:
	// a neighbour flooding handshakes fills its share, not the table.
	MaxRecordsPerNeighbour int
	// MaxOwn caps the circuits this client builds itself, [DefaultMaxOwn]
	// if zero. They do not count against MaxRecords, so no neighbour can
	// keep this client from building circuits.
	MaxOwn int
	// IdleAfter is how long an established circuit may carry nothing
	// before every client on it purges its record ([DefaultIdleAfter] if
	// zero).
	IdleAfter time.Duration
	// MaxMessage is the largest circuit message the channels carry, by
	// default one 16 KiB block's segment, BlockSize − BlockOverhead.
	MaxMessage int
}

// RouterStats counts the router's decisions.
type RouterStats struct {
	HandshakesForwarded, HandshakesDuplicate, HandshakesExpired  uint64
	HandshakesBudgetDropped, HandshakesTTLAbuse, HandshakesStale uint64
	CircuitsAccepted, CircuitsEstablished, CircuitsRebuilt       uint64
	RecordsPurged, TableFull, QuotaExceeded, IdlePurged          uint64
	HandshakesTombstoned                                         uint64
	DataForwarded, DataDelivered, Replays, Unknown, Malformed    uint64
	AcksSent, AcksReceived                                       uint64
}

// Outgoing is a circuit message to put into the output queue towards a
// neighbour.
type Outgoing struct {
	To  PeerID
	Msg []byte
}

// Delivery is data that reached this end of a circuit.
type Delivery struct {
	Circuit CircuitID
	DID     uint64 // d_id, numbered from 0 on each circuit and direction
	Data    []byte
}

// Rebuild reports that extension 3 replaced a circuit.
type Rebuild struct{ Old, New CircuitID }

// Result is what one event produced.
type Result struct {
	Out         []Outgoing  // messages to queue towards neighbours
	Delivered   []Delivery  // data for this client
	Accepted    []CircuitID // circuits other clients built to this one
	Established []CircuitID // circuits this client built that are ready
	Rebuilt     []Rebuild   // circuits extension 3 replaced
	Expired     []CircuitID // circuits of this client purged for idleness
}

// record is one client's circuit record (last_hop, h_id, next_hop, r_time,
// suc_flag) of §3.5, gathered per h_id: the handshake went to every hop in
// nextHops, and the one the response came back from is next.
type record struct {
	lastHop  PeerID
	source   bool // last_hop is this client
	target   bool // next_hop is this client
	nextHops []PeerID
	next     PeerID
	rTime    time.Time
	lastUsed time.Time // last handshake, response, data or acknowledgement
	suc      bool
}

// role of a circuit end.
type role uint8

const (
	roleSource role = iota
	roleTarget
)

// endpoint is the state of a circuit that starts or ends at this client.
type endpoint struct {
	role        role
	keys        *circuitKeys
	secret      [SecretSize]byte
	target      kem.PublicKey // source only, for rebuilding
	established bool
	broken      bool
	hop         PeerID // the neighbour the circuit leaves through
	nextDID     uint64
	window      seqWindow
	toAck       []uint64
	unacked     map[uint64]sentPacket // source only, with extension 3
	pending     [][]byte              // data waiting for the circuit, source only
	created     time.Time
}

type sentPacket struct {
	data []byte
	at   time.Time
}

// budget is the handshake allowance of one channel (extension 4).
type budget struct {
	start time.Time
	used  int
}

// Router builds and routes PACOM circuits (§3.5) for one client: it floods
// handshake requests sealed with HPKE to the target, keeps the circuit
// table, answers handshakes addressed to it, and forwards, seals and opens
// data and acknowledgements. Like [Scheduler] it is a state machine: each
// method takes the current time and returns the messages to send; it
// starts no goroutines. Pair it with a Scheduler (see [Node]) or any other
// transport. It is not safe for concurrent use.
type Router struct {
	cfg        RouterConfig
	rnd        io.Reader
	rng        *rand.Rand
	sk         kem.PrivateKey
	pk         []byte
	neighbours []PeerID
	table      map[CircuitID]*record
	ends       map[CircuitID]*endpoint
	budgets    map[PeerID]*budget
	// tombstones keep the h_id of every removed record until no copy of
	// its handshake can pass the target's time check any more, so that a
	// replayed handshake is not handled twice.
	tombstones map[CircuitID]time.Time
	foreign    int            // records of circuits built by others
	perHop     map[PeerID]int // those records by the neighbour they came from
	own        int            // records of circuits this client built
	stats      RouterStats
}

// NewRouter returns a router with a fresh HPKE key pair drawn from rnd,
// which also supplies circuit ids, secrets, keys and nonces; a nil rnd
// means crypto/rand.Reader. rng drives the random walk of extension 2; a
// nil rng is an error.
func NewRouter(rnd io.Reader, rng *rand.Rand, cfg RouterConfig) (*Router, error) {
	if rnd == nil {
		rnd = crand.Reader
	}
	if rng == nil {
		return nil, fmt.Errorf("%w: NewRouter", ErrNilRand)
	}
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxTTL == 0 {
		cfg.MaxTTL = DefaultMaxTTL
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = DefaultMaxSkew
	}
	if cfg.PurgeAfter == 0 {
		cfg.PurgeAfter = DefaultPurgeAfter
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = DefaultAckTimeout
	}
	if cfg.HandshakeWindow == 0 {
		cfg.HandshakeWindow = DefaultHandshakeWindow
	}
	if cfg.MaxRecords == 0 {
		cfg.MaxRecords = DefaultMaxRecords
	}
	if cfg.MaxMessage == 0 {
		cfg.MaxMessage = BlockSize - BlockOverhead
	}
	if cfg.MaxRecordsPerNeighbour == 0 {
		cfg.MaxRecordsPerNeighbour = max(1, cfg.MaxRecords/8)
	}
	if cfg.MaxOwn == 0 {
		cfg.MaxOwn = DefaultMaxOwn
	}
	if cfg.IdleAfter == 0 {
		cfg.IdleAfter = DefaultIdleAfter
	}
	switch {
	case cfg.TTL > cfg.MaxTTL:
		return nil, fmt.Errorf("pacomchan: TTL %d above MaxTTL %d", cfg.TTL, cfg.MaxTTL)
	case !(cfg.WalkProb >= 0 && cfg.WalkProb <= 1):
		return nil, fmt.Errorf("pacomchan: walk probability %v outside [0, 1]", cfg.WalkProb)
	case cfg.AckEvery < 0 || cfg.AckEvery > MaxAckIDs:
		return nil, fmt.Errorf("pacomchan: AckEvery %d outside [0, %d]", cfg.AckEvery, MaxAckIDs)
	case cfg.HandshakeBudget < 0 || cfg.MaxRecords < 0 || cfg.MaxSkew < 0 || cfg.PurgeAfter < 0 || cfg.AckTimeout < 0 ||
		cfg.MaxRecordsPerNeighbour < 0 || cfg.MaxOwn < 0 || cfg.IdleAfter < 0:
		return nil, fmt.Errorf("pacomchan: negative router limit in %+v", cfg)
	case cfg.MaxMessage < HandshakeSize || cfg.MaxMessage < DataOverhead+1:
		return nil, fmt.Errorf("pacomchan: MaxMessage %d cannot carry a handshake", cfg.MaxMessage)
	case cfg.AckEvery > 0 && 4+8*cfg.AckEvery+xNonceSize+aeadTagSize+headerSize > cfg.MaxMessage:
		return nil, fmt.Errorf("pacomchan: an acknowledgement of %d ids does not fit in %d bytes", cfg.AckEvery, cfg.MaxMessage)
	}
	scheme := handshakeKEM
	seed := make([]byte, scheme.SeedSize())
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	pub, sk := scheme.DeriveKeyPair(seed)
	pk, err := pub.MarshalBinary()
	// mutation: unreachable — an X25519 public key always marshals.
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	return &Router{
		cfg: cfg, rnd: rnd, rng: rng, sk: sk, pk: pk,
		table: map[CircuitID]*record{}, ends: map[CircuitID]*endpoint{}, budgets: map[PeerID]*budget{},
		tombstones: map[CircuitID]time.Time{}, perHop: map[PeerID]int{},
	}, nil
}

// PublicKey returns the router's HPKE public key, which a source needs to
// build a circuit to this client (§3.5 obtains it "from CA services or in
// some other private way").
func (r *Router) PublicKey() []byte { return slices.Clone(r.pk) }

// Stats returns the router's counters.
func (r *Router) Stats() RouterStats { return r.stats }

// MaxData returns the largest payload one data message carries.
func (r *Router) MaxData() int { return r.cfg.MaxMessage - DataOverhead }

// Records returns the number of records in the circuit table.
func (r *Router) Records() int { return len(r.table) }

// RecordsFrom returns the number of records whose handshake came from
// neighbour p.
func (r *Router) RecordsFrom(p PeerID) int { return r.perHop[p] }

// maxTombstones bounds the tombstone set: while it is full, handshakes from
// neighbours are refused rather than accepted without replay protection.
func (r *Router) maxTombstones() int { return 4*r.cfg.MaxRecords + 4*r.cfg.MaxOwn }

// addRecord puts a record into the table and counts it.
func (r *Router) addRecord(id CircuitID, rec *record) {
	r.table[id] = rec
	if rec.source {
		r.own++
		return
	}
	r.foreign++
	r.perHop[rec.lastHop]++
}

// removeRecord deletes a record and its end, and keeps a tombstone of its
// h_id. A target accepts a handshake only within MaxSkew of the time it
// carries, which is within MaxSkew of when the record was made, so after
// rTime + 2·MaxSkew no copy can be accepted and the tombstone goes.
func (r *Router) removeRecord(id CircuitID) {
	rec, ok := r.table[id]
	// mutation: unreachable — every caller passes an id it found in r.table and removes it once.
	if !ok {
		return
	}
	delete(r.table, id)
	delete(r.ends, id)
	if rec.source {
		r.own--
	} else {
		r.foreign--
		if r.perHop[rec.lastHop]--; r.perHop[rec.lastHop] <= 0 {
			delete(r.perHop, rec.lastHop)
		}
	}
	r.tombstones[id] = rec.rTime.Add(2 * r.cfg.MaxSkew)
}

// AddNeighbour adds a PACOM neighbour that circuits may pass through.
func (r *Router) AddNeighbour(p PeerID) {
	if !slices.Contains(r.neighbours, p) {
		r.neighbours = append(r.neighbours, p)
	}
}

// RemoveNeighbour removes a neighbour: circuits through it break. Circuits
// this client built through it are rebuilt at the next [Router.Tick].
func (r *Router) RemoveNeighbour(p PeerID) {
	r.neighbours = slices.DeleteFunc(r.neighbours, func(x PeerID) bool { return x == p })
	delete(r.budgets, p)
	for id, rec := range r.table {
		onPath := (!rec.source && rec.lastHop == p) || (rec.suc && !rec.target && rec.next == p)
		if !onPath {
			rec.nextHops = slices.DeleteFunc(rec.nextHops, func(x PeerID) bool { return x == p })
			continue
		}
		if ep, ok := r.ends[id]; ok && ep.role == roleSource {
			ep.broken = true
			continue
		}
		r.removeRecord(id)
	}
}

// Established reports whether a circuit is ready for data.
func (r *Router) Established(id CircuitID) bool {
	ep, ok := r.ends[id]
	return ok && ep.established && !ep.broken
}

// Build starts a circuit to the client whose public key is target: it
// returns the circuit id and the handshake request {type 0, h_id, TTL,
// E_t{h_id, time, sec_str, K}} to flood. The circuit is ready when a later
// [Router.Handle] lists it in Result.Established. Calling Build again for
// the same target builds a parallel circuit (extension 1).
func (r *Router) Build(now time.Time, target []byte) (CircuitID, Result, error) {
	pk, err := handshakeKEM.UnmarshalBinaryPublicKey(target)
	if err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("%w: %v", ErrBadPublicKey, err)
	}
	return r.build(now, pk, nil)
}

func (r *Router) build(now time.Time, pk kem.PublicKey, pending [][]byte) (CircuitID, Result, error) {
	if len(r.neighbours) == 0 {
		return CircuitID{}, Result{}, ErrNoNeighbour
	}
	if r.own >= r.cfg.MaxOwn {
		r.stats.TableFull++
		return CircuitID{}, Result{}, fmt.Errorf("%w: %d circuits of this client", ErrTableFull, r.own)
	}
	var in handshakeInner
	if _, err := io.ReadFull(r.rnd, in.id[:]); err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(r.rnd, in.secret[:]); err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(r.rnd, in.key[:]); err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	in.timeMs = now.UnixMilli()
	if _, dup := r.table[in.id]; dup || r.tombstones[in.id] != (time.Time{}) {
		return CircuitID{}, Result{}, errors.New("pacomchan: circuit id collision (broken randomness?)")
	}
	sender, err := handshakeSuite.NewSender(pk, []byte(hpkeInfo))
	// mutation: unreachable — the suite is fixed and valid, and pk was parsed by its KEM.
	if err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: %w", err)
	}
	enc, sealer, err := sender.Setup(r.rnd)
	if err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: %w", err)
	}
	sealed, err := sealer.Seal(in.marshal(), headerAAD(MsgHandshake, in.id))
	// mutation: unreachable — a context seals at most 2^64 − 1 messages; this is its first.
	if err != nil {
		return CircuitID{}, Result{}, fmt.Errorf("pacomchan: %w", err)
	}
	keys, err := deriveCircuitKeys(&in.key)
	// mutation: unreachable — deriveCircuitKeys fails only on a key length other than 32.
	if err != nil {
		return CircuitID{}, Result{}, err
	}
	m := Message{Type: MsgHandshake, ID: in.id, TTL: r.cfg.TTL, Enc: enc, Sealed: sealed}
	raw, err := m.MarshalBinary()
	// mutation: unreachable — every field of m has the size MarshalBinary checks.
	if err != nil {
		return CircuitID{}, Result{}, err
	}
	rec := &record{source: true, rTime: now, lastUsed: now}
	hops := r.neighbours
	if r.cfg.WalkProb > 0 {
		hops = []PeerID{r.neighbours[r.rng.IntN(len(r.neighbours))]}
	}
	var res Result
	for _, h := range hops {
		if r.spend(now, h) {
			rec.nextHops = append(rec.nextHops, h)
			res.Out = append(res.Out, Outgoing{To: h, Msg: raw})
		}
	}
	r.addRecord(in.id, rec)
	r.ends[in.id] = &endpoint{
		role: roleSource, keys: keys, secret: in.secret, target: pk, created: now, pending: pending,
	}
	return in.id, res, nil
}

// spend charges a handshake to the budget of the channel to p (extension
// 4) and reports whether it may go.
func (r *Router) spend(now time.Time, p PeerID) bool {
	if r.cfg.HandshakeBudget == 0 {
		return true
	}
	b := r.budgets[p]
	if b == nil {
		b = &budget{start: now}
		r.budgets[p] = b
	}
	if now.Sub(b.start) >= r.cfg.HandshakeWindow {
		b.start, b.used = now, 0
	}
	if b.used+HandshakeSize > r.cfg.HandshakeBudget {
		r.stats.HandshakesBudgetDropped++
		return false
	}
	b.used += HandshakeSize
	return true
}

// Handle processes a circuit message received from neighbour from: a
// handshake is recorded, tried against the router's key and forwarded; a
// response, data or acknowledgement is routed along the circuit table or,
// at an end, opened. Malformed, unknown, stale and replayed messages return
// an error and leave the router unchanged.
//
// The result's forwarded messages (Outgoing.Msg) and delivered data may
// share memory with raw: a caller that reuses raw's buffer must copy them
// first, as [Node] does.
func (r *Router) Handle(now time.Time, from PeerID, raw []byte) (Result, error) {
	var m Message
	if err := m.UnmarshalBinary(raw); err != nil {
		r.stats.Malformed++
		return Result{}, err
	}
	switch m.Type {
	case MsgHandshake:
		return r.handleHandshake(now, from, &m)
	case MsgResponse:
		return r.handleResponse(now, from, &m, raw)
	default:
		return r.handleData(now, from, &m, raw)
	}
}

func (r *Router) handleHandshake(now time.Time, from PeerID, m *Message) (Result, error) {
	var res Result
	if m.TTL > r.cfg.MaxTTL {
		r.stats.HandshakesTTLAbuse++
		return res, fmt.Errorf("%w: %d > %d", ErrTTL, m.TTL, r.cfg.MaxTTL)
	}
	if m.TTL == 0 {
		r.stats.HandshakesExpired++
		return res, nil
	}
	if _, seen := r.table[m.ID]; seen {
		r.stats.HandshakesDuplicate++
		return res, nil
	}
	if _, dead := r.tombstones[m.ID]; dead {
		// The record is gone but a copy of its handshake could still pass
		// the time check: a replay, or a very late copy of the flood.
		r.stats.HandshakesTombstoned++
		return res, fmt.Errorf("%w: handshake %v of a removed circuit", ErrReplay, m.ID)
	}
	if r.perHop[from] >= r.cfg.MaxRecordsPerNeighbour {
		r.stats.QuotaExceeded++
		return res, fmt.Errorf("%w: %d records from neighbour %d", ErrQuota, r.perHop[from], from)
	}
	if r.foreign >= r.cfg.MaxRecords || len(r.tombstones) >= r.maxTombstones() {
		r.stats.TableFull++
		return res, ErrTableFull
	}
	rec := &record{lastHop: from, rTime: now, lastUsed: now}
	var accepted *endpoint
	if in, ok := r.openHandshake(m); ok {
		skew := now.Sub(time.UnixMilli(in.timeMs))
		if skew > r.cfg.MaxSkew || skew < -r.cfg.MaxSkew {
			// A replayed or delayed handshake (relay attack): refuse the
			// circuit, but forward it like any relay would, so that the
			// refusal does not point at the target.
			r.stats.HandshakesStale++
			return r.forwardHandshake(now, from, m, rec, res)
		}
		keys, err := deriveCircuitKeys(&in.key)
		// mutation: unreachable — deriveCircuitKeys fails only on a key length other than 32.
		if err != nil {
			return res, err
		}
		accepted = &endpoint{role: roleTarget, keys: keys, secret: in.secret, established: true, hop: from, created: now}
		rec.target, rec.suc = true, true
	}
	res, err := r.forwardHandshake(now, from, m, rec, res)
	// mutation: unreachable — forwardHandshake fails only if a parsed handshake does not re-encode.
	if err != nil {
		return res, err
	}
	if accepted != nil {
		r.ends[m.ID] = accepted
		r.stats.CircuitsAccepted++
		resp := Message{Type: MsgResponse, ID: m.ID}
		var zero [responseNonceLength]byte
		resp.Sealed = accepted.keys.response.Seal(nil, zero[:], accepted.secret[:], headerAAD(MsgResponse, m.ID))
		b, err := resp.MarshalBinary()
		// mutation: unreachable — a response sealed here has the size MarshalBinary checks.
		if err != nil {
			return Result{}, err
		}
		res.Out = append(res.Out, Outgoing{To: from, Msg: b})
		res.Accepted = append(res.Accepted, m.ID)
	}
	return res, nil
}

// forwardHandshake records a handshake and forwards it with TTL − 1,
// whether or not this client is the target, so that where flooding stops
// says nothing about where the target is.
func (r *Router) forwardHandshake(now time.Time, from PeerID, m *Message, rec *record, res Result) (Result, error) {
	fwd := *m
	fwd.TTL--
	raw, err := fwd.MarshalBinary()
	// mutation: unreachable — a parsed handshake with TTL − 1 re-encodes.
	if err != nil {
		return res, err
	}
	// A handshake whose TTL reaches zero here is not forwarded: the next
	// client would discard it anyway (§3.5).
	others := make([]PeerID, 0, len(r.neighbours))
	if fwd.TTL == 0 {
		r.stats.HandshakesExpired++
	} else {
		for _, n := range r.neighbours {
			if n != from {
				others = append(others, n)
			}
		}
	}
	if len(others) > 0 && r.cfg.WalkProb > 0 && r.rng.Float64() < r.cfg.WalkProb {
		others = others[r.rng.IntN(len(others)):][:1]
	}
	for _, n := range others {
		if r.spend(now, n) {
			rec.nextHops = append(rec.nextHops, n)
			res.Out = append(res.Out, Outgoing{To: n, Msg: raw})
			r.stats.HandshakesForwarded++
		}
	}
	r.addRecord(m.ID, rec)
	return res, nil
}

// openHandshake tries to open E_t{...} with the router's key, and checks
// that the inner h_id equals the outer one (§3.5's success test; the AEAD
// already binds them through the associated data).
func (r *Router) openHandshake(m *Message) (handshakeInner, bool) {
	var in handshakeInner
	recv, err := handshakeSuite.NewReceiver(r.sk, []byte(hpkeInfo))
	// mutation: unreachable — the suite is fixed and r.sk is its KEM's key.
	if err != nil {
		return in, false
	}
	opener, err := recv.Setup(m.Enc)
	if err != nil {
		return in, false
	}
	pt, err := opener.Open(m.Sealed, headerAAD(MsgHandshake, m.ID))
	if err != nil || in.unmarshal(pt) != nil {
		return in, false
	}
	if subtle.ConstantTimeCompare(in.id[:], m.ID[:]) != 1 {
		return in, false
	}
	return in, true
}

func (r *Router) handleResponse(now time.Time, from PeerID, m *Message, raw []byte) (Result, error) {
	var res Result
	rec, ok := r.table[m.ID]
	if !ok || rec.target || !slices.Contains(rec.nextHops, from) {
		r.stats.Unknown++
		return res, fmt.Errorf("%w: response %v from %d", ErrUnknownCircuit, m.ID, from)
	}
	if rec.suc {
		r.stats.Replays++
		return res, fmt.Errorf("%w: second response for %v", ErrReplay, m.ID)
	}
	if rec.source {
		ep := r.ends[m.ID]
		var zero [responseNonceLength]byte
		secret, err := ep.keys.response.Open(nil, zero[:], m.Sealed, headerAAD(MsgResponse, m.ID))
		if err != nil || subtle.ConstantTimeCompare(secret, ep.secret[:]) != 1 {
			r.stats.Malformed++
			return res, ErrSecret
		}
		// Seal the data held for this circuit before changing anything, so
		// that a failure (of the randomness source) leaves the circuit
		// unestablished with its data still held: the error, like every
		// other, leaves the router unchanged.
		for i, d := range ep.pending {
			// mutation: unreachable — pending holds only data sendOn accepted under the same MaxData (the config never changes).
			if len(d) > r.MaxData() {
				return Result{}, fmt.Errorf("%w: %d > %d", ErrTooLong, len(d), r.MaxData())
			}
			out, err := r.sealEnd(m.ID, ep, MsgData, ep.nextDID+uint64(i), d)
			if err != nil {
				return Result{}, err
			}
			out.To = from // ep.hop, set below
			res.Out = append(res.Out, out)
		}
		rec.suc, rec.next, rec.lastUsed = true, from, now
		ep.established, ep.hop = true, from
		r.stats.CircuitsEstablished++
		res.Established = append(res.Established, m.ID)
		for _, d := range ep.pending {
			r.commitSent(now, m.ID, ep, d)
		}
		ep.pending = nil
		return res, nil
	}
	rec.suc, rec.next, rec.lastUsed = true, from, now
	res.Out = append(res.Out, Outgoing{To: rec.lastHop, Msg: raw})
	return res, nil
}

func (r *Router) handleData(now time.Time, from PeerID, m *Message, raw []byte) (Result, error) {
	var res Result
	rec, ok := r.table[m.ID]
	if !ok || !rec.suc {
		r.stats.Unknown++
		return res, fmt.Errorf("%w: %v from %d", ErrUnknownCircuit, m.ID, from)
	}
	atEnd := (rec.source && from == rec.next) || (rec.target && from == rec.lastHop)
	if !atEnd {
		var to PeerID
		switch {
		case !rec.source && !rec.target && from == rec.lastHop:
			to = rec.next
		case !rec.source && !rec.target && from == rec.next:
			to = rec.lastHop
		default:
			r.stats.Unknown++
			return res, fmt.Errorf("%w: %v from %d", ErrUnknownCircuit, m.ID, from)
		}
		r.stats.DataForwarded++
		rec.lastUsed = now
		res.Out = append(res.Out, Outgoing{To: to, Msg: raw})
		return res, nil
	}
	ep := r.ends[m.ID]
	if ep.broken {
		r.stats.Unknown++
		return res, fmt.Errorf("%w: %v is broken", ErrUnknownCircuit, m.ID)
	}
	aead := ep.keys.forward // what the source seals
	if ep.role == roleSource {
		aead = ep.keys.backward
	}
	nonce, ct := m.Sealed[:xNonceSize], m.Sealed[xNonceSize:]
	pt, err := aead.Open(nil, nonce, ct, headerAAD(m.Type, m.ID))
	if err != nil || len(pt) < 12 {
		r.stats.Malformed++
		return res, fmt.Errorf("%w: %v", ErrAuth, m.ID)
	}
	did := uint64(pt[0])<<56 | uint64(pt[1])<<48 | uint64(pt[2])<<40 | uint64(pt[3])<<32 |
		uint64(pt[4])<<24 | uint64(pt[5])<<16 | uint64(pt[6])<<8 | uint64(pt[7])
	n := int(pt[8])<<24 | int(pt[9])<<16 | int(pt[10])<<8 | int(pt[11])
	body := pt[12:]
	if m.Type == MsgAck {
		// d_id field unused (zero); len is the number of ids.
		if n == 0 || n > MaxAckIDs || len(body) != 8*n {
			r.stats.Malformed++
			return res, fmt.Errorf("%w: acknowledgement of %d ids in %d bytes", ErrMessageSize, n, len(body))
		}
		r.stats.AcksReceived++
		rec.lastUsed = now
		for i := 0; i < n; i++ {
			b := body[8*i:]
			id := uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
				uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
			delete(ep.unacked, id)
		}
		return res, nil
	}
	if n != len(body) {
		r.stats.Malformed++
		return res, fmt.Errorf("%w: len %d, %d bytes", ErrMessageSize, n, len(body))
	}
	if ep.window.check(did) != windowNew {
		r.stats.Replays++
		return res, fmt.Errorf("%w: d_id %d on %v", ErrReplay, did, m.ID)
	}
	// An acknowledgement that falls due is sealed before the d_id is marked
	// and the data delivered: if sealing fails the error leaves the router
	// unchanged and the packet, unmarked, is accepted when it is sent again.
	// Marking first would deliver data under an error a caller may drop.
	ackDue := r.cfg.AckEvery > 0 && len(ep.toAck)+1 >= r.cfg.AckEvery
	if ackDue {
		out, err := r.sealEnd(m.ID, ep, MsgAck, 0, encodeIDs(append(slices.Clip(ep.toAck), did)))
		if err != nil {
			return Result{}, err
		}
		res.Out = append(res.Out, out)
	}
	ep.window.mark(did)
	r.stats.DataDelivered++
	rec.lastUsed = now
	res.Delivered = append(res.Delivered, Delivery{Circuit: m.ID, DID: did, Data: body})
	switch {
	case ackDue:
		ep.toAck = ep.toAck[:0]
		r.stats.AcksSent++
	case r.cfg.AckEvery > 0:
		ep.toAck = append(ep.toAck, did)
	}
	return res, nil
}

func encodeIDs(ids []uint64) []byte {
	b := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		b = append(b, byte(id>>56), byte(id>>48), byte(id>>40), byte(id>>32), byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	}
	return b
}

// Send seals data into {type 2, h_id, E_K{d_id, len, data}} on an
// established circuit this client is an end of, and returns the message to
// queue towards the circuit's next hop.
func (r *Router) Send(now time.Time, id CircuitID, data []byte) (Outgoing, error) {
	ep, ok := r.ends[id]
	if !ok {
		return Outgoing{}, fmt.Errorf("%w: %v", ErrUnknownCircuit, id)
	}
	if !ep.established || ep.broken {
		return Outgoing{}, fmt.Errorf("%w: %v", ErrNotReady, id)
	}
	return r.sendOn(now, id, ep, data)
}

func (r *Router) sendOn(now time.Time, id CircuitID, ep *endpoint, data []byte) (Outgoing, error) {
	if len(data) > r.MaxData() {
		return Outgoing{}, fmt.Errorf("%w: %d > %d", ErrTooLong, len(data), r.MaxData())
	}
	out, err := r.sealEnd(id, ep, MsgData, ep.nextDID, data)
	if err != nil {
		return Outgoing{}, err
	}
	r.commitSent(now, id, ep, data)
	return out, nil
}

// commitSent records that data went out on circuit id under the end's next
// d_id, once its message has been sealed.
func (r *Router) commitSent(now time.Time, id CircuitID, ep *endpoint, data []byte) {
	did := ep.nextDID
	ep.nextDID++
	if rec := r.table[id]; rec != nil {
		rec.lastUsed = now
	}
	if r.cfg.AckEvery > 0 && ep.role == roleSource {
		if ep.unacked == nil {
			ep.unacked = map[uint64]sentPacket{}
		}
		ep.unacked[did] = sentPacket{data: slices.Clone(data), at: now}
	}
}

// sealEnd builds a data or acknowledgement message from this end.
func (r *Router) sealEnd(id CircuitID, ep *endpoint, t MsgType, did uint64, body []byte) (Outgoing, error) {
	aead := ep.keys.forward
	if ep.role == roleTarget {
		aead = ep.keys.backward
	}
	n := len(body)
	if t == MsgAck {
		n /= 8
	}
	b := make([]byte, headerSize+xNonceSize, headerSize+xNonceSize+12+len(body)+aeadTagSize)
	b[0] = byte(t)
	copy(b[1:], id[:])
	nonce := b[headerSize:]
	if _, err := io.ReadFull(r.rnd, nonce); err != nil {
		return Outgoing{}, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	pt := make([]byte, 0, 12+len(body))
	pt = append(pt, byte(did>>56), byte(did>>48), byte(did>>40), byte(did>>32), byte(did>>24), byte(did>>16), byte(did>>8), byte(did))
	pt = append(pt, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	pt = append(pt, body...)
	b = aead.Seal(b, nonce, pt, b[:headerSize])
	return Outgoing{To: ep.hop, Msg: b}, nil
}

// Tick does the periodic work: it purges records whose circuit was not
// built within PurgeAfter (§3.5) and established circuits that carried
// nothing for IdleAfter (listed in Result.Expired when this client is an
// end), drops tombstones that can no longer matter, and rebuilds the
// circuits this client built that broke or, with extension 3, whose data
// stayed unacknowledged for AckTimeout; unacknowledged and pending data
// move to the new circuit.
func (r *Router) Tick(now time.Time) Result {
	var res Result
	var rebuild []CircuitID
	for id, until := range r.tombstones {
		if now.After(until) {
			delete(r.tombstones, id)
		}
	}
	for id, rec := range r.table {
		ep := r.ends[id]
		stale := !rec.suc && now.Sub(rec.rTime) > r.cfg.PurgeAfter
		idle := rec.suc && now.Sub(rec.lastUsed) > r.cfg.IdleAfter
		if ep != nil && ep.role == roleSource {
			late := false
			for _, p := range ep.unacked {
				if now.Sub(p.at) > r.cfg.AckTimeout {
					late = true
					break
				}
			}
			if ep.broken || late || (stale && len(ep.pending) > 0) {
				rebuild = append(rebuild, id)
				continue
			}
		}
		switch {
		case stale:
			r.removeRecord(id)
			r.stats.RecordsPurged++
		case idle:
			r.removeRecord(id)
			r.stats.IdlePurged++
			if ep != nil {
				res.Expired = append(res.Expired, id)
			}
		}
	}
	slices.SortFunc(res.Expired, func(a, b CircuitID) int { return bytes.Compare(a[:], b[:]) })
	slices.SortFunc(rebuild, func(a, b CircuitID) int { return bytes.Compare(a[:], b[:]) })
	for _, old := range rebuild {
		ep := r.ends[old]
		r.removeRecord(old)
		dids := make([]uint64, 0, len(ep.unacked))
		for d := range ep.unacked {
			dids = append(dids, d)
		}
		slices.Sort(dids)
		pending := make([][]byte, 0, len(dids)+len(ep.pending))
		for _, d := range dids {
			pending = append(pending, ep.unacked[d].data)
		}
		pending = append(pending, ep.pending...)
		id, built, err := r.build(now, ep.target, pending)
		if err != nil {
			// No neighbour or a full table: keep the old circuit's data
			// for the next tick.
			delete(r.tombstones, old)
			r.addRecord(old, &record{source: true, rTime: now, lastUsed: now})
			ep.pending, ep.unacked, ep.broken = pending, nil, false
			ep.established = false
			r.ends[old] = ep
			continue
		}
		r.stats.CircuitsRebuilt++
		res.Out = append(res.Out, built.Out...)
		res.Rebuilt = append(res.Rebuilt, Rebuild{Old: old, New: id})
	}
	return res
}

// Route is a client's circuit record (last_hop, h_id, next_hop, r_time,
// suc_flag) of §3.5, as [Router.Route] reports it.
type Route struct {
	// LastHop is the neighbour the handshake came from; Source is set
	// instead when this client built the circuit.
	LastHop PeerID
	Source  bool
	// NextHop is the neighbour the response came from, once Built; Target
	// is set instead when the circuit ends at this client.
	NextHop PeerID
	Target  bool
	// Received is r_time, when the handshake arrived (or was sent).
	Received time.Time
	// Built is suc_flag.
	Built bool
}

// Route returns the circuit record for id, if the table has one.
func (r *Router) Route(id CircuitID) (Route, bool) {
	rec, ok := r.table[id]
	if !ok {
		return Route{}, false
	}
	return Route{LastHop: rec.lastHop, Source: rec.source, NextHop: rec.next, Target: rec.target,
		Received: rec.rTime, Built: rec.suc}, true
}
