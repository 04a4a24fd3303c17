package swarmmodel

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Overlay errors.
var (
	// ErrUnknownTorrent reports a torrent without a tracker in the overlay.
	ErrUnknownTorrent = errors.New("swarmmodel: unknown torrent")
	// ErrUnknownPeer reports a peer that is not in any torrent.
	ErrUnknownPeer = errors.New("swarmmodel: peer is not in any torrent")
	// ErrPeerBusy reports a peer joining a second torrent: a peer is in one
	// torrent at a time (§4).
	ErrPeerBusy = errors.New("swarmmodel: peer is already in a torrent")
	// ErrNoExchange reports that no exchange cycle was found.
	ErrNoExchange = errors.New("swarmmodel: no exchange partner")
)

// Overlay is the tracker-site overlay of [Guo05 §5.1]: one tracker per
// torrent, each with a Neighbour-Out table (the torrents its current peers
// can serve, because they downloaded them before) and a Neighbour-In table
// (the torrents whose current peers can serve it). A peer joining torrent A
// uploads its download history H to A's tracker, which records it in A's
// out table and forwards it to the trackers of H, which record it in their
// in tables:
//
//	peer q ──join(A, H={B, C})──▶ tracker A      out[A] += {B: q, C: q}
//	                              tracker A ──forward(q ∈ A)──▶ tracker B   in[B] += {A: q}
//	                              tracker A ──forward(q ∈ A)──▶ tracker C   in[C] += {A: q}
//
// [Overlay.FindExchange] then finds, for a peer that wants service, partners
// across torrents: a direct swap with a neighbouring torrent, or a cycle
// through several (§5.2). The overlay is an in-memory model of the trackers'
// state, not a network protocol. It is not safe for concurrent use.
type Overlay struct {
	trackers map[TorrentID]*tracker
	peers    map[PeerID]*overlayPeer
	messages int
}

type tracker struct {
	members map[PeerID]struct{}
	// out[B] lists the members that downloaded B (Neighbour-Out table).
	out map[TorrentID]map[PeerID]struct{}
	// in[B] lists the members of B that downloaded this torrent
	// (Neighbour-In table).
	in map[TorrentID]map[PeerID]struct{}
}

type overlayPeer struct {
	torrent TorrentID
	history []TorrentID
}

// NewOverlay returns an empty overlay.
func NewOverlay() *Overlay {
	return &Overlay{trackers: map[TorrentID]*tracker{}, peers: map[PeerID]*overlayPeer{}}
}

// AddTorrent starts the tracker of torrent t; adding it twice is a no-op.
func (o *Overlay) AddTorrent(t TorrentID) {
	if _, ok := o.trackers[t]; !ok {
		o.trackers[t] = &tracker{
			members: map[PeerID]struct{}{},
			out:     map[TorrentID]map[PeerID]struct{}{},
			in:      map[TorrentID]map[PeerID]struct{}{},
		}
	}
}

// Messages returns the number of tracker-to-tracker messages forwarded so
// far, one per (join or leave, history entry).
func (o *Overlay) Messages() int { return o.messages }

func addTo(m map[TorrentID]map[PeerID]struct{}, t TorrentID, p PeerID) {
	s := m[t]
	if s == nil {
		s = map[PeerID]struct{}{}
		m[t] = s
	}
	s[p] = struct{}{}
}

func removeFrom(m map[TorrentID]map[PeerID]struct{}, t TorrentID, p PeerID) {
	if s := m[t]; s != nil {
		delete(s, p)
		if len(s) == 0 {
			delete(m, t)
		}
	}
}

// Join records that peer q joined torrent t with download history h (the
// torrents it downloaded before), updating t's Neighbour-Out table and,
// through forwarded messages, the Neighbour-In tables of the torrents in h.
// Every torrent must have a tracker; t itself and duplicates in h are
// ignored. On error nothing changes.
func (o *Overlay) Join(q PeerID, t TorrentID, h []TorrentID) error {
	tr, ok := o.trackers[t]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	if p, ok := o.peers[q]; ok {
		return fmt.Errorf("%w: peer %d is in torrent %d", ErrPeerBusy, q, p.torrent)
	}
	hist := make([]TorrentID, 0, len(h))
	for _, b := range h {
		if _, ok := o.trackers[b]; !ok {
			return fmt.Errorf("%w: %d in the history of peer %d", ErrUnknownTorrent, b, q)
		}
		if b != t && !slices.Contains(hist, b) {
			hist = append(hist, b)
		}
	}
	o.peers[q] = &overlayPeer{torrent: t, history: hist}
	tr.members[q] = struct{}{}
	for _, b := range hist {
		addTo(tr.out, b, q)
		addTo(o.trackers[b].in, t, q)
		o.messages++
	}
	return nil
}

// TorrentOf returns the torrent peer q is in, if any.
func (o *Overlay) TorrentOf(q PeerID) (TorrentID, bool) {
	p, ok := o.peers[q]
	if !ok {
		return 0, false
	}
	return p.torrent, true
}

// Leave records that peer q left its torrent; the trackers forget it.
func (o *Overlay) Leave(q PeerID) error {
	p, ok := o.peers[q]
	if !ok {
		return fmt.Errorf("%w: %d", ErrUnknownPeer, q)
	}
	tr := o.trackers[p.torrent]
	delete(tr.members, q)
	for _, b := range p.history {
		removeFrom(tr.out, b, q)
		removeFrom(o.trackers[b].in, p.torrent, q)
		o.messages++
	}
	delete(o.peers, q)
	return nil
}

// Neighbour is one row of a Neighbour-In or Neighbour-Out table: a torrent
// and the number of peers behind the edge (the current W of §4.2).
type Neighbour struct {
	Torrent TorrentID
	Peers   int
}

