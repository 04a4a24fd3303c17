package chord

import (
	"context"
	"fmt"
	"time"

	"lukechampine.com/blake3"
)

// This file is the DHash layer: each node's block store, the store, fetch
// and handoff handlers, and the client operations Put and Get.

type storedBlock struct {
	data    []byte
	ticket  Ticket
	expires int64 // on the node's clock
}

type blockStore struct {
	blocks map[ID]*storedBlock
	used   int64
}

// BlockKey is the DHash key of a content-addressed block: its BLAKE3 hash
// on the ring.
func BlockKey(data []byte) ID { return ID(blake3.Sum256(data)) }

// handleStore checks and stores a block. handoff marks a block moved by a
// neighbour on a membership change, accepted when the sender is our
// successor handing back keys that precede us, or when the key is in our
// own range (pred, self].
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
	if blake3.Sum256(req.Data) != t.DataHash {
		return ErrTicketMismatch
	}
	now := n.now()
	// A holder ignores a store of the exact block it holds (§4.2) before
	// spending a signature verification on it: nothing would change.
	n.mu.Lock()
	n.expireLocked(now)
	if b, ok := n.store.blocks[t.Key]; ok && b.ticket.DataHash == t.DataHash {
		n.mu.Unlock()
		n.stats.duplicates.Add(1)
		return errDuplicate
	}
	n.mu.Unlock()
	// A handoff moves a replica its ticket once authorised: the tracker
	// and signature are checked again, the expiry (which bounds replays of
	// new stores) is not.
	verifyAt := now
	if handoff {
		verifyAt = time.Duration(min(int64(now), t.Expires))
	}
	if err := t.Verify(n.trusted, verifyAt); err != nil {
		return err
	}
	n.mu.Lock()
	pred, succ0 := n.pred, NodeInfo{}
	if len(n.succ) > 0 {
		succ0 = n.succ[0]
	}
	n.mu.Unlock()

	var responsible bool
	switch {
	case handoff:
		// A neighbour moves a block on a membership change: accept keys
		// in our range, keys our successor hands back because they
		// precede us, and the keys of a leaving node between our
		// predecessor and us.
		responsible = pred.IsZero() ||
			BetweenRightIncl(t.Key, pred.ID, n.self.ID) ||
			(req.From == succ0 && !BetweenRightIncl(t.Key, n.self.ID, req.From.ID)) ||
			Between(req.From.ID, pred.ID, n.self.ID)
	case !pred.IsZero() && !BetweenRightIncl(t.Key, pred.ID, n.self.ID):
		responsible = false // cheap rejection: outside (pred, self]
	default:
		// §4.3: confirm responsibility with a Chord lookup, which also
		// catches a predecessor that joined since we last heard of one.
		res, err := n.Lookup(ctx, t.Key)
		responsible = err == nil && res.Node.ID == n.self.ID
	}
	if !responsible {
		return ErrNotResponsible
	}

	n.mu.Lock()
	defer n.mu.Unlock()
	if b, ok := n.store.blocks[t.Key]; ok {
		if b.ticket.DataHash == t.DataHash {
			n.stats.duplicates.Add(1)
			return errDuplicate
		}
		n.store.used -= int64(len(b.data))
		delete(n.store.blocks, t.Key)
	}
	if n.store.used+int64(len(req.Data)) > n.quota {
		return ErrQuota
	}
	if n.store.blocks == nil {
		n.store.blocks = make(map[ID]*storedBlock)
	}
	exp := int64(now + n.lifetime)
	n.store.blocks[t.Key] = &storedBlock{data: append([]byte(nil), req.Data...), ticket: *t, expires: exp}
	n.store.used += int64(len(req.Data))
	n.stats.stored.Add(1)
	if !n.pred.IsZero() && !BetweenRightIncl(t.Key, n.pred.ID, n.self.ID) {
		n.handoffDue = true
	}
	return nil
}

// handleFetch copies the block under key into resp and extends its
// lifetime: a replica lives for [Config.Lifetime] after it was last asked
// for.
func (n *Node) handleFetch(key ID, resp *Response) error {
	now := n.now()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expireLocked(now)
	b, ok := n.store.blocks[key]
	if !ok {
		return ErrNotFound
	}
	b.expires = int64(now + n.lifetime)
	resp.Data = append(resp.Data[:0], b.data...)
	return nil
}

func (n *Node) has(key ID) bool {
	now := n.now()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expireLocked(now)
	_, ok := n.store.blocks[key]
	return ok
}

// expireLocked drops replicas whose lifetime has ended; n.mu is held.
func (n *Node) expireLocked(now time.Duration) {
	for k, b := range n.store.blocks {
		if int64(now) > b.expires {
			n.store.used -= int64(len(b.data))
			delete(n.store.blocks, k)
			n.stats.expired.Add(1)
		}
	}
}

// ExpireBlocks drops the replicas whose lifetime has ended; nodes also
// expire blocks lazily whenever they are accessed.
func (n *Node) ExpireBlocks() {
	now := n.now()
	n.mu.Lock()
	n.expireLocked(now)
	n.mu.Unlock()
}

// handoff moves blocks outside (pred, self] to the predecessor after it
// changed, so that a join loses no block. A block the predecessor refuses
// stays here.
func (n *Node) handoff(ctx context.Context) {
	n.mu.Lock()
	if !n.handoffDue || n.pred.IsZero() {
		n.mu.Unlock()
		return
	}
	n.handoffDue = false
	pred := n.pred
	var move []ID
	for k := range n.store.blocks {
		if !BetweenRightIncl(k, pred.ID, n.self.ID) {
			move = append(move, k)
		}
	}
	n.mu.Unlock()
	refused := false
	for _, k := range move {
		if !n.sendBlock(ctx, pred, k) {
			refused = true
		}
	}
	if refused { // try again at the next stabilisation
		n.mu.Lock()
		n.handoffDue = true
		n.mu.Unlock()
	}
}

// handoffAll moves every block to s (a leaving node's successor). It
// returns an error naming how many blocks s refused.
func (n *Node) handoffAll(ctx context.Context, s NodeInfo) error {
	n.mu.Lock()
	keys := make([]ID, 0, len(n.store.blocks))
	for k := range n.store.blocks {
		keys = append(keys, k)
	}
	n.mu.Unlock()
	refused := 0
	for _, k := range keys {
		if !n.sendBlock(ctx, s, k) {
			refused++
		}
	}
	if refused > 0 {
		return fmt.Errorf("chord: leave: successor refused %d of %d blocks", refused, len(keys))
	}
	return nil
}

// sendBlock hands the block under k to node to and deletes it here if to
// accepted it.
func (n *Node) sendBlock(ctx context.Context, to NodeInfo, k ID) bool {
	n.mu.Lock()
	b, ok := n.store.blocks[k]
	if !ok {
		n.mu.Unlock()
		return true
	}
	t := b.ticket
	req := Request{Kind: KindHandoff, Key: k, Ticket: &t, Data: b.data}
	n.mu.Unlock()
	var resp Response
	if err := n.call(ctx, to, &req, &resp); err != nil {
		return false
	}
	if resp.Status != StatusOK && resp.Status != StatusDuplicate {
		return false
	}
	n.mu.Lock()
	if cur, ok := n.store.blocks[k]; ok && cur == b {
		delete(n.store.blocks, k)
		n.store.used -= int64(len(b.data))
	}
	n.mu.Unlock()
	n.stats.handedOff.Add(1)
	return true
}
