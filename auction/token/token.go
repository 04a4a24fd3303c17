package token

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
)

// MessageSize is the size of a token's signed message: the RFC 9474
// randomized-variant prefix (32 bytes) followed by a 32-byte random
// serial number chosen by the withdrawing wallet.
const MessageSize = 64

var (
	// ErrKey is returned for an unusable RSA key.
	ErrKey = errors.New("token: unusable key")
	// ErrMalformed is returned for an encoding of the wrong size, or a
	// blinded request or blind signature that is out of range.
	ErrMalformed = errors.New("token: malformed encoding")
	// ErrWrongKey is returned for a token issued under another key
	// (another exchange or denomination).
	ErrWrongKey = errors.New("token: token issued under another key")
	// ErrSignature is returned for a token whose signature does not
	// verify: a forgery or a corrupted token.
	ErrSignature = errors.New("token: invalid signature")

	// ErrInvalidArgument is returned for a nil required argument and for
	// a method called on a zero-value [Exchange], [PublicKey] or
	// [Withdrawal] (one not made by this package's constructors).
	ErrInvalidArgument = errors.New("token: invalid argument")
)

// randReader returns rnd, or crypto/rand.Reader if rnd is nil.
func randReader(rnd io.Reader) io.Reader {
	if rnd == nil {
		return rand.Reader
	}
	return rnd
}

// pssOptions are the RSASSA-PSS parameters of [Variant]: SHA-384 and a
// 48-byte salt.
var pssOptions = rsa.PSSOptions{SaltLength: crypto.SHA384.Size(), Hash: crypto.SHA384}

// Token is a bearer token worth one unit: a random message and the
// exchange's RSA blind signature on it. Because the exchange signed it
// blinded, the exchange cannot link the token it later sees spent to the
// withdrawal that produced it.
type Token struct {
	key KeyID
	msg [MessageSize]byte
	sig []byte
}

// Serial returns the token's signed message, which the exchange's
// spent-token registry records when the token is spent.
func (t *Token) Serial() [MessageSize]byte {
	if t == nil {
		return [MessageSize]byte{}
	}
	return t.msg
}

// Key returns the identifier of the key the token was issued under.
func (t *Token) Key() KeyID {
	if t == nil {
		return KeyID{}
	}
	return t.key
}

// Equal reports whether t and u are the same token. A nil token equals
// nothing.
func (t *Token) Equal(u *Token) bool {
	if t == nil || u == nil {
		return false
	}
	return t.key == u.key && t.msg == u.msg && subtle.ConstantTimeCompare(t.sig, u.sig) == 1
}

// MarshalBinary encodes t as key id ‖ message ‖ signature, of
// [PublicKey.TokenSize] bytes.
func (t *Token) MarshalBinary() ([]byte, error) {
	return t.AppendBinary(make([]byte, 0, KeyIDSize+MessageSize+len(t.sig)))
}

// AppendBinary appends the encoding of t to b.
func (t *Token) AppendBinary(b []byte) ([]byte, error) {
	if t == nil || len(t.sig) == 0 {
		return nil, fmt.Errorf("%w: empty token", ErrMalformed)
	}
	b = append(b, t.key[:]...)
	b = append(b, t.msg[:]...)
	return append(b, t.sig...), nil
}

// ParseToken decodes a token issued under k. It checks the size
// ([ErrMalformed]) and the key identifier ([ErrWrongKey]) but not the
// signature: call [PublicKey.Verify], or let the exchange do it when the
// token is spent.
func (k *PublicKey) ParseToken(b []byte) (Token, error) {
	if err := k.check(); err != nil {
		return Token{}, err
	}
	if len(b) != k.TokenSize() {
		return Token{}, fmt.Errorf("%w: token is %d bytes, want %d", ErrMalformed, len(b), k.TokenSize())
	}
	var t Token
	copy(t.key[:], b[:KeyIDSize])
	if t.key != k.id {
		return Token{}, fmt.Errorf("%w: %v, not %v", ErrWrongKey, t.key, k.id)
	}
	copy(t.msg[:], b[KeyIDSize:KeyIDSize+MessageSize])
	t.sig = append([]byte(nil), b[KeyIDSize+MessageSize:]...)
	return t, nil
}

// Verify checks t's signature under k. It returns [ErrWrongKey] for a
// token of another key and [ErrSignature] for a bad signature.
func (k *PublicKey) Verify(t *Token) error {
	if err := k.check(); err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("%w: nil token", ErrInvalidArgument)
	}
	if t.key != k.id {
		return fmt.Errorf("%w: %v, not %v", ErrWrongKey, t.key, k.id)
	}
	return k.verify(t.msg[:], t.sig)
}

// verify checks an RFC 9474 signature on a prepared message. Such a
// signature is an ordinary RSASSA-PSS signature (RFC 9474 §4.5), so the
// standard library verifies it, faster than the big.Int arithmetic of
// circl's verifier.
func (k *PublicKey) verify(msg, sig []byte) error {
	// rsa.VerifyPSS refuses a signature of another length, wrapped in the
	// same ErrSignature. mutation: equivalent.
	if len(sig) != k.modBytes {
		return fmt.Errorf("%w: %d-byte signature", ErrSignature, len(sig))
	}
	d := sha512.Sum384(msg)
	if err := rsa.VerifyPSS(k.pk, crypto.SHA384, d[:], sig, &pssOptions); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}
