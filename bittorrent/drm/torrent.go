package drm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring"
	"github.com/anacrolix/torrent"
	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// Options tune a protected torrent. The zero value is usable.
type Options struct {
	// CapsuleFile is where a downloader keeps the capsules it received,
	// so that a restarted client can still decrypt what it downloaded
	// (with its saved key and licence). Capsules already in the file are
	// checked again and kept. New ones are appended in batches, one write
	// per round of the extension's work, and all are written by the time
	// [Torrent.Done] is closed, and by [Torrent.Close]. Empty keeps them
	// in memory only.
	CapsuleFile string
	// RequestTimeout is how long a downloader waits for an answer before
	// asking another peer, and how long an uploader waits for the key
	// server. Zero means 10 seconds.
	RequestTimeout time.Duration
	// MaxRequests bounds the capsule requests outstanding to one peer and
	// those queued from one peer; requests beyond it are refused as busy.
	// Zero means 256.
	MaxRequests int
	// MaxStrikes is how many polluted capsules a peer may send before it
	// is never asked again. Zero means 3.
	MaxStrikes int
}

func (o *Options) setDefaults() {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = 256
	}
	if o.MaxStrikes <= 0 {
		o.MaxStrikes = 3
	}
}

// Stats counts what a protected torrent's extension did.
type Stats struct {
	CapsulesReceived int64 // capsules that passed the §2.3 check and were kept
	CapsulesRejected int64 // polluted capsules: the §2.3 check failed
	CapsulesServed   int64 // capsules sent to downloaders
	RefusalsReceived int64 // requests of ours that a peer refused
	RefusalsSent     int64 // requests we refused
	Timeouts         int64 // requests of ours left unanswered
	Malformed        int64 // messages that did not decode or named no piece of ours
	Unsolicited      int64 // capsules or refusals answering no request of ours
	KeyErrors        int64 // key server failures while serving
}

type counters struct {
	received, rejected, served, refusalsIn, refusalsOut, timeouts, malformed, unsolicited, keyErrors atomic.Int64
}

// Torrent is one protected torrent on a client: the original seed's
// ([Carrier.AddSeed]) or any other peer's ([Carrier.AddPeer]). A peer asks
// for the capsule of each piece whose body its client has verified, checks
// it (§2.3) and keeps it; every peer answers others' requests with its
// capsule re-encrypted for them.
type Torrent struct {
	c    *Carrier
	t    *torrent.Torrent
	rel  *Release
	g    group.Group
	n    int
	self reencrypt.PeerID
	opts Options

	seed       *reencrypt.Seed // the original seed, or nil
	uploadKeys UploadKeyer
	peerMu     sync.Mutex // reencrypt.Peer is not safe for concurrent use
	peer       *reencrypt.Peer
	reKeys     ReKeyer

	stats  counters
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}
	done   chan struct{}
	file   *capsuleFile

	// inMu guards what the client's callbacks hand over; they run with
	// the client lock held, so they take only this short-held lock.
	inMu     sync.Mutex
	inbox    []inbound
	closed   []*torrent.PeerConn
	uploaded []upload

	mu       sync.Mutex
	capsules []*reencrypt.Capsule // own capsules, nil for the seed
	have     int                  // capsules held
	bodies   int                  // bodies the client verified
	pieces   []pieceState
	pending  []int // pieces whose body is complete and capsule missing
	asked    map[*torrent.PeerConn]int
	strikes  map[*torrent.PeerConn]int
	serving  map[*torrent.PeerConn]*serveQueue
}

type inbound struct {
	pc      *torrent.PeerConn
	payload []byte
}

// upload records that pc sent a chunk of piece i.
type upload struct {
	pc *torrent.PeerConn
	i  int
}

// decoded is an inbound message decoded, and if it is a capsule, checked.
type decoded struct {
	pc       *torrent.PeerConn
	m        *Message
	polluted bool
	// wire is a capsule's wire form as received: ParseCapsule accepts only
	// canonical encodings, so it is the capsule's own, and the capsule
	// file stores it without encoding the capsule again.
	wire []byte
}

