package pacomnet

import (
	"bytes"
	"errors"
	"net"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// conn is one BEP 3 connection: one neighbour in one swarm, one
// [pacomchan.Link] if the neighbour is a PACOM client.
type conn struct {
	id     pacomchan.PeerID
	sw     *swarmState
	kind   pacomchan.PeerKind
	peerID [20]byte
	nc     net.Conn
	out    chan []byte
	closed bool

	amChoking, amInterested     bool
	peerChoking, peerInterested bool
	optimistic                  bool

	requests       map[int]time.Time // our requests to the peer, by piece
	nextReq        time.Time
	inflight       map[int][]byte // segments in pieces we served, until HAVE or CANCEL
	parked         []int          // naive mode: the peer's requests waiting for data
	hellosSeen     uint64         // naive mode: the link's HelloRecv at the last answer
	peerMetadataID byte           // the peer's ut_metadata id (BEP 9), 0 if none

	lastRead, lastWrite time.Time // activity, for keep-alives and the idle timeout
	recvPieces          int       // pieces received this choke interval
	scratch             []byte
}

// start registers a connection that passed the handshake and runs it.
func (c *Client) start(nc net.Conn, sw *swarmState, kind pacomchan.PeerKind, peerID [20]byte, extended bool) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	id := c.nextPeer
	c.nextPeer++
	if err := c.node.AddPeer(id, kind); err != nil {
		c.mu.Unlock()
		return err
	}
	if err := c.node.Scheduler().Connect(id, sw.sid); err != nil {
		c.mu.Unlock()
		return err
	}
	now := time.Now()
	cn := &conn{
		id: id, sw: sw, kind: kind, peerID: peerID, nc: nc, out: make(chan []byte, writeQueue),
		amChoking: true, peerChoking: true,
		requests: map[int]time.Time{}, inflight: map[int][]byte{},
		lastRead: now, lastWrite: now, nextReq: now,
		scratch: make([]byte, 0, c.cfg.Node.Link.BlockSize),
	}
	c.conns[id] = cn
	sw.conns[id] = cn
	// BEP 3: a BITFIELD first, if the client has any piece.
	s := c.node.Scheduler()
	n := sw.file.Pieces()
	bf := make([]byte, (n+7)/8)
	any := false
	for i := range n {
		if s.Holds(sw.sid, i) {
			bf[i/8] |= 0x80 >> (i % 8)
			any = true
		}
	}
	if any {
		c.send(cn, &peerwire.Message{Type: peerwire.Bitfield, Bitfield: bf})
	}
	if extended {
		c.sendExtendedHandshake(cn)
	}
	c.mu.Unlock()

	c.wg.Add(2)
	go c.writer(cn)
	go c.reader(cn)
	return nil
}

// send queues a message to a connection; c.mu is held. A connection whose
// queue is full is closed: the peer does not read.
func (c *Client) send(cn *conn, m *peerwire.Message) {
	if cn.closed {
		return
	}
	b, err := m.MarshalBinary()
	if err != nil {
		return
	}
	select {
	case cn.out <- b:
		cn.lastWrite = time.Now()
	default:
		c.drop(cn)
	}
}

// drop closes a connection and removes the neighbour; c.mu is held.
func (c *Client) drop(cn *conn) {
	if cn.closed {
		return
	}
	cn.closed = true
	close(cn.out)
	cn.nc.Close()
	delete(c.conns, cn.id)
	delete(cn.sw.conns, cn.id)
	_ = c.node.RemovePeer(cn.id)
}

func (c *Client) writer(cn *conn) {
	defer c.wg.Done()
	for b := range cn.out {
		if err := cn.nc.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
			break
		}
		if _, err := cn.nc.Write(b); err != nil {
			break
		}
	}
	c.mu.Lock()
	c.drop(cn)
	c.mu.Unlock()
	for range cn.out { // drain after a write error
	}
}

