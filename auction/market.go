package auction

import (
	"cmp"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

var (
	// ErrUnknownChunk is returned for a request for a chunk the seller
	// does not offer.
	ErrUnknownChunk = errors.New("auction: unknown chunk")
	// ErrConfig is returned for invalid market or buyer parameters.
	ErrConfig = errors.New("auction: invalid configuration")
	// ErrInvalidArgument is returned for a nil required argument and for
	// a method called on a zero-value [Sealed], [Market] or [Buyer] (one
	// not made by this package's constructors).
	ErrInvalidArgument = errors.New("auction: invalid argument")
)

// PeriodFor returns Figure 2's period between auctions, t = N_c / b: the
// time the seller needs to upload capacity (N_c) chunks of chunkSize
// bytes at bandwidth bytes per second, rounded up to the nanosecond. The
// paper leaves units implicit; reading b as bytes per second and N_c as
// chunks makes t the time to serve one period's sales, so a seller never
// sells more than it can deliver before the next auction.
func PeriodFor(capacity int, chunkSize, bandwidth int64) (time.Duration, error) {
	if capacity <= 0 || chunkSize <= 0 || bandwidth <= 0 {
		return 0, fmt.Errorf("%w: capacity %d, chunk size %d, bandwidth %d must be positive", ErrConfig, capacity, chunkSize, bandwidth)
	}
	secs := float64(capacity) * float64(chunkSize) / float64(bandwidth)
	if secs*float64(time.Second) >= math.MaxInt64 {
		return 0, fmt.Errorf("%w: period of %g s overflows", ErrConfig, secs)
	}
	return time.Duration(math.Ceil(secs * float64(time.Second))), nil
}

// MarketConfig configures a seller's [Market].
type MarketConfig struct {
	// Seller names the seller; auction identifiers are derived from it.
	Seller SellerID
	// Capacity is N_c, the most chunks the seller serves per period.
	Capacity int
	// Altruism is the probability, in [0, 1], that a chunk whose
	// auction met no reserve is nevertheless sold, to a requester drawn
	// at random: the market's optimistic unchoke (§5.3).
	Altruism float64
	// AltruisticPrice is what an altruistic sale charges, capped at the
	// buyer's bid; zero, the default, gives the chunk away.
	AltruisticPrice Amount
}

// Sale is a chunk a seller serves in a period.
type Sale struct {
	Chunk      ChunkID
	Auction    AuctionID
	Buyer      BidderID
	Price      Amount
	Altruistic bool
}

// PeriodReport is what one period of a market did.
type PeriodReport struct {
	// Period is the number of the period settled.
	Period uint64
	// Sales are the chunks served, paid sales by decreasing price first,
	// then altruistic ones; at most Capacity of them.
	Sales []Sale
	// Deferred are auctions won but not served because the period's
	// capacity was used by higher-paying sales; nothing is charged and
	// the buyers bid again.
	Deferred []Sale
	// Unsold are the requested chunks whose auction met no reserve and
	// drew no altruistic sale.
	Unsold []ChunkID
	// Losers lists, per chunk auctioned, the bidders that took part and
	// were not served, in increasing order.
	Losers map[ChunkID][]BidderID
	// Excluded lists, per chunk, the sealed bids excluded from clearing.
	Excluded map[ChunkID][]Exclusion
}

type listing struct {
	reserve   Amount
	sold      int
	revenue   Amount
	lastPrice Amount
	priced    bool
}

// Market is a seller's periodic market, BitStore's Figure 2, case 3:
// requests for the seller's chunks are aggregated over a period; at the
// end of it, each requested chunk is auctioned (a [Sealed] auction, reserve
// private to the seller) and at most Capacity chunks are served. The same
// chunk may be sold again in later periods (double-selling: the seller is
// paid for the service, not the good).
//
// A period runs in three steps: requests ([Market.Request]) during the
// period, then [Market.CloseBidding], openings ([Market.Reveal]), and
// [Market.Settle], which clears the auctions and opens the next period.
// The market moves no money; the caller charges the winners (see package
// token). A Market is not safe for concurrent use.
type Market struct {
	cfg     MarketConfig
	rnd     io.Reader
	chunks  map[ChunkID]*listing
	period  uint64
	open    map[ChunkID]*Sealed
	closed  bool
	revenue Amount
}

// NewMarket returns a seller's market. rnd supplies the nonces of the
// reserve commitments; a nil rnd means crypto/rand.Reader.
func NewMarket(rnd io.Reader, cfg MarketConfig) (*Market, error) {
	if rnd == nil {
		rnd = crand.Reader
	}
	switch {
	case cfg.Capacity <= 0:
		return nil, fmt.Errorf("%w: capacity %d must be positive", ErrConfig, cfg.Capacity)
	case !(cfg.Altruism >= 0 && cfg.Altruism <= 1): // also rejects NaN
		return nil, fmt.Errorf("%w: altruism %v outside [0, 1]", ErrConfig, cfg.Altruism)
	case cfg.AltruisticPrice < 0 || cfg.AltruisticPrice > MaxAmount:
		return nil, fmt.Errorf("%w: altruistic price %d outside [0, %d]", ErrConfig, cfg.AltruisticPrice, MaxAmount)
	}
	return &Market{
		cfg:    cfg,
		rnd:    rnd,
		chunks: make(map[ChunkID]*listing),
		open:   make(map[ChunkID]*Sealed),
	}, nil
}

// ready returns [ErrInvalidArgument] for a nil or zero-value Market.
func (m *Market) ready() error {
	if m == nil || m.chunks == nil || m.open == nil || m.rnd == nil {
		return fmt.Errorf("%w: nil or zero-value market (use NewMarket)", ErrInvalidArgument)
	}
	return nil
}

// Seller returns the seller's identifier.
func (m *Market) Seller() SellerID { return m.cfg.Seller }

// Period returns the number of the current period, starting at 0.
func (m *Market) Period() uint64 { return m.period }

// Offer puts chunk up for sale with a private reserve price, or changes
// its reserve; a change applies from the next auction opened.
func (m *Market) Offer(chunk ChunkID, reserve Amount) error {
	if err := m.ready(); err != nil {
		return err
	}
	if err := checkReserve(reserve); err != nil {
		return err
	}
	if l := m.chunks[chunk]; l != nil {
		l.reserve = reserve
		return nil
	}
	m.chunks[chunk] = &listing{reserve: reserve}
	return nil
}

// Offers reports whether the seller offers chunk.
func (m *Market) Offers(chunk ChunkID) bool { return m.chunks[chunk] != nil }

// AuctionID returns the identifier of the current period's auction for
// chunk, to which bids must be sealed.
func (m *Market) AuctionID(chunk ChunkID) AuctionID {
	return NewAuctionID(m.cfg.Seller, chunk, m.period)
}

// Quote returns the price chunk last sold for at auction at this seller
// (altruistic sales do not count), the public signal buyers compare
// sellers by; ok is false if it never sold.
func (m *Market) Quote(chunk ChunkID) (price Amount, ok bool) {
	l := m.chunks[chunk]
	if l == nil || !l.priced {
		return 0, false
	}
	return l.lastPrice, true
}

// Sold returns how many times chunk has been served, and the revenue it
// earned (saturating at the largest int64).
func (m *Market) Sold(chunk ChunkID) (times int, revenue Amount) {
	if l := m.chunks[chunk]; l != nil {
		return l.sold, l.revenue
	}
	return 0, 0
}

// Revenue returns the seller's total revenue (saturating at the largest
// int64).
func (m *Market) Revenue() Amount { return m.revenue }

// Request records a sealed bid for chunk in the current period. It fails
// with [ErrUnknownChunk] for a chunk not offered, [ErrPhase] once bidding
// has closed, [ErrUnauthenticated] for a bid its bidder did not sign, and
// otherwise as [Sealed.Commit].
func (m *Market) Request(chunk ChunkID, b SealedBid) error {
	if err := m.ready(); err != nil {
		return err
	}
	l := m.chunks[chunk]
	if l == nil {
		return fmt.Errorf("%w: %v", ErrUnknownChunk, chunk)
	}
	if m.closed {
		return fmt.Errorf("%w: period %d bidding closed", ErrPhase, m.period)
	}
	if err := b.Verify(); err != nil {
		return err // before any state is created for it
	}
	s := m.open[chunk]
	if s == nil {
		if b.Auction != m.AuctionID(chunk) {
			return fmt.Errorf("%w: %v, not %v", ErrWrongAuction, b.Auction, m.AuctionID(chunk))
		}
		var err error
		if s, err = NewSealed(m.rnd, b.Auction, l.reserve); err != nil {
			return err
		}
		m.open[chunk] = s
	}
	return s.Commit(b)
}

// Requested returns the chunks requested in the current period, in
// increasing order.
func (m *Market) Requested() []ChunkID {
	out := make([]ChunkID, 0, len(m.open))
	for c := range m.open {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b ChunkID) int { return cmp.Compare(string(a[:]), string(b[:])) })
	return out
}

