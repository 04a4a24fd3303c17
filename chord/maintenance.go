package chord

import (
	"context"
	"fmt"
	"slices"
)

// This file holds the ring-maintenance operations in Zave's corrected form
// (see the package documentation, "Ring maintenance").

// normalizeSuccs appends to dst the entries of list that form a valid
// successor list for self: strictly increasing clockwise distance from
// self, without self, zero entries or duplicates, at most r long. Lists
// received from other nodes pass through it, so a malformed or malicious
// list can shorten a node's successor list but never disorder it.
func normalizeSuccs(dst []NodeInfo, self ID, list []NodeInfo, r int, accept func(NodeInfo) bool) []NodeInfo {
	out := dst[:0]
	var last ID // distance from self of the last accepted entry
	for _, e := range list {
		if len(out) == r {
			break
		}
		if e.IsZero() || e.ID == self || len(e.Addr) > MaxAddrLen || (accept != nil && !accept(e)) {
			continue
		}
		d := e.ID.Sub(self)
		if len(out) > 0 && d.Cmp(last) <= 0 {
			continue
		}
		out = append(out, e)
		last = d
	}
	return out
}

// Join makes n a member of the ring that bootstrap belongs to. As in Zave's
// specification, the joining node looks up its own identifier, adopts the
// node found as its successor and that node's successor list after it, and
// has no predecessor; it becomes a ring member when its predecessor next
// stabilises. The successor's fingers seed n's finger table.
func (n *Node) Join(ctx context.Context, bootstrap NodeInfo) error {
	if bootstrap.Addr == n.self.Addr {
		return fmt.Errorf("%w: cannot join through itself", ErrConfig)
	}
	if bootstrap.IsZero() {
		return fmt.Errorf("%w: no bootstrap node", ErrNilArgument)
	}
	resp, fresp := getResponse(), getResponse()
	defer func() { putResponse(resp); putResponse(fresp) }()
	req := getRequest()
	defer putRequest(req)
	req.Kind, req.Key = KindFindSuccessor, n.self.ID
	if err := n.call(ctx, bootstrap, req, resp); err != nil {
		return fmt.Errorf("chord: join: %w", err)
	}
	if err := resp.Status.Err(); err != nil {
		return fmt.Errorf("chord: join: %w", err)
	}
	s := resp.Node
	if !s.IsZero() && !n.accept(s) {
		return fmt.Errorf("chord: join: %w: successor %v refused by Config.AcceptNode", ErrLookupFailed, s)
	}
	if s == n.self {
		// A rejoin: the ring still knows n (it lost its successors, not
		// its place). Its successor is the first node after it.
		// Routing would lead back to n, so n looks the key up itself,
		// starting at the bootstrap node and treating itself as absent.
		res, err := n.lookup(ctx, n.self.ID.Add(IDFromUint64(1)), true, &bootstrap, false)
		if err != nil {
			return fmt.Errorf("chord: rejoin: %w", err)
		}
		s = res.Node
	}
	if s.ID == n.self.ID {
		return ErrDuplicateID
	}
	if s.IsZero() {
		return fmt.Errorf("chord: join: %w", ErrLookupFailed)
	}
	if err := n.callKind(ctx, s, KindGetState, resp); err != nil {
		return fmt.Errorf("chord: join: %w", err)
	}
	var lbuf [1 + 2*succInline]NodeInfo
	var nbuf [succInline]NodeInfo
	list := normalizeSuccs(nbuf[:0], n.self.ID, append(append(lbuf[:0], s), resp.Nodes...), n.r, n.acceptNode)
	if len(list) == 0 {
		return fmt.Errorf("chord: join: %w", ErrNoSuccessor)
	}
	_ = n.callKind(ctx, s, KindGetFingers, fresp)
	n.mu.Lock()
	n.setSuccs(list)
	n.setPred(NodeInfo{})
	n.left.Store(false)
	n.seedFingers(fresp.Nodes)
	n.mu.Unlock()
	return nil
}