func (c *Client) reader(cn *conn) {
	defer c.wg.Done()
	r := peerwire.NewReader(cn.nc)
	r.MaxLength = 1 + 8 + c.cfg.Node.Link.BlockSize
	if bfl := 1 + (cn.sw.file.Pieces()+7)/8; bfl > r.MaxLength {
		r.MaxLength = bfl
	}
	for {
		m, err := r.ReadMessage()
		c.mu.Lock()
		if err != nil {
			if errors.Is(err, peerwire.ErrUnknownType) && !cn.closed {
				c.stats.UnknownMessages++
				c.mu.Unlock()
				continue
			}
			c.drop(cn)
			c.mu.Unlock()
			return
		}
		if cn.closed {
			c.mu.Unlock()
			return
		}
		cn.lastRead = time.Now()
		c.handle(cn, &m)
		c.mu.Unlock()
	}
}

// handle processes one message from the peer; c.mu is held.
func (c *Client) handle(cn *conn, m *peerwire.Message) {
	if m.Keepalive {
		return
	}
	s := c.node.Scheduler()
	sid := cn.sw.sid
	switch m.Type {
	case peerwire.Choke:
		cn.peerChoking = true
		// BEP 3: a choke discards our requests. Cancel them, so that a
		// peer that had answered some puts their segments back.
		for i := range cn.requests {
			s.CancelRequest(cn.id, sid, i)
			c.send(cn, &peerwire.Message{Type: peerwire.Cancel, Index: uint32(i), Length: uint32(cn.sw.file.PieceSize(i))})
		}
		clear(cn.requests)
	case peerwire.Unchoke:
		cn.peerChoking = false
	case peerwire.Interested:
		cn.peerInterested = true
		c.unchokeIfFree(cn)
	case peerwire.NotInterested:
		cn.peerInterested = false
	case peerwire.Have:
		if int(m.Index) >= cn.sw.file.Pieces() {
			c.drop(cn)
			return
		}
		_ = s.Have(cn.id, sid, int(m.Index))
		delete(cn.inflight, int(m.Index)) // the peer got that block
		c.updateInterest(cn)
	case peerwire.Bitfield:
		n := cn.sw.file.Pieces()
		if len(m.Bitfield) != (n+7)/8 {
			c.drop(cn)
			return
		}
		for i := range n {
			if m.Bitfield[i/8]&(0x80>>(i%8)) != 0 {
				_ = s.Have(cn.id, sid, i)
			}
		}
		c.updateInterest(cn)
	case peerwire.Request:
		c.onRequest(cn, m)
	case peerwire.Piece:
		c.onPiece(cn, m)
	case peerwire.Extended:
		c.onExtended(cn, m)
	case peerwire.Cancel:
		i := int(m.Index)
		cn.parked = slices.DeleteFunc(cn.parked, func(x int) bool { return x == i })
		if seg, ok := cn.inflight[i]; ok {
			// Our answer was lost: its segment goes out again first.
			delete(cn.inflight, i)
			if s.Requeue(cn.id, seg) == nil {
				c.stats.Requeued++
			}
		}
	}
}

// updateInterest sends INTERESTED when the peer has a piece the client
// lacks, NOT INTERESTED when it no longer has; c.mu is held.
func (c *Client) updateInterest(cn *conn) {
	want := c.node.Scheduler().Lacks(cn.id, cn.sw.sid)
	if want != cn.amInterested {
		cn.amInterested = want
		t := peerwire.NotInterested
		if want {
			t = peerwire.Interested
		}
		c.send(cn, &peerwire.Message{Type: t})
	}
}

func (c *Client) onRequest(cn *conn, m *peerwire.Message) {
	i := int(m.Index)
	f := cn.sw.file
	if cn.amChoking {
		c.stats.ChokedRequests++ // BEP 3: requests of a choked peer are dropped
		return
	}
	if m.Begin != 0 || f.PieceSize(i) == 0 || int(m.Length) != f.PieceSize(i) {
		c.drop(cn) // not a request this client's peers make
		return
	}
	if c.cfg.Naive && cn.kind == pacomchan.PACOMPeer && !c.naiveDue(cn) {
		if len(cn.parked) < 2*pacomchan.DefaultMaxOutstanding {
			cn.parked = append(cn.parked, i)
		}
		return
	}
	c.serve(cn, i)
}

