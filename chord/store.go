package chord

import (
	"context"
	"fmt"
	"time"

	zblake3 "github.com/zeebo/blake3"
)

// This file is the DHash layer: the store, fetch and handoff handlers over
// the node's [BlockStore], and the client operations Put and Get.

// BlockKey is the DHash key of a content-addressed block: its BLAKE3 hash
// on the ring.
func BlockKey(data []byte) ID { return ID(zblake3.Sum256(data)) }

// storeErr records a failure of the block store; the request is answered
// with StatusUnavailable.
func (n *Node) storeErr(err error) error {
	n.stats.storeErrors.Add(1)
	return fmt.Errorf("%w: %w: %w", ErrUnavailable, ErrStore, err)
}

// expireLocked drops replicas whose lifetime has ended, through the
// store's expiry index; n.smu is held.
func (n *Node) expireLocked(now time.Duration) error {
	k, err := n.store.Expire(int64(now))
	n.stats.expired.Add(uint64(max(k, 0)))
	if err != nil {
		return n.storeErr(err)
	}
	return nil
}

// handleStore checks and stores a block. A handoff is a block moved by a
// ring neighbour on a membership change (see handoffAllowed).
func (n *Node) handleStore(ctx context.Context, req *Request, handoff bool) error {
	t := req.Ticket
	if t == nil {
		return fmt.Errorf("%w: store without ticket", ErrBadRequest)
	}
	if len(req.Data) == 0 {
		return fmt.Errorf("%w: empty block", ErrBadRequest)
	}
	if len(req.Data) > MaxBlockSize {
		return ErrTooLarge
	}
	if t.Key != req.Key {
		return ErrTicketMismatch
	}
	if zblake3.Sum256(req.Data) != t.DataHash {
		return ErrTicketMismatch
	}
	now := n.now()
	// A holder ignores a store of the exact block it holds (§4.2) before
	// spending a signature verification on it: nothing would change.
	if dup, err := n.holdsSame(now, t); err != nil || dup {
		return err
	}
	if handoff {
		// Only a ring neighbour hands blocks over, and only keys it was
		// responsible for; checked before the signature, which costs more.
		if err := n.handoffAllowed(req.From, t.Key); err != nil {
			return err
		}
	}
	// A handoff moves a replica its ticket once authorised: the tracker
	// and signature are checked again, the expiry is not. A ticket's
	// expiry bounds when a new store may use it; a replica outlives it
	// ([Config.Lifetime] after its last store or fetch), and must keep
	// moving to its key's owner as the ring changes. Only the sender's
	// authenticated neighbours get this exemption (handoffAllowed).
	verifyAt := now
	if handoff {
		verifyAt = time.Duration(min(int64(now), t.Expires))
	}
	if err := t.Verify(n.trusted, verifyAt); err != nil {
		return err
	}
	if !handoff {
		if err := n.checkResponsible(ctx, t.Key); err != nil {
			return err
		}
	}

	n.smu.Lock()
	defer n.smu.Unlock()
	old, held, err := n.store.Get(t.Key)
	// mutation: equivalent in effect — holdsSame's Get failed the same
	// way just before, unless the store failed in between.
	if err != nil {
		return n.storeErr(err)
	}
	var freed int64
	if held {
		// mutation: equivalent — holdsSame caught the duplicate, unless a
		// concurrent store of the same block raced this one.
		if old.Ticket.DataHash == t.DataHash {
			n.stats.duplicates.Add(1)
			return errDuplicate
		}
		// A different block under the key: it stays unless the new one
		// comes with a newer ticket for the same replica (a repair of a
		// replica that no longer decrypts).
		if old.Ticket.ChunkHash != t.ChunkHash || old.Ticket.Index != t.Index || t.Expires <= old.Ticket.Expires {
			return ErrConflict
		}
		freed = int64(len(old.Data))
	}
	_, used := n.store.Usage()
	if used-freed+int64(len(req.Data)) > n.quota {
		return ErrQuota // the block held, if any, stays
	}
	b := Block{Key: t.Key, Data: append([]byte(nil), req.Data...), Ticket: *t, Expires: int64(now + n.lifetime)}
	if err := n.store.Put(b); err != nil {
		return n.storeErr(err)
	}
	n.stats.stored.Add(1)
	n.mu.Lock()
	if !n.pred.IsZero() && !BetweenRightIncl(t.Key, n.pred.ID, n.self.ID) {
		n.handoffDue = true
	}
	n.mu.Unlock()
	if handoff {
		n.emit(Event{Kind: EventKeysIn, Node: req.From, Keys: []ID{t.Key}})
	}
	return nil
}

