package token

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/cloudflare/circl/blindsign/blindrsa"
	"github.com/stretchr/testify/require"
)

func TestPaymentFlow(t *testing.T) {
	x, _ := newExchange(t)
	var buyer, seller Wallet
	buyer.Add(buy(t, x, 5)...)
	requireBalanced(t, x, &buyer, &seller)

	payerSecret, err := NewSecret(rand.Reader)
	require.NoError(t, err)
	payeeSecret, err := NewSecret(rand.Reader)
	require.NoError(t, err)

	pay, err := buyer.Take(3)
	require.NoError(t, err)
	id, _, err := x.Escrow(pay, payeeSecret.Lock(), payerSecret.Lock())
	require.NoError(t, err)
	requireBalanced(t, x, &buyer, &seller)
	require.Equal(t, int64(3), x.Stats().Escrowed)

	// The seller cannot collect before the buyer confirms.
	_, err = payout(t, x, 3, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payeeSecret, r) })
	require.ErrorIs(t, err, ErrEscrowState)
	// Only the buyer can confirm.
	require.ErrorIs(t, x.Confirm(id, payeeSecret), ErrUnauthorized)
	require.NoError(t, x.Confirm(id, payerSecret))
	require.ErrorIs(t, x.Confirm(id, payerSecret), ErrEscrowState)
	// Only the seller can collect, with exactly as many requests.
	_, err = payout(t, x, 3, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payerSecret, r) })
	require.ErrorIs(t, err, ErrUnauthorized)
	_, err = payout(t, x, 2, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payeeSecret, r) })
	require.ErrorIs(t, err, ErrBatch)
	requireBalanced(t, x, &buyer, &seller)

	earned, err := payout(t, x, 3, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payeeSecret, r) })
	require.NoError(t, err)
	seller.Add(earned...)
	require.Equal(t, 3, seller.Balance())
	requireBalanced(t, x, &buyer, &seller)
	_, err = payout(t, x, 3, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payeeSecret, r) })
	require.ErrorIs(t, err, ErrEscrowState, "an escrow pays once")

	// Earned tokens are as good as bought ones: the seller cashes out.
	for i := range earned {
		require.NoError(t, x.PublicKey().Verify(&earned[i]))
	}
	cash, err := seller.Take(3)
	require.NoError(t, err)
	require.NoError(t, x.CashOut(cash))
	requireBalanced(t, x, &buyer, &seller)
	s := x.Stats()
	require.Equal(t, Stats{Purchased: 5, Minted: 8, Redeemed: 6, CashedOut: 3, Outstanding: 2, Closed: 1}, s)
}

