package chord_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestOpenRefusesTampering: every change to a sealed chunk, or a wrong
// chunk hash or swarm, makes Open fail with ErrCorrupt and return no
// plaintext; the untouched chunk opens to itself.
func TestOpenRefusesTampering(t *testing.T) {
	sw := testSwarm(t, 2)
	other, err := chord.NewSwarm([]byte("another swarm's secret.........."), 2)
	require.NoError(t, err)
	data := chunk(5, 3000)
	ch, sealed := sw.Seal(data)
	require.Len(t, sealed, len(data)+chord.Overhead)
	require.Equal(t, byte(chord.SealFormat), sealed[0])
	got, err := sw.Open(ch, sealed)
	require.NoError(t, err)
	require.Equal(t, data, got)

	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 1
		return c
	}
	wrongHash := ch
	wrongHash[31] ^= 1
	tests := []struct {
		name   string
		sw     *chord.Swarm
		ch     [32]byte
		sealed []byte
		format bool // fails on the format byte
	}{
		{"format byte", sw, ch, flip(0), true},
		{"first ciphertext byte", sw, ch, flip(1), false},
		{"last ciphertext byte", sw, ch, flip(len(data)), false},
		{"tag", sw, ch, flip(len(sealed) - 1), false},
		{"truncated", sw, ch, sealed[:len(sealed)-1], false},
		{"extended", sw, ch, append(bytes.Clone(sealed), 0), false},
		{"tag only", sw, ch, sealed[:chord.Overhead], false},
		{"shorter than the overhead", sw, ch, sealed[:chord.Overhead-1], false},
		{"empty", sw, ch, nil, false},
		{"wrong chunk hash", sw, wrongHash, sealed, false},
		{"other swarm", other, ch, sealed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := tt.sw.Open(tt.ch, tt.sealed)
			require.ErrorIs(t, err, chord.ErrCorrupt)
			require.Equal(t, tt.format, errors.Is(err, chord.ErrSealFormat), "%v", err)
			require.Nil(t, pt)
		})
	}
}

// TestOpenRefusesOldFormat: a block sealed by the previous format
// (XChaCha20-Poly1305 under a swarm-wide key, no format byte) is refused
// as an unknown format, not decrypted into garbage, whatever its first
// byte; one that happens to start with SealFormat fails the tag.
func TestOpenRefusesOldFormat(t *testing.T) {
	sw := testSwarm(t, 1)
	aead, err := chacha20poly1305.NewX(make([]byte, chacha20poly1305.KeySize))
	require.NoError(t, err)
	for i := range 64 {
		data := chunk(i, 500)
		ch := chord.ChunkHash(data)
		old := aead.Seal(nil, make([]byte, chacha20poly1305.NonceSizeX), data, ch[:])
		old[0] = byte(i * 4) // covers SealFormat too
		pt, err := sw.Open(ch, old)
		require.ErrorIs(t, err, chord.ErrCorrupt)
		require.Equal(t, old[0] != chord.SealFormat, errors.Is(err, chord.ErrSealFormat))
		require.Nil(t, pt)
	}
}

// TestForgedChunkUnderTheSwarmKey: a swarm member knows the chunk key, so
// it can make a ciphertext that passes the GCM tag for a chunk hash but
// holds other bytes; Open refuses it by the chunk hash. (This is why the
// get path hashes the plaintext although the tag authenticates it.)
func TestForgedChunkUnderTheSwarmKey(t *testing.T) {
	sw := testSwarm(t, 1)
	real, forged := chunk(1, 400), chunk(2, 400)
	ch := chord.ChunkHash(real)
	sealed := chord.SealUnderHashForTest(sw, ch, forged)
	pt, err := sw.Open(ch, sealed)
	require.ErrorIs(t, err, chord.ErrCorrupt)
	require.Nil(t, pt)
}

// FuzzSwarmOpen opens fuzzer-chosen bytes, fed to Open by a holder that
// may be hostile: Open never panics, and succeeds only on the one sealed
// chunk of the hash, returning that chunk.
func FuzzSwarmOpen(f *testing.F) {
	sw, err := chord.NewSwarm([]byte("a fuzzing swarm secret.........."), 1)
	require.NoError(f, err)
	data := []byte("the chunk the fuzzer opens")
	ch, sealed := sw.Seal(data)
	f.Add(sealed)
	f.Add(sealed[:chord.Overhead])
	f.Add([]byte{})
	f.Add([]byte{chord.SealFormat})
	f.Fuzz(func(t *testing.T, in []byte) {
		pt, err := sw.Open(ch, in)
		if err != nil {
			require.ErrorIs(t, err, chord.ErrCorrupt)
			require.Nil(t, pt)
			return
		}
		require.Equal(t, sealed, in)
		require.Equal(t, data, pt)
	})
}