// holdsSame reports whether the block the ticket authorises is already
// held under its key, counting a duplicate.
func (n *Node) holdsSame(now time.Duration, t *Ticket) (bool, error) {
	n.smu.Lock()
	defer n.smu.Unlock()
	if err := n.expireLocked(now); err != nil {
		return false, err
	}
	b, ok, err := n.store.Get(t.Key)
	// mutation: equivalent in effect — the Get after verification fails
	// too and answers the same status.
	if err != nil {
		return false, n.storeErr(err)
	}
	if ok && b.Ticket.DataHash == t.DataHash {
		n.stats.duplicates.Add(1)
		return true, errDuplicate
	}
	return false, nil
}

// checkResponsible confirms that n is successor(key) for a store (§4.3).
func (n *Node) checkResponsible(ctx context.Context, key ID) error {
	n.mu.Lock()
	pred := n.pred
	n.mu.Unlock()
	// mutation: equivalent — the lookup below refuses these keys too;
	// this saves it.
	if !pred.IsZero() && !BetweenRightIncl(key, pred.ID, n.self.ID) {
		return ErrNotResponsible // cheap rejection: outside (pred, self]
	}
	// A new predecessor may have joined since we last heard of one. The
	// last step of a lookup of key, asked of our predecessor directly,
	// finds it: the key's owner is the first live node of the successor
	// list of the key's predecessor. This costs one call where a lookup
	// from here would route around the ring to the same node; a full
	// lookup remains for a predecessor that does not answer that step.
	if !pred.IsZero() {
		if owner, ok := n.ownerVia(ctx, pred, key); ok {
			if owner.ID != n.self.ID {
				return ErrNotResponsible
			}
			return nil
		}
	}
	res, err := n.Lookup(ctx, key)
	if err != nil || res.Node.ID != n.self.ID {
		return ErrNotResponsible
	}
	return nil
}

// ownerVia asks p for the lookup step of key. When p answers that key
// lies between it and its successor, it returns the first live node of
// p's successor list, as a lookup's last step does; otherwise ok is
// false.
func (n *Node) ownerVia(ctx context.Context, p NodeInfo, key ID) (owner NodeInfo, ok bool) {
	resp := getResponse()
	defer putResponse(resp)
	req := getRequest()
	defer putRequest(req)
	req.Kind, req.Key = KindClosest, key
	if err := n.call(ctx, p, req, resp); err != nil || resp.Status != StatusOK || !resp.Done {
		return NodeInfo{}, false
	}
	for _, s := range resp.Nodes {
		if !n.accept(s) {
			continue
		}
		if s.ID == n.self.ID || n.ping(ctx, s) {
			return s, true
		}
	}
	return NodeInfo{}, false
}

// handoffAllowed decides whether from may hand n the block under key. Two
// membership changes move blocks, and each has one sender:
//
//   - a node that joins as n's predecessor receives, from n's successor
//     side, the keys that now precede it: n accepts from its first
//     successor s keys outside (n, s], the range s keeps;
//   - a predecessor that leaves hands all its blocks to n after telling n
//     its own predecessor q: n accepts from that leaving node L keys in
//     (q, L], the range L was responsible for.
//
// Anything else (a non-member, another member, a key the sender was not
// responsible for) is refused with ErrForbidden or ErrNotResponsible.
// Senders are compared as whole NodeInfos, which the transport
// authenticates ([Node.HandleFrom]).
func (n *Node) handoffAllowed(from NodeInfo, key ID) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case from.IsZero() || from.ID == n.self.ID:
	// An announced leave comes first: in a ring of two the leaving node
	// is also the first successor, and its handoff is the leave's.
	case !n.leaving.IsZero() && from == n.leaving:
		if !n.pred.IsZero() && !BetweenRightIncl(key, n.pred.ID, from.ID) {
			return fmt.Errorf("%w: key %v is outside the leaving node's range", ErrNotResponsible, key)
		}
		if n.pred.IsZero() && BetweenRightIncl(key, from.ID, n.self.ID) {
			return fmt.Errorf("%w: key %v follows the leaving node", ErrNotResponsible, key)
		}
		return nil
	case len(n.succ) > 0 && from == n.succ[0] && from.ID != n.self.ID:
		if BetweenRightIncl(key, n.self.ID, from.ID) {
			return fmt.Errorf("%w: key %v is the sender's own", ErrNotResponsible, key)
		}
		return nil
	}
	return fmt.Errorf("%w: handoff from %v, not a neighbour handing over its keys", ErrForbidden, from)
}

// handleFetch copies the block under key into resp and extends its
// lifetime: a replica lives for [Config.Lifetime] after it was last asked
// for.
func (n *Node) handleFetch(key ID, resp *Response) error {
	now := n.now()
	n.smu.Lock()
	defer n.smu.Unlock()
	if err := n.expireLocked(now); err != nil {
		return err
	}
	b, ok, err := n.store.Get(key)
	if err != nil {
		return n.storeErr(err)
	}
	if !ok {
		return ErrNotFound
	}
	if err := n.store.SetExpires(key, int64(now+n.lifetime)); err != nil {
		return n.storeErr(err)
	}
	resp.Data = append(resp.Data[:0], b.Data...)
	return nil
}

