package keyserver

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// AuthScheme is the scheme of the Authorization header:
//
//	Authorization: SBKS1 base64url(key (32) ‖ time (8) ‖ nonce (16) ‖ signature (64))
//
// key is the caller's ed25519 public key, time the Unix time in seconds
// (big-endian, signed), nonce 16 random bytes, and signature the ed25519
// signature of "swarmblocks/keyserver request v1" ‖ 0x00 ‖ torrent (32) ‖
// method and request URI (each a 2-byte big-endian length and the bytes) ‖
// SHA-256 of the body (32) ‖ time (8) ‖ nonce (16).
const AuthScheme = "SBKS1"

const (
	nonceSize = 16
	tokenSize = ed25519.PublicKeySize + 8 + nonceSize + ed25519.SignatureSize
	// requestContext separates request signatures from any other use of a
	// caller's key.
	requestContext = "swarmblocks/keyserver request v1\x00"
)

// auth is a parsed Authorization header.
type auth struct {
	key   [ed25519.PublicKeySize]byte
	time  int64
	nonce [nonceSize]byte
	sig   [ed25519.SignatureSize]byte
}

// parseAuth decodes an Authorization header value. It accepts exactly
// "SBKS1 " and the unpadded base64url of a 120-byte token.
func parseAuth(h string) (*auth, error) {
	token, ok := strings.CutPrefix(h, AuthScheme+" ")
	if !ok {
		return nil, fmt.Errorf("%w: Authorization must use scheme %s", ErrUnauthenticated, AuthScheme)
	}
	// The decoder skips '\r' and '\n', so a token is refused unless it is
	// exactly as long as the encoding of tokenSize bytes: one header, one
	// encoding.
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenSize) || strings.ContainsAny(token, "\r\n") {
		return nil, fmt.Errorf("%w: Authorization token of %d characters", ErrUnauthenticated, len(token))
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != tokenSize {
		return nil, fmt.Errorf("%w: Authorization token is not base64url", ErrUnauthenticated)
	}
	a := new(auth)
	n := copy(a.key[:], raw)
	a.time = int64(binary.BigEndian.Uint64(raw[n:]))
	n += 8
	n += copy(a.nonce[:], raw[n:])
	copy(a.sig[:], raw[n:])
	return a, nil
}

// header returns the Authorization header value of a.
func (a *auth) header() string {
	raw := make([]byte, 0, tokenSize)
	raw = append(raw, a.key[:]...)
	raw = binary.BigEndian.AppendUint64(raw, uint64(a.time))
	raw = append(raw, a.nonce[:]...)
	raw = append(raw, a.sig[:]...)
	return AuthScheme + " " + base64.RawURLEncoding.EncodeToString(raw)
}

// signedMessage is what a caller signs: the context, the torrent (so a
// request for one key server is refused by another), the method and the
// request URI as the server sees them, SHA-256 of the body, the time and
// the nonce. Variable-length fields are length-prefixed.
func signedMessage(t reencrypt.TorrentID, method, uri string, body []byte, a *auth) []byte {
	bh := sha256.Sum256(body)
	m := make([]byte, 0, len(requestContext)+32+4+len(method)+len(uri)+32+8+nonceSize)
	m = append(m, requestContext...)
	m = append(m, t[:]...)
	m = binary.BigEndian.AppendUint16(m, uint16(len(method)))
	m = append(m, method...)
	m = binary.BigEndian.AppendUint16(m, uint16(len(uri)))
	m = append(m, uri...)
	m = append(m, bh[:]...)
	m = binary.BigEndian.AppendUint64(m, uint64(a.time))
	return append(m, a.nonce[:]...)
}

// replayCache remembers the (key, nonce) of every accepted request for
// twice the clock-skew window: a request is accepted only within skew of
// its timestamp, so a replay that could still be accepted comes at most
// 2·skew after the first. When full it refuses new requests ([ErrBusy])
// rather than forget one that could be replayed. Anyone can make a key and
// sign, so requests from strangers (keys neither the seed's nor
// subscribed) have a pool of their own, a quarter of the members': a flood
// of strangers cannot lock the seed and the subscribers out.
type replayCache struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   [2]int // per pool: members, strangers
	n     [2]int
	seen  map[[ed25519.PublicKeySize + nonceSize]byte]struct{}
	queue []replayEntry // in insertion order, so in expiry order
	head  int
}

// The pools of the replay cache.
const (
	members   = 0
	strangers = 1
)

type replayEntry struct {
	key     [ed25519.PublicKeySize + nonceSize]byte
	pool    int
	expires time.Time
}

func newReplayCache(ttl time.Duration, max int) *replayCache {
	return &replayCache{
		ttl: ttl, max: [2]int{max, max/4 + 1},
		seen: make(map[[ed25519.PublicKeySize + nonceSize]byte]struct{}),
	}
}

// add records a's nonce in pool, or returns ErrReplay if it is already
// recorded, ErrBusy if the pool is full.
func (c *replayCache) add(a *auth, pool int, now time.Time) error {
	var k [ed25519.PublicKeySize + nonceSize]byte
	copy(k[:], a.key[:])
	copy(k[ed25519.PublicKeySize:], a.nonce[:])
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.head < len(c.queue) && !c.queue[c.head].expires.After(now) {
		delete(c.seen, c.queue[c.head].key)
		c.n[c.queue[c.head].pool]--
		c.queue[c.head] = replayEntry{}
		c.head++
	}
	// When to compact the queue changes only memory, never which entries it
	// holds (mutation: boundary equivalent).
	if c.head > len(c.queue)/2 {
		c.queue = append(c.queue[:0], c.queue[c.head:]...)
		c.head = 0
	}
	if _, ok := c.seen[k]; ok {
		return ErrReplay
	}
	if c.n[pool] >= c.max[pool] {
		return ErrBusy
	}
	c.seen[k] = struct{}{}
	c.n[pool]++
	c.queue = append(c.queue, replayEntry{key: k, pool: pool, expires: now.Add(c.ttl)})
	return nil
}

// len returns the number of remembered nonces.
func (c *replayCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
