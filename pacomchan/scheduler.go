package pacomchan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// maxSwarmBlocks bounds the blocks of a swarm's file, 2^24 (256 GiB of
// 16 KiB blocks), so that a block count taken from a file's metadata cannot
// make [Scheduler.JoinSwarm] and [Scheduler.Connect] allocate without limit.
const maxSwarmBlocks = 1 << 24

// Scheduler defaults.
const (
	// DefaultMaxOutstanding is h of Algorithm 1: at most 10 unanswered
	// requests to one neighbour, as the BitTorrent specification advises.
	DefaultMaxOutstanding = 10
	// DefaultMaxQueue bounds each output queue Q(P_i, P_j), in segments.
	DefaultMaxQueue = 4096
)

// Errors returned by [Scheduler]. None of them changes the scheduler's
// state, except where a method's documentation says otherwise.
var (
	ErrUnknownPeer    = errors.New("pacomchan: unknown peer")
	ErrDuplicatePeer  = errors.New("pacomchan: peer already added")
	ErrUnknownSwarm   = errors.New("pacomchan: unknown swarm")
	ErrDuplicateSwarm = errors.New("pacomchan: swarm already joined")
	ErrNotInSwarm     = errors.New("pacomchan: peer is not connected in that swarm")
	ErrBlockIndex     = errors.New("pacomchan: block index out of range")
	ErrNotHave        = errors.New("pacomchan: request for a block this client does not have")
	ErrUnrequested    = errors.New("pacomchan: block that was not requested")
	ErrQueueFull      = errors.New("pacomchan: output queue full")
	ErrNotPACOM       = errors.New("pacomchan: peer is an ordinary BitTorrent client")
	ErrNoCodec        = errors.New("pacomchan: a PACOM peer needs a codec")
	ErrNilRand        = errors.New("pacomchan: nil *rand.Rand")
	ErrNilArgument    = errors.New("pacomchan: nil argument")
)

// PeerID names a neighbour connection of the client; the caller assigns
// the values (a connection number, an index into its peer table).
// BitTorrent opens one connection per torrent, so a neighbour met in two
// swarms is two PeerIDs, each with its own [Link]: one link per
// connection, as package pacomchan/pacomnet does.
type PeerID uint64

// SwarmID names a swarm the client has joined (the caller's index of an
// info-hash).
type SwarmID uint32

// PeerKind tells ordinary BitTorrent clients from PACOM clients.
type PeerKind uint8

const (
	// BitTorrentPeer is an ordinary client: it gets plain file blocks.
	BitTorrentPeer PeerKind = iota
	// PACOMPeer is a PACOM client: every block it gets embeds a segment or
	// padding through its [Codec].
	PACOMPeer
)

// Codec embeds segments into blocks and extracts them: the channel to one
// PACOM neighbour. [*Link] implements it; a simulation may plug in a
// cheaper one.
type Codec interface {
	// SealBlock appends to dst a block carrying seg (padding if seg is
	// empty) and reports whether seg was carried.
	SealBlock(dst, seg []byte) (block []byte, carried bool, err error)
	// OpenBlock returns the segment a block carries, nil for padding; it
	// may use buf's capacity and the segment may alias it.
	OpenBlock(buf, block []byte) (seg []byte, err error)
}

// SizedCodec is a [Codec] that also seals blocks shorter than its block
// size: the last block of a file that is not a whole number of blocks.
type SizedCodec interface {
	Codec
	SealBlockSize(dst, seg []byte, size int) (block []byte, carried bool, err error)
}

var _ SizedCodec = (*Link)(nil)

// SchedulerConfig parameterises a [Scheduler]; zero fields take defaults.
type SchedulerConfig struct {
	MaxOutstanding int // h: unanswered requests per neighbour and swarm
	MaxQueue       int // segments per output queue Q(P_i, P_j)
}

// Request is a block request the client sends: lines 3–6 of Algorithm 1.
type Request struct {
	To    PeerID
	Swarm SwarmID
	Index int
}

// Response is the answer to a neighbour's request: lines 20–28.
type Response struct {
	// Plain is set for an ordinary BitTorrent peer: the caller sends the
	// file block itself. Otherwise Block is the block to send.
	Plain bool
	Block []byte
	// Carried reports that Block embeds a segment from the output queue;
	// otherwise it is a dummy (cover) block.
	Carried bool
	// Segment is the segment Block carries, now the caller's: a caller
	// that learns the block was lost gives it back with
	// [Scheduler.Requeue].
	Segment []byte
}

