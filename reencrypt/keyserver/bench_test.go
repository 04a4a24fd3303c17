package keyserver

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkReKeys is one signed re-key request over a loopback TLS
// connection, for 1 and 64 pieces: what an uploading carrier pays per
// batch. Bytes are the keys returned.
func BenchmarkReKeys(b *testing.B) {
	f := newFixture(b, func(c *Config) { c.MaxNonces = 1 << 20 })
	_, jc := f.peer(b, true)
	k, _ := f.peer(b, true)
	ctx := context.Background()
	for _, n := range []int{1, 64} {
		idx := make([]uint32, n)
		for i := range idx {
			idx[i] = uint32(i % f.torrent.Pieces())
		}
		keys, err := jc.ReKeys(ctx, k.ID(), idx...)
		if err != nil {
			b.Fatal(err)
		}
		size, _ := keys[0].MarshalBinary()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n * len(size)))
			for b.Loop() {
				if _, err := jc.ReKeys(ctx, k.ID(), idx...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
