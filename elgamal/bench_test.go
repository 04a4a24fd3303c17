package elgamal

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/cloudflare/circl/group"
)

func BenchmarkElGamal(b *testing.B) {
	for _, name := range Groups() {
		g, _ := GroupByName(name)
		sk, _ := GenerateKey(g, rand.Reader)
		m := g.RandomElement(rand.Reader)
		ct, _ := sk.Public().Encrypt(rand.Reader, m)
		b.Run(name+"/KeyGen", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = GenerateKey(g, rand.Reader)
			}
		})
		b.Run(name+"/Encrypt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = sk.Public().Encrypt(rand.Reader, m)
			}
		})
		b.Run(name+"/Decrypt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = sk.Decrypt(ct)
			}
		})
		b.Run(name+"/Add", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Add(ct, ct)
			}
		})
		b.Run(name+"/Parse", func(b *testing.B) {
			enc, _ := ct.MarshalBinary()
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			for b.Loop() {
				_, _ = ParseCiphertext(g, enc)
			}
		})
	}
}

func BenchmarkSeal(b *testing.B) {
	sk, _ := GenerateKey(Default, rand.Reader)
	msg := make([]byte, 16<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		_, _ = Seal(rand.Reader, sk.Public(), msg, nil)
	}
}

func BenchmarkDLog(b *testing.B) {
	table, _ := NewDLogTable(Default, 1<<32)
	sk, _ := GenerateKey(Default, rand.Reader)
	ct, _ := sk.Public().EncryptInt(rand.Reader, 3_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sk.DecryptInt(ct, table); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRistrettoBackends times a variable-base scalar multiplication
// (the operation decryption costs) with [Ristretto255] and with circl's
// ristretto255 alternately in one loop, and reports both and their ratio
// (ours/circl), so that the machine's changing load skews neither.
func BenchmarkRistrettoBackends(b *testing.B) {
	type impl struct {
		g group.Group
		s group.Scalar
		p group.Element
		d time.Duration
	}
	var impls []*impl
	for _, g := range []group.Group{Ristretto255, group.Ristretto255} {
		s, _ := RandomScalar(g, rand.Reader)
		impls = append(impls, &impl{g: g, s: s, p: g.RandomElement(rand.Reader)})
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, x := range impls {
			t0 := time.Now()
			x.g.NewElement().Mul(x.p, x.s)
			x.d += time.Since(t0)
		}
	}
	b.ReportMetric(float64(impls[0].d)/float64(b.N), "ours-ns/mul")
	b.ReportMetric(float64(impls[1].d)/float64(b.N), "circl-ns/mul")
	b.ReportMetric(float64(impls[0].d)/float64(impls[1].d), "ours/circl")
}