type pieceState struct {
	body     bool              // the client verified the body
	wanted   bool              // in pending: its capsule is being fetched
	asked    *torrent.PeerConn // the peer asked now, or nil
	deadline time.Time         // when to give up on asked
	tried    []*torrent.PeerConn
	contrib  []*torrent.PeerConn // peers that sent chunks of the body
	retryAt  time.Time           // after a round where every peer failed
	backoff  time.Duration
}

// maxContributors bounds the uploaders remembered per piece.
const maxContributors = 4

// AddSeed makes t, a torrent of rel's metainfo on the carrier's client
// holding every body, the original seed's: it answers capsule requests with
// [reencrypt.Seed.Capsule] under upload keys from keys. The seed must be
// the one that published rel.
func (c *Carrier) AddSeed(t *torrent.Torrent, rel *Release, seed *reencrypt.Seed, keys UploadKeyer, opts Options) (*Torrent, error) {
	if seed == nil || keys == nil {
		return nil, errors.New("drm: AddSeed needs a seed and a key server")
	}
	if st := seed.Torrent(); st == nil || rel == nil || rel.Torrent == nil || st.ID != rel.Torrent.ID {
		return nil, fmt.Errorf("%w: the seed published another torrent", ErrRelease)
	}
	d, err := c.newTorrent(t, rel, opts)
	if err != nil {
		return nil, err
	}
	d.seed, d.uploadKeys, d.self = seed, keys, seed.ID()
	close(d.done)
	return d, c.start(d)
}

// AddPeer makes t, a torrent of rel's metainfo on the carrier's client,
// protected for peer: for every piece whose body starts arriving, it asks a
// peer for the capsule blinded for this peer (first a peer that sent the
// body's chunks, else one that has the piece), checks it against expected,
// the peer's expected hashes from the key server (§2.3), and keeps it; a
// polluted capsule is counted, and asked again of another peer. It answers other peers'
// requests with its capsules re-encrypted under re-keys from keys. The
// client must be asked to download the pieces ([torrent.Torrent.DownloadAll]
// or priorities): the carrier does not choose what to download.
//
// A peer without a licence still downloads and shares bodies and capsules;
// only [Torrent.Player] needs the licence.
func (c *Carrier) AddPeer(t *torrent.Torrent, rel *Release, peer *reencrypt.Peer, expected [][32]byte, keys ReKeyer, opts Options) (*Torrent, error) {
	if peer == nil || keys == nil {
		return nil, errors.New("drm: AddPeer needs a peer and a key server")
	}
	if pt := peer.Torrent(); pt == nil || rel == nil || rel.Torrent == nil || pt.ID != rel.Torrent.ID {
		return nil, fmt.Errorf("%w: the peer joined another torrent", ErrRelease)
	}
	if err := peer.SetExpectedHashes(expected); err != nil {
		return nil, fmt.Errorf("drm: expected hashes: %w", err)
	}
	d, err := c.newTorrent(t, rel, opts)
	if err != nil {
		return nil, err
	}
	d.peer, d.reKeys, d.self = peer, keys, peer.ID()
	d.capsules = make([]*reencrypt.Capsule, d.n)
	if d.opts.CapsuleFile != "" {
		if d.file, err = openCapsuleFile(d.opts.CapsuleFile, d.g); err != nil {
			return nil, err
		}
		for _, cp := range d.file.loaded {
			if err := d.peer.VerifyCapsule(cp); err != nil || d.capsules[cp.Index] != nil {
				d.stats.rejected.Add(1)
				continue
			}
			d.capsules[cp.Index] = cp
			d.have++
		}
		d.file.loaded = nil
	}
	return d, c.start(d)
}