// Received is what a block from a neighbour yielded: lines 8–18.
type Received struct {
	// Plain is set for a block from an ordinary BitTorrent peer: the caller
	// stores it (line 12).
	Plain bool
	// Segment is the embedded segment, nil for a dummy block. It aliases
	// the buffer passed to [Scheduler.OnBlock].
	Segment []byte
	// Completed reports that this block completed the swarm's file: the
	// client can no longer receive data in that swarm and should rejoin
	// another PACOM swarm (§3.4).
	Completed bool
}

// SchedulerStats counts what a scheduler has done.
type SchedulerStats struct {
	RequestsSent, BlocksReceived, BadBlocks     uint64
	DataServed, DummyServed, PlainServed        uint64
	SegmentsReceived, Unrequested, QueueDropped uint64
}

// Scheduler is the packet scheduling of one PACOM client P_i, Algorithm 1 of
// [PACOM §3.2], as a state machine: the caller feeds it the events of its
// BitTorrent connections (a request arrived, a block arrived, a segment is
// to be sent, it is time to request) and sends what it returns. It starts
// no goroutines and does no I/O, so the same code runs under a real client
// and under a simulator.
//
// The traffic a Scheduler produces towards a neighbour is driven only by
// that neighbour's requests: a request is answered at once, with the next
// queued segment if there is one and with a dummy block otherwise. This is
// what makes the packet counts of a relay's input and output links
// independent (Theorem 1).
//
// Blocks are chosen at random among those the neighbour has and the client
// lacks and has not already requested from anyone. A Scheduler is not safe
// for concurrent use.
type Scheduler struct {
	h, maxQueue int
	rng         *rand.Rand
	swarms      map[SwarmID]*swarm
	peers       map[PeerID]*peer
	order       []PeerID // peers in the order they were added
	stats       SchedulerStats
}

// swarm is the client's state in one swarm S_k.
type swarm struct {
	n        int
	lastSize int    // size of the last block if the file ends short; 0 if whole
	have     bitset // B(P_i) restricted to F(S_k)
	pending  bitset // requested from someone, not yet received
	nhave    int
}

// peer is the client's state towards one neighbour P_j.
type peer struct {
	kind   PeerKind
	codec  Codec
	queue  [][]byte // Q(P_i, P_j), a FIFO
	head   int
	swarms map[SwarmID]*peerSwarm
	sorder []SwarmID
}

// peerSwarm is what the client knows of P_j in one shared swarm.
type peerSwarm struct {
	have        bitset // B(P_j)
	outstanding []int  // R(P_i, P_j), at most h entries
}

// NewScheduler returns a scheduler drawing its random block choices from
// rng; a nil rng is an error wrapping [ErrNilRand].
func NewScheduler(cfg SchedulerConfig, rng *rand.Rand) (*Scheduler, error) {
	if cfg.MaxOutstanding == 0 {
		cfg.MaxOutstanding = DefaultMaxOutstanding
	}
	if cfg.MaxQueue == 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	if cfg.MaxOutstanding < 0 || cfg.MaxQueue < 0 {
		return nil, fmt.Errorf("pacomchan: negative scheduler limit %+v", cfg)
	}
	if rng == nil {
		return nil, fmt.Errorf("%w: NewScheduler", ErrNilRand)
	}
	return &Scheduler{
		h: cfg.MaxOutstanding, maxQueue: cfg.MaxQueue, rng: rng,
		swarms: map[SwarmID]*swarm{}, peers: map[PeerID]*peer{},
	}, nil
}

// Stats returns the scheduler's counters.
func (s *Scheduler) Stats() SchedulerStats { return s.stats }

// JoinSwarm adds a swarm whose file has blocks blocks, 1 to 2^24; seed
// reports that the client already has all of them (a bootstrapping node
// sharing a PACOM file).
func (s *Scheduler) JoinSwarm(id SwarmID, blocks int, seed bool) error {
	if _, ok := s.swarms[id]; ok {
		return fmt.Errorf("%w: %d", ErrDuplicateSwarm, id)
	}
	if blocks <= 0 || blocks > maxSwarmBlocks {
		return fmt.Errorf("pacomchan: swarm %d with %d blocks, want 1 to %d", id, blocks, maxSwarmBlocks)
	}
	sw := &swarm{n: blocks, have: newBitset(blocks), pending: newBitset(blocks)}
	if seed {
		sw.have.fill(blocks)
		sw.nhave = blocks
	}
	s.swarms[id] = sw
	return nil
}

