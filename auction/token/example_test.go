package token_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/swarmblocks/swarmblocks/auction/token"
)

// A buyer buys tokens, pays a seller through escrow, confirms the chunk,
// and the seller collects freshly minted tokens. Spending a paid token
// again is refused.
func Example() {
	// Exchange: a 2048-bit key (generating one takes a moment).
	sk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	x, err := token.NewExchange(sk, token.Config{})
	if err != nil {
		panic(err)
	}
	pub := x.PublicKey()
	var buyer, seller token.Wallet

	// Buyer: withdraws 5 tokens blindly.
	{
		w, err := token.NewWithdrawal(rand.Reader, pub, 5)
		if err != nil {
			panic(err)
		}
		sigs, err := x.Buy(w.Requests())
		if err != nil {
			panic(err)
		}
		toks, err := w.Finalize(sigs)
		if err != nil {
			panic(err)
		}
		buyer.Add(toks...)
	}

	// Buyer and seller: fresh secrets for this payment.
	payer, _ := token.NewSecret(rand.Reader)
	payee, _ := token.NewSecret(rand.Reader)

	// Buyer: pays 3 tokens into escrow for the seller.
	pay, _ := buyer.Take(3)
	id, _, err := x.Escrow(pay, payee.Lock(), payer.Lock())
	if err != nil {
		panic(err)
	}
	fmt.Println("escrowed:", x.Stats().Escrowed)

	// Buyer: the chunk arrived and verified.
	if err := x.Confirm(id, payer); err != nil {
		panic(err)
	}

	// Seller: collects 3 fresh tokens.
	{
		w, _ := token.NewWithdrawal(rand.Reader, pub, 3)
		sigs, err := x.Collect(id, payee, w.Requests())
		if err != nil {
			panic(err)
		}
		toks, err := w.Finalize(sigs)
		if err != nil {
			panic(err)
		}
		seller.Add(toks...)
	}

	// Buyer: tries to spend a paid token again.
	_, _, err = x.Escrow(pay[:1], payee.Lock(), payer.Lock())
	fmt.Println("double spend refused:", errors.Is(err, token.ErrDoubleSpend))

	s := x.Stats()
	fmt.Printf("buyer %d, seller %d\n", buyer.Balance(), seller.Balance())
	fmt.Printf("minted %d = held %d + escrowed %d + redeemed %d\n", s.Minted, s.Outstanding, s.Escrowed, s.Redeemed)
	fmt.Println("audit:", x.Audit())
	// Output:
	// escrowed: 3
	// double spend refused: true
	// buyer 2, seller 3
	// minted 8 = held 5 + escrowed 0 + redeemed 3
	// audit: <nil>
}
