package chord_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestNewTrackerFromKey: a tracker rebuilt from its private key signs
// tickets its public key verifies; malformed keys are refused; the
// tracker copies the key it is given.
func TestNewTrackerFromKey(t *testing.T) {
	orig, err := chord.NewTracker(nil)
	require.NoError(t, err)
	priv := orig.PrivateKey()
	tr, err := chord.NewTrackerFromKey(priv)
	require.NoError(t, err)
	require.Equal(t, orig.PublicKey(), tr.PublicKey())
	clear(priv) // the tracker kept a copy
	sw := testSwarm(t, 2)
	ch := chord.ChunkHash([]byte("c"))
	tk, err := tr.SignReplica(sw, ch, 1, ch, time.Hour)
	require.NoError(t, err)
	require.NoError(t, tk.Verify([]ed25519.PublicKey{orig.PublicKey()}, 0))

	good := orig.PrivateKey()
	wrongPub := orig.PrivateKey()
	wrongPub[40] ^= 1
	for name, key := range map[string]ed25519.PrivateKey{
		"nil":                nil,
		"seed only":          good.Seed(),
		"one byte short":     good[:ed25519.PrivateKeySize-1],
		"one byte long":      append(orig.PrivateKey(), 0),
		"foreign public key": wrongPub,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := chord.NewTrackerFromKey(key)
			require.ErrorIs(t, err, chord.ErrTrackerKey)
		})
	}
}
