package auctiondemo

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/swarmblocks/swarmblocks/auction"
	"github.com/swarmblocks/swarmblocks/auction/token"
	"github.com/swarmblocks/swarmblocks/internal/des"
	"lukechampine.com/blake3"
)

// round is the interval at which buyers act; backoff counts rounds.
const round = time.Second

// escrowTimeout is how long a buyer has to confirm a chunk.
const escrowTimeout = 5 * time.Second

type seller struct {
	id        auction.SellerID
	name      string
	m         *auction.Market
	wallet    token.Wallet
	bandwidth int64
	period    time.Duration
	corrupt   float64
	bids      []sentBid
	periods   int
	served    int
	refused   int // corrupted chunks, not paid for
}

type sentBid struct {
	b     *buyer
	chunk auction.ChunkID
	open  auction.Opening
}

type buyer struct {
	name     string
	file     int
	a        *auction.Buyer
	wallet   token.Wallet
	start    int // tokens after the initial purchase
	bought   int // tokens bought in all
	short    int // consecutive rounds with nothing affordable
	withhold bool
	key      *auction.BidderKey
}

type demo struct {
	w       io.Writer
	cfg     Config
	rng     *mrand.Rand
	sim     des.Sim
	x       *token.Exchange
	sellers []*seller
	buyers  []*buyer
	byID    map[auction.BidderID]*buyer
	data    map[auction.ChunkID][]byte
	fileOf  map[auction.ChunkID]int
	label   map[auction.ChunkID]string
	detail  int
	// Evidence gathered on the way.
	refunds, gifts, excluded, topUps, swarmTrades, signatures int
	replay                                                    []token.Token
	replayBy                                                  *buyer
	keyTime                                                   time.Duration
}

func newDemo(w io.Writer, cfg Config) (*demo, error) {
	d := &demo{
		w: w, cfg: cfg,
		rng:    mrand.New(mrand.NewPCG(cfg.Seed, 0x5eed)),
		byID:   make(map[auction.BidderID]*buyer),
		data:   make(map[auction.ChunkID][]byte),
		fileOf: make(map[auction.ChunkID]int),
		label:  make(map[auction.ChunkID]string),
		detail: cfg.Detail,
	}
	sk, keyTime, err := exchangeKey(cfg)
	if err != nil {
		return nil, err
	}
	d.keyTime = keyTime
	d.x, err = token.NewExchange(sk, token.Config{EscrowTimeout: escrowTimeout, Now: d.clock})
	if err != nil {
		return nil, err
	}

	// The files' chunks, named by their BLAKE3 hash; contents from the
	// seed so that chunk ids are reproducible.
	content := mrand.NewChaCha8(seed32(cfg.Seed))
	var chunks []auction.ChunkID
	for f := range cfg.Files {
		for j := range cfg.ChunksPerFile {
			b := make([]byte, cfg.ChunkSize)
			_, _ = content.Read(b)
			id := auction.ChunkID(blake3.Sum256(b))
			d.data[id] = b
			d.fileOf[id] = f
			d.label[id] = fmt.Sprintf("%c%d", 'a'+rune(f), j)
			chunks = append(chunks, id)
		}
	}

	// Sellers: seller i has bandwidth for N_c chunks every i+1 seconds,
	// so its period t = N_c / b is i+1 seconds. Replica r of chunk j is
	// at seller (j + r) mod n. Reserves are private, 2–6 tokens plus a
	// markup that grows with the seller's index.
	for i := range cfg.Sellers {
		bw := int64(cfg.ChunkSize*cfg.Capacity) / int64(i+1)
		period, err := auction.PeriodFor(cfg.Capacity, int64(cfg.ChunkSize), bw)
		if err != nil {
			return nil, err
		}
		m, err := auction.NewMarket(rand.Reader, auction.MarketConfig{
			Seller: auction.SellerID(i), Capacity: cfg.Capacity, Altruism: cfg.Altruism})
		if err != nil {
			return nil, err
		}
		s := &seller{id: auction.SellerID(i), name: fmt.Sprintf("S%d", i), m: m, bandwidth: bw, period: period}
		if i == 0 {
			s.corrupt = cfg.Corrupt
		}
		d.sellers = append(d.sellers, s)
	}
	for j, c := range chunks {
		for r := range cfg.Replicas {
			s := d.sellers[(j+r)%cfg.Sellers]
			if err := s.m.Offer(c, auction.Amount(2+d.rng.IntN(5)+int(s.id))); err != nil {
				return nil, err
			}
		}
	}

	// Buyers: buyer i is in the swarm of file i mod Files and misses k of
	// its chunks, worth V = k × (4..12) tokens to it.
	for i := range cfg.Buyers {
		f := i % cfg.Files
		k := min(cfg.ChunksPerFile, 2+d.rng.IntN(3))
		var need []auction.ChunkID
		for _, j := range d.rng.Perm(cfg.ChunksPerFile)[:k] {
			need = append(need, chunks[f*cfg.ChunksPerFile+j])
		}
		// The buyer's bidder id is derived from its signing key; the
		// key's seed comes from the simulation's generator, so a run
		// stays reproducible from its seed.
		var seed [auction.BidderKeySeedSize]byte
		for j := range seed {
			seed[j] = byte(d.rng.Uint32())
		}
		key, err := auction.NewBidderKey(seed[:])
		if err != nil {
			return nil, err
		}
		a, err := auction.NewBuyer(auction.BuyerConfig{ID: key.ID(),
			Valuation: auction.Amount(k * (4 + d.rng.IntN(9))), Chunks: need})
		if err != nil {
			return nil, err
		}
		b := &buyer{name: fmt.Sprintf("B%d", i), file: f, a: a, key: key}
		d.buyers = append(d.buyers, b)
		d.byID[a.ID()] = b
	}
	// The last buyer withholds the opening of its first bid, to show a
	// sealed bid being excluded.
	d.buyers[len(d.buyers)-1].withhold = true
	return d, nil
}