// Stabilize is Zave's stabilize: n asks its first live successor s for its
// predecessor p and successor list; dead successors met on the way are
// dropped. If p lies between n and s and answers, n adopts p and p's list;
// otherwise it adopts s and s's list. Then n notifies its new successor
// (which rectifies its predecessor) and hands off blocks it is no longer
// responsible for. It returns [ErrNoSuccessor] when every entry of the
// successor list has failed, the case Chord's operating assumption rules
// out.
func (n *Node) Stabilize(ctx context.Context) error {
	resp, presp := getResponse(), getResponse()
	defer func() { putResponse(resp); putResponse(presp) }()
	for {
		n.mu.Lock()
		if n.left.Load() {
			n.mu.Unlock()
			return ErrLeft
		}
		if len(n.succ) == 0 {
			// Every successor failed: outside Chord's operating
			// assumption. Fall back, as the original Chord does, on the
			// nearest live finger; stabilisation then walks back to the
			// true successor through predecessor pointers.
			fingers := append([]NodeInfo(nil), n.fingers...)
			n.mu.Unlock()
			if f, ok := n.nearestLiveFinger(ctx, fingers); ok {
				n.mu.Lock()
				n.setSuccs([]NodeInfo{f})
				n.mu.Unlock()
				continue
			}
			return ErrNoSuccessor
		}
		s := n.succ[0]
		n.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := n.callKind(ctx, s, KindGetState, resp); err != nil || resp.Status != StatusOK {
			n.mu.Lock()
			if len(n.succ) > 0 && n.succ[0] == s {
				n.setSuccs(n.succ[1:])
			}
			n.mu.Unlock()
			continue
		}
		// Adopt s's predecessor while it lies between n and s and answers.
		// In a healthy ring this is one step (a node that joined just
		// before s); after a recovery from a distant finger it walks back
		// up to maxWalk nodes, each step being Zave's stabilize step
		// repeated without the intermediate notifications.
		for range maxWalk {
			p := resp.Node
			if p.IsZero() || !n.accept(p) || p.ID == s.ID || p.ID == n.self.ID || !(Between(p.ID, n.self.ID, s.ID) || s.ID == n.self.ID) {
				break
			}
			if err := n.callKind(ctx, p, KindGetState, presp); err != nil || presp.Status != StatusOK {
				break
			}
			s = p
			resp, presp = presp, resp
		}
		// Both lists stay on the stack while r is the default; setSuccs
		// copies what it keeps.
		var lbuf [1 + 2*succInline]NodeInfo
		var nbuf [succInline]NodeInfo
		list := append(append(lbuf[:0], s), resp.Nodes...)
		norm := normalizeSuccs(nbuf[:0], n.self.ID, list, n.r, n.acceptNode)
		n.mu.Lock()
		if len(norm) == 0 { // a one-node ring: its own successor
			norm = append(norm, n.self)
		}
		n.setSuccs(norm)
		first := norm[0]
		n.mu.Unlock()
		if first.ID != n.self.ID {
			_ = n.callKind(ctx, first, KindNotify, resp)
		}
		n.handoff(ctx)
		return nil
	}
}

// maxWalk bounds the predecessor steps of one stabilisation.
const maxWalk = 64

// callKind sends node to a request of kind k that carries nothing else.
func (n *Node) callKind(ctx context.Context, to NodeInfo, k Kind, resp *Response) error {
	req := getRequest()
	defer putRequest(req)
	req.Kind = k
	return n.call(ctx, to, req, resp)
}

// nearestLiveFinger returns the nearest finger that answers and is not n.
func (n *Node) nearestLiveFinger(ctx context.Context, fingers []NodeInfo) (NodeInfo, bool) {
	var last NodeInfo
	for _, f := range fingers { // nearest first
		if f.IsZero() || f == last || f.ID == n.self.ID {
			continue
		}
		last = f
		var resp Response
		if err := n.call(ctx, f, &Request{Kind: KindGetState}, &resp); err == nil && resp.Status == StatusOK {
			return f, true
		}
	}
	return NodeInfo{}, false
}

// rectify is Zave's rectify, run when p notifies n: n adopts p as its
// predecessor if it has none, if p lies between its predecessor and itself,
// or if its predecessor no longer answers.
func (n *Node) rectify(ctx context.Context, p NodeInfo) {
	if p.IsZero() || p.ID == n.self.ID || len(p.Addr) > MaxAddrLen || !n.accept(p) {
		return
	}
	n.mu.Lock()
	old := n.pred
	if old == p {
		n.mu.Unlock()
		return
	}
	if old.IsZero() || Between(p.ID, old.ID, n.self.ID) {
		n.setPred(p)
		n.mu.Unlock()
		return
	}
	n.mu.Unlock()
	if n.ping(ctx, old) {
		return
	}
	n.mu.Lock()
	if n.pred == old {
		n.setPred(p)
	}
	n.mu.Unlock()
}

