package chord

import (
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

// TestNonceIsKeyedBLAKE3: the AEAD nonce of a chunk is the library's
// keyed BLAKE3 hash of the chunk hash, truncated to the nonce size.
func TestNonceIsKeyedBLAKE3(t *testing.T) {
	secret := []byte("a swarm secret of some length")
	sw, err := NewSwarm(secret, 1)
	require.NoError(t, err)
	var key [32]byte
	blake3.DeriveKey(key[:], "swarmblocks chord 2026 chunk nonce", secret)
	for i := range 3 {
		ch := ChunkHash([]byte{byte(i)})
		h := blake3.New(24, key[:])
		h.Write(ch[:])
		nonce := sw.nonce(ch)
		require.Equal(t, h.Sum(nil), nonce[:])
	}
}
