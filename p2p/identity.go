package p2p

import (
	"errors"
	"fmt"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/swarmblocks/swarmblocks/chord"
)

// ErrBadAddr is returned for a node address that is not a multiaddr
// ending in /p2p/<peer ID>.
var ErrBadAddr = errors.New("p2p: node address must be a multiaddr ending in /p2p/<peer ID>")

// RingID returns the Chord identifier of the libp2p peer p:
// [chord.HashID] (a domain-separated BLAKE3 hash) of the peer ID's bytes.
// A peer ID is a multihash of the peer's public key (for Ed25519 keys, the
// default, the key itself, inline), so the ring ID is bound to the key
// that authenticates every connection: a node cannot claim an identifier
// without the private key of a peer ID that hashes to it, and cannot
// choose its place on the ring except by grinding keys.
func RingID(p peer.ID) chord.ID { return chord.HashID([]byte(p)) }

// NodeInfo returns the chord.NodeInfo of peer p reachable at addr: its
// [RingID] and, as transport address, addr with /p2p/<p> appended (the
// form every node passes on in successor lists, so that any node can dial
// any other with no other directory).
func NodeInfo(p peer.ID, addr ma.Multiaddr) (chord.NodeInfo, error) {
	full, err := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: p, Addrs: []ma.Multiaddr{addr}})
	if err != nil {
		return chord.NodeInfo{}, fmt.Errorf("p2p: %w", err)
	}
	s := full[0].String()
	if len(s) > chord.MaxAddrLen {
		return chord.NodeInfo{}, fmt.Errorf("%w: %d bytes, limit %d", ErrBadAddr, len(s), chord.MaxAddrLen)
	}
	return chord.NodeInfo{ID: RingID(p), Addr: s}, nil
}

// ParseAddr splits a node address into the peer and its dialable
// multiaddr.
func ParseAddr(addr string) (peer.AddrInfo, error) {
	ai, err := peer.AddrInfoFromString(addr)
	if err != nil {
		return peer.AddrInfo{}, fmt.Errorf("%w: %q: %w", ErrBadAddr, addr, err)
	}
	if len(ai.Addrs) == 0 {
		return peer.AddrInfo{}, fmt.Errorf("%w: %q has no transport part", ErrBadAddr, addr)
	}
	return *ai, nil
}

// claimMatches reports whether the sender a request names is the peer
// that authenticated the stream: its ring ID is RingID(remote) and its
// address names remote.
func claimMatches(from chord.NodeInfo, remote peer.ID) bool {
	if from.ID != RingID(remote) {
		return false
	}
	ai, err := peer.AddrInfoFromString(from.Addr)
	return err == nil && ai.ID == remote
}

// addrChecker is [chord.Config.AcceptNode] for libp2p nodes: a node is
// admitted only if its ring ID is [RingID] of the peer its address names,
// so that no node can place itself, or another, at an identifier of its
// choosing. Results are cached; the cache is bounded and simply cleared
// when full.
type addrChecker struct {
	mu   sync.Mutex
	seen map[string]chord.ID
}

func newAddrChecker() *addrChecker { return &addrChecker{seen: map[string]chord.ID{}} }

func (c *addrChecker) accept(n chord.NodeInfo) bool {
	c.mu.Lock()
	id, ok := c.seen[n.Addr]
	c.mu.Unlock()
	if !ok {
		ai, err := peer.AddrInfoFromString(n.Addr)
		if err != nil || len(ai.Addrs) == 0 {
			return false
		}
		id = RingID(ai.ID)
		c.mu.Lock()
		if len(c.seen) >= 4096 {
			clear(c.seen)
		}
		c.seen[n.Addr] = id
		c.mu.Unlock()
	}
	return id == n.ID
}

// peerIDOf returns the peer ID of a private key.
func peerIDOf(k crypto.PrivKey) (peer.ID, error) { return peer.IDFromPrivateKey(k) }