// CloseBidding ends the current period's bidding window; bidders then
// reveal. It returns [ErrPhase] if bidding is already closed.
func (m *Market) CloseBidding() error {
	if err := m.ready(); err != nil {
		return err
	}
	if m.closed {
		return fmt.Errorf("%w: period %d bidding already closed", ErrPhase, m.period)
	}
	m.closed = true
	for _, s := range m.open {
		// An open period's auctions are all still bidding: they are created
		// by Request only while it is open. mutation: unreachable.
		if err := s.CloseBidding(); err != nil {
			return err
		}
	}
	return nil
}

// Reveal passes an opening to chunk's auction; see [Sealed.Reveal].
func (m *Market) Reveal(chunk ChunkID, o Opening) error {
	if err := m.ready(); err != nil {
		return err
	}
	if !m.closed {
		return fmt.Errorf("%w: opening before bidding closed", ErrPhase)
	}
	s := m.open[chunk]
	if s == nil {
		return fmt.Errorf("%w: %v has no auction this period", ErrUnknownChunk, chunk)
	}
	return s.Reveal(o)
}

// Settle clears every auction of the period, serves at most Capacity
// chunks (paid sales by decreasing price, ties by chunk, then altruistic
// sales) and opens the next period. rng breaks ties and draws altruistic
// sales, so a run is reproducible from its seed. It returns [ErrPhase]
// before [Market.CloseBidding] and [ErrConfig] for a nil rng.
func (m *Market) Settle(rng *rand.Rand) (PeriodReport, error) {
	if err := m.ready(); err != nil {
		return PeriodReport{}, err
	}
	if !m.closed {
		return PeriodReport{}, fmt.Errorf("%w: settling before bidding closed", ErrPhase)
	}
	if rng == nil {
		return PeriodReport{}, fmt.Errorf("%w: nil rng", ErrConfig)
	}
	rep := PeriodReport{
		Period:   m.period,
		Losers:   make(map[ChunkID][]BidderID),
		Excluded: make(map[ChunkID][]Exclusion),
	}
	var paid, gifts []Sale
	bidders := make(map[ChunkID][]BidderID)
	for _, chunk := range m.Requested() {
		s := m.open[chunk]
		r, err := s.Clear(rng)
		// CloseBidding put every auction of the period in its reveal phase,
		// the only state Clear accepts. mutation: unreachable.
		if err != nil {
			return PeriodReport{}, err
		}
		if len(r.Excluded) > 0 {
			rep.Excluded[chunk] = r.Excluded
		}
		ids, bids := s.countedBidders()
		bidders[chunk] = ids
		switch {
		case r.Sold:
			paid = append(paid, Sale{Chunk: chunk, Auction: s.ID(), Buyer: r.Winner, Price: r.Price})
		case len(ids) > 0 && m.cfg.Altruism > 0 && rng.Float64() < m.cfg.Altruism:
			i := rng.IntN(len(ids))
			gifts = append(gifts, Sale{Chunk: chunk, Auction: s.ID(), Buyer: ids[i],
				Price: min(m.cfg.AltruisticPrice, bids[i]), Altruistic: true})
		default:
			rep.Unsold = append(rep.Unsold, chunk)
		}
	}
	slices.SortStableFunc(paid, func(a, b Sale) int { return cmp.Compare(b.Price, a.Price) })
	for _, s := range append(paid, gifts...) {
		if len(rep.Sales) < m.cfg.Capacity {
			rep.Sales = append(rep.Sales, s)
			l := m.chunks[s.Chunk]
			l.sold++
			l.revenue = addSat(l.revenue, s.Price)
			m.revenue = addSat(m.revenue, s.Price)
			if !s.Altruistic {
				l.lastPrice, l.priced = s.Price, true
			}
		} else if !s.Altruistic {
			rep.Deferred = append(rep.Deferred, s)
		} else {
			rep.Unsold = append(rep.Unsold, s.Chunk)
		}
	}
	served := make(map[ChunkID]BidderID, len(rep.Sales))
	for _, s := range rep.Sales {
		served[s.Chunk] = s.Buyer
	}
	for chunk, ids := range bidders {
		w, ok := served[chunk]
		var losers []BidderID
		for _, id := range ids {
			if !ok || id != w {
				losers = append(losers, id)
			}
		}
		if len(losers) > 0 {
			rep.Losers[chunk] = losers
		}
	}
	clear(m.open)
	m.closed = false
	m.period++
	return rep, nil
}
