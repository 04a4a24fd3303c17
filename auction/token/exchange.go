package token

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/cloudflare/circl/blindsign/blindrsa"
)

var (
	// ErrDoubleSpend is returned when a token has already been spent,
	// or appears twice in one batch.
	ErrDoubleSpend = errors.New("token: token already spent")
	// ErrAudit is returned by [Exchange.Audit] when the books do not
	// balance. It indicates a bug, never bad input.
	ErrAudit = errors.New("token: ledger does not balance")
)

// DefaultEscrowTimeout is the escrow timeout of an [Exchange] whose
// [Config] leaves it zero.
const DefaultEscrowTimeout = 2 * time.Minute

// DefaultClosedRetention is how long an [Exchange] whose [Config] leaves
// ClosedRetention zero keeps a closed escrow for payout retries.
const DefaultClosedRetention = time.Hour

// DefaultMaxClosedEscrows is the number of closed escrows an [Exchange]
// whose [Config] leaves MaxClosedEscrows zero keeps at most.
const DefaultMaxClosedEscrows = 1 << 16

// Config configures an [Exchange].
type Config struct {
	// EscrowTimeout is how long a buyer has to confirm a chunk before
	// its escrowed tokens may be refunded. Zero means
	// [DefaultEscrowTimeout].
	EscrowTimeout time.Duration
	// Now is the exchange's clock. Nil means time.Now; simulations pass
	// their simulated clock.
	Now func() time.Time
	// ClosedRetention is how long a closed (paid out or refunded) escrow
	// is kept so that a party whose reply was lost can fetch the same
	// signatures again ([Exchange.Collect] is idempotent). After it, the
	// escrow is forgotten and a retry gets [ErrNoEscrow]. Zero means
	// [DefaultClosedRetention].
	ClosedRetention time.Duration
	// MaxClosedEscrows bounds the closed escrows kept for retries: past
	// it the oldest are forgotten first, whatever their age, so that the
	// exchange's memory for them is bounded. Zero means
	// [DefaultMaxClosedEscrows].
	MaxClosedEscrows int
}

// Stats are the exchange's books, in tokens (one token is one unit).
// They satisfy, at every instant,
//
//	Minted    = Outstanding + Escrowed + Redeemed
//	Purchased = Outstanding + Escrowed + CashedOut
//
// where Outstanding is the number of valid, unspent tokens held by
// wallets. The exchange cannot see wallets (tokens are blind): it derives
// Outstanding from the other figures, and tests check it against the
// wallets' contents.
type Stats struct {
	// Purchased counts tokens bought with outside money ([Exchange.Buy]).
	Purchased int64
	// Minted counts every blind signature released: purchases, payments
	// collected by sellers and refunds.
	Minted int64
	// Escrowed counts tokens locked in escrows not yet paid out or
	// refunded.
	Escrowed int64
	// Redeemed counts spent tokens whose value has left the escrow (paid
	// to a seller or refunded as fresh tokens) or was cashed out.
	Redeemed int64
	// CashedOut counts tokens exchanged back for outside money.
	CashedOut int64
	// Outstanding is Minted − Escrowed − Redeemed.
	Outstanding int64
	// Escrows is the number of escrows still open or confirmed.
	Escrows int
	// Closed is the number of closed escrows kept for payout retries,
	// at most [Config].MaxClosedEscrows.
	Closed int
}

// Exchange is the token issuer and ledger of BitStore §5.2, run by the
// trackers' organisation: it sells fixed-denomination tokens as RSA blind
// signatures, keeps the spent-token registry, and holds payments in
// escrow until the buyer confirms the chunk (§5.1).
//
// An Exchange is safe for concurrent use. Signature checks and blind
// signing run outside its lock; every change to the books happens under
// it, all-or-nothing, so a failed call changes nothing.
type Exchange struct {
	pub     *PublicKey
	signer  blindrsa.Signer
	timeout time.Duration
	now     func() time.Time

	mu      sync.Mutex
	spent   map[[MessageSize]byte]struct{}
	escrows map[EscrowID]*escrow // open, confirmed and closed (kept for retries)
	open    int                  // escrows not yet closed
	stats   Stats

	retention time.Duration
	maxClosed int
	closedQ   []closedEscrow // closed escrows, oldest first
}

