package elgamal

import (
	"fmt"
	"io"

	"github.com/cloudflare/circl/group"
	"golang.org/x/crypto/chacha20poly1305"
	"lukechampine.com/blake3"
)

// Overhead is the number of bytes [Seal] adds to a message besides the
// ElGamal ciphertext: the Poly1305 tag.
const Overhead = chacha20poly1305.Overhead

const hybridContext = "swarmblocks/elgamal hybrid v1"

// Seal encrypts a message of any length to k: it draws a random element M,
// encrypts M with ElGamal, and seals the message with XChaCha20-Poly1305
// under a key and nonce derived from M and the ElGamal ciphertext with
// blake3. aad is authenticated but not encrypted. The result is
// [CiphertextSize] + len(plaintext) + [Overhead] bytes. A nil rnd means
// crypto/rand.Reader.
func Seal(rnd io.Reader, k *PublicKey, plaintext, aad []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	rnd = randReader(rnd)
	r, err := RandomScalar(k.g, rnd)
	if err != nil {
		return nil, err
	}
	m := k.g.NewElement().MulGen(r)
	ct, err := k.Encrypt(rnd, m)
	if err != nil {
		return nil, err
	}
	head, err := ct.MarshalBinary()
	// Encrypt's randomness is non-zero, so C1 is never the identity and
	// MarshalBinary cannot fail. mutation: unreachable.
	if err != nil {
		return nil, err
	}
	key, nonce := DeriveKey(hybridContext, m, head)
	aead, _ := chacha20poly1305.NewX(key[:])
	out := make([]byte, len(head), len(head)+len(plaintext)+Overhead)
	copy(out, head)
	return aead.Seal(out, nonce[:], plaintext, aad), nil
}

// Open decrypts a message sealed by [Seal] to k's public key. It returns
// [ErrDecrypt] if the ciphertext is malformed or fails authentication.
func Open(k *PrivateKey, ciphertext, aad []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	n := CiphertextSize(k.pub.g)
	if len(ciphertext) < n+Overhead {
		return nil, fmt.Errorf("%w: hybrid ciphertext too short", ErrDecrypt)
	}
	head := ciphertext[:n]
	ct, err := ParseCiphertext(k.pub.g, head)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	m, err := k.Decrypt(ct)
	// k was checked and ct parsed in k's group, the only ways Decrypt fails.
	// mutation: unreachable.
	if err != nil {
		return nil, err
	}
	key, nonce := DeriveKey(hybridContext, m, head)
	aead, _ := chacha20poly1305.NewX(key[:])
	pt, err := aead.Open(make([]byte, 0, len(ciphertext)-n-Overhead), nonce[:], ciphertext[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrDecrypt)
	}
	return pt, nil
}

// DeriveKey derives a 32-byte key and a 24-byte XChaCha20 nonce from the
// group element m and info, with blake3 in key-derivation mode under the
// given context string. Protocols built on this package (proxy
// re-encryption capsules, hybrid encryption) use it to turn a hidden group
// element into symmetric keys; distinct contexts give independent keys.
// It panics if m is nil, as [AppendElement] does.
func DeriveKey(context string, m group.Element, info []byte) (key [32]byte, nonce [24]byte) {
	src := make([]byte, 0, ElementSize(m.Group())+len(info)+32)
	src = append(src, GroupName(m.Group())...)
	src = append(src, 0)
	src = AppendElement(src, m)
	src = append(src, info...)
	var out [56]byte
	blake3.DeriveKey(out[:], context, src)
	copy(key[:], out[:32])
	copy(nonce[:], out[32:])
	return key, nonce
}
