package pacomchan

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Block sizes. Every block a [Link] serves is exactly its configured block
// size, whether it carries the Diffie–Hellman half, data or padding.
const (
	// BlockSize is the default block size: the 16 KiB block of BitTorrent.
	BlockSize = 16 << 10
	// MinBlockSize is the smallest block size a [Link] accepts.
	MinBlockSize = 64
	// MaxBlockSize is the largest block size a [Link] accepts (128 KiB, the
	// largest request most BitTorrent clients honour).
	MaxBlockSize = 128 << 10
	// BlockOverhead is the number of bytes of a sealed block that are not
	// payload: the 4-byte length prefix and the 16-byte AEAD tag.
	BlockOverhead = lenPrefixSize + chacha20poly1305.Overhead
	// DefaultRotateAfter is the default number of blocks sealed (or opened)
	// under one key before the key rotates: 2^16 blocks, 1 GiB at 16 KiB.
	DefaultRotateAfter = 1 << 16
	// MaxRotateAfter bounds [LinkConfig.RotateAfter]: a key never seals more
	// than 2^32 blocks.
	MaxRotateAfter = 1 << 32

	lenPrefixSize = 4
	helloKeySize  = 32
)

// Errors returned by [Link]. Errors from [Link.OpenBlock] leave the link's
// state unchanged, so the next genuine block still opens; the exception is
// [ErrBadLength], whose block is authentic (only a broken peer holding the
// key sends one) and is consumed like any other, so the next genuine block
// opens then too.
var (
	ErrBlockSize    = errors.New("pacomchan: block has the wrong size")
	ErrSegmentSize  = errors.New("pacomchan: segment does not fit in a block")
	ErrEmptySegment = errors.New("pacomchan: empty data segment")
	ErrAuth         = errors.New("pacomchan: block failed authentication (tampered, replayed, reordered or from another key)")
	ErrBadHello     = errors.New("pacomchan: invalid Diffie–Hellman half")
	ErrReflectedKey = errors.New("pacomchan: peer sent our own Diffie–Hellman half")
	ErrLateHello    = errors.New("pacomchan: handshake block after the channel was confirmed")
	ErrBadLength    = errors.New("pacomchan: authenticated block with an impossible length field")
)

// LinkConfig parameterises a [Link]. The zero value selects the defaults.
type LinkConfig struct {
	// BlockSize is the size of every block, [BlockSize] if zero. Both ends
	// of a link must agree on it.
	BlockSize int
	// RotateAfter is the number of blocks each direction seals under one
	// key before the key is replaced by a one-way derivation of itself;
	// [DefaultRotateAfter] if zero, at most [MaxRotateAfter].
	RotateAfter uint64
}

// Link is one end of the neighbour-to-neighbour channel of PACOM §3.4
// between two PACOM clients that exchange blocks of a PACOM file.
//
// The first block a Link serves carries its X25519 half g^x followed by
// random bytes; until the peer's half has arrived it keeps serving such
// handshake blocks (fresh randomness each time), because it has no key yet.
// Once both halves are known, each direction has its own ChaCha20-Poly1305
// key derived with BLAKE3 from g^xy and both halves, and every block is
// E_k{len, data} or E_k{0, pad}: the same size, and indistinguishable
// without the key. Nonces are an implicit per-direction block counter, so a
// nonce never repeats and a replayed, reordered or dropped block fails
// authentication; after RotateAfter blocks the direction's key is replaced
// by a BLAKE3 derivation of itself and the counter restarts.
//
// A Link assumes in-order delivery of the blocks it serves, as BitTorrent's
// TCP connections provide. It is not safe for concurrent use.
type Link struct {
	blockSize   int
	rotateAfter uint64
	rnd         io.Reader

	priv  *ecdh.PrivateKey
	hello [helloKeySize]byte // our public key, canonical (top bit clear)

	peerHello [helloKeySize]byte
	haveHello bool // the peer's half has arrived: keys are set
	confirmed bool // a sealed block from the peer has opened
	helloSent bool // our half has gone out in a served block

	send, recv direction

	// Counters of what the link has seen, for monitoring.
	stats LinkStats
}

