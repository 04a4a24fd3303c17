package token

import (
	"crypto/rand"
	"testing"
)

// BenchmarkToken measures the exchange's three operations on one token:
// Issue (blind-sign one withdrawal request), Verify (check a token's
// signature) and Spend (pay one token into escrow: verify it, record it
// in the spent registry, open the escrow).
func BenchmarkToken(b *testing.B) {
	x, _ := newExchange(b)
	pub := x.PublicKey()
	b.Run("Issue", func(b *testing.B) {
		w, err := NewWithdrawal(rand.Reader, pub, 1)
		if err != nil {
			b.Fatal(err)
		}
		reqs := w.Requests()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x.Buy(reqs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Verify", func(b *testing.B) {
		tok := buy(b, x, 1)[0]
		b.ReportAllocs()
		for b.Loop() {
			if err := pub.Verify(&tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Spend", func(b *testing.B) {
		// Tokens are valid at any exchange with the same key, so a pool
		// of tokens is spent again at a fresh exchange whenever it runs
		// out.
		sk, _ := testKeys(b)
		pool := buy(b, x, 64)
		ex, err := NewExchange(sk, Config{})
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if i == len(pool) {
				b.StopTimer()
				if ex, err = NewExchange(sk, Config{}); err != nil {
					b.Fatal(err)
				}
				i = 0
				b.StartTimer()
			}
			if _, _, err := ex.Escrow(pool[i:i+1], Lock{}, Lock{}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