func seed32(seed uint64) [32]byte {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return s
}

// withdraw obtains n fresh tokens through f (Buy, Collect or Refund).
func (d *demo) withdraw(n int, f func(reqs [][]byte) ([][]byte, error)) ([]token.Token, error) {
	w, err := token.NewWithdrawal(rand.Reader, d.x.PublicKey(), n)
	if err != nil {
		return nil, err
	}
	sigs, err := f(w.Requests())
	if err != nil {
		return nil, err
	}
	d.signatures += n
	return w.Finalize(sigs)
}

func (d *demo) buyTokens(b *buyer, n int) error {
	if n == 0 {
		return nil
	}
	toks, err := d.withdraw(n, d.x.Buy)
	if err != nil {
		return err
	}
	b.wallet.Add(toks...)
	b.bought += n
	return nil
}

// now returns the current buyer round.
func (d *demo) now() uint64 { return uint64(d.sim.Now() / round) }

// clock is the exchange's clock: simulated time since the Unix epoch.
func (d *demo) clock() time.Time { return time.Unix(0, 0).Add(d.sim.Now()) }

func (d *demo) printf(format string, args ...any) { fmt.Fprintf(d.w, format, args...) }

func (d *demo) run() error {
	cfg := d.cfg
	d.printf("BitStore's chunk market: paper 002 Figure 2 and §5, packages auction and auction/token (seed %d)\n\n", cfg.Seed)
	if cfg.TestKey {
		d.printf("exchange: RFC 9500's published 2048-bit test key (a demo shortcut: never for real tokens) for RFC 9474 %v blind signatures\n",
			token.Variant)
	} else {
		d.printf("exchange: fresh %d-bit RSA key for RFC 9474 %v blind signatures (generated in %v)\n",
			cfg.KeyBits, token.Variant, d.keyTime.Round(time.Millisecond))
	}
	d.printf("%d files × %d chunks of %d KiB, each chunk held by %d of %d sellers\n\n",
		cfg.Files, cfg.ChunksPerFile, cfg.ChunkSize>>10, cfg.Replicas, cfg.Sellers)
	d.printf("seller  bandwidth   N_c  period t = N_c/b  chunks  serves corrupted data\n")
	for _, s := range d.sellers {
		n := 0
		for c := range d.data {
			if s.m.Offers(c) {
				n++
			}
		}
		d.printf("%-6s  %5d KiB/s  %3d  %16v  %6d  %v\n", s.name, s.bandwidth>>10, cfg.Capacity, s.period, n,
			map[bool]string{true: fmt.Sprintf("%.0f%% of the time", 100*s.corrupt), false: "no"}[s.corrupt > 0])
	}
	for _, b := range d.buyers {
		if err := d.buyTokens(b, cfg.StartTokens); err != nil {
			return err
		}
		b.start = b.wallet.Balance()
	}
	d.printf("\n%d buyers (blocked leechers) bought %d tokens each; each bids V/k on each of its k missing chunks\n\n",
		cfg.Buyers, cfg.StartTokens)

	// Buyers act every round, half a round out of step with the
	// sellers' period ends; the market stops at cfg.Duration and the
	// run continues until every escrow has been settled.
	var act func()
	act = func() {
		if err := d.buyersAct(); err != nil {
			panic(err)
		}
		if d.sim.Now()+round < cfg.Duration {
			d.sim.After(round, act)
		}
	}
	d.sim.After(round/2, act)
	for _, s := range d.sellers {
		var end func()
		end = func() {
			if err := d.periodEnd(s); err != nil {
				panic(err)
			}
			if d.sim.Now()+s.period <= cfg.Duration {
				d.sim.After(s.period, end)
			}
		}
		d.sim.After(s.period, end)
	}
	if err := d.runSim(); err != nil {
		return err
	}
	return d.report()
}