// BenchmarkSwarmSeal and BenchmarkSwarmOpen time a 256 KiB chunk's
// encryption (with its chunk hash) and decryption (with the check of the
// hash), the processor time a replica costs its putter and its getter
// beyond the network.
func BenchmarkSwarmSeal(b *testing.B) {
	sw, err := chord.NewSwarm([]byte("a benchmark swarm secret........"), 2)
	require.NoError(b, err)
	data := chunk(1, 256<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sw.Seal(data)
	}
}

func BenchmarkSwarmOpen(b *testing.B) {
	sw, err := chord.NewSwarm([]byte("a benchmark swarm secret........"), 2)
	require.NoError(b, err)
	data := chunk(1, 256<<10)
	ch, sealed := sw.Seal(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sw.Open(ch, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMGetReportsOldFormat: a chunk whose every replica holds a block of
// the previous format (stored under valid tickets) fails mget with
// ErrNoSeller wrapping ErrSealFormat, with and without the search among
// holders: the caller learns why, rather than that the chunk is lost.
func TestMGetReportsOldFormat(t *testing.T) {
	c, tr := storageRing(t, 12, 4, 0, 51)
	sw := testSwarm(t, 2)
	data := chunk(9, 700)
	ch := chord.ChunkHash(data)
	aead, err := chacha20poly1305.NewX(make([]byte, chacha20poly1305.KeySize))
	require.NoError(t, err)
	old := aead.Seal([]byte{0x7f}, make([]byte, chacha20poly1305.NonceSizeX), data, ch[:])
	for i := range 2 {
		req := replicaStore(t, tr, sw, ch, uint32(i), old)
		require.NoError(t, send(t, c, "client", c.Owner(req.Key).Addr, req))
	}
	for _, direct := range []bool{false, true} {
		_, err := c.Random().MGet(ctx, sw, tr, ch, chord.MGetOptions{Rand: c.Rand(), Repair: -1, Direct: direct})
		require.ErrorIs(t, err, chord.ErrNoSeller, "direct %v", direct)
		require.ErrorIs(t, err, chord.ErrSealFormat, "direct %v", direct)
	}
}

// TestNewSwarmBounds: NewSwarm accepts secrets of MinSecretSize bytes and
// more and replica counts from 1 to MaxReplicas, and refuses anything
// outside with its sentinel.
func TestNewSwarmBounds(t *testing.T) {
	tests := []struct {
		secret, replicas int
		want             error
	}{
		{chord.MinSecretSize - 1, 1, chord.ErrSecretSize},
		{chord.MinSecretSize, 1, nil},
		{32, 0, chord.ErrReplicas},
		{32, 1, nil},
		{32, chord.MaxReplicas, nil},
		{32, chord.MaxReplicas + 1, chord.ErrReplicas},
		{32, -1, chord.ErrReplicas},
	}
	for _, tt := range tests {
		sw, err := chord.NewSwarm(make([]byte, tt.secret), tt.replicas)
		if tt.want != nil {
			require.ErrorIs(t, err, tt.want, "secret %d, replicas %d", tt.secret, tt.replicas)
			require.Nil(t, sw)
			continue
		}
		require.NoError(t, err, "secret %d, replicas %d", tt.secret, tt.replicas)
		require.Equal(t, tt.replicas, sw.Replicas())
	}
}

// TestSealEmptyChunk: an empty chunk seals to exactly Overhead bytes and
// opens to an empty chunk; anything shorter, down to nothing, is refused
// as corrupt.
func TestSealEmptyChunk(t *testing.T) {
	sw := testSwarm(t, 1)
	ch, sealed := sw.Seal(nil)
	require.Len(t, sealed, chord.Overhead)
	pt, err := sw.Open(ch, sealed)
	require.NoError(t, err)
	require.Empty(t, pt)
	for n := range chord.Overhead {
		pt, err := sw.Open(ch, sealed[:n])
		require.ErrorIs(t, err, chord.ErrCorrupt, "%d bytes", n)
		require.Nil(t, pt)
	}
	// A forged tag is refused by GCM: the empty plaintext it would leave
	// has the right chunk hash, so the hash check cannot catch it.
	for i := 1; i < len(sealed); i++ {
		forged := bytes.Clone(sealed)
		forged[i] ^= 1
		pt, err := sw.Open(ch, forged)
		require.ErrorIs(t, err, chord.ErrCorrupt, "byte %d", i)
		require.Nil(t, pt)
	}
}