// SetLastBlockSize records that the last block of a swarm's file is size
// bytes long instead of a whole block; PACOM peers' codecs must then be
// [SizedCodec]s.
func (s *Scheduler) SetLastBlockSize(id SwarmID, size int) error {
	sw, ok := s.swarms[id]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownSwarm, id)
	}
	if size <= 0 {
		return fmt.Errorf("pacomchan: last block of %d bytes", size)
	}
	sw.lastSize = size
	return nil
}

// LeaveSwarm forgets a swarm and every neighbour's state in it, including
// outstanding requests.
func (s *Scheduler) LeaveSwarm(id SwarmID) error {
	if _, ok := s.swarms[id]; !ok {
		return fmt.Errorf("%w: %d", ErrUnknownSwarm, id)
	}
	delete(s.swarms, id)
	for _, p := range s.peers {
		if _, ok := p.swarms[id]; ok {
			delete(p.swarms, id)
			p.sorder = slices.DeleteFunc(p.sorder, func(x SwarmID) bool { return x == id })
		}
	}
	return nil
}

// Own records that the client holds block index of a swarm, as after a
// resumed download.
func (s *Scheduler) Own(id SwarmID, index int) error {
	sw, ok := s.swarms[id]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownSwarm, id)
	}
	if index < 0 || index >= sw.n {
		return fmt.Errorf("%w: %d of %d", ErrBlockIndex, index, sw.n)
	}
	if !sw.have.has(index) {
		sw.have.set(index)
		sw.nhave++
	}
	return nil
}

// Holds reports whether the client has block index of a swarm.
func (s *Scheduler) Holds(id SwarmID, index int) bool {
	sw, ok := s.swarms[id]
	return ok && index >= 0 && index < sw.n && sw.have.has(index)
}

// Lacks reports whether neighbour p has a block of the swarm that the
// client lacks: whether the client is interested in p (BEP 3).
func (s *Scheduler) Lacks(p PeerID, id SwarmID) bool {
	ps, sw, err := s.peerSwarm(p, id)
	if err != nil {
		return false
	}
	for i := range ps.have {
		if ps.have[i]&^sw.have[i] != 0 {
			return true
		}
	}
	return false
}

// Complete reports whether the client has every block of the swarm.
func (s *Scheduler) Complete(id SwarmID) bool {
	sw, ok := s.swarms[id]
	return ok && sw.nhave == sw.n
}

// AddPeer adds a neighbour. A PACOM peer needs a codec; an ordinary
// BitTorrent peer has none.
func (s *Scheduler) AddPeer(id PeerID, kind PeerKind, codec Codec) error {
	if _, ok := s.peers[id]; ok {
		return fmt.Errorf("%w: %d", ErrDuplicatePeer, id)
	}
	if kind == PACOMPeer && codec == nil {
		return ErrNoCodec
	}
	if kind != PACOMPeer && kind != BitTorrentPeer {
		return fmt.Errorf("pacomchan: unknown peer kind %d", kind)
	}
	s.peers[id] = &peer{kind: kind, codec: codec, swarms: map[SwarmID]*peerSwarm{}}
	s.order = append(s.order, id)
	return nil
}

// RemovePeer drops a neighbour, cancels its outstanding requests (the blocks
// become requestable from others) and returns the segments still queued for
// it, so that the caller can route them elsewhere.
func (s *Scheduler) RemovePeer(id PeerID) ([][]byte, error) {
	p, ok := s.peers[id]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownPeer, id)
	}
	for sid, ps := range p.swarms {
		if sw, ok := s.swarms[sid]; ok {
			for _, i := range ps.outstanding {
				sw.pending.unset(i)
			}
		}
	}
	delete(s.peers, id)
	s.order = slices.DeleteFunc(s.order, func(x PeerID) bool { return x == id })
	return p.queue[p.head:], nil
}

// Connect records that a neighbour takes part in a swarm the client has
// joined, so blocks of that swarm flow between them.
func (s *Scheduler) Connect(id PeerID, sid SwarmID) error {
	p, sw, err := s.lookup(id, sid)
	if err != nil {
		return err
	}
	if _, ok := p.swarms[sid]; ok {
		return nil
	}
	p.swarms[sid] = &peerSwarm{have: newBitset(sw.n)}
	p.sorder = append(p.sorder, sid)
	return nil
}

// Have records that a neighbour has block index of a swarm (a BitTorrent
// HAVE message).
func (s *Scheduler) Have(id PeerID, sid SwarmID, index int) error {
	ps, sw, err := s.peerSwarm(id, sid)
	if err != nil {
		return err
	}
	if index < 0 || index >= sw.n {
		return fmt.Errorf("%w: %d of %d", ErrBlockIndex, index, sw.n)
	}
	ps.have.set(index)
	return nil
}