// runSim runs the event queue, turning a panic raised by an event (the
// event functions cannot return errors) back into an error.
func (d *demo) runSim() (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	d.sim.Run()
	return nil
}

// buyersAct is Figure 2 case 2 for every buyer: plan parallel bids,
// choose a seller per chunk by price, send sealed bids.
func (d *demo) buyersAct() error {
	r := d.now()
	for _, b := range d.buyers {
		if b.a.Done() {
			continue
		}
		plan := b.a.Plan(r, auction.Amount(b.wallet.Balance()))
		if len(plan) == 0 && len(b.a.Short()) > 0 && b.a.InFlight() == 0 {
			// Backs off; after three rounds short, buys more tokens.
			if b.short++; b.short >= 3 && d.cfg.TopUp > 0 {
				if err := d.buyTokens(b, d.cfg.TopUp); err != nil {
					return err
				}
				d.topUps++
				b.short = 0
			}
			continue
		}
		b.short = 0
		for _, c := range plan {
			var quotes []auction.Quote
			var holders []*seller
			for _, s := range d.sellers {
				if s.m.Offers(c) {
					p, ok := s.m.Quote(c)
					quotes = append(quotes, auction.Quote{Seller: s.id, Price: p, Known: ok})
					holders = append(holders, s)
				}
			}
			i, err := b.a.ChooseSeller(quotes, d.rng)
			if err != nil {
				return err
			}
			s := holders[i]
			id := s.m.AuctionID(c)
			sb, open, err := b.key.Seal(rand.Reader, id, b.a.Bid())
			if err != nil {
				return err
			}
			if err := s.m.Request(c, sb); err != nil {
				return err
			}
			b.a.Placed(c)
			s.bids = append(s.bids, sentBid{b: b, chunk: c, open: open})
		}
	}
	return nil
}

