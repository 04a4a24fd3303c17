package pacomnet

import (
	"crypto/subtle"
	"fmt"
	"io"

	"lukechampine.com/blake3"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

// DefaultPeerIDPrefix is the Azureus-style client prefix of the peer ids
// this package makes.
const DefaultPeerIDPrefix = "-SB0100-"

const (
	peerIDTagSize     = 6
	kdfContextPeerTag = "swarmblocks.dev pacomnet v1 peer id tag"
)

// newPeerID returns a peer id for a swarm: the prefix, random bytes and a
// 6-byte tag keyed by the info-hash, by which PACOM clients of the swarm
// recognise each other at the BEP 3 handshake.
func newPeerID(rnd io.Reader, prefix string, ih pacomchan.InfoHash) ([20]byte, error) {
	var id [20]byte
	if len(prefix) > 20-peerIDTagSize-4 {
		return id, fmt.Errorf("pacomnet: peer id prefix %q too long", prefix)
	}
	n := copy(id[:], prefix)
	if _, err := io.ReadFull(rnd, id[n:20-peerIDTagSize]); err != nil {
		return id, fmt.Errorf("pacomnet: reading randomness: %w", err)
	}
	tag := peerTag(ih, id[:20-peerIDTagSize])
	copy(id[20-peerIDTagSize:], tag[:])
	return id, nil
}

func peerTag(ih pacomchan.InfoHash, body []byte) [peerIDTagSize]byte {
	var key [32]byte
	blake3.DeriveKey(key[:], kdfContextPeerTag, ih[:])
	h := blake3.New(peerIDTagSize, key[:])
	h.Write(body)
	var tag [peerIDTagSize]byte
	h.Sum(tag[:0])
	return tag
}

// isPACOMPeer reports whether a peer id carries the tag of a PACOM client
// of the swarm ih. An ordinary client's id matches with probability 2^-48.
func isPACOMPeer(ih pacomchan.InfoHash, id [20]byte) bool {
	tag := peerTag(ih, id[:20-peerIDTagSize])
	return subtle.ConstantTimeCompare(tag[:], id[20-peerIDTagSize:]) == 1
}