// HaveAll records that a neighbour has every block of a swarm (a seed).
func (s *Scheduler) HaveAll(id PeerID, sid SwarmID) error {
	ps, sw, err := s.peerSwarm(id, sid)
	if err != nil {
		return err
	}
	ps.have.fill(sw.n)
	return nil
}

// Enqueue puts a segment into the output queue Q(P_i, P_j) of a PACOM
// neighbour; it leaves with the next block that neighbour requests. The
// scheduler keeps a copy of seg.
func (s *Scheduler) Enqueue(to PeerID, seg []byte) error {
	p, ok := s.peers[to]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownPeer, to)
	}
	if p.kind != PACOMPeer {
		return fmt.Errorf("%w: %d", ErrNotPACOM, to)
	}
	if len(seg) == 0 {
		return ErrEmptySegment
	}
	if len(p.queue)-p.head >= s.maxQueue {
		s.stats.QueueDropped++
		return fmt.Errorf("%w: %d segments for peer %d", ErrQueueFull, s.maxQueue, to)
	}
	p.queue = append(p.queue, slices.Clone(seg))
	return nil
}

// Requeue puts a segment back at the head of a neighbour's output queue: a
// segment whose block was lost (the neighbour cancelled a request that had
// been answered). It ignores the queue limit, since the segment was
// already admitted. The scheduler keeps seg itself.
func (s *Scheduler) Requeue(to PeerID, seg []byte) error {
	p, ok := s.peers[to]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownPeer, to)
	}
	if len(seg) == 0 {
		return ErrEmptySegment
	}
	if p.head > 0 {
		p.head--
		p.queue[p.head] = seg
		return nil
	}
	p.queue = slices.Insert(p.queue, 0, seg)
	return nil
}

// Queued returns the number of segments waiting for a neighbour.
func (s *Scheduler) Queued(to PeerID) int {
	p, ok := s.peers[to]
	if !ok {
		return 0
	}
	return len(p.queue) - p.head
}

// RequestFrom performs lines 3–6 of Algorithm 1 once for one neighbour and
// swarm: if fewer than h requests to it are unanswered and it has a block
// the client lacks and has not requested, it picks one at random and returns
// the request to send. ok is false when no request is due.
func (s *Scheduler) RequestFrom(id PeerID, sid SwarmID) (r Request, ok bool, err error) {
	ps, sw, err := s.peerSwarm(id, sid)
	if err != nil {
		return Request{}, false, err
	}
	if len(ps.outstanding) >= s.h {
		return Request{}, false, nil
	}
	i := pickAndNot(s.rng, ps.have, sw.have, sw.pending)
	if i < 0 {
		return Request{}, false, nil
	}
	ps.outstanding = append(ps.outstanding, i)
	sw.pending.set(i)
	s.stats.RequestsSent++
	return Request{To: id, Swarm: sid, Index: i}, true, nil
}

// Requests runs the request part of Algorithm 1 (lines 1–6) over every
// neighbour and shared swarm until each has h outstanding requests or
// nothing more to offer, appending the requests to dst.
func (s *Scheduler) Requests(dst []Request) []Request {
	for _, id := range s.order {
		p := s.peers[id]
		for _, sid := range p.sorder {
			for {
				r, ok, err := s.RequestFrom(id, sid)
				if err != nil || !ok {
					break
				}
				dst = append(dst, r)
			}
		}
	}
	return dst
}