func TestRefundAfterTimeout(t *testing.T) {
	x, clk := newExchange(t)
	var buyer Wallet
	buyer.Add(buy(t, x, 2)...)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	pay, err := buyer.Take(2)
	require.NoError(t, err)
	id, deadline, err := x.Escrow(pay, payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.Equal(t, clk.Now().Add(time.Minute), deadline)

	refund := func(r [][]byte) ([][]byte, error) { return x.Refund(id, payer, r) }
	_, err = payout(t, x, 2, refund)
	require.ErrorIs(t, err, ErrEscrowState, "no refund before the deadline")
	clk.Advance(time.Minute)
	require.ErrorIs(t, x.Confirm(id, payer), ErrEscrowState, "no confirmation after the deadline")
	_, err = payout(t, x, 2, func(r [][]byte) ([][]byte, error) { return x.Refund(id, payee, r) })
	require.ErrorIs(t, err, ErrUnauthorized, "the seller cannot take the refund")
	back, err := payout(t, x, 2, refund)
	require.NoError(t, err)
	buyer.Add(back...)
	require.Equal(t, 2, buyer.Balance())
	requireBalanced(t, x, &buyer)
	_, err = payout(t, x, 2, refund)
	require.ErrorIs(t, err, ErrEscrowState)
	_, err = x.EscrowAmount(id)
	require.ErrorIs(t, err, ErrNoEscrow, "a closed escrow is not open")
}

// TestPayoutRetry: a payee whose reply was lost asks again with the same
// requests and gets the same signatures, minting nothing more; nobody
// gets a second payout with other requests.
func TestPayoutRetry(t *testing.T) {
	x, clk := newExchange(t)
	var buyer, seller Wallet
	buyer.Add(buy(t, x, 4)...)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	pay, err := buyer.Take(3)
	require.NoError(t, err)
	id, _, err := x.Escrow(pay, payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.NoError(t, x.Confirm(id, payer))

	w, err := NewWithdrawal(rand.Reader, x.PublicKey(), 3)
	require.NoError(t, err)
	lost, err := x.Collect(id, payee, w.Requests())
	require.NoError(t, err)
	before := x.Stats()
	require.Equal(t, 0, before.Escrows)
	again, err := x.Collect(id, payee, w.Requests())
	require.NoError(t, err)
	require.Equal(t, lost, again, "the same signatures")
	require.Equal(t, before, x.Stats(), "nothing more minted")
	earned, err := w.Finalize(again)
	require.NoError(t, err)
	seller.Add(earned...)
	requireBalanced(t, x, &buyer, &seller)

	_, err = payout(t, x, 3, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payee, r) })
	require.ErrorIs(t, err, ErrEscrowState, "other requests")
	_, err = x.Collect(id, payer, w.Requests())
	require.ErrorIs(t, err, ErrUnauthorized, "the payer cannot fetch the payee's signatures")
	require.ErrorIs(t, x.Confirm(id, payer), ErrEscrowState)

	// The same for a refund.
	pay, err = buyer.Take(1)
	require.NoError(t, err)
	id, _, err = x.Escrow(pay, payee.Lock(), payer.Lock())
	require.NoError(t, err)
	clk.Advance(time.Hour)
	w, err = NewWithdrawal(rand.Reader, x.PublicKey(), 1)
	require.NoError(t, err)
	first, err := x.Refund(id, payer, w.Requests())
	require.NoError(t, err)
	before = x.Stats()
	second, err := x.Refund(id, payer, w.Requests())
	require.NoError(t, err)
	require.Equal(t, first, second)
	require.Equal(t, before, x.Stats())
	back, err := w.Finalize(second)
	require.NoError(t, err)
	buyer.Add(back...)
	requireBalanced(t, x, &buyer, &seller)
}

func TestConfirmedEscrowIsNotRefunded(t *testing.T) {
	x, clk := newExchange(t)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	id, _, err := x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.NoError(t, x.Confirm(id, payer))
	clk.Advance(time.Hour)
	_, err = payout(t, x, 1, func(r [][]byte) ([][]byte, error) { return x.Refund(id, payer, r) })
	require.ErrorIs(t, err, ErrEscrowState)
	_, err = payout(t, x, 1, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payee, r) })
	require.NoError(t, err, "the seller may collect late")
}

func TestDoubleSpend(t *testing.T) {
	x, _ := newExchange(t)
	var w Wallet
	toks := buy(t, x, 3)
	l := Lock{}
	_, _, err := x.Escrow(toks[:1], l, l)
	require.NoError(t, err)
	before := x.Stats()

	// Replays, alone or hidden in a batch, and repeats within a batch.
	_, _, err = x.Escrow(toks[:1], l, l)
	require.ErrorIs(t, err, ErrDoubleSpend)
	_, _, err = x.Escrow([]Token{toks[1], toks[0]}, l, l)
	require.ErrorIs(t, err, ErrDoubleSpend)
	require.ErrorIs(t, x.CashOut([]Token{toks[0]}), ErrDoubleSpend)
	require.ErrorIs(t, x.CashOut([]Token{toks[2], toks[2]}), ErrDoubleSpend)
	// A replayed token re-encoded and parsed is still the same token.
	b, err := toks[0].MarshalBinary()
	require.NoError(t, err)
	again, err := x.PublicKey().ParseToken(b)
	require.NoError(t, err)
	require.ErrorIs(t, x.CashOut([]Token{again}), ErrDoubleSpend)

	require.Equal(t, before, x.Stats(), "failed spends change nothing")
	require.False(t, x.Spent(&toks[1]), "an all-or-nothing batch left no token spent")
	require.True(t, x.Spent(&toks[0]))
	w.Add(toks[1:]...)
	requireBalanced(t, x, &w)
}