// periodEnd is Figure 2 case 3 at seller s: close the period's bidding,
// collect the openings, clear each chunk's auction, serve and get paid.
func (d *demo) periodEnd(s *seller) error {
	if err := s.m.CloseBidding(); err != nil {
		return err
	}
	for _, sb := range s.bids {
		if sb.b.withhold {
			sb.b.withhold = false
			continue
		}
		if err := s.m.Reveal(sb.chunk, sb.open); err != nil {
			return err
		}
	}
	period := s.m.Period()
	rep, err := s.m.Settle(d.rng)
	if err != nil {
		return err
	}
	s.periods++
	show := d.detail > 0 && len(s.bids) > 0
	if show {
		d.detail--
		chunks := make(map[auction.ChunkID]bool)
		for _, sb := range s.bids {
			chunks[sb.chunk] = true
		}
		d.printf("t=%4.1fs %s period %d: %s on %s\n",
			d.sim.Now().Seconds(), s.name, period, plural(len(s.bids), "sealed bid"), plural(len(chunks), "chunk"))
	}
	got := make(map[auction.ChunkID]*buyer) // chunk → buyer who received it intact
	for _, sale := range rep.Sales {
		b := d.byID[sale.Buyer]
		ok, err := d.deliver(s, b, sale)
		if err != nil {
			return err
		}
		if ok {
			got[sale.Chunk] = b
		}
		if show {
			kind := "pays"
			if sale.Altruistic {
				kind = "altruistic sale, pays"
			}
			note := ""
			if !ok {
				note = "; chunk corrupted, not confirmed: escrow refunded at the deadline"
			}
			d.printf("  %s wins %s, %s %d (bid %d)%s\n", b.name, d.label[sale.Chunk], kind, sale.Price, b.a.Bid(), note)
		}
	}
	if show {
		for _, sale := range rep.Deferred {
			d.printf("  %s wins %s but N_c is used up: deferred, nothing charged\n", d.byID[sale.Buyer].name, d.label[sale.Chunk])
		}
		for _, c := range rep.Unsold {
			d.printf("  %s: no bid meets the reserve, not sold\n", d.label[c])
		}
	}
	for c, xs := range rep.Excluded {
		for _, x := range xs {
			d.excluded++
			d.printf("  t=%.1fs %s: %s's sealed bid on %s excluded (%v)\n", d.sim.Now().Seconds(), s.name, d.byID[x.Bidder].name, d.label[c], x.Reason)
		}
	}
	r := d.now()
	for _, sb := range s.bids {
		if b, ok := got[sb.chunk]; ok && b == sb.b {
			continue
		}
		if w, ok := got[sb.chunk]; ok && w.file == sb.b.file && d.rng.IntN(2) == 0 {
			// §5.3: the chunk went to a peer of the loser's own swarm,
			// who trades it by tit-for-tat.
			sb.b.a.Acquired(sb.chunk)
			d.swarmTrades++
			continue
		}
		sb.b.a.Lost(sb.chunk, r, d.rng)
	}
	s.bids = s.bids[:0]
	return nil
}

// deliver charges a sale through escrow, serves the chunk, and lets the
// buyer confirm it only if its hash matches; it reports whether the buyer
// got the chunk.
func (d *demo) deliver(s *seller, b *buyer, sale auction.Sale) (bool, error) {
	data := d.data[sale.Chunk]
	if s.corrupt > 0 && d.rng.Float64() < s.corrupt {
		data = append([]byte(nil), data...)
		data[d.rng.IntN(len(data))] ^= 0x20
	}
	intact := blake3.Sum256(data) == [32]byte(sale.Chunk)
	if sale.Altruistic {
		d.gifts++
	}
	if sale.Price == 0 {
		if intact {
			b.a.Won(sale.Chunk, 0)
			s.served++
		} else {
			s.refused++
			b.a.Lost(sale.Chunk, d.now(), d.rng)
		}
		return intact, nil
	}
	toks, err := b.wallet.Take(int(sale.Price))
	if err != nil {
		return false, fmt.Errorf("auctiondemo: %s cannot pay %d: %w", b.name, sale.Price, err)
	}
	payer, err := token.NewSecret(rand.Reader)
	if err != nil {
		return false, err
	}
	payee, err := token.NewSecret(rand.Reader)
	if err != nil {
		return false, err
	}
	id, deadline, err := d.x.Escrow(toks, payee.Lock(), payer.Lock())
	if err != nil {
		return false, err
	}
	if d.replay == nil {
		d.replay, d.replayBy = toks, b
	}
	if !intact {
		// The buyer does not confirm; after the deadline it takes its
		// tokens back.
		s.refused++
		b.a.Lost(sale.Chunk, d.now(), d.rng)
		wait := deadline.Sub(d.clock())
		d.sim.After(wait, func() {
			back, err := d.withdraw(int(sale.Price), func(reqs [][]byte) ([][]byte, error) {
				return d.x.Refund(id, payer, reqs)
			})
			if err != nil {
				panic(err)
			}
			b.wallet.Add(back...)
			d.refunds++
		})
		return false, nil
	}
	if err := d.x.Confirm(id, payer); err != nil {
		return false, err
	}
	earned, err := d.withdraw(int(sale.Price), func(reqs [][]byte) ([][]byte, error) {
		return d.x.Collect(id, payee, reqs)
	})
	if err != nil {
		return false, err
	}
	s.wallet.Add(earned...)
	s.served++
	b.a.Won(sale.Chunk, sale.Price)
	return true, nil
}

