package auction

import (
	"testing"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"
)

// TestKDFMatchesDeriveKey checks the allocation-free key derivation
// against blake3.DeriveKey for every material length up to one chunk.
func TestKDFMatchesDeriveKey(t *testing.T) {
	material := make([]byte, 1024)
	for i := range material {
		material[i] = byte(i * 7)
	}
	for _, ctx := range []string{auctionIDContext, commitContext, reserveContext, ""} {
		k := newKDF(ctx)
		for n := 0; n <= len(material); n += 1 + n/3 {
			var got, want [32]byte
			k.derive(&got, material[:n])
			blake3.DeriveKey(want[:], ctx, material[:n])
			require.Equal(t, want, got, "context %q, %d bytes", ctx, n)
		}
	}
}

func TestAuctionID(t *testing.T) {
	a := NewAuctionID(1, ChunkID{1}, 0)
	require.Equal(t, a, NewAuctionID(1, ChunkID{1}, 0))
	require.NotEqual(t, a, NewAuctionID(2, ChunkID{1}, 0))
	require.NotEqual(t, a, NewAuctionID(1, ChunkID{2}, 0))
	require.NotEqual(t, a, NewAuctionID(1, ChunkID{1}, 1))
}
