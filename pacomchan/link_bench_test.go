package pacomchan

import (
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// The "-bare" sub-benchmarks run chacha20poly1305 alone on the same 16 KiB,
// so that the cost of the block format (length prefix, padding, implicit
// nonces, rotation check) reads directly off the ratio; the target is 1.3×.

func BenchmarkSealBlock(b *testing.B) {
	b.Run("16K", func(b *testing.B) {
		a, _ := linkPair(b, LinkConfig{})
		seg := make([]byte, a.MaxSegment())
		buf := make([]byte, 0, BlockSize)
		b.SetBytes(BlockSize)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := a.SealBlock(buf[:0], seg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("16K-bare", func(b *testing.B) {
		aead, _ := chacha20poly1305.New(make([]byte, chacha20poly1305.KeySize))
		pt := make([]byte, BlockSize-chacha20poly1305.Overhead, BlockSize)
		var nc [chacha20poly1305.NonceSize]byte
		b.SetBytes(BlockSize)
		b.ReportAllocs()
		for b.Loop() {
			aead.Seal(pt[:0], nc[:], pt, nil)
		}
	})
}

func BenchmarkOpenBlock(b *testing.B) {
	b.Run("16K", func(b *testing.B) {
		a, c := linkPair(b, LinkConfig{})
		blk, _, err := a.SealBlock(nil, make([]byte, a.MaxSegment()))
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, BlockSize)
		b.SetBytes(BlockSize)
		b.ReportAllocs()
		for b.Loop() {
			c.recv.window = seqWindow{} // reopen the same block
			if _, err := c.OpenBlock(buf, blk); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("16K-bare", func(b *testing.B) {
		aead, _ := chacha20poly1305.New(make([]byte, chacha20poly1305.KeySize))
		var nc [chacha20poly1305.NonceSize]byte
		ct := aead.Seal(nil, nc[:], make([]byte, BlockSize-chacha20poly1305.Overhead), nil)
		buf := make([]byte, 0, BlockSize)
		b.SetBytes(BlockSize)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := aead.Open(buf, nc[:], ct, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHandshake measures the neighbour handshake of Fig. 4: two fresh
// X25519 keys, a 16 KiB handshake block each way, and the key derivation.
func BenchmarkHandshake(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		linkPair(b, LinkConfig{})
	}
}
