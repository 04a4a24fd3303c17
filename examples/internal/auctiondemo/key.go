package auctiondemo

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"time"
)

// testKeyPEM is testRSA2048 of RFC 9500, "Standard Public Key
// Cryptography (PKC) Test Keys", as shipped in circl's blindrsa testdata.
// Its private half is public: it makes the tour fast and reproducible, and
// must never sign anything of value.
//
//go:embed testkey_rfc9500.pem
var testKeyPEM []byte

// exchangeKey returns the exchange's signing key: RFC 9500's published
// test key if cfg.TestKey, else a fresh key of cfg.KeyBits bits. It also
// returns the time generation took.
func exchangeKey(cfg Config) (*rsa.PrivateKey, time.Duration, error) {
	if cfg.TestKey {
		block, _ := pem.Decode(testKeyPEM)
		if block == nil {
			return nil, 0, errors.New("auctiondemo: bad embedded test key")
		}
		sk, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		return sk, 0, err
	}
	t0 := time.Now()
	sk, err := rsa.GenerateKey(rand.Reader, cfg.KeyBits)
	return sk, time.Since(t0), err
}