// serve answers the peer's request for piece i; c.mu is held.
func (c *Client) serve(cn *conn, i int) {
	resp, err := c.node.OnRequest(cn.id, cn.sw.sid, i, nil)
	if err != nil {
		return // a piece we do not have: ignore, as clients do
	}
	block := resp.Block
	if resp.Plain {
		block = cn.sw.file.AppendPiece(nil, i)
	}
	if resp.Carried {
		cn.inflight[i] = resp.Segment
	}
	if l := c.node.Link(cn.id); l != nil {
		cn.hellosSeen = l.Stats().HelloRecv
	}
	c.stats.PiecesSent++
	c.send(cn, &peerwire.Message{Type: peerwire.Piece, Index: uint32(i), Block: block})
}

func (c *Client) onPiece(cn *conn, m *peerwire.Message) {
	i := int(m.Index)
	f := cn.sw.file
	if _, ok := cn.requests[i]; !ok || m.Begin != 0 || len(m.Block) != f.PieceSize(i) {
		c.stats.Unrequested++ // late, duplicated or never asked for
		return
	}
	delete(cn.requests, i)
	c.stats.PiecesReceived++
	cn.recvPieces++
	s := c.node.Scheduler()
	cancel := func() {
		s.CancelRequest(cn.id, cn.sw.sid, i)
		c.send(cn, &peerwire.Message{Type: peerwire.Cancel, Index: uint32(i), Length: uint32(len(m.Block))})
	}
	if cn.kind == pacomchan.BitTorrentPeer && !bytes.Equal(m.Block, f.AppendPiece(cn.scratch[:0], i)) {
		c.stats.BadPlain++
		cancel()
		return
	}
	_, res, err := c.node.OnBlock(time.Now(), cn.id, cn.sw.sid, i, m.Block, cn.scratch)
	if err != nil && s.CancelRequest(cn.id, cn.sw.sid, i) {
		// The block did not open (forged, replayed): the request is still
		// outstanding in the scheduler. Tell the peer the block is lost.
		c.stats.BadBlocks++
		c.send(cn, &peerwire.Message{Type: peerwire.Cancel, Index: uint32(i), Length: uint32(len(m.Block))})
		return
	}
	// The block is ours (a router error about its segment is counted by
	// the node): announce it, which also acknowledges it to the sender.
	for _, o := range cn.sw.conns {
		c.send(o, &peerwire.Message{Type: peerwire.Have, Index: uint32(i)})
		c.updateInterest(o)
	}
	c.deliver(res)
	c.serveParked()
}

// deliver hands a router result to the application; c.mu is held.
func (c *Client) deliver(res pacomchan.Result) {
	for _, id := range append(res.Established, res.Accepted...) {
		c.markReady(id)
	}
	for _, d := range res.Delivered {
		o := c.order[d.Circuit]
		if o == nil {
			o = &circuitOrder{pending: map[uint64][]byte{}}
			c.order[d.Circuit] = o
		}
		if d.DID < o.next {
			continue // the router's window already refuses replays
		}
		o.pending[d.DID] = bytes.Clone(d.Data)
		for {
			data, ok := o.pending[o.next]
			if !ok {
				break
			}
			delete(o.pending, o.next)
			o.next++
			select {
			case c.deliveries <- Delivery{Circuit: d.Circuit, Data: data}:
			default:
				c.stats.DroppedDeliveries++
			}
		}
	}
	for _, id := range res.Expired {
		delete(c.order, id)
	}
}

// serveParked answers, in naive mode, the parked requests of peers that
// now have data queued; c.mu is held.
func (c *Client) serveParked() {
	if !c.cfg.Naive {
		return
	}
	for _, cn := range c.conns {
		for len(cn.parked) > 0 && c.naiveDue(cn) {
			i := cn.parked[0]
			cn.parked = cn.parked[1:]
			c.serve(cn, i)
		}
	}
}

// markReady closes the ready channel of a circuit; c.mu is held.
func (c *Client) markReady(id pacomchan.CircuitID) {
	ch, ok := c.ready[id]
	if !ok {
		ch = make(chan struct{})
		c.ready[id] = ch
	}
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// naiveDue reports whether a naive relay answers a PACOM peer's request
// now: when data is queued for it, or while the link's handshake runs (a
// handshake block from the peer since the last answer means the peer is
// not confirmed yet and needs a block from us).
func (c *Client) naiveDue(cn *conn) bool {
	if l := c.node.Link(cn.id); l != nil && (!l.Ready() || l.Stats().HelloRecv > cn.hellosSeen) {
		return true
	}
	return c.node.Scheduler().Queued(cn.id) > 0
}
