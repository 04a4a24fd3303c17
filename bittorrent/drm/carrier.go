package drm

import (
	"slices"
	"sync"

	"github.com/anacrolix/torrent"
	pp "github.com/anacrolix/torrent/peer_protocol"
)

// Carrier is the DRM extension of one anacrolix client: it advertises
// [ExtensionName] on every connection, routes the extension's messages to
// the protected torrent they belong to ([Carrier.AddSeed],
// [Carrier.AddPeer]) and tells each torrent which peer sent which pieces'
// chunks, so that a downloader asks its uploader for the capsule first, as
// in the paper. It is safe for concurrent use.
type Carrier struct {
	mu       sync.Mutex
	torrents map[*torrent.Torrent]*Torrent
	conns    map[*torrent.PeerConn]*conn
}

// conn is the carrier's view of one peer connection.
type conn struct {
	t       *torrent.Torrent
	capable bool // the peer advertised ExtensionName
}

// NewCarrier installs the extension's callbacks in cfg, which must then be
// used for exactly one [torrent.NewClient]. Callbacks already in cfg keep
// running, before the carrier's. It also turns off
// [torrent.ClientConfig.DropMutuallyCompletePeers]: a peer whose bodies are
// complete still needs its connections to fetch the last capsules, and to
// serve capsules to others.
func NewCarrier(cfg *torrent.ClientConfig) *Carrier {
	c := &Carrier{torrents: make(map[*torrent.Torrent]*Torrent), conns: make(map[*torrent.PeerConn]*conn)}
	cfg.DropMutuallyCompletePeers = false
	cb := &cfg.Callbacks
	cb.PeerConnAdded = append(cb.PeerConnAdded, c.onConnAdded)
	cb.PeerConnReadExtensionMessage = append(cb.PeerConnReadExtensionMessage, c.onExtensionMessage)
	cb.ReceivedUsefulData = append(cb.ReceivedUsefulData, c.onUsefulData)
	if prev := cb.ReadExtendedHandshake; prev != nil {
		cb.ReadExtendedHandshake = func(pc *torrent.PeerConn, m *pp.ExtendedHandshakeMessage) {
			prev(pc, m)
			c.onHandshake(pc, m)
		}
	} else {
		cb.ReadExtendedHandshake = c.onHandshake
	}
	if prev := cb.PeerConnClosed; prev != nil {
		cb.PeerConnClosed = func(pc *torrent.PeerConn) {
			prev(pc)
			c.onConnClosed(pc)
		}
	} else {
		cb.PeerConnClosed = c.onConnClosed
	}
	return c
}

// The callbacks run on the client's goroutines, some with the client lock
// held: they only record and hand over, never block and never call back
// into the client.

func (c *Carrier) onConnAdded(pc *torrent.PeerConn) {
	// The connection points to the client's shared map: advertise the
	// extension in a copy of our own, as the field's documentation asks.
	m := &torrent.LocalLtepProtocolMap{
		Index:      slices.Clone(pc.LocalLtepProtocolMap.Index),
		NumBuiltin: pc.LocalLtepProtocolMap.NumBuiltin,
	}
	m.AddUserProtocol(ExtensionName)
	pc.LocalLtepProtocolMap = m
	c.mu.Lock()
	c.conns[pc] = &conn{t: pc.Torrent()}
	c.mu.Unlock()
}

func (c *Carrier) onHandshake(pc *torrent.PeerConn, m *pp.ExtendedHandshakeMessage) {
	if m.M[ExtensionName] == 0 {
		return
	}
	c.mu.Lock()
	cn := c.conns[pc]
	if cn != nil {
		cn.capable = true
	}
	t := c.torrents[pc.Torrent()]
	c.mu.Unlock()
	if t != nil {
		t.poke()
	}
}

func (c *Carrier) onConnClosed(pc *torrent.PeerConn) {
	c.mu.Lock()
	delete(c.conns, pc)
	t := c.torrents[pc.Torrent()]
	c.mu.Unlock()
	if t != nil {
		t.connClosed(pc)
	}
}

func (c *Carrier) onExtensionMessage(ev torrent.PeerConnReadExtensionMessageEvent) {
	if ev.ExtensionNumber == pp.HandshakeExtendedID {
		return
	}
	name, builtin, err := ev.PeerConn.LocalLtepProtocolMap.LookupId(ev.ExtensionNumber)
	if err != nil || builtin || name != ExtensionName {
		return
	}
	if t := c.torrentOf(ev.PeerConn.Torrent()); t != nil {
		// The payload belongs to the client once we return.
		t.received(ev.PeerConn, slices.Clone(ev.Payload))
	}
}

func (c *Carrier) onUsefulData(ev torrent.ReceivedUsefulDataEvent) {
	pc, ok := ev.Peer.TryAsPeerConn()
	if !ok {
		return
	}
	if t := c.torrentOf(ev.Peer.Torrent()); t != nil {
		t.contributed(pc, int(ev.Message.Index))
	}
}

func (c *Carrier) torrentOf(t *torrent.Torrent) *Torrent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.torrents[t]
}

// capableConns returns the open connections of t whose peer speaks the
// extension.
func (c *Carrier) capableConns(t *torrent.Torrent) []*torrent.PeerConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*torrent.PeerConn
	for pc, cn := range c.conns {
		if cn.t == t && cn.capable {
			out = append(out, pc)
		}
	}
	return out
}

func (c *Carrier) register(t *Torrent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.torrents[t.t]; ok {
		return ErrRegistered
	}
	c.torrents[t.t] = t
	return nil
}

func (c *Carrier) unregister(t *Torrent) {
	c.mu.Lock()
	if c.torrents[t.t] == t {
		delete(c.torrents, t.t)
	}
	c.mu.Unlock()
}
