package chord

import (
	"context"
	"fmt"
	"slices"
)

// LookupResult is the outcome of a lookup.
type LookupResult struct {
	// Node is successor(key): the live node responsible for the key.
	Node NodeInfo
	// Successors are the nodes after Node that the key's predecessor knew
	// of, for failing over when Node dies before it is used.
	Successors []NodeInfo
	// Hops counts the nodes asked to route the lookup (routing calls), not
	// counting the final liveness check of Node.
	Hops int
	// Timeouts counts calls that got no answer, each followed by a
	// fail-over to the next-best finger or successor.
	Timeouts int
}

// Lookup finds successor(key) iteratively: n asks a chain of nodes, each
// closer to key, for their closest preceding finger, until one of them
// reports that key lies between it and its successor. A node that does not
// answer is skipped in favour of the next-best candidate. The final
// candidate is checked to be alive; dead entries of the predecessor's
// successor list are skipped.
//
// key is a ring identifier, used as is: callers hash their own keys.
func (n *Node) Lookup(ctx context.Context, key ID) (LookupResult, error) {
	var res LookupResult
	err := n.LookupInto(ctx, key, &res)
	return res, err
}

// LookupInto is [Node.Lookup] writing its result into res, whose
// Successors slice it reuses: a caller making many lookups passes the
// same res each time and allocates nothing once the slice has grown to
// the successor-list length. Everything in res is overwritten; on error
// res.Successors is empty and res.Hops and res.Timeouts tell how far the
// lookup got. res must not be nil.
func (n *Node) LookupInto(ctx context.Context, key ID, res *LookupResult) error {
	if res == nil {
		return fmt.Errorf("%w: LookupInto result", ErrNilArgument)
	}
	err := n.lookupInto(ctx, key, true, nil, true, res)
	n.lookups.Add(1)
	if err != nil {
		n.lookupFails.Add(1)
	}
	return err
}

// deadSet is a small set of nodes met during one lookup. Members are
// compared by identifier first: the identifier is inline in the NodeInfo,
// while comparing addresses reads memory elsewhere, and in a large ring
// that costs a cache miss per comparison.
type deadSet struct {
	fixed [16]NodeInfo
	n     int
	more  map[NodeInfo]struct{}
}

func (d *deadSet) add(a NodeInfo) {
	if d.n < len(d.fixed) {
		d.fixed[d.n] = a
		d.n++
		return
	}
	if d.more == nil {
		d.more = map[NodeInfo]struct{}{}
	}
	d.more[a] = struct{}{}
}

func (d *deadSet) has(a NodeInfo) bool {
	for i := range d.fixed[:d.n] {
		if x := &d.fixed[i]; x.ID == a.ID && x.Addr == a.Addr {
			return true
		}
	}
	// mutation: equivalent (check) — reading a nil map finds nothing too.
	if d.more == nil {
		return false
	}
	_, ok := d.more[a]
	return ok
}

// lookup resolves key. With verify, the result is checked to be alive;
// finger maintenance skips that check, since a finger is only a routing
// hint and dead fingers are skipped when used. A non-nil via starts the
// lookup at that node instead of at n's own tables, with n itself treated
// as absent: a node that lost every successor finds its way back this way.
// The result's successor list is filled in only with wantSuccs: finger
// maintenance keeps only the node found, and does not allocate.
func (n *Node) lookup(ctx context.Context, key ID, verify bool, via *NodeInfo, wantSuccs bool) (LookupResult, error) {
	var res LookupResult
	err := n.lookupInto(ctx, key, verify, via, wantSuccs, &res)
	return res, err
}

