package chord

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"
)

// TestReplicaKeyIsKeyedBLAKE3: the replica key computed with BLAKE3's
// compression function is the library's keyed hash, h(chunk_hash, i)
// under the key derived from the swarm secret, for every index width.
func TestReplicaKeyIsKeyedBLAKE3(t *testing.T) {
	secret := []byte("a swarm secret of some length")
	sw, err := NewSwarm(secret, MaxReplicas)
	require.NoError(t, err)
	var key [32]byte
	blake3.DeriveKey(key[:], "swarmblocks chord 2026 replica key", secret)
	for _, i := range []int{0, 1, 9, MaxReplicas - 1, 1 << 20, 1<<32 - 1} {
		ch := ChunkHash([]byte{byte(i), byte(i >> 8)})
		var in [36]byte
		copy(in[:], ch[:])
		binary.BigEndian.PutUint32(in[32:], uint32(i))
		h := blake3.New(IDSize, key[:])
		h.Write(in[:])
		require.Equal(t, h.Sum(nil), sw.ReplicaKey(ch, i).Bytes(), "index %d", i)
	}
}

// TestReplicaKeysAllocations: deriving a chunk's keys into a slice with
// room allocates nothing (issue 17 asks at most 2).
func TestReplicaKeysAllocations(t *testing.T) {
	sw, err := NewSwarm([]byte("a swarm secret of some length"), 10)
	require.NoError(t, err)
	ch := ChunkHash([]byte("c"))
	keys := make([]ID, 0, 10)
	allocs := testing.AllocsPerRun(100, func() { keys = sw.ReplicaKeys(keys[:0], ch) })
	require.LessOrEqual(t, allocs, 0.0)
	require.LessOrEqual(t, testing.AllocsPerRun(100, func() { _ = sw.ReplicaKeys(nil, ch) }), 2.0)
}

// TestSealIsAESGCMUnderKeyedBLAKE3 recomputes a sealed chunk with the
// libraries alone: SealFormat, then AES-256-GCM with a zero nonce and the
// chunk hash as additional data, under the key that is the keyed BLAKE3
// hash of the chunk hash with the key derived from the swarm secret.
func TestSealIsAESGCMUnderKeyedBLAKE3(t *testing.T) {
	secret := []byte("a swarm secret of some length")
	sw, err := NewSwarm(secret, 1)
	require.NoError(t, err)
	var kk [32]byte
	blake3.DeriveKey(kk[:], "swarmblocks chord 2026 chunk key AES-256-GCM", secret)
	for _, size := range []int{1, 100, 64 << 10} {
		chunk := make([]byte, size)
		for i := range chunk {
			chunk[i] = byte(i * 7)
		}
		ch, sealed := sw.Seal(chunk)
		require.Equal(t, blake3.Sum256(func() []byte { h := blake3.Sum256(chunk); return h[:] }()), ch)
		h := blake3.New(32, kk[:])
		h.Write(ch[:])
		b, err := aes.NewCipher(h.Sum(nil))
		require.NoError(t, err)
		g, err := cipher.NewGCM(b)
		require.NoError(t, err)
		want := g.Seal([]byte{SealFormat}, make([]byte, 12), chunk, ch[:])
		require.Equal(t, want, sealed, "size %d", size)
	}
}
