package token

import (
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestConcurrentDoubleSpend races goroutines spending the same tokens
// (escrows and cash-outs, singly and in overlapping batches) and checks
// that every token is spent exactly once and the books balance. Run it
// with -race.
func TestConcurrentDoubleSpend(t *testing.T) {
	x, _ := newExchange(t)
	const n, spenders = 16, 8
	toks := buy(t, x, n)
	var spentOnce [n]atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, spenders*n*2)
	for g := range spenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(g), 1))
			for _, i := range rng.Perm(n) {
				var err error
				if rng.IntN(2) == 0 {
					_, _, err = x.Escrow([]Token{toks[i]}, Lock{}, Lock{})
				} else {
					err = x.CashOut([]Token{toks[i]})
				}
				switch {
				case err == nil:
					spentOnce[i].Add(1)
				case !errors.Is(err, ErrDoubleSpend):
					errs <- err
				}
				// An overlapping pair: must fail unless both are unspent.
				j := (i + 1) % n
				if err := x.CashOut([]Token{toks[i], toks[j]}); err == nil {
					spentOnce[i].Add(1)
					spentOnce[j].Add(1)
				} else if !errors.Is(err, ErrDoubleSpend) {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range spentOnce {
		require.Equal(t, int32(1), spentOnce[i].Load(), "token %d spent %d times", i, spentOnce[i].Load())
	}
	s := x.Stats()
	require.Equal(t, int64(n), s.Escrowed+s.Redeemed)
	requireBalanced(t, x)
}

// TestConcurrentPayout races the seller's Collect against the buyer's
// Refund and against itself: the escrow pays out exactly once.
func TestConcurrentPayout(t *testing.T) {
	x, clk := newExchange(t)
	payer, _ := NewSecret(rand.Reader)
	payee, _ := NewSecret(rand.Reader)
	const rounds = 6
	for r := range rounds {
		id, _, err := x.Escrow(buy(t, x, 2), payee.Lock(), payer.Lock())
		require.NoError(t, err)
		confirm := r%2 == 0
		if confirm {
			require.NoError(t, x.Confirm(id, payer))
		} else {
			clk.Advance(2 * time.Minute)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w, err := NewWithdrawal(rand.Reader, x.PublicKey(), 2)
				if err != nil {
					return
				}
				var sigs [][]byte
				if g%2 == 0 {
					sigs, err = x.Collect(id, payee, w.Requests())
				} else {
					sigs, err = x.Refund(id, payer, w.Requests())
				}
				if err == nil && sigs != nil {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		require.Equal(t, int32(1), wins.Load(), "round %d", r)
	}
	s := x.Stats()
	require.Equal(t, int64(0), s.Escrowed)
	require.Equal(t, int64(2*rounds), s.Redeemed)
	require.Equal(t, int64(4*rounds), s.Minted)
	require.NoError(t, x.Audit())
}

// ledgerModel drives an exchange with a random sequence of operations by
// several wallets, honest and not, and checks the books against the
// wallets after every step. The fuzz target and the random test share it.
type ledgerModel struct {
	t       testing.TB
	x       *Exchange
	clk     *fakeClock
	wallets []*Wallet
	spent   []Token // tokens known spent, for replays
	escrows []openEscrow
}

type openEscrow struct {
	id           EscrowID
	n            int
	payer, payee Secret
	wallet       int // the buyer's wallet
	seller       int
}

func newLedgerModel(t testing.TB, wallets int) *ledgerModel {
	x, clk := newExchange(t)
	m := &ledgerModel{t: t, x: x, clk: clk}
	for range wallets {
		m.wallets = append(m.wallets, new(Wallet))
	}
	return m
}

// step applies operation op (any byte) with argument a.
func (m *ledgerModel) step(op, a byte) {
	t := m.t
	w := m.wallets[int(a)%len(m.wallets)]
	n := 1 + int(a>>4)%3
	switch op % 8 {
	case 0: // buy
		w.Add(buy(t, m.x, n)...)
	case 1: // pay into escrow
		toks, err := w.Take(n)
		if err != nil {
			return
		}
		payer, _ := NewSecret(rand.Reader)
		payee, _ := NewSecret(rand.Reader)
		id, _, err := m.x.Escrow(toks, payee.Lock(), payer.Lock())
		require.NoError(t, err)
		m.spent = append(m.spent, toks...)
		m.escrows = append(m.escrows, openEscrow{id, n, payer, payee, int(a) % len(m.wallets), int(a/3) % len(m.wallets)})
	case 2: // confirm
		if len(m.escrows) > 0 {
			e := m.escrows[int(a)%len(m.escrows)]
			err := m.x.Confirm(e.id, e.payer)
			if err != nil {
				require.ErrorIs(t, err, ErrEscrowState)
			}
		}
	case 3: // collect
		if len(m.escrows) > 0 {
			i := int(a) % len(m.escrows)
			e := m.escrows[i]
			toks, err := payout(t, m.x, e.n, func(r [][]byte) ([][]byte, error) { return m.x.Collect(e.id, e.payee, r) })
			if err == nil {
				m.wallets[e.seller].Add(toks...)
				m.escrows = append(m.escrows[:i], m.escrows[i+1:]...)
			} else {
				require.ErrorIs(t, err, ErrEscrowState)
			}
		}
	case 4: // refund
		if len(m.escrows) > 0 {
			i := int(a) % len(m.escrows)
			e := m.escrows[i]
			toks, err := payout(t, m.x, e.n, func(r [][]byte) ([][]byte, error) { return m.x.Refund(e.id, e.payer, r) })
			if err == nil {
				m.wallets[e.wallet].Add(toks...)
				m.escrows = append(m.escrows[:i], m.escrows[i+1:]...)
			} else {
				require.ErrorIs(t, err, ErrEscrowState)
			}
		}
	case 5: // replay a spent token, alone or with good ones
		if len(m.spent) > 0 {
			bad := m.spent[int(a)%len(m.spent)]
			good, err := w.Take(min(n-1, w.Balance()))
			require.NoError(t, err)
			_, _, err = m.x.Escrow(append(good, bad), Lock{}, Lock{})
			require.ErrorIs(t, err, ErrDoubleSpend)
			w.Add(good...)
		}
	case 6: // cash out
		toks, err := w.Take(n)
		if err != nil {
			return
		}
		require.NoError(t, m.x.CashOut(toks))
		m.spent = append(m.spent, toks...)
	case 7: // time passes
		m.clk.Advance(time.Duration(a) * time.Second)
	}
	requireBalanced(t, m.x, m.wallets...)
}

func TestLedgerRandomSequences(t *testing.T) {
	for seed := range uint64(3) {
		t.Run("", func(t *testing.T) {
			rng := mrand.New(mrand.NewPCG(seed, 3))
			m := newLedgerModel(t, 4)
			for range 80 {
				m.step(byte(rng.UintN(256)), byte(rng.UintN(256)))
			}
		})
	}
}

// FuzzLedger runs fuzzer-chosen operation sequences against the books'
// invariants: minted = held + escrowed + redeemed and purchased = held +
// escrowed + cashed out, with held counted in the wallets.
func FuzzLedger(f *testing.F) {
	f.Add([]byte{0, 0x21, 1, 0x21, 2, 0, 3, 0, 6, 0})
	f.Add([]byte{0, 0x31, 1, 0x11, 7, 0xff, 4, 0, 5, 0, 2, 0})
	f.Add([]byte{0, 5, 0, 6, 1, 5, 1, 6, 2, 1, 3, 1, 5, 3, 6, 6})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 40 {
			ops = ops[:40] // blind signing is slow; keep inputs short
		}
		m := newLedgerModel(t, 3)
		for i := 0; i+1 < len(ops); i += 2 {
			m.step(ops[i], ops[i+1])
		}
	})
}

// TestConcurrentConservation runs parties paying each other concurrently
// (buy, escrow, confirm, collect, cash out, replay) while an auditor
// checks the books mid-flight; at the end the books match the wallets.
func TestConcurrentConservation(t *testing.T) {
	x, _ := newExchange(t)
	const parties, rounds = 4, 3
	wallets := make([]*Wallet, parties)
	for i := range wallets {
		wallets[i] = new(Wallet)
	}
	errs := make(chan error, 64)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	withdraw := func(n int, f func([][]byte) ([][]byte, error)) ([]Token, error) {
		w, err := NewWithdrawal(rand.Reader, x.PublicKey(), n)
		if err != nil {
			return nil, err
		}
		sigs, err := f(w.Requests())
		if err != nil {
			return nil, err
		}
		return w.Finalize(sigs)
	}
	done := make(chan struct{})
	var auditor sync.WaitGroup
	auditor.Add(1)
	go func() {
		defer auditor.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			if err := x.Audit(); err != nil {
				report(err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for p := range parties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me, next := wallets[p], wallets[(p+1)%parties]
			for range rounds {
				toks, err := withdraw(3, x.Buy)
				if err != nil {
					report(err)
					return
				}
				me.Add(toks...)
				pay, err := me.Take(2)
				if err != nil {
					report(err)
					return
				}
				payer, _ := NewSecret(rand.Reader)
				payee, _ := NewSecret(rand.Reader)
				id, _, err := x.Escrow(pay, payee.Lock(), payer.Lock())
				if err != nil {
					report(err)
					return
				}
				if _, _, err := x.Escrow(pay[:1], Lock{}, Lock{}); !errors.Is(err, ErrDoubleSpend) {
					report(fmt.Errorf("replay: %v", err))
				}
				if err := x.Confirm(id, payer); err != nil {
					report(err)
					return
				}
				earned, err := withdraw(2, func(r [][]byte) ([][]byte, error) { return x.Collect(id, payee, r) })
				if err != nil {
					report(err)
					return
				}
				next.Add(earned...)
				if cash, err := me.Take(1); err == nil {
					if err := x.CashOut(cash); err != nil {
						report(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	auditor.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	requireBalanced(t, x, wallets...)
	s := x.Stats()
	require.Equal(t, int64(parties*rounds*3), s.Purchased)
	require.Equal(t, int64(parties*rounds), s.CashedOut)
}
