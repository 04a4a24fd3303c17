package havesteg

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/metainfo"
	pp "github.com/anacrolix/torrent/peer_protocol"

	"github.com/swarmblocks/swarmblocks/steg"
)

// Report is what a [Watcher] has learnt from one peer connection.
type Report struct {
	// Addr is the peer's remote address; PeerID its BitTorrent peer id.
	Addr   string
	PeerID [20]byte
	// Symbol is the symbol the peer's HAVE order carries (the first one
	// the streaming decoder reported), 0 if none; At is the number of
	// HAVEs read when it was reported.
	Symbol, At int
	// Haves is the HAVE order: the pieces the peer announced one by one,
	// in order, duplicates and out-of-range indexes left out.
	Haves []int
	// Held counts the pieces the peer announced without an order, in a
	// BITFIELD or a HAVE_ALL.
	Held int
	// Violations counts have-messages that break BEP 3 or BEP 6: a HAVE
	// for a piece out of range or already announced, a BITFIELD with spare
	// bits or pieces out of range, a BITFIELD, HAVE_ALL or HAVE_NONE after
	// another have-message. They are ignored for decoding.
	Violations int
	// Closed reports whether the connection has ended.
	Closed bool
}

// peer decodes the have-messages of one connection. It is the sans-IO
// part of a [Watcher], fed by [torrent.Callbacks.ReadMessage].
type peer struct {
	m      int
	sd     *steg.StreamDecoder
	report Report
	begun  bool // a have-message was read
}

func newPeer(f *steg.Family, c int) (*peer, error) {
	sd, err := steg.NewStreamDecoder(f, c)
	if err != nil {
		return nil, err
	}
	return &peer{m: f.Blocks(), sd: sd}, nil
}

// consume reads one message from the peer; it never fails: a message
// that breaks the protocol is counted and skipped.
func (p *peer) consume(msg *pp.Message) (found bool) {
	if msg.Keepalive {
		return false
	}
	r := &p.report
	switch msg.Type {
	case pp.Have:
		p.begun = true
		if uint64(msg.Index) >= uint64(p.m) {
			r.Violations++
			return false
		}
		x, ok, err := p.sd.Push(int(msg.Index))
		if err != nil {
			r.Violations++
			return false
		}
		r.Haves = append(r.Haves, int(msg.Index))
		if ok && r.Symbol == 0 {
			r.Symbol, r.At = x, len(r.Haves)
			return true
		}
	case pp.Bitfield:
		if p.begun {
			r.Violations++ // BEP 3: only as the first message
		}
		p.begun = true
		bad := false
		for i, has := range msg.Bitfield {
			if !has {
				continue
			}
			if i >= p.m {
				bad = true
				continue
			}
			if p.sd.MarkHeld(i) == nil {
				r.Held++
			}
		}
		if bad {
			r.Violations++
		}
	case pp.HaveAll:
		if p.begun {
			r.Violations++ // BEP 6: only as the first message
		}
		p.begun = true
		p.sd.MarkAllHeld()
		r.Held = p.m - len(r.Haves)
	case pp.HaveNone:
		if p.begun {
			r.Violations++ // BEP 6: only as the first message
		}
		p.begun = true
	}
	return false
}

// Watcher is the receiving side of [PACOM]'s HAVE channel in an
// anacrolix/torrent client: installed in a [torrent.ClientConfig], it
// reads the have-messages of every peer connection of one torrent through
// [torrent.Callbacks.ReadMessage], with one [steg.StreamDecoder] per
// connection, and reports the symbol each peer's HAVE order carries.
//
// The have-messages mean, for decoding:
//   - HAVE: one piece, in the order the peer completed it: the channel.
//   - BITFIELD: the pieces the peer held when the connection began, in no
//     order; they are marked held, so a later HAVE for one is a duplicate.
//   - HAVE_ALL (BEP 6): the peer holds everything and will send no HAVE:
//     nothing can be decoded from this connection.
//   - HAVE_NONE (BEP 6): the peer holds nothing yet; every piece it
//     completes will come as a HAVE, so the whole order is seen.
//
// A peer met after it has completed part of the file has sent those
// pieces in its BITFIELD; its symbol can still be read from the HAVEs
// that follow, as long as c of them remain in one class. Messages that
// break the protocol are counted in [Report.Violations] and skipped,
// never trusted: they come from the network.
//
// A Watcher is safe for concurrent use.
type Watcher struct {
	fam *steg.Family
	c   int
	ih  metainfo.Hash

	mu     sync.Mutex
	peers  map[*torrent.PeerConn]*peer
	closed []Report
	notify chan struct{} // closed and replaced when a symbol is found
}

