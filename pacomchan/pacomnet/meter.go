package pacomnet

import (
	"net"
	"sync"
	"time"
)

// LinkKey names a directed link: the PIECE messages the client with peer
// id From sends to the client with peer id To in one swarm.
type LinkKey struct {
	From, To [20]byte
	InfoHash [20]byte
}

// Meter counts, on real sockets, the PIECE messages every metered
// connection carries, per directed link and time bin: what a passive
// observer of the wire sees (Theorem 1's traffic pattern).
type Meter struct {
	start time.Time
	bin   time.Duration
	mu    sync.Mutex
	count map[LinkKey][]float64
}

// NewMeter returns a meter with bins of the given width, starting now.
func NewMeter(bin time.Duration) *Meter {
	return &Meter{start: time.Now(), bin: bin, count: map[LinkKey][]float64{}}
}

// Start returns the time bin 0 starts.
func (m *Meter) Start() time.Time { return m.start }

// Wrap returns c metered: the PIECE messages written to it are counted
// under the link from the handshake's local peer id to the remote one.
func (m *Meter) Wrap(c net.Conn) net.Conn { return &metered{Conn: c, m: m} }

// Counts returns the counts of a link per bin, up to now.
func (m *Meter) Counts(k LinkKey) []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := int(time.Since(m.start) / m.bin)
	out := make([]float64, n)
	copy(out, m.count[k])
	return out
}

// Links returns every link seen.
func (m *Meter) Links() []LinkKey {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]LinkKey, 0, len(m.count))
	for k := range m.count {
		out = append(out, k)
	}
	return out
}

type metered struct {
	net.Conn
	m      *Meter
	mu     sync.Mutex
	ws, rs splitter
	key    LinkKey
	remote bool
}

func (c *metered) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if !c.remote && n > 0 {
		for _, u := range c.rs.push(p[:n]) {
			if len(u) == 68 && !c.remote {
				copy(c.key.To[:], u[48:68])
				c.remote = true
			}
		}
	}
	c.mu.Unlock()
	return n, err
}

func (c *metered) Write(p []byte) (int, error) {
	c.mu.Lock()
	for _, u := range c.ws.push(p) {
		switch {
		case len(u) == 68 && u[0] == 19:
			copy(c.key.InfoHash[:], u[28:48])
			copy(c.key.From[:], u[48:68])
		case isPiece(u) && c.remote:
			c.m.add(c.key)
		}
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (m *Meter) add(k LinkKey) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := int(time.Since(m.start) / m.bin)
	s := m.count[k]
	for len(s) <= b {
		s = append(s, 0)
	}
	s[b]++
	m.count[k] = s
}