func TestForgery(t *testing.T) {
	x, _ := newExchange(t)
	_, skB := testKeys(t)
	other, err := NewExchange(skB, Config{})
	require.NoError(t, err)
	good := buy(t, x, 1)[0]
	foreign := buy(t, other, 1)[0]
	before := x.Stats()
	pub := x.PublicKey()

	flipSig := good
	flipSig.sig = append([]byte(nil), good.sig...)
	flipSig.sig[10] ^= 1
	flipMsg := good
	flipMsg.msg[40] ^= 1
	zeroSig := good
	zeroSig.sig = make([]byte, len(good.sig))
	shortSig := good
	shortSig.sig = good.sig[:100]
	// A signature equal to the modulus is out of range.
	modSig := good
	modSig.sig = pub.RSA().N.FillBytes(make([]byte, len(good.sig)))
	// The identity: 1^e = 1 is not a valid PSS encoding.
	oneSig := good
	oneSig.sig = big.NewInt(1).FillBytes(make([]byte, len(good.sig)))
	relabelled := foreign
	relabelled.key = good.key

	tests := []struct {
		name string
		tok  Token
		want error
	}{
		{"flipped signature bit", flipSig, ErrSignature},
		{"flipped message bit", flipMsg, ErrSignature},
		{"zero signature", zeroSig, ErrSignature},
		{"short signature", shortSig, ErrSignature},
		{"signature = modulus", modSig, ErrSignature},
		{"signature = 1", oneSig, ErrSignature},
		{"another exchange's token", foreign, ErrWrongKey},
		{"another exchange's token relabelled", relabelled, ErrSignature},
		{"zero token", Token{}, ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, pub.Verify(&tt.tok), tt.want)
			_, _, err := x.Escrow([]Token{tt.tok}, Lock{}, Lock{})
			require.ErrorIs(t, err, tt.want)
			require.ErrorIs(t, x.CashOut([]Token{good, tt.tok}), tt.want)
		})
	}
	require.Equal(t, before, x.Stats())
	require.False(t, x.Spent(&good), "the good token in a rejected batch stays unspent")
	require.NoError(t, pub.Verify(&good))
}

func TestBadRequests(t *testing.T) {
	x, _ := newExchange(t)
	pub := x.PublicKey()
	k := pub.RequestSize()
	before := x.Stats()
	tests := []struct {
		name string
		reqs [][]byte
		want error
	}{
		{"empty batch", nil, ErrBatch},
		{"too many", make([][]byte, MaxBatch+1), ErrBatch},
		{"short request", [][]byte{make([]byte, k-1)}, ErrMalformed},
		{"long request", [][]byte{make([]byte, k+1)}, ErrMalformed},
		{"request = modulus", [][]byte{pub.RSA().N.FillBytes(make([]byte, k))}, ErrMalformed},
		{"request above modulus", [][]byte{bytesOf(0xff, k)}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sigs, err := x.Buy(tt.reqs)
			require.ErrorIs(t, err, tt.want)
			require.Nil(t, sigs)
		})
	}
	require.Equal(t, before, x.Stats(), "a failed purchase mints nothing")

	_, err := NewWithdrawal(rand.Reader, pub, 0)
	require.ErrorIs(t, err, ErrBatch)
	w, err := NewWithdrawal(rand.Reader, pub, 2)
	require.NoError(t, err)
	sigs, err := x.Buy(w.Requests())
	require.NoError(t, err)
	_, err = w.Finalize(sigs[:1])
	require.ErrorIs(t, err, ErrMalformed)
	// A cheating exchange returning a wrong blind signature is caught.
	bad := [][]byte{sigs[1], sigs[0]}
	_, err = w.Finalize(bad)
	require.ErrorIs(t, err, ErrSignature)
	toks, err := w.Finalize(sigs)
	require.NoError(t, err)
	require.Len(t, toks, 2)
	_, err = w.Finalize(sigs)
	require.Error(t, err, "a withdrawal finalizes once")
}

