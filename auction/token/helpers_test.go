package token

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// RSA key generation takes a second or more on a loaded machine, so the
// tests share two keys generated once.
var (
	keyOnce    sync.Once
	keyA, keyB *rsa.PrivateKey
	keyErr     error
)

func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		keyA, keyErr = rsa.GenerateKey(rand.Reader, 2048)
		if keyErr == nil {
			keyB, keyErr = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	require.NoError(t, keyErr)
	return keyA, keyB
}

// fakeClock is a settable clock for escrow deadlines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newExchange(t testing.TB) (*Exchange, *fakeClock) {
	t.Helper()
	sk, _ := testKeys(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	x, err := NewExchange(sk, Config{EscrowTimeout: time.Minute, Now: clk.Now})
	require.NoError(t, err)
	return x, clk
}

// buy withdraws n tokens from x.
func buy(t testing.TB, x *Exchange, n int) []Token {
	t.Helper()
	w, err := NewWithdrawal(rand.Reader, x.PublicKey(), n)
	require.NoError(t, err)
	sigs, err := x.Buy(w.Requests())
	require.NoError(t, err)
	toks, err := w.Finalize(sigs)
	require.NoError(t, err)
	return toks
}

// payout runs a Collect or Refund with fresh withdrawal requests and
// returns the new tokens.
func payout(t testing.TB, x *Exchange, n int, f func(reqs [][]byte) ([][]byte, error)) ([]Token, error) {
	t.Helper()
	w, err := NewWithdrawal(rand.Reader, x.PublicKey(), n)
	require.NoError(t, err)
	sigs, err := f(w.Requests())
	if err != nil {
		return nil, err
	}
	return w.Finalize(sigs)
}

// requireBalanced checks the books against the tokens the test's wallets
// actually hold.
func requireBalanced(t testing.TB, x *Exchange, wallets ...*Wallet) {
	t.Helper()
	require.NoError(t, x.Audit())
	s := x.Stats()
	held := 0
	for _, w := range wallets {
		held += w.Balance()
	}
	require.Equal(t, int64(held), s.Outstanding, "tokens in wallets vs books")
	require.Equal(t, s.Minted, int64(held)+s.Escrowed+s.Redeemed, "minted = held + escrowed + redeemed")
	require.Equal(t, s.Purchased, int64(held)+s.Escrowed+s.CashedOut, "purchased = held + escrowed + cashed out")
}
