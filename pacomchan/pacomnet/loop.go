package pacomnet

import (
	"context"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// loop is the client's timer: paced requests, request timeouts,
// keep-alives, the choker and the router's periodic work.
func (c *Client) loop() {
	defer c.wg.Done()
	t := time.NewTicker(c.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case now := <-t.C:
			c.mu.Lock()
			c.step(now)
			c.mu.Unlock()
		}
	}
}

// step runs one tick; c.mu is held.
func (c *Client) step(now time.Time) {
	s := c.node.Scheduler()
	for _, cn := range c.sortedConns() {
		if cn.closed {
			continue
		}
		if now.Sub(cn.lastRead) > c.cfg.IdleTimeout {
			c.drop(cn)
			continue
		}
		for i, at := range cn.requests {
			if now.Sub(at) > c.cfg.RequestTimeout {
				delete(cn.requests, i)
				s.CancelRequest(cn.id, cn.sw.sid, i)
				c.stats.Timeouts++
				c.send(cn, &peerwire.Message{Type: peerwire.Cancel, Index: uint32(i), Length: uint32(cn.sw.file.PieceSize(i))})
			}
		}
		if !cn.peerChoking && cn.amInterested {
			c.request(cn, now)
		}
		if now.Sub(cn.lastWrite) > c.cfg.KeepAlive {
			c.send(cn, &peerwire.Message{Keepalive: true})
		}
	}
	if now.Sub(c.lastChoke) >= c.cfg.ChokeInterval {
		c.lastChoke = now
		c.choke()
	}
	if now.Sub(c.lastTick) >= time.Second {
		c.lastTick = now
		c.deliver(c.node.Tick(now))
	}
	c.serveParked()
}

// request sends the requests due on a connection: one per event of a
// Poisson process of rate RequestRate, or in naive mode as many as keep h
// outstanding; c.mu is held.
func (c *Client) request(cn *conn, now time.Time) {
	s := c.node.Scheduler()
	one := func() bool {
		r, ok, err := s.RequestFrom(cn.id, cn.sw.sid)
		if err != nil || !ok {
			return false
		}
		cn.requests[r.Index] = now
		c.send(cn, &peerwire.Message{Type: peerwire.Request, Index: uint32(r.Index), Length: uint32(cn.sw.file.PieceSize(r.Index))})
		return true
	}
	if c.cfg.Naive {
		for one() {
		}
		return
	}
	for !now.Before(cn.nextReq) {
		one() // a request event with nothing to ask is simply skipped
		cn.nextReq = cn.nextReq.Add(time.Duration(c.rng.ExpFloat64() / c.cfg.RequestRate * float64(time.Second)))
		if now.Sub(cn.nextReq) > time.Second {
			cn.nextReq = now // after a stall, do not burst
		}
	}
}

// unchokeIfFree unchokes an interested peer at once while regular slots
// are free; c.mu is held.
func (c *Client) unchokeIfFree(cn *conn) {
	if !cn.amChoking {
		return
	}
	n := 0
	for _, o := range c.conns {
		if !o.amChoking && !o.optimistic {
			n++
		}
	}
	if n < c.cfg.UnchokeSlots {
		cn.amChoking = false
		c.send(cn, &peerwire.Message{Type: peerwire.Unchoke})
	}
}

// choke is BitTorrent's choker: the UnchokeSlots interested peers that
// sent the most pieces in the last interval stay unchoked, one more is
// unchoked optimistically (rotated every third round), the rest are
// choked; c.mu is held.
func (c *Client) choke() {
	conns := c.sortedConns()
	interested := slices.DeleteFunc(slices.Clone(conns), func(cn *conn) bool { return !cn.peerInterested })
	slices.SortStableFunc(interested, func(a, b *conn) int { return b.recvPieces - a.recvPieces })
	keep := map[*conn]bool{}
	for _, cn := range interested[:min(len(interested), c.cfg.UnchokeSlots)] {
		keep[cn] = true
	}
	var optimistic *conn
	for _, cn := range conns {
		if cn.optimistic && cn.peerInterested {
			optimistic = cn
		}
	}
	if c.chokeRound%3 == 0 || optimistic == nil {
		var pool []*conn
		for _, cn := range interested {
			if !keep[cn] {
				pool = append(pool, cn)
			}
		}
		optimistic = nil
		if len(pool) > 0 {
			optimistic = pool[c.rng.IntN(len(pool))]
		}
	}
	c.chokeRound++
	for _, cn := range conns {
		cn.optimistic = cn == optimistic
		unchoke := keep[cn] || cn.optimistic
		if unchoke == cn.amChoking {
			cn.amChoking = !unchoke
			t := peerwire.Choke
			if unchoke {
				t = peerwire.Unchoke
			}
			c.send(cn, &peerwire.Message{Type: t})
			if !unchoke {
				clear(cn.inflight) // the peer discards our answers' requests
				cn.parked = cn.parked[:0]
			}
		}
		cn.recvPieces = 0
	}
}

func (c *Client) sortedConns() []*conn {
	out := make([]*conn, 0, len(c.conns))
	for _, cn := range c.conns {
		out = append(out, cn)
	}
	slices.SortFunc(out, func(a, b *conn) int { return int(a.id) - int(b.id) })
	return out
}

// Build starts a circuit to the client whose public key is target (see
// [pacomchan.Router.Build]); [Client.WaitReady] waits for it.
func (c *Client) Build(target []byte) (pacomchan.CircuitID, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return pacomchan.CircuitID{}, ErrClosed
	}
	id, err := c.node.Build(time.Now(), target)
	if err != nil {
		return id, err
	}
	if _, ok := c.ready[id]; !ok {
		c.ready[id] = make(chan struct{})
	}
	c.serveParked()
	return id, nil
}

// WaitReady waits until circuit id is established (at its source) or
// accepted (at its target).
func (c *Client) WaitReady(ctx context.Context, id pacomchan.CircuitID) error {
	c.mu.Lock()
	ch, ok := c.ready[id]
	if !ok {
		ch = make(chan struct{})
		c.ready[id] = ch
	}
	c.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	}
}

// MaxData returns the largest message [Client.Send] takes.
func (c *Client) MaxData() int { return c.node.Router().MaxData() }

// Send queues data on an established circuit this client is an end of.
func (c *Client) Send(id pacomchan.CircuitID, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if err := c.node.Send(time.Now(), id, data); err != nil {
		return err
	}
	c.serveParked()
	return nil
}

// Route returns this client's record of circuit id.
func (c *Client) Route(id pacomchan.CircuitID) (pacomchan.Route, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.node.Router().Route(id)
}

// ServedCounts returns, over PACOM connections, how many blocks carried
// data and how many were cover (dummies).
func (c *Client) ServedCounts() (data, cover uint64) {
	st := c.Stats().Scheduler
	return st.DataServed, st.DummyServed
}

// Close closes every connection and listener and waits for the client's
// goroutines.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	for _, ln := range c.listeners {
		ln.Close()
	}
	for _, cn := range c.conns {
		c.drop(cn)
	}
	c.mu.Unlock()
	c.wg.Wait()
	return nil
}