func (d *demo) report() error {
	cfg := d.cfg
	d.printf("\nafter %v of market (%d blind signatures issued in all):\n\n", cfg.Duration, d.signatures)
	d.printf("buyer  swarm   V   k  V/k  tokens start→end  bought  paid  chunks: auction/swarm/missing  utility\n")
	for _, b := range d.buyers {
		byAuction, bySwarm := b.a.Bought()
		util := "—"
		if b.a.Done() {
			util = fmt.Sprint(b.a.Utility())
		}
		d.printf("%-5s  %5c  %3d  %2d  %3d  %6d → %-6d  %6d  %4d  %14d/%d/%d  %7s\n",
			b.name, 'a'+rune(b.file), b.a.Valuation(), byAuction+bySwarm+len(b.a.Needed()), b.a.Bid(),
			b.start, b.wallet.Balance(), b.bought, b.a.Spent(), byAuction, bySwarm, len(b.a.Needed()), util)
		if b.a.Spent() > b.a.Valuation() {
			return fmt.Errorf("auctiondemo: %s paid %d for a set worth %d", b.name, b.a.Spent(), b.a.Valuation())
		}
	}
	d.printf("(paid ≤ V for every buyer: a second price never exceeds the bid V/k; utility = V − paid once the set is complete)\n")
	d.printf("\nseller  periods  served  not paid (corrupt)  auction revenue  tokens earned  chunks sold more than once\n")
	for _, s := range d.sellers {
		var multi []string
		for _, c := range d.sortedChunks() {
			if n, _ := s.m.Sold(c); n > 1 {
				multi = append(multi, fmt.Sprintf("%s×%d", d.label[c], n))
			}
		}
		d.printf("%-6s  %7d  %6d  %18d  %15d  %13d  %s\n", s.name, s.periods, s.served, s.refused,
			s.m.Revenue(), s.wallet.Balance(), strings.Join(multi, " "))
	}
	d.printf("\naltruistic sales: %d; sealed bids excluded: %d; chunks traded in-swarm after a lost auction: %d; top-ups: %d; escrow refunds: %d\n",
		d.gifts, d.excluded, d.swarmTrades, d.topUps, d.refunds)

	// A replayed token.
	if d.replay != nil {
		payee, _ := token.NewSecret(rand.Reader)
		_, _, err := d.x.Escrow(d.replay[:1], payee.Lock(), payee.Lock())
		if !errors.Is(err, token.ErrDoubleSpend) {
			return fmt.Errorf("auctiondemo: replayed token not refused: %v", err)
		}
		d.printf("double spend: %s replays a token it already paid with → refused (%v)\n", d.replayBy.name, err)
	}

	// The books, checked against the wallets.
	s := d.x.Stats()
	held := 0
	for _, b := range d.buyers {
		held += b.wallet.Balance()
	}
	for _, sl := range d.sellers {
		held += sl.wallet.Balance()
	}
	d.printf("ledger: minted %d = held %d + escrowed %d + redeemed %d; purchased %d = held %d + escrowed %d + cashed out %d\n",
		s.Minted, held, s.Escrowed, s.Redeemed, s.Purchased, held, s.Escrowed, s.CashedOut)
	if err := d.x.Audit(); err != nil {
		return err
	}
	if int64(held) != s.Outstanding || s.Minted != int64(held)+s.Escrowed+s.Redeemed || s.Purchased != int64(held)+s.Escrowed+s.CashedOut {
		return errors.New("auctiondemo: the books do not match the wallets")
	}
	d.printf("audit: the books balance and match the wallets\n")
	return nil
}

// sortedChunks returns the chunks in label order.
func (d *demo) sortedChunks() []auction.ChunkID {
	out := make([]auction.ChunkID, 0, len(d.data))
	for c := range d.data {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b auction.ChunkID) int { return strings.Compare(d.label[a], d.label[b]) })
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
