package chord_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestBlockHashesAreBLAKE3 pins the hashes of blocks and chunks (computed
// with github.com/zeebo/blake3, cheaper on large inputs) to BLAKE3 as the
// rest of the module computes it (lukechampine.com/blake3), across chunk
// (1 KiB) and tree boundaries and at the block sizes the benchmarks use,
// and to the BLAKE3 reference vector of the empty input: keys and ticket
// hashes made by earlier versions still match.
func TestBlockHashesAreBLAKE3(t *testing.T) {
	empty := chord.BlockKey(nil)
	require.Equal(t, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", hex.EncodeToString(empty[:]))
	for _, n := range []int{1, 63, 64, 65, 1023, 1024, 1025, 2048, 3 << 10, 64<<10 + 1, 256 << 10, chord.MaxBlockSize} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i % 251) // the reference vectors' input pattern
		}
		want := blake3.Sum256(data)
		require.Equal(t, chord.ID(want), chord.BlockKey(data), "BlockKey, %d bytes", n)
		require.Equal(t, blake3.Sum256(want[:]), chord.ChunkHash(data), "ChunkHash, %d bytes", n)
	}
}