// lookupInto is lookup writing into res, reusing the capacity of
// res.Successors.
func (n *Node) lookupInto(ctx context.Context, key ID, verify bool, via *NodeInfo, wantSuccs bool, res *LookupResult) error {
	*res = LookupResult{Successors: res.Successors[:0]}
	var dead, asked deadSet // nodes found dead; nodes already asked
	var buf [4 * maxClosest]NodeInfo
	pending := buf[:0]
	var sbuf [16]NodeInfo
	var lastSuccs []NodeInfo
	fellBack := false // the successor-list fallback has been used since the last answer
	lastC := n.self
	var succs []NodeInfo
	var obuf [2 * succInline]NodeInfo
	out := obuf[:0]

	n.mu.Lock()
	switch {
	case n.left.Load():
		n.mu.Unlock()
		return ErrLeft
	case via != nil:
		pending = append(pending, *via)
		dead.add(n.self)
	case len(n.succ) == 0:
		n.mu.Unlock()
		return ErrNoSuccessor
	case n.succOwns(key.u().sub(n.self.ID.u())):
		succs = keepNodes(out, n.succ)
	default:
		pending = n.appendClosest(pending, key, maxClosest)
		lastSuccs = append(sbuf[:0], n.succ[:min(len(n.succ), len(sbuf))]...)
	}
	n.mu.Unlock()

	// skipDead is called when candidate c turned out dead (or is n itself
	// in a rejoin). If the dead nodes were the first successors of the
	// last node that answered, and the key falls before its first live
	// successor, that successor is the owner: the dead ones held the
	// key's range.
	skipDead := func() {
		for i, s := range lastSuccs {
			if dead.has(s) {
				continue
			}
			if i > 0 && BetweenRightIncl(key, lastC.ID, s.ID) {
				succs = keepNodes(out, lastSuccs[i:])
			}
			return
		}
	}

	// Answers alternate between two responses: the successor list of the
	// last node that answered stays where it arrived (lastSuccs) while
	// the next call writes into the other one.
	resp, spare := getResponse(), getResponse()
	defer func() {
		putResponse(resp)
		putResponse(spare)
	}()
	req := getRequest()
	defer putRequest(req)
	req.Kind, req.Key = KindClosest, key
	for succs == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(pending) == 0 && !fellBack {
			// Every candidate failed (fingers that departed since they
			// were last refreshed): fall back on the successor list of
			// the last node heard from, farthest first. Each entry lies
			// between that node and the key, so the walk still makes
			// progress, r nodes at a time at worst.
			fellBack = true
			for i := len(lastSuccs) - 1; i >= 0; i-- {
				x := lastSuccs[i]
				if !dead.has(x) && !asked.has(x) && Between(x.ID, lastC.ID, key) && len(pending) < len(buf) {
					pending = append(pending, x)
				}
			}
		}
		if len(pending) == 0 {
			return fmt.Errorf("%w: no live route to %v after %d hops", ErrLookupFailed, key, res.Hops)
		}
		if res.Hops >= n.maxHops {
			return fmt.Errorf("%w: more than %d hops", ErrLookupFailed, n.maxHops)
		}
		c := pending[0]
		pending = pending[1:]
		if c.ID == n.self.ID && via == nil {
			continue
		}
		if dead.has(c) {
			skipDead()
			continue
		}
		if asked.has(c) {
			continue
		}
		asked.add(c)
		if err := n.call(ctx, c, req, resp); err != nil || resp.Status != StatusOK {
			dead.add(c)
			res.Timeouts++
			skipDead()
			continue
		}
		res.Hops++
		fellBack = false
		if n.acceptNode != nil {
			resp.Nodes = slices.DeleteFunc(resp.Nodes, func(x NodeInfo) bool { return !n.acceptNode(x) })
			resp.Succs = slices.DeleteFunc(resp.Succs, func(x NodeInfo) bool { return !n.acceptNode(x) })
		}
		if resp.Done {
			succs = keepNodes(out, resp.Nodes)
			if len(succs) == 0 {
				return fmt.Errorf("%w: %v has no successor", ErrLookupFailed, c)
			}
			break
		}
		lastC = c
		lastSuccs = resp.Succs[:min(len(resp.Succs), len(sbuf))]
		ans := resp
		resp, spare = spare, resp
		if skipDead(); succs != nil {
			break
		}
		// New candidates are closer to key than c; keep the older ones
		// behind them for fail-over.
		// Between(x.ID, c.ID, key) with c and key converted once.
		k := 0
		cu := c.ID.u()
		span := key.u().sub(cu)
		for _, x := range ans.Nodes {
			d := x.ID.u().sub(cu)
			if !d.zero() && (span.zero() || d.less(span)) && !dead.has(x) {
				ans.Nodes[k] = x
				k++
			}
		}
		if k+len(pending) > len(buf) {
			pending = pending[:len(buf)-k]
		}
		copy(buf[k:], pending)
		copy(buf[:k], ans.Nodes[:k])
		pending = buf[:k+len(pending)]
	}
	for i, s := range succs {
		if (s.ID == n.self.ID && via == nil) || (!dead.has(s) && (!verify || n.ping(ctx, s))) {
			res.Node = s
			if wantSuccs {
				res.Successors = append(res.Successors[:0], succs[i+1:]...)
			}
			return nil
		}
		res.Timeouts++
	}
	return fmt.Errorf("%w: every successor of the key's predecessor is dead", ErrLookupFailed)
}

// keepNodes returns a copy of src in out's array if it fits there, else
// in a new one; the result is not nil.
func keepNodes(out, src []NodeInfo) []NodeInfo {
	if out != nil && len(src) <= cap(out) {
		out = out[:len(src)]
		copy(out, src)
		return out
	}
	return append(make([]NodeInfo, 0, len(src)), src...)
}

// succOwns reports whether the key at clockwise distance dk from n lies in
// (n, succ[0]], the range n's first successor is responsible for: it is
// BetweenRightIncl(key, n, succ[0]) on the cached distance. n.mu is held
// and the successor list is not empty.
func (n *Node) succOwns(dk u256) bool {
	return n.succFirst.zero() || (!dk.zero() && !n.succFirst.less(dk))
}

