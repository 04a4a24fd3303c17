package pacomchan

import (
	"crypto/cipher"
	"fmt"

	"github.com/cloudflare/circl/hpke"
	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// The HPKE suite that seals handshake requests to the target in place of
// the paper's RSA: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// ChaCha20-Poly1305 (RFC 9180, base mode).
var handshakeSuite = hpke.NewSuite(hpke.KEM_X25519_HKDF_SHA256, hpke.KDF_HKDF_SHA256, hpke.AEAD_ChaCha20Poly1305)

// handshakeKEM is the suite's KEM, which makes the routers' key pairs.
var handshakeKEM = hpke.KEM_X25519_HKDF_SHA256.Scheme()

const (
	hpkeInfo            = "swarmblocks.dev pacomchan v1 circuit handshake"
	kdfContextResponse  = "swarmblocks.dev pacomchan v1 circuit response key"
	kdfContextForward   = "swarmblocks.dev pacomchan v1 circuit data key, source to target"
	kdfContextBackward  = "swarmblocks.dev pacomchan v1 circuit data key, target to source"
	responseNonceLength = chacha20poly1305.NonceSize
)

// circuitKeys are the AEADs one circuit end derives from K: the response
// E_K{sec_str} and the two data directions each get their own key, so no
// (key, nonce) pair is ever used twice.
type circuitKeys struct {
	response cipher.AEAD // ChaCha20-Poly1305, used once with the zero nonce
	forward  cipher.AEAD // XChaCha20-Poly1305, random nonces, source → target
	backward cipher.AEAD // XChaCha20-Poly1305, random nonces, target → source
}

func deriveCircuitKeys(k *[CircuitKeySize]byte) (*circuitKeys, error) {
	var r, f, b [32]byte
	blake3.DeriveKey(r[:], kdfContextResponse, k[:])
	blake3.DeriveKey(f[:], kdfContextForward, k[:])
	blake3.DeriveKey(b[:], kdfContextBackward, k[:])
	resp, err := chacha20poly1305.New(r[:])
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	fwd, err := chacha20poly1305.NewX(f[:])
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	bwd, err := chacha20poly1305.NewX(b[:])
	// mutation: unreachable — ChaCha20-Poly1305 accepts every 32-byte key.
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	return &circuitKeys{response: resp, forward: fwd, backward: bwd}, nil
}

// headerAAD returns type‖h_id, the associated data of every sealed part, so
// a sealed part cannot be moved to another circuit or message type.
func headerAAD(t MsgType, id CircuitID) []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, byte(t))
	return append(b, id[:]...)
}