// OnRequest answers a neighbour's request for a block (lines 20–28): an
// ordinary BitTorrent peer gets the plain block (Response.Plain), a PACOM
// peer gets a block sealed by its codec and appended to dst, carrying the
// head of its output queue or, if the queue is empty, padding.
func (s *Scheduler) OnRequest(from PeerID, sid SwarmID, index int, dst []byte) (Response, error) {
	p, sw, err := s.lookup(from, sid)
	if err != nil {
		return Response{}, err
	}
	if _, ok := p.swarms[sid]; !ok {
		return Response{}, fmt.Errorf("%w: peer %d, swarm %d", ErrNotInSwarm, from, sid)
	}
	if index < 0 || index >= sw.n {
		return Response{}, fmt.Errorf("%w: %d of %d", ErrBlockIndex, index, sw.n)
	}
	if !sw.have.has(index) {
		return Response{}, fmt.Errorf("%w: block %d of swarm %d", ErrNotHave, index, sid)
	}
	if p.kind == BitTorrentPeer {
		s.stats.PlainServed++
		return Response{Plain: true}, nil
	}
	var seg []byte
	if p.head < len(p.queue) {
		seg = p.queue[p.head]
	}
	var block []byte
	var carried bool
	if index == sw.n-1 && sw.lastSize > 0 {
		sc, ok := p.codec.(SizedCodec)
		if !ok {
			return Response{}, fmt.Errorf("pacomchan: codec of peer %d cannot seal a %d-byte last block", from, sw.lastSize)
		}
		block, carried, err = sc.SealBlockSize(dst, seg, sw.lastSize)
	} else {
		block, carried, err = p.codec.SealBlock(dst, seg)
	}
	if err != nil {
		return Response{}, err
	}
	if !carried {
		seg = nil
	}
	if carried {
		p.queue[p.head] = nil
		p.head++
		if p.head == len(p.queue) {
			p.queue, p.head = p.queue[:0], 0
		} else if p.head > 64 && p.head*2 > len(p.queue) {
			n := copy(p.queue, p.queue[p.head:])
			clear(p.queue[n:])
			p.queue, p.head = p.queue[:n], 0
		}
		s.stats.DataServed++
	} else {
		s.stats.DummyServed++
	}
	return Response{Block: block, Carried: carried, Segment: seg}, nil
}

// OnBlock handles a block a neighbour sent in answer to one of the client's
// requests (lines 8–18). For a PACOM peer the codec first opens the block,
// using buf as scratch space; a block that fails to open (forged, tampered,
// replayed) is an error and changes nothing, its request stays outstanding
// (see [Scheduler.CancelRequest]). An opened block settles the request and
// joins B(P_i). The caller routes a returned segment to its next hop with
// [Scheduler.Enqueue].
func (s *Scheduler) OnBlock(from PeerID, sid SwarmID, index int, block, buf []byte) (Received, error) {
	ps, sw, err := s.peerSwarm(from, sid)
	if err != nil {
		return Received{}, err
	}
	k := slices.Index(ps.outstanding, index)
	if k < 0 {
		s.stats.Unrequested++
		return Received{}, fmt.Errorf("%w: block %d of swarm %d from peer %d", ErrUnrequested, index, sid, from)
	}
	p := s.peers[from]
	var rec Received
	if p.kind == BitTorrentPeer {
		rec.Plain = true
	} else {
		seg, err := p.codec.OpenBlock(buf, block)
		if err != nil {
			s.stats.BadBlocks++
			return Received{}, err
		}
		rec.Segment = seg
		if seg != nil {
			s.stats.SegmentsReceived++
		}
	}
	ps.outstanding = slices.Delete(ps.outstanding, k, k+1)
	sw.pending.unset(index)
	s.stats.BlocksReceived++
	if !sw.have.has(index) {
		sw.have.set(index)
		sw.nhave++
		rec.Completed = sw.nhave == sw.n
	}
	return rec, nil
}

// CancelRequest withdraws an outstanding request, for instance when its
// answer has not come within the caller's timeout or failed to open. The
// block becomes requestable again. It reports whether the request was
// outstanding.
func (s *Scheduler) CancelRequest(id PeerID, sid SwarmID, index int) bool {
	ps, sw, err := s.peerSwarm(id, sid)
	if err != nil {
		return false
	}
	k := slices.Index(ps.outstanding, index)
	if k < 0 {
		return false
	}
	ps.outstanding = slices.Delete(ps.outstanding, k, k+1)
	sw.pending.unset(index)
	return true
}

// Outstanding returns |R(P_i, P_j)| in a swarm.
func (s *Scheduler) Outstanding(id PeerID, sid SwarmID) int {
	ps, _, err := s.peerSwarm(id, sid)
	if err != nil {
		return 0
	}
	return len(ps.outstanding)
}

func (s *Scheduler) lookup(id PeerID, sid SwarmID) (*peer, *swarm, error) {
	p, ok := s.peers[id]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %d", ErrUnknownPeer, id)
	}
	sw, ok := s.swarms[sid]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %d", ErrUnknownSwarm, sid)
	}
	return p, sw, nil
}

func (s *Scheduler) peerSwarm(id PeerID, sid SwarmID) (*peerSwarm, *swarm, error) {
	p, sw, err := s.lookup(id, sid)
	if err != nil {
		return nil, nil, err
	}
	ps, ok := p.swarms[sid]
	if !ok {
		return nil, nil, fmt.Errorf("%w: peer %d, swarm %d", ErrNotInSwarm, id, sid)
	}
	return ps, sw, nil
}