// closestStep answers one iterative lookup step: the best candidates and
// the successor list. The asker uses the list to step over dead successors
// when the key falls within its span (see skipDead in lookup), and falls
// back on it when every candidate has failed.
func (n *Node) closestStep(key ID, resp *Response) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.succ) == 0 {
		resp.Status = StatusUnavailable
		return
	}
	dk := key.u().sub(n.self.ID.u())
	if n.succOwns(dk) {
		resp.Done = true
		resp.Nodes = append(resp.Nodes, n.succ...)
		return
	}
	// The successor list is copied first: its loads do not depend on the
	// route table's, so the memory system fetches both at once.
	resp.Succs = append(resp.Succs, n.succ...)
	resp.Nodes = n.appendClosest(resp.Nodes, key, closestCandidates)
	if len(resp.Nodes) == 0 {
		resp.Nodes = append(resp.Nodes, n.succ[0])
	}
}

// LookupRecursive finds successor(key) recursively: each node forwards the
// query to its best next hop, failing over to the next-best when a hop does
// not answer, and the key's predecessor answers with its first live
// successor. Hops counts the forwards.
func (n *Node) LookupRecursive(ctx context.Context, key ID) (LookupResult, error) {
	n.lookups.Add(1)
	var resp Response
	n.findSuccessorRecursive(ctx, &Request{Kind: KindFindSuccessor, Key: key, From: n.self}, &resp)
	if err := resp.Status.Err(); err != nil {
		n.lookupFails.Add(1)
		return LookupResult{}, fmt.Errorf("%w: %w", ErrLookupFailed, err)
	}
	if !n.accept(resp.Node) {
		n.lookupFails.Add(1)
		return LookupResult{}, fmt.Errorf("%w: result %v refused by Config.AcceptNode", ErrLookupFailed, resp.Node)
	}
	return LookupResult{Node: resp.Node, Successors: resp.Nodes, Hops: int(resp.Hops)}, nil
}

func (n *Node) findSuccessorRecursive(ctx context.Context, req *Request, resp *Response) {
	if int(req.Hops) > n.maxHops || ctx.Err() != nil {
		resp.Status = StatusUnavailable
		return
	}
	n.mu.Lock()
	// mutation: equivalent — with no successor succFirst is zero (setSuccs), so
	// succOwns reports done, the candidate list is empty and the answer is
	// StatusUnavailable all the same; the guard only skips that work.
	if len(n.succ) == 0 {
		n.mu.Unlock()
		resp.Status = StatusUnavailable
		return
	}
	var cands []NodeInfo
	var buf [maxClosest]NodeInfo
	done := n.succOwns(req.Key.u().sub(n.self.ID.u()))
	if done {
		cands = append(buf[:0], n.succ...) // may outgrow buf: r > maxClosest
	} else {
		cands = n.appendClosest(buf[:0], req.Key, maxClosest)
	}
	n.mu.Unlock()
	if done {
		for i, s := range cands {
			if s.ID == n.self.ID || n.ping(ctx, s) {
				resp.Status, resp.Node, resp.Hops = StatusOK, s, req.Hops
				resp.Nodes = append(resp.Nodes[:0], cands[i+1:]...)
				return
			}
		}
		resp.Status = StatusUnavailable
		return
	}
	fwd := getRequest()
	defer putRequest(fwd)
	*fwd = *req
	fwd.Hops++
	for _, c := range cands {
		if c.ID == n.self.ID {
			continue
		}
		err := n.call(ctx, c, fwd, resp)
		if err == nil && resp.Status == StatusOK {
			return
		}
		// c did not answer, or could not route. If it is one of our
		// successors and the key falls before our first live successor
		// after it, that successor is the owner.
		if s, ok := n.liveSuccessorAfter(ctx, c); ok && BetweenRightIncl(req.Key, n.self.ID, s.ID) {
			resp.Reset()
			resp.Status, resp.Node, resp.Hops = StatusOK, s, req.Hops
			return
		}
		if err == nil {
			// A live node that could not route has already tried its own
			// alternatives: pass its answer back rather than search the
			// same region again (which would make the search exponential).
			break
		}
	}
	resp.Reset()
	resp.Status = StatusUnavailable
}

// liveSuccessorAfter returns the first successor after dead that answers a
// ping, if dead is in n's successor list and such a successor exists.
func (n *Node) liveSuccessorAfter(ctx context.Context, dead NodeInfo) (NodeInfo, bool) {
	n.mu.Lock()
	i := slices.Index(n.succ, dead)
	var rest []NodeInfo
	if i >= 0 {
		rest = append(rest, n.succ[i+1:]...)
	}
	n.mu.Unlock()
	for _, s := range rest {
		if s.ID == n.self.ID || n.ping(ctx, s) {
			return s, true
		}
	}
	return NodeInfo{}, false
}