// closedEscrow is an entry of the exchange's queue of closed escrows.
type closedEscrow struct {
	id EscrowID
	at time.Time
}

// NewExchange returns an exchange signing with sk, which must have a
// modulus of at least [MinKeyBits] bits.
func NewExchange(sk *rsa.PrivateKey, cfg Config) (*Exchange, error) {
	if sk == nil {
		return nil, fmt.Errorf("%w: nil RSA key", ErrKey)
	}
	if err := sk.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	pub, err := NewPublicKey(&sk.PublicKey)
	if err != nil {
		return nil, err
	}
	x := &Exchange{
		pub:     pub,
		signer:  blindrsa.NewSigner(sk),
		timeout: cfg.EscrowTimeout,
		now:     cfg.Now,
		spent:   make(map[[MessageSize]byte]struct{}),
		escrows: make(map[EscrowID]*escrow),
	}
	if x.timeout <= 0 {
		x.timeout = DefaultEscrowTimeout
	}
	if x.now == nil {
		x.now = time.Now
	}
	x.retention, x.maxClosed = cfg.ClosedRetention, cfg.MaxClosedEscrows
	if x.retention <= 0 {
		x.retention = DefaultClosedRetention
	}
	if x.maxClosed <= 0 {
		x.maxClosed = DefaultMaxClosedEscrows
	}
	return x, nil
}

// PublicKey returns the key wallets withdraw and verify tokens with, or nil
// for a zero-value Exchange.
func (x *Exchange) PublicKey() *PublicKey {
	if x == nil {
		return nil
	}
	return x.pub
}

// ready returns [ErrInvalidArgument] for a nil or zero-value Exchange.
func (x *Exchange) ready() error {
	if x == nil || x.pub.check() != nil || x.spent == nil || x.escrows == nil || x.now == nil {
		return fmt.Errorf("%w: nil or zero-value exchange (use NewExchange)", ErrInvalidArgument)
	}
	return nil
}

// Buy sells len(reqs) tokens, blind-signing the withdrawal requests. The
// payment in outside money, at the portal's conversion rate, is the
// caller's business (the exchange portal of §5.2); Buy records it as
// Purchased. It fails with [ErrBatch] or
// [ErrMalformed] and then sells nothing.
func (x *Exchange) Buy(reqs [][]byte) ([][]byte, error) {
	if err := x.ready(); err != nil {
		return nil, err
	}
	sigs, err := x.sign(reqs)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	x.stats.Purchased += int64(len(sigs))
	x.stats.Minted += int64(len(sigs))
	x.mu.Unlock()
	return sigs, nil
}

// CashOut spends tokens and pays their value back in outside money
// (the exchange portal's other direction). It fails, spending nothing,
// if any token is invalid or already spent.
func (x *Exchange) CashOut(tokens []Token) error {
	if err := x.ready(); err != nil {
		return err
	}
	keys, err := x.check(tokens)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.markSpent(keys); err != nil {
		return err
	}
	n := int64(len(keys))
	x.stats.Redeemed += n
	x.stats.CashedOut += n
	return nil
}

