package token

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/cloudflare/circl/blindsign/blindrsa"
	"lukechampine.com/blake3"
)

// MinKeyBits is the smallest RSA modulus the package accepts.
const MinKeyBits = 2048

// MaxKeyBits is the largest RSA modulus the package accepts: 4096 bits,
// the largest size RFC 9474's test vectors use and the usual cap of
// RSA verifiers (crypto/tls and crypto/x509 refuse larger keys in
// certificate chains). A wallet or exchange verifies every token under
// the issuer's key, and the cost of a verification grows with the square
// of the modulus size (a 262,144-bit key makes one take about a second),
// so a key from the network is refused past this bound before any
// arithmetic.
const MaxKeyBits = 4096

// maxKeyDER bounds the size of a DER-encoded key that [ParsePublicKey]
// looks at: the SubjectPublicKeyInfo of a [MaxKeyBits] modulus with a
// 32-bit exponent is under 600 bytes.
const maxKeyDER = 1024

// Variant is the RFC 9474 variant the package uses:
// RSABSSA-SHA384-PSS-Randomized, the one the RFC recommends.
const Variant = blindrsa.SHA384PSSRandomized

// KeyIDSize is the size of a [KeyID].
const KeyIDSize = 32

// KeyID names an exchange's public key, and with it the denomination of
// the tokens it signs: BLAKE3-DeriveKey("swarmblocks token v1 key id",
// e (8 bytes, big-endian) ‖ n (big-endian)).
type KeyID [KeyIDSize]byte

// String returns the first 8 bytes of id in hexadecimal.
func (id KeyID) String() string { return hex.EncodeToString(id[:8]) }

// PublicKey is an exchange's token-verification key. Anyone holding it
// can withdraw tokens blindly ([NewWithdrawal]) and check them
// ([PublicKey.Verify]).
type PublicKey struct {
	pk       *rsa.PublicKey
	id       KeyID
	client   blindrsa.Client
	modBytes int
}

// NewPublicKey wraps an RSA public key of [MinKeyBits] to [MaxKeyBits] bits. The
// modulus must be odd and the exponent odd and in [3, 2^31 − 1], as
// crypto/rsa requires of every key it verifies with; any other key could
// never verify a token.
func NewPublicKey(pk *rsa.PublicKey) (*PublicKey, error) {
	if pk == nil || pk.N == nil {
		return nil, fmt.Errorf("%w: nil RSA key", ErrKey)
	}
	if bits := pk.N.BitLen(); bits < MinKeyBits || bits > MaxKeyBits {
		return nil, fmt.Errorf("%w: %d-bit modulus, want %d to %d", ErrKey, bits, MinKeyBits, MaxKeyBits)
	}
	if pk.N.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: even modulus", ErrKey)
	}
	if pk.E < 3 || pk.E&1 == 0 || pk.E > 1<<31-1 {
		return nil, fmt.Errorf("%w: public exponent %d is not odd in [3, 2^31 − 1]", ErrKey, pk.E)
	}
	c, err := blindrsa.NewClient(Variant, pk)
	// NewClient fails only for a variant other than Variant.
	// mutation: unreachable.
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	k := &PublicKey{pk: pk, client: c, modBytes: (pk.N.BitLen() + 7) / 8}
	material := binary.BigEndian.AppendUint64(nil, uint64(pk.E))
	material = append(material, pk.N.Bytes()...)
	blake3.DeriveKey(k.id[:], "swarmblocks token v1 key id", material)
	return k, nil
}

// check returns [ErrInvalidArgument] for a nil or zero-value key.
func (k *PublicKey) check() error {
	if k == nil || k.pk == nil {
		return fmt.Errorf("%w: nil or zero-value public key", ErrInvalidArgument)
	}
	return nil
}

// ID returns the key's identifier (zero for a zero-value key).
func (k *PublicKey) ID() KeyID {
	if k == nil {
		return KeyID{}
	}
	return k.id
}

// RSA returns a copy of the underlying RSA public key, or nil for a
// zero-value key.
func (k *PublicKey) RSA() *rsa.PublicKey {
	if k.check() != nil {
		return nil
	}
	return &rsa.PublicKey{N: new(big.Int).Set(k.pk.N), E: k.pk.E}
}

// TokenSize returns the size of an encoded token under k:
// [KeyIDSize] + [MessageSize] + the modulus size in bytes (0 for a
// zero-value key).
func (k *PublicKey) TokenSize() int {
	if k.check() != nil {
		return 0
	}
	return KeyIDSize + MessageSize + k.modBytes
}

// MarshalBinary encodes k as a DER SubjectPublicKeyInfo (PKIX), the form
// an exchange publishes its key in.
func (k *PublicKey) MarshalBinary() ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return x509.MarshalPKIXPublicKey(k.pk)
}

// ParsePublicKey decodes a DER SubjectPublicKeyInfo holding an RSA key of
// [MinKeyBits] to [MaxKeyBits] bits that [NewPublicKey] accepts (odd modulus, odd
// exponent below 2^31). It accepts only the canonical encoding, the
// bytes [PublicKey.MarshalBinary] produces, so one key has exactly one
// encoding. It returns an error wrapping [ErrKey] for anything else,
// trailing bytes included (crypto/x509 on its own tolerates bytes after
// the exponent inside the RSAPublicKey sequence).
func ParsePublicKey(der []byte) (*PublicKey, error) {
	// No key that NewPublicKey accepts encodes in more than about 600
	// bytes, and it refuses the larger ones once parsed: this bound only
	// spares parsing them. mutation: equivalent.
	if len(der) > maxKeyDER {
		return nil, fmt.Errorf("%w: %d-byte key encoding, larger than any key of at most %d bits", ErrKey, len(der), MaxKeyBits)
	}
	pk, err := x509.ParsePKIXPublicKey(der)
	// A nil key fails the RSA type check below with the same ErrKey.
	// mutation: equivalent.
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	rk, ok := pk.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not an RSA key", ErrKey, pk)
	}
	k, err := NewPublicKey(rk)
	// A nil key fails the canonical-encoding check below with the same
	// ErrKey. mutation: equivalent.
	if err != nil {
		return nil, err
	}
	canon, err := k.MarshalBinary()
	if err != nil || !bytes.Equal(canon, der) {
		return nil, fmt.Errorf("%w: not the canonical DER encoding of its key", ErrKey)
	}
	return k, nil
}

// RequestSize returns the size of a blinded withdrawal request and of a
// blind signature under k: the modulus size in bytes (0 for a zero-value
// key).
func (k *PublicKey) RequestSize() int {
	if k.check() != nil {
		return 0
	}
	return k.modBytes
}