func table(m map[TorrentID]map[PeerID]struct{}) []Neighbour {
	out := make([]Neighbour, 0, len(m))
	for _, t := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Neighbour{Torrent: t, Peers: len(m[t])})
	}
	return out
}

// NeighbourOut returns t's Neighbour-Out table, sorted by torrent: the
// torrents its current peers can serve.
func (o *Overlay) NeighbourOut(t TorrentID) ([]Neighbour, error) {
	tr, ok := o.trackers[t]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	return table(tr.out), nil
}

// NeighbourIn returns t's Neighbour-In table, sorted by torrent: the
// torrents whose current peers can serve t.
func (o *Overlay) NeighbourIn(t TorrentID) ([]Neighbour, error) {
	tr, ok := o.trackers[t]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	return table(tr.in), nil
}

// Providers returns the peers of other torrents that can serve t, sorted.
func (o *Overlay) Providers(t TorrentID) ([]PeerID, error) {
	tr, ok := o.trackers[t]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	var ps []PeerID
	for _, s := range tr.in {
		for p := range s {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps, nil
}

// Link is one hop of an [Exchange]: Peer, a member of Torrent, serves the
// torrent of the hop before it.
type Link struct {
	Peer    PeerID
	Torrent TorrentID
}

// Exchange is a cycle of service found by [Overlay.FindExchange]: Links[0]
// serves the requester's torrent, Links[i] serves Links[i−1].Torrent, and
// the requester serves Links[len−1].Torrent, which it downloaded before. A
// single link is a direct swap between adjacent torrents (§5.2, torrents A
// and B of Fig. 15); longer ones are cycles (B, C, D, E).
type Exchange struct {
	Requester PeerID
	Torrent   TorrentID
	Links     []Link
}

// FindExchange finds the shortest exchange cycle, of at most maxLinks links,
// that gets service for peer q's current torrent in return for service q
// can give. The search is a breadth-first walk over Neighbour-In tables, as
// the trackers would forward the request; among equally short cycles the
// smallest torrent and peer IDs win, so the result is deterministic. Every
// peer appears at most once. It returns [ErrNoExchange] if there is none.
func (o *Overlay) FindExchange(q PeerID, maxLinks int) (Exchange, error) {
	pq, ok := o.peers[q]
	if !ok {
		return Exchange{}, fmt.Errorf("%w: %d", ErrUnknownPeer, q)
	}
	if maxLinks < 1 {
		return Exchange{}, fmt.Errorf("%w: maxLinks = %d", ErrParameter, maxLinks)
	}
	type node struct {
		t      TorrentID
		parent int
		peer   PeerID // member of t serving parent's torrent
	}
	nodes := []node{{t: pq.torrent, parent: -1}}
	visited := map[TorrentID]bool{pq.torrent: true}
	frontier := []int{0}
	for depth := 1; depth <= maxLinks && len(frontier) > 0; depth++ {
		var next []int
		for _, ni := range frontier {
			cur := nodes[ni]
			in := o.trackers[cur.t].in
			for _, b := range slices.Sorted(maps.Keys(in)) {
				if visited[b] {
					continue
				}
				used := map[PeerID]bool{q: true}
				for k := ni; k > 0; k = nodes[k].parent {
					used[nodes[k].peer] = true
				}
				var server PeerID
				found := false
				for _, p := range slices.Sorted(maps.Keys(in[b])) {
					if !used[p] {
						server, found = p, true
						break
					}
				}
				if !found {
					continue
				}
				visited[b] = true
				nodes = append(nodes, node{t: b, parent: ni, peer: server})
				if slices.Contains(pq.history, b) {
					// q can serve b: the cycle closes.
					var links []Link
					for k := len(nodes) - 1; k > 0; k = nodes[k].parent {
						links = append(links, Link{Peer: nodes[k].peer, Torrent: nodes[k].t})
					}
					slices.Reverse(links)
					return Exchange{Requester: q, Torrent: pq.torrent, Links: links}, nil
				}
				next = append(next, len(nodes)-1)
			}
		}
		frontier = next
	}
	return Exchange{}, fmt.Errorf("%w for peer %d within %d links", ErrNoExchange, q, maxLinks)
}

// FindTemporaryExchange is the fallback of §5.2 for a peer q with nothing to
// offer: it picks a torrent B whose peers can serve q's torrent (the
// largest row of its Neighbour-In table, smallest ID on ties) and a server
// in it. q then joins B temporarily, downloads a few chunks and uploads
// them to B's peers, and the trackers credit that service to the server,
// which serves q in return. The result is a one-link [Exchange] whose
// closing torrent q does not hold yet. It returns [ErrNoExchange] if nobody
// outside q's torrent can serve it.
func (o *Overlay) FindTemporaryExchange(q PeerID) (Exchange, error) {
	pq, ok := o.peers[q]
	if !ok {
		return Exchange{}, fmt.Errorf("%w: %d", ErrUnknownPeer, q)
	}
	in := o.trackers[pq.torrent].in
	var best TorrentID
	bestN := 0
	for _, b := range slices.Sorted(maps.Keys(in)) {
		if n := len(in[b]); n > bestN {
			best, bestN = b, n
		}
	}
	if bestN == 0 {
		return Exchange{}, fmt.Errorf("%w: nobody outside torrent %d can serve peer %d", ErrNoExchange, pq.torrent, q)
	}
	server := slices.Min(slices.Collect(maps.Keys(in[best])))
	return Exchange{Requester: q, Torrent: pq.torrent, Links: []Link{{Peer: server, Torrent: best}}}, nil
}