// Spent reports whether the token has been spent. A nil token, or a
// zero-value Exchange, has spent nothing.
func (x *Exchange) Spent(t *Token) bool {
	if x.ready() != nil || t == nil {
		return false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	_, ok := x.spent[t.msg]
	return ok
}

// Stats returns a snapshot of the books.
func (x *Exchange) Stats() Stats {
	if x == nil {
		return Stats{}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.stats
	s.Outstanding = s.Minted - s.Escrowed - s.Redeemed
	s.Escrows = x.open
	s.Closed = len(x.closedQ)
	return s
}

// Audit recomputes the books from the spent-token registry and the open
// escrows and checks them against the running totals: every spent token
// is escrowed or redeemed, the escrows add up to Escrowed, and
// Purchased = Outstanding + Escrowed + CashedOut. It returns an error
// wrapping [ErrAudit] if not.
func (x *Exchange) Audit() error {
	if err := x.ready(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.stats
	var inEscrow int64
	open := 0
	for _, e := range x.escrows {
		if !e.closed {
			inEscrow += int64(e.amount)
			open++
		}
	}
	outstanding := s.Minted - s.Escrowed - s.Redeemed
	switch {
	case open != x.open:
		return fmt.Errorf("%w: %d open escrows, books say %d", ErrAudit, open, x.open)
	case inEscrow != s.Escrowed:
		return fmt.Errorf("%w: escrows hold %d, books say %d", ErrAudit, inEscrow, s.Escrowed)
	case int64(len(x.spent)) != s.Escrowed+s.Redeemed:
		return fmt.Errorf("%w: %d spent tokens, books say %d escrowed + %d redeemed", ErrAudit, len(x.spent), s.Escrowed, s.Redeemed)
	case s.Purchased != outstanding+s.Escrowed+s.CashedOut:
		return fmt.Errorf("%w: purchased %d ≠ outstanding %d + escrowed %d + cashed out %d", ErrAudit, s.Purchased, outstanding, s.Escrowed, s.CashedOut)
	case outstanding < 0 || s.Escrowed < 0:
		return fmt.Errorf("%w: negative balance", ErrAudit)
	}
	return nil
}

// sign blind-signs a batch of withdrawal requests after checking every
// one, so that either all are signed or none is.
func (x *Exchange) sign(reqs [][]byte) ([][]byte, error) {
	if len(reqs) == 0 || len(reqs) > MaxBatch {
		return nil, fmt.Errorf("%w: %d requests", ErrBatch, len(reqs))
	}
	n := x.pub.pk.N
	for i, r := range reqs {
		// circl's BlindSign refuses the same requests and the batch still
		// fails whole; checking first only spares the private-key operations
		// on a batch to be refused. mutation: equivalent in output.
		if len(r) != x.pub.modBytes {
			return nil, fmt.Errorf("%w: request %d is %d bytes, want %d", ErrMalformed, i, len(r), x.pub.modBytes)
		}
		// BlindSign refuses a request above n, and one equal to n fails its
		// m^e check. mutation: equivalent in output, as above.
		if new(big.Int).SetBytes(r).Cmp(n) >= 0 {
			return nil, fmt.Errorf("%w: request %d is not reduced modulo n", ErrMalformed, i)
		}
	}
	out := make([][]byte, len(reqs))
	for i, r := range reqs {
		s, err := x.signer.BlindSign(r)
		// The requests were checked above; BlindSign fails then only on a
		// fault its m^e check detects. mutation: unreachable.
		if err != nil {
			return nil, fmt.Errorf("%w: request %d: %w", ErrMalformed, i, err)
		}
		out[i] = s
	}
	return out, nil
}

// check verifies a batch of tokens (outside the lock) and returns their
// registry keys. A token repeated within the batch is a double spend.
func (x *Exchange) check(tokens []Token) ([][MessageSize]byte, error) {
	if len(tokens) == 0 || len(tokens) > MaxBatch {
		return nil, fmt.Errorf("%w: %d tokens", ErrBatch, len(tokens))
	}
	keys := make([][MessageSize]byte, len(tokens))
	seen := make(map[[MessageSize]byte]struct{}, len(tokens))
	for i := range tokens {
		t := &tokens[i]
		if err := x.pub.Verify(t); err != nil {
			return nil, fmt.Errorf("token %d: %w", i, err)
		}
		if _, dup := seen[t.msg]; dup {
			return nil, fmt.Errorf("%w: token %d repeated in the batch", ErrDoubleSpend, i)
		}
		seen[t.msg] = struct{}{}
		keys[i] = t.msg
	}
	return keys, nil
}

// markSpent records keys as spent, all or none. x.mu must be held.
func (x *Exchange) markSpent(keys [][MessageSize]byte) error {
	for i, k := range keys {
		if _, ok := x.spent[k]; ok {
			return fmt.Errorf("%w: token %d", ErrDoubleSpend, i)
		}
	}
	for _, k := range keys {
		x.spent[k] = struct{}{}
	}
	return nil
}
