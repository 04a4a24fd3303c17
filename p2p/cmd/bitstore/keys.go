package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/swarmblocks/swarmblocks/chord"
)

// Key files written by keygen.
const (
	swarmKeyFile   = "swarm.key"
	trackerPubFile = "tracker.pub"
	swarmKeyHeader = "# BitStore swarm key (tracker signing key and swarm secret). Keep it secret."
)

// swarmKey is what a swarm member holds: the tracker's signing key (here
// each member is its own tracker, as in a single-organisation deployment)
// and the swarm secret with q_s.
type swarmKey struct {
	seed     []byte // ed25519 seed of the tracker key
	secret   []byte
	replicas int
}

func newSwarmKey(replicas int) (*swarmKey, error) {
	if replicas < 1 || replicas > chord.MaxReplicas {
		return nil, fmt.Errorf("--replicas %d not in [1, %d]", replicas, chord.MaxReplicas)
	}
	k := &swarmKey{seed: make([]byte, ed25519.SeedSize), secret: make([]byte, 32), replicas: replicas}
	_, _ = rand.Read(k.seed)
	_, _ = rand.Read(k.secret)
	return k, nil
}

func (k *swarmKey) publicKey() ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(k.seed).Public().(ed25519.PublicKey)
}

// tracker rebuilds the chord.Tracker from the seed. The caller checks the
// public key against the file.
func (k *swarmKey) tracker() (*chord.Tracker, error) {
	return chord.NewTrackerFromKey(ed25519.NewKeyFromSeed(k.seed))
}

func (k *swarmKey) swarm() (*chord.Swarm, error) { return chord.NewSwarm(k.secret, k.replicas) }

func (k *swarmKey) write(dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	body := fmt.Sprintf("%s\ntracker-seed %x\nswarm-secret %x\nreplicas %d\n", swarmKeyHeader, k.seed, k.secret, k.replicas)
	if err := writeFile(filepath.Join(dir, swarmKeyFile), flags, 0o600, body); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, trackerPubFile), flags, 0o644, fmt.Sprintf("%x\n", k.publicKey()))
}

func writeFile(path string, flags int, mode os.FileMode, body string) error {
	f, err := os.OpenFile(path, flags, mode)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists (use --force to overwrite)", path)
		}
		return err
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readSwarmKey(path string) (*swarmKey, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("swarm key file %s not found (create one with: bitstore keygen --out DIR)", path)
		}
		return nil, err
	}
	defer f.Close()
	k := &swarmKey{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, val, ok := strings.Cut(text, " ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"name value\"", path, line)
		}
		switch name {
		case "tracker-seed":
			k.seed, err = hex.DecodeString(val)
			if err == nil && len(k.seed) != ed25519.SeedSize {
				err = fmt.Errorf("%d bytes, want %d", len(k.seed), ed25519.SeedSize)
			}
		case "swarm-secret":
			k.secret, err = hex.DecodeString(val)
			if err == nil && len(k.secret) < chord.MinSecretSize {
				err = chord.ErrSecretSize
			}
		case "replicas":
			k.replicas, err = strconv.Atoi(val)
		default:
			err = errors.New("unknown field")
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, line, name, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if k.seed == nil || k.secret == nil || k.replicas == 0 {
		return nil, fmt.Errorf("%s: not a swarm key file (tracker-seed, swarm-secret and replicas required)", path)
	}
	return k, nil
}

func readTrackerPub(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("tracker public key file %s not found (bitstore keygen writes it)", path)
		}
		return nil, err
	}
	pk, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(pk) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%s: not a tracker public key (%d hex digits expected)", path, 2*ed25519.PublicKeySize)
	}
	return pk, nil
}