// accept reports whether [Config.AcceptNode] admits x.
func (n *Node) accept(x NodeInfo) bool { return n.acceptNode == nil || n.acceptNode(x) }

// setPred changes the predecessor; n.mu is held. A new predecessor may
// own some of n's blocks: the next stabilisation hands them over.
func (n *Node) setPred(p NodeInfo) {
	if n.pred == p {
		return
	}
	n.version.Add(1)
	n.pred = p
	n.leaving = NodeInfo{}
	n.handoffDue = true
	n.emit(Event{Kind: EventPredecessor, Node: p})
}

// CheckPredecessor clears n's predecessor if it no longer answers, so that
// the next notification is accepted.
func (n *Node) CheckPredecessor(ctx context.Context) {
	n.mu.Lock()
	p := n.pred
	n.mu.Unlock()
	if p.IsZero() || n.ping(ctx, p) {
		return
	}
	n.mu.Lock()
	if n.pred == p {
		n.setPred(NodeInfo{})
	}
	n.mu.Unlock()
}

// FixFingers refreshes one finger, as Chord's fix_fingers does on each
// timer tick. Fingers are refreshed from the farthest (2^255) inwards; when
// a finger resolves to n's immediate successor every nearer finger does
// too, so the table stores only fingers from that index up (about log2 N
// entries) and the cycle restarts at the top.
func (n *Node) FixFingers(ctx context.Context) error {
	n.mu.Lock()
	if len(n.succ) == 0 || n.left.Load() {
		n.mu.Unlock()
		return ErrNoSuccessor
	}
	i := n.nextFinger
	n.mu.Unlock()
	res, err := n.lookup(ctx, n.self.ID.AddPow2(i), false, nil, false)
	if err != nil {
		n.mu.Lock()
		n.nextFinger = IDBits - 1
		n.mu.Unlock()
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.succ) == 0 || n.left.Load() {
		// Every successor was lost (or the node left) while the lookup
		// ran without the lock.
		return ErrNoSuccessor
	}
	succ0 := n.succ[0]
	if res.Node.ID == succ0.ID || res.Node.ID == n.self.ID {
		// This finger and all below it are the successor: trim.
		if i >= n.fingerLo() {
			n.resizeFingers(i)
			n.fingers[0] = res.Node
		} else {
			n.setFinger(i, res.Node)
		}
		n.nextFinger = IDBits - 1
		return nil
	}
	n.setFinger(i, res.Node)
	n.nextFinger = i - 1
	if n.nextFinger < 0 {
		n.nextFinger = IDBits - 1
	}
	return nil
}

// FixAllFingers runs [Node.FixFingers] until the finger cycle restarts: one
// full refresh of the table.
func (n *Node) FixAllFingers(ctx context.Context) error {
	for range IDBits {
		if err := n.FixFingers(ctx); err != nil {
			return err
		}
		n.mu.Lock()
		done := n.nextFinger == IDBits-1
		n.mu.Unlock()
		if done {
			return nil
		}
	}
	return nil
}

// setFinger stores finger i, growing the table downwards if needed; n.mu is
// held.
func (n *Node) setFinger(i int, f NodeInfo) {
	if i < n.fingerLo() {
		lo := i
		if IDBits-i > fingerInline {
			// Grow downwards geometrically beyond the inline table:
			// fix-fingers walks the indices down one at a time.
			lo = max(0, i-max(4, len(n.fingers)))
		}
		n.resizeFingers(lo)
	}
	if old := n.fingers[i-n.fingerLo()]; old != f {
		n.fingers[i-n.fingerLo()] = f
		n.updateFinger(i-n.fingerLo(), old)
	}
}

// resizeFingers makes the finger table cover the indices [lo, IDBits),
// keeping the fingers both tables cover and zeroing the others; n.mu is
// held. The table is the tail of the node's inline buffer while it fits,
// so that the table's index i-fingerLo() keeps its place as it grows or
// shrinks.
func (n *Node) resizeFingers(lo int) {
	size := IDBits - lo
	old := n.fingers
	keep := min(len(old), size)
	var nf []NodeInfo
	if size <= fingerInline {
		nf = n.fingerBuf[fingerInline-size:]
	} else {
		nf = make([]NodeInfo, size)
	}
	copy(nf[size-keep:], old[len(old)-keep:])
	// mutation: equivalent — a new heap table is zero, and the inline
	// buffer is zero outside the table (the clear below keeps it so); the
	// line states what the new fingers hold.
	clear(nf[:size-keep])
	if size <= fingerInline {
		clear(n.fingerBuf[:fingerInline-size]) // drop what was trimmed
	}
	n.fingers = nf // IDBits - lo entries: fingerLo() is lo
	n.markRoutes()
}

