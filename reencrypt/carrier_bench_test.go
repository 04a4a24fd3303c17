package reencrypt

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// BenchmarkPEnc compares what the original seed spends per upload of one
// 256 KiB piece: capsule makes the capsule alone (Seed.Capsule: the body
// was sealed once, at publication, and is sent as torrent data); shared
// returns a Piece with the stored body (Seed.PEnc); full seals the body
// afresh (Seed.AppendPEnc, the paper's PEnc as Table 1 times it). Bytes
// are the piece's plain length, so MB/s compare as content served.
func BenchmarkPEnc(b *testing.B) {
	for _, name := range []string{"ristretto255", "p256", "modp2048"} {
		g, err := elgamal.GroupByName(name)
		require.NoError(b, err)
		s := newSwarm(b, g, testPieces(pieceSize), 1)
		uk, err := s.tr.UploadKey(0, s.seed.ID(), s.peers[0].ID())
		require.NoError(b, err)
		buf := make([]byte, 0, SealedSize(pieceSize))
		b.Run(name+"/capsule", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(pieceSize)
			for b.Loop() {
				if _, err := s.seed.Capsule(uk); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/shared", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(pieceSize)
			for b.Loop() {
				if _, err := s.seed.PEnc(uk); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/full", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(pieceSize)
			for b.Loop() {
				if _, err := s.seed.AppendPEnc(buf, uk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTransformCapsule is T on a capsule alone, as a carrier runs it
// for every piece it uploads; bytes are the 256 KiB piece it re-encrypts.
func BenchmarkTransformCapsule(b *testing.B) {
	for _, name := range []string{"ristretto255", "p256", "modp2048"} {
		g, err := elgamal.GroupByName(name)
		require.NoError(b, err)
		s := newSwarm(b, g, testPieces(pieceSize), 2)
		a, c := s.peers[0], s.peers[1]
		pc := s.fromSeed(b, 0, a)
		caps := pc.Capsule()
		rk, err := s.tr.ReKey(0, a.ID(), c.ID())
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(pieceSize)
			for b.Loop() {
				if _, err := a.TransformCapsule(caps, rk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCapsule measures the capsule codec and the §2.3 check of a
// received capsule; bytes are the capsule's.
func BenchmarkCapsule(b *testing.B) {
	for _, name := range []string{"ristretto255", "p256", "modp2048"} {
		g, err := elgamal.GroupByName(name)
		require.NoError(b, err)
		s := newSwarm(b, g, testPieces(64), 1)
		p := s.peers[0]
		uk, err := s.tr.UploadKey(0, s.seed.ID(), p.ID())
		require.NoError(b, err)
		c, err := s.seed.Capsule(uk)
		require.NoError(b, err)
		wire, err := c.MarshalBinary()
		require.NoError(b, err)
		buf := make([]byte, 0, len(wire))
		b.Run(name+"/AppendBinary", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(wire)))
			for b.Loop() {
				if _, err := c.AppendBinary(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(wire)))
			for b.Loop() {
				if _, err := ParseCapsule(g, wire); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Verify", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(wire)))
			for b.Loop() {
				if err := p.VerifyCapsule(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
