package pacomchan

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/subtle"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// BLAKE3 key-derivation contexts of the neighbour channel. They are part of
// the wire format: changing one breaks interoperability.
const (
	kdfContextLoHi   = "swarmblocks.dev pacomchan v2 neighbour channel key, low half to high half"
	kdfContextHiLo   = "swarmblocks.dev pacomchan v2 neighbour channel key, high half to low half"
	kdfContextHPLoHi = "swarmblocks.dev pacomchan v2 neighbour channel sequence protection, low half to high half"
	kdfContextHPHiLo = "swarmblocks.dev pacomchan v2 neighbour channel sequence protection, high half to low half"
	kdfContextAckLo  = "swarmblocks.dev pacomchan v2 neighbour channel acknowledgement by the low half"
	kdfContextAckHi  = "swarmblocks.dev pacomchan v2 neighbour channel acknowledgement by the high half"
	kdfContextRotate = "swarmblocks.dev pacomchan v2 neighbour channel key rotation"
)

// dirKey is one key of a direction and the epoch (number of rotations) it
// belongs to.
type dirKey struct {
	key   [chacha20poly1305.KeySize]byte
	aead  cipher.AEAD
	epoch uint64
}

func newDirKey(key [chacha20poly1305.KeySize]byte, epoch uint64) (dirKey, error) {
	aead, err := chacha20poly1305.New(key[:])
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return dirKey{}, fmt.Errorf("pacomchan: %w", err)
	}
	return dirKey{key: key, aead: aead, epoch: epoch}, nil
}

// next returns the key of the following epoch: BLAKE3-derive-key(rotation
// context, key), so an exposed key reveals nothing of earlier blocks.
func (k *dirKey) next() (dirKey, error) {
	var n [chacha20poly1305.KeySize]byte
	blake3.DeriveKey(n[:], kdfContextRotate, k.key[:])
	return newDirKey(n, k.epoch+1)
}

// sendDirection is the state of the direction this side seals.
type sendDirection struct {
	dirKey
	seq uint64 // next sequence number
	hp  cipher.Block
}

func (d *sendDirection) rotate() error {
	n, err := d.next()
	// mutation: unreachable — next fails only as newDirKey does, never on a 32-byte key.
	if err != nil {
		return err
	}
	d.dirKey = n
	return nil
}

// recvDirection is the state of the direction this side opens: the key of
// the newest epoch seen, the one before it, and the replay window.
type recvDirection struct {
	cur, prev dirKey
	havePrev  bool
	hp        cipher.Block
	window    seqWindow
}

// advance is the receive state a block of a later epoch moves to if it
// opens.
type advance struct{ cur, prev dirKey }

// keyFor returns the AEAD of epoch and, for a later epoch, the state to
// adopt once a block of it opens.
func (d *recvDirection) keyFor(epoch uint64) (cipher.AEAD, *advance, error) {
	switch {
	case epoch == d.cur.epoch:
		return d.cur.aead, nil, nil
	// mutation: equivalent — < and <= agree here: equality was the case above.
	case epoch < d.cur.epoch:
		if epoch+1 == d.cur.epoch && d.havePrev {
			return d.prev.aead, nil, nil
		}
		return nil, nil, fmt.Errorf("%w: key of epoch %d discarded", ErrBlockReplay, epoch)
	case epoch-d.cur.epoch > MaxEpochJump:
		return nil, nil, fmt.Errorf("%w: epoch %d too far ahead of %d", ErrAuth, epoch, d.cur.epoch)
	}
	k, prev := d.cur, d.cur
	for k.epoch < epoch {
		n, err := k.next()
		// mutation: unreachable — next fails only as newDirKey does, never on a 32-byte key.
		if err != nil {
			return nil, nil, err
		}
		prev, k = k, n
	}
	return k.aead, &advance{cur: k, prev: prev}, nil
}

// helloBlock appends a handshake block of size bytes to dst: our X25519
// half with a random top bit (RFC 7748 receivers ignore it, and a constant
// zero bit would mark the block), our acknowledgement of the peer's half if
// we have it, and random bytes.
func (l *Link) helloBlock(dst []byte, size int) ([]byte, bool, error) {
	start := len(dst)
	dst, _, err := l.randomBlock(dst, size)
	if err != nil {
		return dst, false, err
	}
	b := dst[start:]
	top := b[31] & 0x80
	copy(b[:helloKeySize], l.hello[:])
	b[31] |= top
	if l.haveHello {
		copy(b[helloKeySize:], l.ack[:])
	}
	return dst, false, nil
}