// setSuccs replaces the successor list with a copy of list, which may
// alias the current one; n.mu is held.
func (n *Node) setSuccs(list []NodeInfo) {
	if slices.Equal(n.succ, list) {
		return
	}
	n.version.Add(1)
	if len(list) > 0 && (len(n.succ) == 0 || n.succ[0] != list[0]) {
		n.emit(Event{Kind: EventSuccessor, Node: list[0]})
	}
	if len(list) <= succInline {
		s := n.succBuf[:len(list)]
		copy(s, list) // a memmove: list may be n.succ[1:]
		clear(n.succBuf[len(list):])
		n.succ = s
	} else {
		n.succ = slices.Clone(list)
	}
	n.markRoutes()
	n.succFirst = u256{}
	if len(list) > 0 {
		n.succFirst = list[0].ID.u().sub(n.self.ID.u())
	}
}

// seedFingers fills an empty finger table with hints (a joining node's
// successor's fingers): each hint is placed at the finger index whose
// interval it falls in. n.mu is held.
func (n *Node) seedFingers(hints []NodeInfo) {
	n.resizeFingers(IDBits)
	n.nextFinger = IDBits - 1
	for _, h := range hints {
		if h.IsZero() || h.ID == n.self.ID || len(h.Addr) > MaxAddrLen || !n.accept(h) {
			continue
		}
		d := h.ID.Sub(n.self.ID)
		i := IDBits - 1
		for i > 0 && d.bit(i) == 0 {
			i--
		}
		// h is at distance in [2^i, 2^(i+1)): a candidate for finger i.
		if i >= n.fingerLo() && !n.fingers[i-n.fingerLo()].IsZero() {
			continue
		}
		n.setFinger(i, h)
	}
}

func (a ID) bit(i int) byte { return a[IDSize-1-i/8] >> (i % 8) & 1 }

// Leave removes n from the ring voluntarily: its successor learns n's
// predecessor, n hands every block it holds to its successor, and its
// predecessor adopts n's successor list. n answers no request afterwards.
// Blocks the successor refuses (quota) are reported in the error; no block
// is silently dropped.
func (n *Node) Leave(ctx context.Context) error {
	n.mu.Lock()
	if n.left.Load() {
		n.mu.Unlock()
		return ErrLeft
	}
	pred := n.pred
	succs := append([]NodeInfo(nil), n.succ...)
	n.mu.Unlock()
	var resp Response
	var s NodeInfo
	for _, c := range succs {
		if c.ID != n.self.ID && n.ping(ctx, c) {
			s = c
			break
		}
	}
	var err error
	if !s.IsZero() {
		_ = n.call(ctx, s, &Request{Kind: KindLeave, Node: pred}, &resp)
		err = n.handoffAll(ctx, s)
	}
	if !pred.IsZero() && pred.ID != n.self.ID {
		_ = n.call(ctx, pred, &Request{Kind: KindLeave, Nodes: succs}, &resp)
	}
	n.mu.Lock()
	n.left.Store(true)
	n.mu.Unlock()
	return err
}

// handleLeave applies a leave notice: from our predecessor, its
// predecessor becomes ours; from our successor, its successor list replaces
// it in ours. Notices from anyone else are ignored.
func (n *Node) handleLeave(req *Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.pred.IsZero() && req.From == n.pred {
		if req.Node.ID == n.self.ID || len(req.Node.Addr) > MaxAddrLen || !n.accept(req.Node) {
			n.setPred(NodeInfo{})
		} else {
			n.setPred(req.Node)
		}
		// The leaving node hands its blocks over next (handoffAllowed).
		n.leaving = req.From
	}
	if len(n.succ) > 0 && req.From == n.succ[0] && len(req.Nodes) > 0 {
		rest := append(append([]NodeInfo(nil), req.Nodes...), n.succ[1:]...)
		if norm := normalizeSuccs(nil, n.self.ID, rest, n.r, n.acceptNode); len(norm) > 0 {
			n.setSuccs(norm)
		}
	}
}
