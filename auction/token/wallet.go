package token

import (
	"errors"
	"fmt"
	"sync"
)

// ErrInsufficient is returned when a wallet holds fewer tokens than
// asked for.
var ErrInsufficient = errors.New("token: insufficient tokens")

// Wallet holds a party's tokens. It is safe for concurrent use. A wallet
// is a plain container: it does not check tokens (the exchange does when
// they are spent) and it cannot tell whether a token it holds was spent
// elsewhere, by a copy.
type Wallet struct {
	mu     sync.Mutex
	tokens []Token
}

// Add puts tokens in the wallet.
func (w *Wallet) Add(tokens ...Token) {
	w.mu.Lock()
	w.tokens = append(w.tokens, tokens...)
	w.mu.Unlock()
}

// Take removes n tokens from the wallet and returns them, or returns
// [ErrInsufficient] and removes nothing.
func (w *Wallet) Take(n int) ([]Token, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n < 0 || n > len(w.tokens) {
		return nil, fmt.Errorf("%w: want %d, have %d", ErrInsufficient, n, len(w.tokens))
	}
	k := len(w.tokens) - n
	out := append([]Token(nil), w.tokens[k:]...)
	// Clearing drops the wallet's copies of the tokens handed out, so the
	// backing array does not keep them alive. mutation: equivalent.
	clear(w.tokens[k:])
	w.tokens = w.tokens[:k]
	return out, nil
}

// Balance returns the number of tokens in the wallet.
func (w *Wallet) Balance() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.tokens)
}