// LinkStats counts the blocks a [Link] has served and received.
type LinkStats struct {
	HelloSent, DataSent, DummySent uint64
	HelloRecv, DataRecv, DummyRecv uint64
	Rejected                       uint64 // blocks OpenBlock refused
	Rotations                      uint64 // key rotations, both directions
}

// direction is the key state of one direction of a link.
type direction struct {
	key   [chacha20poly1305.KeySize]byte
	aead  cipher.AEAD
	seq   uint64 // blocks sealed (or opened) under key
	epoch uint64 // number of rotations so far
	nonce [chacha20poly1305.NonceSize]byte
}

// NewLink returns a Link with a fresh X25519 key drawn from rnd (callers pass
// crypto/rand.Reader). The same reader fills the random part of handshake
// blocks.
func NewLink(rnd io.Reader, cfg LinkConfig) (*Link, error) {
	if cfg.BlockSize == 0 {
		cfg.BlockSize = BlockSize
	}
	if cfg.RotateAfter == 0 {
		cfg.RotateAfter = DefaultRotateAfter
	}
	if cfg.BlockSize < MinBlockSize || cfg.BlockSize > MaxBlockSize {
		return nil, fmt.Errorf("pacomchan: block size %d outside [%d, %d]", cfg.BlockSize, MinBlockSize, MaxBlockSize)
	}
	if cfg.RotateAfter > MaxRotateAfter {
		return nil, fmt.Errorf("pacomchan: RotateAfter %d above %d", cfg.RotateAfter, uint64(MaxRotateAfter))
	}
	var seed [32]byte
	if _, err := io.ReadFull(rnd, seed[:]); err != nil {
		return nil, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	priv, err := ecdh.X25519().NewPrivateKey(seed[:])
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	l := &Link{blockSize: cfg.BlockSize, rotateAfter: cfg.RotateAfter, rnd: rnd, priv: priv}
	copy(l.hello[:], priv.PublicKey().Bytes())
	return l, nil
}

// BlockSize returns the size of every block the link serves and accepts.
func (l *Link) BlockSize() int { return l.blockSize }

// MaxSegment returns the largest segment one block carries:
// BlockSize − [BlockOverhead].
func (l *Link) MaxSegment() int { return l.blockSize - BlockOverhead }

// Ready reports whether the peer's Diffie–Hellman half has arrived, so that
// [Link.SealBlock] can carry data.
func (l *Link) Ready() bool { return l.haveHello }

// Stats returns the link's counters.
func (l *Link) Stats() LinkStats { return l.stats }

// SealBlock appends to dst the next block to serve to the peer and returns
// the extended slice. If the channel is keyed, the block is E_k{len(seg),
// seg} when seg is non-empty and E_k{0, pad} when seg is nil or empty, and
// carried reports whether seg went out. Before the peer's half has arrived
// the block is a handshake block and carried is false: the caller keeps seg
// queued. A segment longer than [Link.MaxSegment] is an error.
func (l *Link) SealBlock(dst, seg []byte) (block []byte, carried bool, err error) {
	if len(seg) > l.MaxSegment() {
		return dst, false, fmt.Errorf("%w: %d bytes, at most %d", ErrSegmentSize, len(seg), l.MaxSegment())
	}
	if !l.haveHello || !l.helloSent {
		l.stats.HelloSent++
		l.helloSent = true
		return l.helloBlock(dst)
	}
	block, err = l.seal(dst, seg)
	if err != nil {
		return dst, false, err
	}
	if len(seg) == 0 {
		l.stats.DummySent++
		return block, false, nil
	}
	l.stats.DataSent++
	return block, true, nil
}

// OpenBlock authenticates and decrypts a block received from the peer. It
// uses the spare capacity of buf as scratch space (block itself is not
// modified) and returns the carried segment, which aliases that space, or a
// nil segment for a dummy block or a handshake block. A block that fails
// returns an error and leaves the link unchanged.
func (l *Link) OpenBlock(buf, block []byte) (seg []byte, err error) {
	if len(block) != l.blockSize {
		l.stats.Rejected++
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBlockSize, len(block), l.blockSize)
	}
	if !l.haveHello {
		if err := l.acceptHello(block); err != nil {
			l.stats.Rejected++
			return nil, err
		}
		l.stats.HelloRecv++
		return nil, nil
	}
	if !l.confirmed && l.isPeerHello(block) {
		// The peer had not received our half when it served this block.
		l.stats.HelloRecv++
		return nil, nil
	}
	seg, err = l.open(buf[:0], block)
	if err != nil {
		l.stats.Rejected++
		if l.confirmed && l.isPeerHello(block) {
			return nil, ErrLateHello
		}
		return nil, err
	}
	l.confirmed = true
	if seg == nil {
		l.stats.DummyRecv++
	} else {
		l.stats.DataRecv++
	}
	return seg, nil
}