// acceptHello reads the peer's half from its first block and derives the
// keys of both directions and both acknowledgements.
func (l *Link) acceptHello(block []byte) error {
	var peer [helloKeySize]byte
	copy(peer[:], block[:helloKeySize])
	peer[31] &= 0x7f
	if subtle.ConstantTimeCompare(peer[:], l.hello[:]) == 1 {
		return ErrReflectedKey
	}
	pub, err := ecdh.X25519().NewPublicKey(peer[:])
	// mutation: unreachable — X25519 refuses only a key that is not 32 bytes.
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadHello, err)
	}
	shared, err := l.priv.ECDH(pub)
	if err != nil {
		// All-zero output: a low-order point.
		return fmt.Errorf("%w: %v", ErrBadHello, err)
	}
	k := deriveLinkKeys(shared, l.hello[:], peer[:])
	clear(shared)
	send, err := newDirKey(k.send, 0)
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return err
	}
	recv, err := newDirKey(k.recv, 0)
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return err
	}
	hpSend, err := aes.NewCipher(k.hpSend[:])
	// mutation: unreachable — a 32-byte AES key is always accepted.
	if err != nil {
		return fmt.Errorf("pacomchan: %w", err)
	}
	hpRecv, err := aes.NewCipher(k.hpRecv[:])
	// mutation: unreachable — a 32-byte AES key is always accepted.
	if err != nil {
		return fmt.Errorf("pacomchan: %w", err)
	}
	l.send = sendDirection{dirKey: send, hp: hpSend}
	l.recv = recvDirection{cur: recv, hp: hpRecv}
	l.ack, l.peerAck = k.ack, k.peerAck
	l.peerHello = peer
	l.haveHello = true
	if l.checkAck(block) {
		// The peer had our half when it served this block.
		l.confirmed = true
	}
	return nil
}

// linkKeys are what one side derives from the X25519 output.
type linkKeys struct {
	send, recv     [chacha20poly1305.KeySize]byte
	hpSend, hpRecv [32]byte // AES-256 keys of the sequence-number masks
	ack, peerAck   [helloAckSize]byte
}

// deriveLinkKeys derives the keys of the side whose half is mine from the
// X25519 output and both halves. The halves are ordered by their bytes, so
// both sides compute the same values.
func deriveLinkKeys(shared, mine, theirs []byte) linkKeys {
	lo, hi := mine, theirs
	mineIsLo := true
	for i := len(mine) - 1; i >= 0; i-- { // little-endian comparison
		if mine[i] != theirs[i] {
			// mutation: equivalent — < and <= agree: the bytes differ.
			mineIsLo = mine[i] < theirs[i]
			break
		}
	}
	if !mineIsLo {
		lo, hi = theirs, mine
	}
	ikm := make([]byte, 0, len(shared)+len(lo)+len(hi))
	ikm = append(append(append(ikm, shared...), lo...), hi...)
	var loHi, hiLo, hpLoHi, hpHiLo [32]byte
	var ackLo, ackHi [helloAckSize]byte
	blake3.DeriveKey(loHi[:], kdfContextLoHi, ikm)
	blake3.DeriveKey(hiLo[:], kdfContextHiLo, ikm)
	blake3.DeriveKey(hpLoHi[:], kdfContextHPLoHi, ikm)
	blake3.DeriveKey(hpHiLo[:], kdfContextHPHiLo, ikm)
	blake3.DeriveKey(ackLo[:], kdfContextAckLo, ikm)
	blake3.DeriveKey(ackHi[:], kdfContextAckHi, ikm)
	clear(ikm)
	if mineIsLo {
		return linkKeys{send: loHi, recv: hiLo, hpSend: hpLoHi, hpRecv: hpHiLo, ack: ackLo, peerAck: ackHi}
	}
	return linkKeys{send: hiLo, recv: loHi, hpSend: hpHiLo, hpRecv: hpLoHi, ack: ackHi, peerAck: ackLo}
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

// checkAck reports whether a handshake block of the peer acknowledges our
// half.
func (l *Link) checkAck(block []byte) bool {
	return subtle.ConstantTimeCompare(block[helloKeySize:helloKeySize+helloAckSize], l.peerAck[:]) == 1
}
