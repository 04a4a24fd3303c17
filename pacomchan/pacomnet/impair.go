package pacomnet

import (
	"math/rand/v2"
	"net"
	"sync"
)

// Impairment sets what [Impair] does to the PIECE messages a connection
// sends: each is dropped with probability Drop, sent twice with
// probability Duplicate, and held back behind the next write with
// probability Reorder. Other messages pass unchanged, so the stream stays
// valid BEP 3.
type Impairment struct {
	Drop, Duplicate, Reorder float64
}

// ImpairStats counts what an impaired connection did.
type ImpairStats struct{ Pieces, Dropped, Duplicated, Reordered uint64 }

// Impaired is a connection whose outgoing PIECE messages are impaired.
type Impaired struct {
	net.Conn
	imp  Impairment
	mu   sync.Mutex
	rng  *rand.Rand
	sp   splitter
	held []byte
	st   ImpairStats
}

// Impair wraps c so that the PIECE messages written to it are lost,
// duplicated and reordered as imp says, drawing from a generator seeded
// with seed. It models what a real connection's blocks undergo: requests
// served and then cancelled, lost with a dropped connection, answered out
// of order.
func Impair(c net.Conn, imp Impairment, seed uint64) *Impaired {
	return &Impaired{Conn: c, imp: imp, rng: rand.New(rand.NewPCG(seed, 0x696d70))}
}

// Stats returns the connection's counters.
func (c *Impaired) Stats() ImpairStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Write writes p after impairing the PIECE messages it completes.
func (c *Impaired) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	heldBefore := c.held
	var out []byte
	for _, u := range c.sp.push(p) {
		if !isPiece(u) {
			out = append(out, u...)
			continue
		}
		c.st.Pieces++
		switch r := c.rng.Float64(); {
		case r < c.imp.Drop:
			c.st.Dropped++
		case r < c.imp.Drop+c.imp.Duplicate:
			c.st.Duplicated++
			out = append(append(out, u...), u...)
		case r < c.imp.Drop+c.imp.Duplicate+c.imp.Reorder && c.held == nil:
			c.st.Reordered++
			c.held = u
		default:
			out = append(out, u...)
			if c.held != nil && &c.held[0] != &u[0] {
				out = append(out, c.held...)
				c.held = nil
			}
		}
	}
	if heldBefore != nil && c.held != nil && &heldBefore[0] == &c.held[0] {
		out = append(out, c.held...) // held for a whole write: release it
		c.held = nil
	}
	if len(out) > 0 {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
