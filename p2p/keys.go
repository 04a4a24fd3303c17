package p2p

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// Files a [Service] keeps in Config.DataDir.
const (
	IdentityFile = "identity.key" // the libp2p private key, protobuf-encoded
	BlocksFile   = "blocks.db"    // the BoltStore
	ListenFile   = "listen.addr"  // the address the node last listened on
)

// NewIdentity returns a fresh Ed25519 libp2p key drawn from rnd (nil means
// crypto/rand.Reader).
func NewIdentity(rnd io.Reader) (crypto.PrivKey, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	k, _, err := crypto.GenerateEd25519Key(rnd)
	if err != nil {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	return k, nil
}

// LoadOrCreateIdentity reads the libp2p key in the file at path, or
// creates the file (mode 0600, and its directory) with a fresh Ed25519 key
// from rnd (nil means crypto/rand.Reader) when there is none.
func LoadOrCreateIdentity(path string, rnd io.Reader) (crypto.PrivKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("p2p: identity %s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	k, err := NewIdentity(rnd)
	if err != nil {
		return nil, err
	}
	b, err = crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("p2p: identity: %w", err)
	}
	return k, nil
}