func (n *Node) has(key ID) (bool, error) {
	now := n.now()
	n.smu.Lock()
	defer n.smu.Unlock()
	if err := n.expireLocked(now); err != nil {
		return false, err
	}
	ok, err := n.store.Has(key)
	if err != nil {
		return false, n.storeErr(err)
	}
	return ok, nil
}

// ExpireBlocks drops the replicas whose lifetime has ended; nodes also
// expire blocks whenever they store, fetch or look for one.
func (n *Node) ExpireBlocks() error {
	now := n.now()
	n.smu.Lock()
	defer n.smu.Unlock()
	return n.expireLocked(now)
}

// handoff moves blocks outside (pred, self] to the predecessor after it
// changed, so that a join loses no block. A block the predecessor refuses
// stays here, and the handoff is retried at the next stabilisation.
func (n *Node) handoff(ctx context.Context) {
	n.mu.Lock()
	// mutation: equivalent in effect — without it every stabilisation
	// lists the keys to move (with no predecessor, it fails to send them
	// and keeps them).
	if !n.handoffDue || n.pred.IsZero() {
		n.mu.Unlock()
		return
	}
	n.handoffDue = false
	pred := n.pred
	n.mu.Unlock()
	var move []ID
	n.smu.Lock()
	err := n.store.Keys(n.self.ID, pred.ID, func(k ID) bool {
		if k != n.self.ID { // (self, pred], minus self on a one-node range
			move = append(move, k)
		}
		return true
	})
	n.smu.Unlock()
	if err != nil {
		_ = n.storeErr(err)
	}
	sent, refused := n.sendBlocks(ctx, pred, move)
	if refused > 0 || err != nil { // try again at the next stabilisation
		n.mu.Lock()
		n.handoffDue = true
		n.mu.Unlock()
	}
	if len(sent) > 0 {
		n.emit(Event{Kind: EventKeysOut, Node: pred, Keys: sent})
	}
}

// handoffAll moves every block to s (a leaving node's successor). It
// returns an error naming how many blocks s refused.
func (n *Node) handoffAll(ctx context.Context, s NodeInfo) error {
	var keys []ID
	n.smu.Lock()
	err := n.store.Keys(n.self.ID, n.self.ID, func(k ID) bool {
		keys = append(keys, k)
		return true
	})
	n.smu.Unlock()
	if err != nil {
		return fmt.Errorf("chord: leave: %w", n.storeErr(err))
	}
	sent, refused := n.sendBlocks(ctx, s, keys)
	if len(sent) > 0 {
		n.emit(Event{Kind: EventKeysOut, Node: s, Keys: sent})
	}
	if refused > 0 {
		return fmt.Errorf("chord: leave: successor refused %d of %d blocks", refused, len(keys))
	}
	return nil
}

// sendBlocks hands the blocks under keys to node to, deleting each one
// here once to accepted it; it returns the keys moved and how many were
// refused.
func (n *Node) sendBlocks(ctx context.Context, to NodeInfo, keys []ID) (sent []ID, refused int) {
	for _, k := range keys {
		switch moved, err := n.sendBlock(ctx, to, k); {
		case err != nil:
			refused++
		case moved:
			sent = append(sent, k)
		}
	}
	return sent, refused
}

// sendBlock hands the block under k to node to and deletes it here if to
// accepted it; a refusal is an error. A block that expired meanwhile is
// not sent: sendBlock reports false and no error.
func (n *Node) sendBlock(ctx context.Context, to NodeInfo, k ID) (bool, error) {
	n.smu.Lock()
	b, ok, err := n.store.Get(k)
	n.smu.Unlock()
	if err != nil {
		return false, n.storeErr(err)
	}
	// mutation: equivalent in effect — an empty block is refused by the
	// receiver, and the handoff retried.
	if !ok {
		return false, nil
	}
	t := b.Ticket
	req := Request{Kind: KindHandoff, Key: k, Ticket: &t, Data: b.Data}
	var resp Response
	if err := n.call(ctx, to, &req, &resp); err != nil {
		return false, err
	}
	if resp.Status != StatusOK && resp.Status != StatusDuplicate {
		return false, resp.Status.Err()
	}
	n.smu.Lock()
	defer n.smu.Unlock()
	// Delete only the block sent: a store may have replaced it meanwhile.
	if cur, ok, err := n.store.Get(k); err == nil && ok && cur.Ticket == b.Ticket {
		if err := n.store.Delete(k); err != nil {
			return false, n.storeErr(err)
		}
	}
	n.stats.handedOff.Add(1)
	return true, nil
}