func (c *Carrier) newTorrent(t *torrent.Torrent, rel *Release, opts Options) (*Torrent, error) {
	if t == nil {
		return nil, errors.New("drm: nil torrent")
	}
	g, err := rel.check()
	if err != nil {
		return nil, err
	}
	if t.InfoHash() != rel.MetaInfo.HashInfoBytes() {
		return nil, fmt.Errorf("%w: the client's torrent is another", ErrRelease)
	}
	opts.setDefaults()
	n := rel.Torrent.Pieces()
	d := &Torrent{
		c: c, t: t, rel: rel, g: g, n: n, opts: opts,
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		pieces:  make([]pieceState, n),
		asked:   make(map[*torrent.PeerConn]int),
		strikes: make(map[*torrent.PeerConn]int),
		serving: make(map[*torrent.PeerConn]*serveQueue),
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// start registers d with the carrier and starts its goroutines.
func (c *Carrier) start(d *Torrent) error {
	if err := c.register(d); err != nil {
		d.cancel()
		if d.file != nil {
			d.file.close()
		}
		return err
	}
	if d.peer != nil {
		sub := d.t.SubscribePieceStateChanges()
		// Pieces verified before the subscription. The client is asked
		// without d.mu held: its callbacks take d.mu under the client lock.
		var complete []int
		for i := range d.n {
			if d.t.Piece(i).State().Complete {
				complete = append(complete, i)
			}
		}
		d.mu.Lock()
		for _, i := range complete {
			d.bodyComplete(i)
		}
		d.mu.Unlock()
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer sub.Close()
			for {
				select {
				case <-d.ctx.Done():
					return
				case ev, ok := <-sub.Values:
					if !ok {
						return
					}
					if ev.Complete && ev.Ok && ev.Index >= 0 && ev.Index < d.n {
						d.mu.Lock()
						d.bodyComplete(ev.Index)
						d.mu.Unlock()
						d.poke()
					}
				}
			}
		}()
	}
	d.wg.Add(1)
	go d.run()
	return nil
}

// Done is closed once the client has verified every body and the torrent
// holds a verified capsule for every piece (for the seed, at once).
func (d *Torrent) Done() <-chan struct{} { return d.done }

// Torrent returns the client's torrent.
func (d *Torrent) Torrent() *torrent.Torrent { return d.t }

// ID returns the identity under which this torrent downloads and uploads.
func (d *Torrent) ID() reencrypt.PeerID { return d.self }

// Stats returns the extension's counters.
func (d *Torrent) Stats() Stats {
	s := &d.stats
	return Stats{
		CapsulesReceived: s.received.Load(), CapsulesRejected: s.rejected.Load(), CapsulesServed: s.served.Load(),
		RefusalsReceived: s.refusalsIn.Load(), RefusalsSent: s.refusalsOut.Load(), Timeouts: s.timeouts.Load(),
		Malformed: s.malformed.Load(), Unsolicited: s.unsolicited.Load(), KeyErrors: s.keyErrors.Load(),
	}
}

// Capsules returns how many of the torrent's capsules this peer holds.
func (d *Torrent) Capsules() int {
	if d.seed != nil {
		return d.n
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.have
}

// Close stops the extension for this torrent and closes the capsule file.
// It does not drop the client's torrent.
func (d *Torrent) Close() error {
	d.c.unregister(d)
	d.cancel()
	d.wg.Wait()
	if d.file != nil {
		return d.file.close()
	}
	return nil
}

func (d *Torrent) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// received is called by the carrier's callback: queue and return.
func (d *Torrent) received(pc *torrent.PeerConn, payload []byte) {
	d.inMu.Lock()
	d.inbox = append(d.inbox, inbound{pc, payload})
	d.inMu.Unlock()
	d.poke()
}

func (d *Torrent) connClosed(pc *torrent.PeerConn) {
	d.inMu.Lock()
	d.closed = append(d.closed, pc)
	d.inMu.Unlock()
	d.poke()
}

// contributed is called for every chunk received: record, do not wake.
func (d *Torrent) contributed(pc *torrent.PeerConn, i int) {
	if d.peer == nil || i < 0 || i >= d.n {
		return
	}
	d.inMu.Lock()
	if k := len(d.uploaded); k == 0 || d.uploaded[k-1] != (upload{pc, i}) {
		d.uploaded = append(d.uploaded, upload{pc, i})
	}
	d.inMu.Unlock()
}

// bodyComplete records that the client verified body i. d.mu is held.
func (d *Torrent) bodyComplete(i int) {
	p := &d.pieces[i]
	if p.body {
		return
	}
	p.body = true
	d.bodies++
	d.want(i)
	d.checkDone()
}

// want starts fetching piece i's capsule, if it is not held or being
// fetched. A capsule does not depend on the body, so it is fetched as soon
// as the body starts arriving, from the peer sending it, and its round
// trip overlaps the body's transfer. d.mu is held.
func (d *Torrent) want(i int) {
	if p := &d.pieces[i]; d.capsules[i] == nil && !p.wanted {
		p.wanted = true
		d.pending = append(d.pending, i)
	}
}

// checkDone closes done once every body and capsule is in, the capsule
// file written first. d.mu is held.
func (d *Torrent) checkDone() {
	if d.have == d.n && d.bodies == d.n {
		select {
		case <-d.done:
		default:
			if d.file != nil {
				_ = d.file.flush()
			}
			close(d.done)
		}
	}
}

// run handles inbound messages, timeouts and requests until Close.
func (d *Torrent) run() {
	defer d.wg.Done()
	tick := time.NewTicker(min(d.opts.RequestTimeout/4, 50*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-d.wake:
		case <-tick.C:
		}
		d.step(time.Now())
	}
}

// outbound is a message to write once d.mu is released: writing takes the
// client lock, which the callbacks hold while they take d.mu.
type outbound struct {
	pc  *torrent.PeerConn
	msg Message
}

func (d *Torrent) step(now time.Time) {
	d.inMu.Lock()
	inbox, closed, uploaded := d.inbox, d.closed, d.uploaded
	d.inbox, d.closed, d.uploaded = nil, nil, nil
	d.inMu.Unlock()
	// Decoding and checking capsules cost a few group operations each:
	// do them before taking d.mu, which the scheduling needs.
	msgs := make([]decoded, 0, len(inbox))
	for _, in := range inbox {
		if m, ok := d.decode(in); ok {
			msgs = append(msgs, m)
		}
	}
	// Ask the client which peers have which pieces before taking d.mu too:
	// it takes the client lock.
	d.mu.Lock()
	need := d.peer != nil && len(d.pending) > 0
	d.mu.Unlock()
	var view peerView
	if need {
		view = d.gather()
	}
	d.mu.Lock()
	var out []outbound
	for _, pc := range closed {
		d.forget(pc)
	}
	for _, u := range uploaded {
		if p := &d.pieces[u.i]; len(p.contrib) < maxContributors && !slices.Contains(p.contrib, u.pc) {
			p.contrib = append(p.contrib, u.pc)
		}
		d.want(u.i)
	}
	for _, m := range msgs {
		out = d.apply(m, out)
	}
	out = d.schedule(now, view, out)
	if d.file != nil {
		// One write for every capsule of the step. A write error only
		// costs those capsules after a restart; they are asked again then.
		_ = d.file.flush()
	}
	d.mu.Unlock()
	d.send(out)
}

// forget drops a closed connection. d.mu is held.
func (d *Torrent) forget(pc *torrent.PeerConn) {
	delete(d.asked, pc)
	delete(d.strikes, pc)
	if q := d.serving[pc]; q != nil {
		q.items = nil
	}
	for _, i := range d.pending {
		p := &d.pieces[i]
		if p.asked == pc {
			p.asked = nil
		}
		p.contrib = slices.DeleteFunc(p.contrib, func(x *torrent.PeerConn) bool { return x == pc })
		p.tried = slices.DeleteFunc(p.tried, func(x *torrent.PeerConn) bool { return x == pc })
	}
}

// decode parses an inbound message and checks a capsule against this
// peer's expected hashes (§2.3). A message that does not decode or names
// no piece of the torrent is counted and dropped.
func (d *Torrent) decode(in inbound) (decoded, bool) {
	m, err := ParseMessage(d.g, in.payload)
	if err != nil || int64(m.Index) >= int64(d.n) {
		d.stats.malformed.Add(1)
		return decoded{}, false
	}
	out := decoded{pc: in.pc, m: m}
	if m.Kind == KindCapsule && d.peer != nil {
		out.wire = in.payload[1:]
		d.peerMu.Lock()
		out.polluted = d.peer.VerifyCapsule(m.Capsule) != nil
		d.peerMu.Unlock()
	}
	return out, true
}

// handle decodes and applies one inbound message. d.mu is held.
func (d *Torrent) handle(in inbound, out []outbound) []outbound {
	m, ok := d.decode(in)
	if !ok {
		return out
	}
	return d.apply(m, out)
}

// apply acts on a decoded message. d.mu is held.
func (d *Torrent) apply(in decoded, out []outbound) []outbound {
	m := in.m
	i := int(m.Index)
	switch m.Kind {
	case KindRequest:
		return d.enqueueServe(in.pc, m, out)
	case KindCapsule, KindRefuse:
		if d.peer == nil || d.pieces[i].asked != in.pc {
			d.stats.unsolicited.Add(1)
			return out
		}
		p := &d.pieces[i]
		p.asked = nil
		d.asked[in.pc]--
		if m.Kind == KindRefuse {
			d.stats.refusalsIn.Add(1)
			return out
		}
		if in.polluted {
			// §2.3: a polluted capsule is rejected before it spreads,
			// and the piece's capsule is asked of another peer.
			d.stats.rejected.Add(1)
			d.strikes[in.pc]++
			return out
		}
		d.keep(m.Capsule, in.wire)
	}
	return out
}

// keep stores a verified capsule, whose wire form is wire. d.mu is held.
func (d *Torrent) keep(c *reencrypt.Capsule, wire []byte) {
	i := int(c.Index)
	if d.capsules[i] != nil {
		return
	}
	d.capsules[i] = c
	d.have++
	d.stats.received.Add(1)
	if d.file != nil {
		d.file.add(wire)
	}
	d.pending = slices.DeleteFunc(d.pending, func(x int) bool { return x == i })
	d.pieces[i] = pieceState{body: d.pieces[i].body}
	d.checkDone()
}

// schedule asks for the capsules of complete bodies that no request is
// out for. d.mu is held.
func (d *Torrent) schedule(now time.Time, view peerView, out []outbound) []outbound {
	if d.peer == nil || len(d.pending) == 0 {
		return out
	}
	for _, i := range d.pending {
		p := &d.pieces[i]
		if p.asked != nil {
			if now.Before(p.deadline) {
				continue
			}
			d.stats.timeouts.Add(1)
			d.asked[p.asked]--
			p.asked = nil
		}
		if now.Before(p.retryAt) {
			continue
		}
		pc := d.pick(p, i, view)
		if pc == nil {
			// Every peer was tried: wait, then start a new round.
			p.tried = p.tried[:0]
			p.backoff = min(max(2*p.backoff, 20*time.Millisecond), time.Second)
			p.retryAt = now.Add(p.backoff)
			continue
		}
		p.asked, p.deadline = pc, now.Add(d.opts.RequestTimeout)
		p.tried = append(p.tried, pc)
		d.asked[pc]++
		out = append(out, outbound{pc, Message{Kind: KindRequest, Index: uint32(i), To: d.self}})
	}
	return out
}

// peerView is what the client said, at the start of a scheduling pass,
// about the peers that speak the extension: which pieces each has.
type peerView map[*torrent.PeerConn]*roaring.Bitmap

func (d *Torrent) gather() peerView {
	view := peerView{}
	for _, pc := range d.c.capableConns(d.t) {
		view[pc] = pc.PeerPieces()
	}
	return view
}

// pick chooses the peer to ask for piece i's capsule: a peer that sent
// chunks of the body, else the least busy peer that speaks the extension
// and has the piece; never one tried in this round, struck out, or
// saturated. d.mu is held.
func (d *Torrent) pick(p *pieceState, i int, view peerView) *torrent.PeerConn {
	ok := func(pc *torrent.PeerConn) bool {
		_, open := view[pc]
		return open && !slices.Contains(p.tried, pc) && d.strikes[pc] < d.opts.MaxStrikes && d.asked[pc] < d.opts.MaxRequests
	}
	for _, pc := range p.contrib {
		if ok(pc) {
			return pc
		}
	}
	var best *torrent.PeerConn
	for pc, has := range view {
		if ok(pc) && has.Contains(uint32(i)) && (best == nil || d.asked[pc] < d.asked[best]) {
			best = pc
		}
	}
	return best
}

// send writes messages; a failed write leaves the request to time out.
func (d *Torrent) send(out []outbound) {
	for _, o := range out {
		b, err := o.msg.MarshalBinary()
		if err != nil {
			continue
		}
		if err := o.pc.WriteExtendedMessage(ExtensionName, b); err != nil {
			continue
		}
		switch o.msg.Kind {
		case KindCapsule:
			d.stats.served.Add(1)
		case KindRefuse:
			d.stats.refusalsOut.Add(1)
		}
	}
}
