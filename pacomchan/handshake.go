package pacomchan

import (
	"crypto/ecdh"
	"crypto/subtle"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// BLAKE3 key-derivation contexts of the neighbour channel. They are part of
// the wire format: changing one breaks interoperability.
const (
	kdfContextLoHi   = "swarmblocks.dev pacomchan v1 neighbour channel key, low half to high half"
	kdfContextHiLo   = "swarmblocks.dev pacomchan v1 neighbour channel key, high half to low half"
	kdfContextRotate = "swarmblocks.dev pacomchan v1 neighbour channel key rotation"
)

// helloBlock appends a handshake block to dst: our X25519 half with a random
// top bit (RFC 7748 receivers ignore it, and a constant zero bit would mark
// the block) followed by random bytes.
func (l *Link) helloBlock(dst []byte) ([]byte, bool, error) {
	start := len(dst)
	dst = grow(dst, l.blockSize)
	b := dst[start:]
	if _, err := io.ReadFull(l.rnd, b); err != nil {
		return dst[:start], false, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	top := b[31] & 0x80
	copy(b[:helloKeySize], l.hello[:])
	b[31] |= top
	return dst, false, nil
}

// acceptHello reads the peer's half from its first block and derives the
// two direction keys.
func (l *Link) acceptHello(block []byte) error {
	var peer [helloKeySize]byte
	copy(peer[:], block[:helloKeySize])
	peer[31] &= 0x7f
	if subtle.ConstantTimeCompare(peer[:], l.hello[:]) == 1 {
		return ErrReflectedKey
	}
	pub, err := ecdh.X25519().NewPublicKey(peer[:])
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadHello, err)
	}
	shared, err := l.priv.ECDH(pub)
	if err != nil {
		// All-zero output: a low-order point.
		return fmt.Errorf("%w: %v", ErrBadHello, err)
	}
	sendKey, recvKey := deriveLinkKeys(shared, l.hello[:], peer[:])
	if err := l.send.setKey(sendKey); err != nil {
		return err
	}
	if err := l.recv.setKey(recvKey); err != nil {
		return err
	}
	l.peerHello = peer
	l.haveHello = true
	return nil
}

// deriveLinkKeys derives the send and receive keys of the side whose half is
// mine from the X25519 output and both halves. The halves are ordered by
// their bytes, so both sides compute the same pair.
func deriveLinkKeys(shared, mine, theirs []byte) (send, recv [chacha20poly1305.KeySize]byte) {
	lo, hi := mine, theirs
	mineIsLo := true
	for i := len(mine) - 1; i >= 0; i-- { // little-endian comparison
		if mine[i] != theirs[i] {
			mineIsLo = mine[i] < theirs[i]
			break
		}
	}
	if !mineIsLo {
		lo, hi = theirs, mine
	}
	ikm := make([]byte, 0, len(shared)+len(lo)+len(hi))
	ikm = append(append(append(ikm, shared...), lo...), hi...)
	var loHi, hiLo [chacha20poly1305.KeySize]byte
	blake3.DeriveKey(loHi[:], kdfContextLoHi, ikm)
	blake3.DeriveKey(hiLo[:], kdfContextHiLo, ikm)
	clear(ikm)
	if mineIsLo {
		return loHi, hiLo
	}
	return hiLo, loHi
}

// setKey installs key as the direction's key with a fresh counter.
func (d *direction) setKey(key [chacha20poly1305.KeySize]byte) error {
	aead, err := chacha20poly1305.New(key[:])
	if err != nil {
		return fmt.Errorf("pacomchan: %w", err)
	}
	d.key, d.aead, d.seq = key, aead, 0
	return nil
}

// rotate replaces d's key by BLAKE3-derive-key(rotation context, key), so an
// exposed key reveals nothing of earlier blocks.
func (d *direction) rotate() error {
	var next [chacha20poly1305.KeySize]byte
	blake3.DeriveKey(next[:], kdfContextRotate, d.key[:])
	if err := d.setKey(next); err != nil {
		return err
	}
	d.epoch++
	return nil
}