func TestKeys(t *testing.T) {
	_, err := NewPublicKey(nil)
	require.ErrorIs(t, err, ErrKey)
	_, err = NewExchange(nil, Config{})
	require.ErrorIs(t, err, ErrKey)
	// A private key inconsistent with its public half would sign garbage.
	skA, _ := testKeys(t)
	broken := *skA
	broken.D = new(big.Int).Add(skA.D, big.NewInt(2))
	_, err = NewExchange(&broken, Config{})
	require.ErrorIs(t, err, ErrKey, "inconsistent private key")
	// A valid key below MinKeyBits.
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = NewExchange(weak, Config{})
	require.ErrorIs(t, err, ErrKey, "1024-bit key")
	sk, skB := testKeys(t)
	small := *sk
	small.PublicKey.N = new(big.Int).Rsh(sk.N, 1100)
	_, err = NewPublicKey(&small.PublicKey)
	require.ErrorIs(t, err, ErrKey)
	a, err := NewPublicKey(&sk.PublicKey)
	require.NoError(t, err)
	b, err := NewPublicKey(&skB.PublicKey)
	require.NoError(t, err)
	require.NotEqual(t, a.ID(), b.ID())
	require.Equal(t, KeyIDSize+MessageSize+256, a.TokenSize())
}

// TestUnlinkable checks what the exchange sees of a withdrawal against the
// tokens it later redeems. With plain (unblinded) signing, the request
// would be the token's encoded message EM = sig^e mod n and the reply the
// token's signature; here neither ever matches, for any pairing, and the
// serial never appears in the clear. What remains is the algebra every
// pairing satisfies: for each (request, token) pair the exchange holds,
// ρ = blindsig · sig⁻¹ mod n is a unit with ρ^e · sig^e ≡ request, a
// blinding factor that explains the pair, so the records favour no
// pairing over another. Blinding is also randomised: withdrawing the same
// message twice sends unrelated requests.
func TestUnlinkable(t *testing.T) {
	x, _ := newExchange(t)
	pub := x.PublicKey().RSA()
	w, err := NewWithdrawal(rand.Reader, x.PublicKey(), 3)
	require.NoError(t, err)
	blindSigs, err := x.Buy(w.Requests())
	require.NoError(t, err)
	toks, err := w.Finalize(blindSigs)
	require.NoError(t, err)
	e := big.NewInt(int64(pub.E))
	one := big.NewInt(1)
	for i, req := range w.Requests() {
		z := new(big.Int).SetBytes(req)
		bs := new(big.Int).SetBytes(blindSigs[i])
		for j := range toks {
			s := new(big.Int).SetBytes(toks[j].sig)
			require.NotEqual(t, 0, bs.Cmp(s), "blind signature %d is token %d's signature", i, j)
			em := new(big.Int).Exp(s, e, pub.N)
			require.NotEqual(t, 0, em.Cmp(z), "request %d is token %d's encoded message", i, j)
			require.NotContains(t, string(req), string(toks[j].msg[32:]), "the serial is not sent in the clear")

			sInv := new(big.Int).ModInverse(s, pub.N)
			require.NotNil(t, sInv)
			rho := new(big.Int).Mul(bs, sInv)
			rho.Mod(rho, pub.N)
			require.Equal(t, 0, new(big.Int).GCD(nil, nil, rho, pub.N).Cmp(one), "ρ is a unit")
			require.NotEqual(t, 0, rho.Cmp(one), "ρ = 1 would mean no blinding")
			lhs := new(big.Int).Exp(rho, e, pub.N)
			lhs.Mul(lhs, em).Mod(lhs, pub.N)
			require.Equal(t, 0, lhs.Cmp(z), "request %d and token %d are consistent", i, j)
		}
	}

	// The same message blinded twice gives unrelated requests.
	c, err := blindrsa.NewClient(Variant, pub)
	require.NoError(t, err)
	msg := toks[0].msg[:]
	r1, _, err := c.Blind(rand.Reader, msg)
	require.NoError(t, err)
	r2, _, err := c.Blind(rand.Reader, msg)
	require.NoError(t, err)
	require.NotEqual(t, r1, r2)
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// TestClosedEscrowRetention checks that closed escrows are kept for
// payout retries only for the retention window, and never more than the
// configured number of them: memory for closed escrows is bounded.
func TestClosedEscrowRetention(t *testing.T) {
	sk, _ := testKeys(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	x, err := NewExchange(sk, Config{EscrowTimeout: time.Minute, Now: clk.Now, ClosedRetention: 10 * time.Minute, MaxClosedEscrows: 3})
	require.NoError(t, err)
	var buyer Wallet
	buyer.Add(buy(t, x, 6)...)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)

	type closed struct {
		id   EscrowID
		reqs [][]byte
		sigs [][]byte
	}
	closeOne := func() closed {
		pay, err := buyer.Take(1)
		require.NoError(t, err)
		id, _, err := x.Escrow(pay, payee.Lock(), payer.Lock())
		require.NoError(t, err)
		require.NoError(t, x.Confirm(id, payer))
		w, err := NewWithdrawal(rand.Reader, x.PublicKey(), 1)
		require.NoError(t, err)
		sigs, err := x.Collect(id, payee, w.Requests())
		require.NoError(t, err)
		return closed{id, w.Requests(), sigs}
	}
	retry := func(c closed) error {
		sigs, err := x.Collect(c.id, payee, c.reqs)
		if err == nil {
			require.Equal(t, c.sigs, sigs)
		}
		return err
	}

	// Within the window a retry gets the same signatures; after it, the
	// escrow is forgotten.
	a := closeOne()
	clk.Advance(9 * time.Minute)
	require.NoError(t, retry(a))
	require.Equal(t, 1, x.Stats().Closed)
	clk.Advance(time.Minute)
	require.ErrorIs(t, retry(a), ErrNoEscrow)
	require.Equal(t, 0, x.Stats().Closed)

	// At most MaxClosedEscrows are kept, the oldest forgotten first.
	var all []closed
	for range 5 {
		all = append(all, closeOne())
	}
	require.Equal(t, 3, x.Stats().Closed)
	require.ErrorIs(t, retry(all[0]), ErrNoEscrow)
	require.ErrorIs(t, retry(all[1]), ErrNoEscrow)
	for _, c := range all[2:] {
		require.NoError(t, retry(c))
	}
	require.NoError(t, x.Audit())
	require.Len(t, x.escrows, 3, "only the retained escrows are in memory")
}

// TestFailedPayoutChangesNothing: a Collect or Refund whose blinded
// requests are malformed is refused, pays nothing and leaves the escrow
// open, so the party can still collect with good requests.
func TestFailedPayoutChangesNothing(t *testing.T) {
	x, clk := newExchange(t)
	var buyer, seller Wallet
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	k := x.PublicKey().RequestSize()
	bad := func(n int) [][]byte {
		reqs := make([][]byte, n)
		for i := range reqs {
			reqs[i] = bytesOf(0xff, k) // above the modulus
		}
		return reqs
	}

	collectID, _, err := x.Escrow(buy(t, x, 2), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.NoError(t, x.Confirm(collectID, payer))
	refundID, _, err := x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	clk.Advance(time.Hour)
	before := x.Stats()

	sigs, err := x.Collect(collectID, payee, bad(2))
	require.ErrorIs(t, err, ErrMalformed)
	require.Nil(t, sigs)
	sigs, err = x.Refund(refundID, payer, bad(1))
	require.ErrorIs(t, err, ErrMalformed)
	require.Nil(t, sigs)
	require.Equal(t, before, x.Stats(), "a failed payout mints nothing and closes nothing")
	n, err := x.EscrowAmount(collectID)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	earned, err := payout(t, x, 2, func(r [][]byte) ([][]byte, error) { return x.Collect(collectID, payee, r) })
	require.NoError(t, err)
	seller.Add(earned...)
	back, err := payout(t, x, 1, func(r [][]byte) ([][]byte, error) { return x.Refund(refundID, payer, r) })
	require.NoError(t, err)
	buyer.Add(back...)
	requireBalanced(t, x, &buyer, &seller)
}

// TestBatchBounds: a batch of exactly MaxBatch passes the size check
// (these are refused only for their contents, which are checked next),
// one more does not; nothing is minted or spent either way.
func TestBatchBounds(t *testing.T) {
	x, _ := newExchange(t)
	before := x.Stats()
	k := x.PublicKey().RequestSize()
	reqs := make([][]byte, MaxBatch)
	for i := range reqs {
		reqs[i] = make([]byte, k) // zero: well-formed
	}
	reqs[MaxBatch-1] = nil
	_, err := x.Buy(reqs)
	require.ErrorIs(t, err, ErrMalformed, "MaxBatch requests, the last malformed")
	_, err = x.Buy(append(reqs, reqs[0]))
	require.ErrorIs(t, err, ErrBatch)

	tokens := make([]Token, MaxBatch) // zero tokens: another key's
	require.ErrorIs(t, x.CashOut(tokens), ErrWrongKey)
	require.ErrorIs(t, x.CashOut(append(tokens, Token{})), ErrBatch)
	_, _, err = x.Escrow(tokens, Lock{}, Lock{})
	require.ErrorIs(t, err, ErrWrongKey)
	require.Equal(t, before, x.Stats())

	_, err = NewWithdrawal(errReader{}, x.PublicKey(), MaxBatch)
	require.ErrorIs(t, err, io.ErrClosedPipe, "MaxBatch tokens may be withdrawn")
	_, err = NewWithdrawal(errReader{}, x.PublicKey(), MaxBatch+1)
	require.ErrorIs(t, err, ErrBatch)
}

// TestConfigDefaults: a zero Config gets the documented defaults — an
// escrow can be confirmed before DefaultEscrowTimeout and not after, and a
// payout can be fetched again (a closed escrow is retained) — rather than
// zero durations that would expire everything at once.
func TestConfigDefaults(t *testing.T) {
	sk, _ := testKeys(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	x, err := NewExchange(sk, Config{Now: clk.Now})
	require.NoError(t, err)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)

	late, deadline, err := x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.Equal(t, clk.Now().Add(DefaultEscrowTimeout), deadline)
	id, _, err := x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.NoError(t, x.Confirm(id, payer))
	w, err := NewWithdrawal(rand.Reader, x.PublicKey(), 1)
	require.NoError(t, err)
	first, err := x.Collect(id, payee, w.Requests())
	require.NoError(t, err)
	clk.Advance(DefaultEscrowTimeout)
	require.ErrorIs(t, x.Confirm(late, payer), ErrEscrowState)
	again, err := x.Collect(id, payee, w.Requests())
	require.NoError(t, err, "a closed escrow is retained for retries")
	require.Equal(t, first, again)
}

// TestWalletTake: Take removes exactly n tokens, all of them or none;
// taking zero is allowed and changes nothing.
func TestWalletTake(t *testing.T) {
	var w Wallet
	w.Add(make([]Token, 3)...)
	got, err := w.Take(0)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Equal(t, 3, w.Balance())
	_, err = w.Take(4)
	require.ErrorIs(t, err, ErrInsufficient)
	require.Equal(t, 3, w.Balance())
	got, err = w.Take(3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Zero(t, w.Balance())
}

// TestClosedEscrowsExpireWithoutPayouts: the retention window bounds the
// closed escrows kept even when no further payout comes to prune them; a
// new escrow does, so an exchange that only takes payments still forgets
// them.
func TestClosedEscrowsExpireWithoutPayouts(t *testing.T) {
	sk, _ := testKeys(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	x, err := NewExchange(sk, Config{EscrowTimeout: time.Minute, Now: clk.Now, ClosedRetention: 10 * time.Minute})
	require.NoError(t, err)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	id, _, err := x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.NoError(t, x.Confirm(id, payer))
	_, err = payout(t, x, 1, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payee, r) })
	require.NoError(t, err)
	require.Equal(t, 1, x.Stats().Closed)

	clk.Advance(10 * time.Minute)
	_, _, err = x.Escrow(buy(t, x, 1), payee.Lock(), payer.Lock())
	require.NoError(t, err)
	require.Equal(t, 0, x.Stats().Closed)
	require.Len(t, x.escrows, 1, "only the new escrow is in memory")
}