// setNonce writes into n the 12-byte nonce of block number seq of a
// direction: four zero bytes, then seq big-endian.
func setNonce(n *[chacha20poly1305.NonceSize]byte, seq uint64) {
	n[4] = byte(seq >> 56)
	n[5] = byte(seq >> 48)
	n[6] = byte(seq >> 40)
	n[7] = byte(seq >> 32)
	n[8] = byte(seq >> 24)
	n[9] = byte(seq >> 16)
	n[10] = byte(seq >> 8)
	n[11] = byte(seq)
}

// seal appends E_k{len(seg), seg, zero padding} to dst.
func (l *Link) seal(dst, seg []byte) ([]byte, error) {
	d := &l.send
	if d.seq >= l.rotateAfter {
		if err := d.rotate(); err != nil {
			return dst, err
		}
		l.stats.Rotations++
	}
	start := len(dst)
	dst = grow(dst, l.blockSize)
	pt := dst[start : start+l.blockSize-chacha20poly1305.Overhead]
	n := len(seg)
	pt[0], pt[1], pt[2], pt[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	copy(pt[lenPrefixSize:], seg)
	clear(pt[lenPrefixSize+n:])
	setNonce(&d.nonce, d.seq)
	d.aead.Seal(pt[:0], d.nonce[:], pt, nil)
	d.seq++
	return dst, nil
}

// open decrypts block with the receive key, appending the segment to dst.
func (l *Link) open(dst, block []byte) ([]byte, error) {
	d := &l.recv
	aead, seq := d.aead, d.seq
	var next *direction
	if seq >= l.rotateAfter {
		// Rotate on a copy: the state changes only if the block opens.
		cp := *d
		next = &cp
		if err := next.rotate(); err != nil {
			return nil, err
		}
		aead, seq = next.aead, 0
	}
	start := len(dst)
	setNonce(&d.nonce, seq)
	out, err := aead.Open(dst, d.nonce[:], block, nil)
	if err != nil {
		return nil, ErrAuth
	}
	pt := out[start:]
	n := int(pt[0])<<24 | int(pt[1])<<16 | int(pt[2])<<8 | int(pt[3])
	if n < 0 || n > len(pt)-lenPrefixSize {
		// Authentic, so the peer is broken; still consume the block.
		l.commitRecv(next)
		return nil, fmt.Errorf("%w: %d", ErrBadLength, n)
	}
	l.commitRecv(next)
	if n == 0 {
		return nil, nil
	}
	return pt[lenPrefixSize : lenPrefixSize+n], nil
}

// commitRecv advances the receive direction past an opened block, adopting
// the rotated state next if the block was the first of a new key.
func (l *Link) commitRecv(next *direction) {
	if next != nil {
		l.recv = *next
		l.stats.Rotations++
	}
	l.recv.seq++
}

// grow extends dst by n bytes, reallocating only if needed.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst[:len(dst)+n]
	}
	out := make([]byte, len(dst)+n)
	copy(out, dst)
	return out
}

// isPeerHello reports whether block starts with the peer's public key (top
// bit ignored): a repeated handshake block. A sealed block does so with
// probability 2^-255.
func (l *Link) isPeerHello(block []byte) bool {
	var k [helloKeySize]byte
	copy(k[:], block[:helloKeySize])
	k[31] &= 0x7f
	return subtle.ConstantTimeCompare(k[:], l.peerHello[:]) == 1
}