// NewWatcher returns a Watcher of the torrent with info hash ih, whose
// f.Blocks() pieces carry symbols of the family f, decoded with window c
// ([steg.DefaultWindow] is the recommended one).
func NewWatcher(f *steg.Family, ih metainfo.Hash, c int) (*Watcher, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: NewWatcher with a nil *steg.Family", ErrNil)
	}
	if _, err := steg.NewStreamDecoder(f, c); err != nil {
		return nil, err
	}
	return &Watcher{fam: f, c: c, ih: ih, peers: map[*torrent.PeerConn]*peer{}, notify: make(chan struct{})}, nil
}

// Install adds the Watcher's callbacks to cfg, before the client is
// created with it: ReadMessage and PeerConnClosed, each calling the one
// cfg had before.
func (w *Watcher) Install(cfg *torrent.ClientConfig) error {
	if cfg == nil {
		return fmt.Errorf("%w: Install with a nil *torrent.ClientConfig", ErrNil)
	}
	prevRead, prevClosed := cfg.Callbacks.ReadMessage, cfg.Callbacks.PeerConnClosed
	cfg.Callbacks.ReadMessage = func(pc *torrent.PeerConn, msg *pp.Message) {
		if prevRead != nil {
			prevRead(pc, msg)
		}
		w.read(pc, msg)
	}
	cfg.Callbacks.PeerConnClosed = func(pc *torrent.PeerConn) {
		if prevClosed != nil {
			prevClosed(pc)
		}
		w.close(pc)
	}
	return nil
}

// read is called by the client, with its lock held, for every message of
// every connection.
func (w *Watcher) read(pc *torrent.PeerConn, msg *pp.Message) {
	switch {
	case msg.Keepalive:
		return
	case msg.Type != pp.Have && msg.Type != pp.Bitfield && msg.Type != pp.HaveAll && msg.Type != pp.HaveNone:
		return
	}
	if t := pc.Torrent(); t == nil || t.InfoHash() != w.ih {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.peers[pc]
	if p == nil {
		var err error
		if p, err = newPeer(w.fam, w.c); err != nil {
			return // NewWatcher checked the window
		}
		p.report.Addr = addrString(pc.RemoteAddr)
		p.report.PeerID = pc.PeerID
		w.peers[pc] = p
	}
	if p.consume(msg) {
		close(w.notify)
		w.notify = make(chan struct{})
	}
}

func addrString(a torrent.PeerRemoteAddr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

func (w *Watcher) close(pc *torrent.PeerConn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p := w.peers[pc]; p != nil {
		p.report.Closed = true
		w.closed = append(w.closed, p.report)
		delete(w.peers, pc)
	}
}

// Reports returns what the Watcher has learnt from every connection so
// far, closed ones first (copies).
func (w *Watcher) Reports() []Report {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Report, 0, len(w.closed)+len(w.peers))
	for _, r := range w.closed {
		out = append(out, cloneReport(r))
	}
	for _, p := range w.peers {
		out = append(out, cloneReport(p.report))
	}
	return out
}

func cloneReport(r Report) Report {
	r.Haves = slices.Clone(r.Haves)
	return r
}

// Wait returns the first report with a symbol that match accepts (any,
// if match is nil), waiting until one exists or ctx is done.
func (w *Watcher) Wait(ctx context.Context, match func(Report) bool) (Report, error) {
	for {
		w.mu.Lock()
		ch := w.notify
		w.mu.Unlock()
		for _, r := range w.Reports() {
			if r.Symbol != 0 && (match == nil || match(r)) {
				return r, nil
			}
		}
		select {
		case <-ctx.Done():
			return Report{}, ctx.Err()
		case <-ch:
		}
	}
}
