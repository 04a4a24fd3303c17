package valuation

import (
	"fmt"
	"iter"
	"math"
	"time"
)

// TorrentID names a torrent. A client maps its info-hashes (the paper's
// random identifiers, §5.1) to TorrentIDs of its choosing.
type TorrentID uint32

// PeerID names a neighbour. A client maps its connections to PeerIDs of its
// choosing.
type PeerID uint32

// MaxPieces is the largest number of pieces a torrent may have (2^24: a
// 4 TiB torrent in 256 KiB pieces).
const MaxPieces = 1 << 24

// Default values of the zero fields of a [Config].
const (
	DefaultHaveHalfLife    = 2 * time.Minute
	DefaultRequestHalfLife = time.Minute
	DefaultHaveScale       = 1.0
	DefaultRequestScale    = 1.0
)

// Config configures a [Market]. The zero Config is valid: each zero field
// takes its default.
type Config struct {
	// Weights of the valuation; the zero Weights means [DefaultWeights].
	Weights Weights
	// HaveHalfLife and RequestHalfLife are the half-lives of the
	// time-decayed HAVE and REQUEST counts.
	HaveHalfLife, RequestHalfLife time.Duration
	// HaveScale and RequestScale are pseudo-counts added to the
	// denominators of the HAVE and REQUEST shares, so that a lone old
	// message does not make a torrent look in demand.
	HaveScale, RequestScale float64
	// DecayCache, if not nil, is shared with other Markets used from the
	// same goroutine to save recomputing the same exponentials (see
	// [DecayCache]); it changes no value.
	DecayCache *DecayCache
}

func (c Config) withDefaults() (Config, error) {
	if c.Weights == (Weights{}) {
		c.Weights = DefaultWeights()
	}
	if err := c.Weights.Validate(); err != nil {
		return c, err
	}
	if c.HaveHalfLife == 0 {
		c.HaveHalfLife = DefaultHaveHalfLife
	}
	if c.RequestHalfLife == 0 {
		c.RequestHalfLife = DefaultRequestHalfLife
	}
	if c.HaveHalfLife < 0 || c.RequestHalfLife < 0 {
		return c, fmt.Errorf("%w: negative half-life", ErrConfig)
	}
	if c.HaveScale == 0 {
		c.HaveScale = DefaultHaveScale
	}
	if c.RequestScale == 0 {
		c.RequestScale = DefaultRequestScale
	}
	for _, s := range []float64{c.HaveScale, c.RequestScale} {
		if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
			return c, fmt.Errorf("%w: scale %v", ErrConfig, s)
		}
	}
	return c, nil
}

type torrentState struct {
	id     TorrentID
	pieces int
	own    int // pieces the node holds

	advertisers int   // neighbours advertising the torrent
	haveSum     int64 // pieces held, summed over advertisers

	// haves and requests are decayed counts on the Market's clocks.
	haves, requests float64
}

// Market is one node's view of the marketplace: the torrents it knows, what
// its neighbours advertise, announce and request, and its own progress. It
// values torrents from these observations [Paper §5.2].
//
// Every method that takes a time requires times that never decrease (they
// are durations since an epoch of the caller's choosing, e.g. the client's
// start); an earlier time is rejected with [ErrClockBackwards].
//
// A Market is not safe for concurrent use.
type Market struct {
	cfg      Config
	now      time.Duration
	torrents []torrentState

	// Torrent indices by ID: a dense slice for IDs below denseIDs
	// (torrent index+1, 0 meaning unknown), a map above. Peers by ID:
	// see [peerTable].
	denseIndex []int32
	index      map[TorrentID]int32
	peers      peerTable

	haveClock, requestClock decayClock
	haveTotal, requestTotal float64

	resolved []resolved // scratch of Observe
	sink     int32      // keeps Observe's early loads of the cells
}

// NewMarket returns an empty Market.
func NewMarket(cfg Config) (*Market, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Market{
		cfg:          cfg,
		haveClock:    newDecayClock(cfg.HaveHalfLife, cfg.DecayCache),
		requestClock: newDecayClock(cfg.RequestHalfLife, cfg.DecayCache),
	}, nil
}

// Config returns the configuration in force, defaults filled in.
func (m *Market) Config() Config { return m.cfg }

// AddTorrent makes a torrent of the given number of pieces known, for
// example from the DHT's list of active torrents (§5.1).
func (m *Market) AddTorrent(t TorrentID, pieces int) error {
	if pieces < 1 || pieces > MaxPieces {
		return fmt.Errorf("%w: torrent %d with %d pieces", ErrPiece, t, pieces)
	}
	if _, ok := m.torrentIndex(t); ok {
		return fmt.Errorf("%w: torrent %d", ErrDuplicate, t)
	}
	i := int32(len(m.torrents))
	if t < denseIDs {
		if int(t) >= len(m.denseIndex) {
			m.denseIndex = append(m.denseIndex, make([]int32, int(t)+1-len(m.denseIndex))...)
		}
		m.denseIndex[t] = i + 1
	} else {
		if m.index == nil {
			m.index = make(map[TorrentID]int32)
		}
		m.index[t] = i
	}
	m.torrents = append(m.torrents, torrentState{id: t, pieces: pieces})
	m.peers.reserve(len(m.torrents))
	return nil
}

func (m *Market) torrentIndex(t TorrentID) (int32, bool) {
	if t < denseIDs {
		if int(t) < len(m.denseIndex) && m.denseIndex[t] > 0 {
			return m.denseIndex[t] - 1, true
		}
		return 0, false
	}
	i, ok := m.index[t]
	return i, ok
}

// Pieces returns the number of pieces of t.
func (m *Market) Pieces(t TorrentID) (int, error) {
	ts, err := m.torrent(t)
	if err != nil {
		return 0, err
	}
	return ts.pieces, nil
}

// NumTorrents returns the number of known torrents.
func (m *Market) NumTorrents() int { return len(m.torrents) }

// AddPeer adds a neighbour.
func (m *Market) AddPeer(p PeerID) error {
	if m.peers.slot(p) >= 0 {
		return fmt.Errorf("%w: peer %d", ErrDuplicate, p)
	}
	m.peers.add(p, len(m.torrents))
	return nil
}

// RemovePeer forgets a neighbour and everything it advertised.
func (m *Market) RemovePeer(p PeerID) error {
	s := m.peers.slot(p)
	if s < 0 {
		return fmt.Errorf("%w: %d", ErrUnknownPeer, p)
	}
	for ti := range m.torrents {
		if *m.peers.cell(s, int32(ti)) != 0 {
			m.withdraw(s, int32(ti))
		}
	}
	m.peers.remove(p, s)
	return nil
}

// allAdverts yields every advert: peer, torrent index, pieces and, if the
// advert names them, the piece set.
func (m *Market) allAdverts() iter.Seq2[PeerID, advertView] {
	return func(yield func(PeerID, advertView) bool) {
		for s, p := range m.peers.ids {
			if !m.peers.live[s] {
				continue
			}
			for ti := range m.torrents {
				if c := *m.peers.cell(int32(s), int32(ti)); c != 0 {
					n, named := cellCount(c)
					v := advertView{ti: int32(ti), n: n}
					if named {
						v.bits = m.peers.bits[bitsKey(int32(s), int32(ti))]
					}
					if !yield(p, v) {
						return
					}
				}
			}
		}
	}
}

// advertView is one advert as [Market.allAdverts] yields it.
type advertView struct {
	ti   int32
	n    int
	bits bitset
}

// NumPeers returns the number of neighbours.
func (m *Market) NumPeers() int { return m.peers.n }

func (m *Market) torrent(t TorrentID) (*torrentState, error) {
	i, ok := m.torrentIndex(t)
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	return &m.torrents[i], nil
}

// checkClock rejects a time before the last one seen.
func (m *Market) checkClock(now time.Duration) error {
	if now < m.now {
		return fmt.Errorf("%w: %v after %v", ErrClockBackwards, now, m.now)
	}
	return nil
}

func (m *Market) tick(now time.Duration) error {
	if err := m.checkClock(now); err != nil {
		return err
	}
	m.now = now
	return nil
}

// lookup validates the peer, torrent and time of an observation about
// peer p and torrent t at now. It changes nothing: an observation that
// fails a later check must leave the clock where it was, so each Observe
// method advances the clock only once the whole observation is valid.
func (m *Market) lookup(now time.Duration, p PeerID, t TorrentID) (int32, int32, error) {
	s := m.peers.slot(p)
	if s < 0 {
		return 0, 0, fmt.Errorf("%w: %d", ErrUnknownPeer, p)
	}
	ti, ok := m.torrentIndex(t)
	if !ok {
		return 0, 0, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	if err := m.checkClock(now); err != nil {
		return 0, 0, err
	}
	return s, ti, nil
}

// lookupPiece is lookup for an observation that names a piece of t.
func (m *Market) lookupPiece(now time.Duration, p PeerID, t TorrentID, piece int) (int32, int32, error) {
	s, ti, err := m.lookup(now, p, t)
	if err != nil {
		return 0, 0, err
	}
	if n := m.torrents[ti].pieces; piece < 0 || piece >= n {
		return 0, 0, fmt.Errorf("%w: piece %d of %d", ErrPiece, piece, n)
	}
	return s, ti, nil
}

// withdraw removes the advert of slot s for torrent ti, which must exist.
func (m *Market) withdraw(s, ti int32) {
	cell := m.peers.cell(s, ti)
	n, named := cellCount(*cell)
	ts := &m.torrents[ti]
	ts.advertisers--
	ts.haveSum -= int64(n)
	*cell = 0
	if named {
		delete(m.peers.bits, bitsKey(s, ti))
	}
}

// advertise replaces what slot s advertised for torrent ti by n pieces,
// named by b if b is not nil.
func (m *Market) advertise(s, ti int32, n int, b bitset) {
	if *m.peers.cell(s, ti) != 0 {
		m.withdraw(s, ti)
	}
	cell := int32(n + 1)
	if b != nil {
		cell = -cell
		if m.peers.bits == nil {
			m.peers.bits = make(map[int64]bitset)
		}
		m.peers.bits[bitsKey(s, ti)] = b
	}
	*m.peers.cell(s, ti) = cell
	ts := &m.torrents[ti]
	ts.advertisers++
	ts.haveSum += int64(n)
}

// ObserveBitfield records that peer p advertises torrent t holding the
// pieces of bitfield, a BitTorrent BITFIELD payload ([BitfieldLen] bytes,
// piece 0 in the high bit of the first byte, spare bits zero). It replaces
// what p advertised for t before. A malformed bitfield is rejected with
// [ErrBitfield] and changes nothing.
func (m *Market) ObserveBitfield(now time.Duration, p PeerID, t TorrentID, bitfield []byte) error {
	s, ti, err := m.lookup(now, p, t)
	if err != nil {
		return err
	}
	ts := &m.torrents[ti]
	b := newBitset(ts.pieces)
	if err := parseBitfield(b, ts.pieces, bitfield); err != nil {
		return err
	}
	m.now = now
	m.advertise(s, ti, b.count(), b)
	return nil
}

// ObserveJoin records that peer p advertises torrent t holding the given
// number of pieces, without naming them: a shortcut for simulations and for
// clients that track bitfields themselves. Later HAVEs for t from p are then
// counted without deduplication.
func (m *Market) ObserveJoin(now time.Duration, p PeerID, t TorrentID, have int) error {
	s, ti, err := m.lookup(now, p, t)
	if err != nil {
		return err
	}
	ts := &m.torrents[ti]
	if have < 0 || have > ts.pieces {
		return fmt.Errorf("%w: %d of %d pieces", ErrPiece, have, ts.pieces)
	}
	m.now = now
	m.advertise(s, ti, have, nil)
	return nil
}

// ObserveWithdraw records that peer p no longer advertises torrent t (it
// dropped t from its active set). Withdrawing a torrent p did not advertise
// does nothing.
func (m *Market) ObserveWithdraw(now time.Duration, p PeerID, t TorrentID) error {
	s, ti, err := m.lookup(now, p, t)
	if err != nil {
		return err
	}
	m.now = now
	if *m.peers.cell(s, ti) != 0 {
		m.withdraw(s, ti)
	}
	return nil
}

// ObserveHave records a HAVE announcement from peer p for a piece of
// torrent t. A HAVE for a torrent p had not advertised advertises it (a
// BITFIELD is optional in BitTorrent); a repeated HAVE for a piece already
// announced is ignored.
func (m *Market) ObserveHave(now time.Duration, p PeerID, t TorrentID, piece int) error {
	s, ti, err := m.lookupPiece(now, p, t, piece)
	if err != nil {
		return err
	}
	m.have(now, s, ti, piece)
	return nil
}

// have records a HAVE from slot s for piece of torrent index ti at now,
// all checked.
func (m *Market) have(now time.Duration, s, ti int32, piece int) {
	ts := &m.torrents[ti]
	m.now = now
	cell := m.peers.cell(s, ti)
	if *cell == 0 {
		m.advertise(s, ti, 0, newBitset(ts.pieces))
	}
	if *cell < 0 {
		b := m.peers.bits[bitsKey(s, ti)]
		if b.has(piece) {
			return
		}
		b.set(piece)
		if int(-*cell)-1 < ts.pieces {
			*cell--
			ts.haveSum++
		}
	} else if int(*cell)-1 < ts.pieces {
		*cell++
		ts.haveSum++
	}
	m.rebase(now)
	w := m.haveClock.scaleAt(now)
	ts.haves += w
	m.haveTotal += w
}

// ObserveRequest records a REQUEST from peer p for a piece of torrent t.
func (m *Market) ObserveRequest(now time.Duration, p PeerID, t TorrentID, piece int) error {
	_, ti, err := m.lookupPiece(now, p, t, piece)
	if err != nil {
		return err
	}
	m.request(now, ti)
	return nil
}

// request records a REQUEST for torrent index ti at now, all checked.
func (m *Market) request(now time.Duration, ti int32) {
	ts := &m.torrents[ti]
	m.now = now
	m.rebase(now)
	w := m.requestClock.scaleAt(now)
	ts.requests += w
	m.requestTotal += w
}

// Observation is a HAVE or a REQUEST received, for [Market.Observe].
type Observation struct {
	At      time.Duration
	Peer    PeerID
	Torrent TorrentID
	Piece   int32
	Request bool // a REQUEST; otherwise a HAVE
}

// resolved is an Observation's peer slot and torrent index, or −1.
type resolved struct{ s, ti int32 }

// Observe records a batch of HAVEs and REQUESTs in order. It is the same
// as calling [Market.ObserveHave] or [Market.ObserveRequest] for each in
// turn and stopping at the first error, which it returns: the
// observations before it are recorded, the others not.
//
// It is faster than one call each when the Market is not in cache (a
// simulation that queues each node's observations and delivers them in
// batches): it finds the peers and torrents of the whole batch first and
// then touches their cells, loads that do not depend on one another and
// so wait for memory together, before it records the observations one by
// one.
func (m *Market) Observe(batch []Observation) error {
	res := m.resolved[:0]
	bad := len(batch)
	for i := range batch {
		o := &batch[i]
		s := m.peers.slot(o.Peer)
		ti, ok := m.torrentIndex(o.Torrent)
		if s < 0 || !ok {
			bad = i
			break
		}
		res = append(res, resolved{s, ti})
	}
	m.resolved = res
	var sink int32
	for _, r := range res {
		sink |= *m.peers.cell(r.s, r.ti) | int32(m.torrents[r.ti].haveSum)
	}
	m.sink = sink
	for i, r := range res {
		o := &batch[i]
		if err := m.checkClock(o.At); err != nil {
			return err
		}
		if n := m.torrents[r.ti].pieces; o.Piece < 0 || int(o.Piece) >= n {
			return fmt.Errorf("%w: piece %d of %d", ErrPiece, o.Piece, n)
		}
		if o.Request {
			m.request(o.At, r.ti)
		} else {
			m.have(o.At, r.s, r.ti, int(o.Piece))
		}
	}
	if bad < len(batch) {
		o := &batch[bad]
		if o.Request {
			return m.ObserveRequest(o.At, o.Peer, o.Torrent, int(o.Piece))
		}
		return m.ObserveHave(o.At, o.Peer, o.Torrent, int(o.Piece))
	}
	return nil
}

// rebase moves a decay clock's epoch to now once its scale grows large,
// dividing the counts on it by the old scale: every 256 half-lives.
func (m *Market) rebase(now time.Duration) {
	if m.haveClock.needsRebase(now) {
		f := m.haveClock.rebase(now)
		for i := range m.torrents {
			m.torrents[i].haves /= f
		}
		m.haveTotal /= f
	}
	if m.requestClock.needsRebase(now) {
		f := m.requestClock.rebase(now)
		for i := range m.torrents {
			m.torrents[i].requests /= f
		}
		m.requestTotal /= f
	}
}

// SetOwnPieces records how many pieces of t the node itself holds.
func (m *Market) SetOwnPieces(t TorrentID, have int) error {
	ts, err := m.torrent(t)
	if err != nil {
		return err
	}
	if have < 0 || have > ts.pieces {
		return fmt.Errorf("%w: %d of %d pieces", ErrPiece, have, ts.pieces)
	}
	ts.own = have
	return nil
}

// Advertisers returns how many neighbours advertise t.
func (m *Market) Advertisers(t TorrentID) (int, error) {
	ts, err := m.torrent(t)
	if err != nil {
		return 0, err
	}
	return ts.advertisers, nil
}

// AppendAdvertised appends to dst the torrents at least one neighbour
// advertises, in the order they were added, and returns the result.
func (m *Market) AppendAdvertised(dst []TorrentID) []TorrentID {
	for i := range m.torrents {
		if m.torrents[i].advertisers > 0 {
			dst = append(dst, m.torrents[i].id)
		}
	}
	return dst
}

// Factors returns the four factors of t's value at now:
//
//   - Completeness: own/pieces, or 0 once the torrent is complete (there
//     is nothing left to finish; a completed torrent earns only through
//     demand).
//   - DemandSupply: r/(1+r) with r = demand/(1+supply), where demand is
//     the pieces the advertising neighbours still need and supply the
//     pieces they hold, both in units of whole torrents (the 1 counts the
//     node itself as a prospective supplier).
//   - Have: h/(H+HaveScale), h the decayed HAVE count for t and H the
//     decayed HAVE count over all torrents.
//   - Request: q/(Q+RequestScale), q and Q the same for REQUESTs received.
func (m *Market) Factors(now time.Duration, t TorrentID) (Factors, error) {
	i, ok := m.torrentIndex(t)
	if !ok {
		return Factors{}, fmt.Errorf("%w: %d", ErrUnknownTorrent, t)
	}
	if err := m.tick(now); err != nil {
		return Factors{}, err
	}
	return m.factors(now, &m.torrents[i]), nil
}

func (m *Market) factors(now time.Duration, ts *torrentState) Factors {
	var f Factors
	if ts.own < ts.pieces {
		f.Completeness = float64(ts.own) / float64(ts.pieces)
	}
	if ts.advertisers > 0 {
		p := float64(ts.pieces)
		supply := float64(ts.haveSum) / p
		demand := float64(ts.advertisers) - supply
		// r/(1+r) with r = demand/(1+supply).
		f.DemandSupply = demand / (demand + 1 + supply)
	}
	// h/(H+scale) with h and H the counts at now: the clock's scale
	// divides both, so it multiplies the pseudo-count instead.
	if ts.haves > 0 {
		m.rebase(now)
		f.Have = ts.haves / (m.haveTotal + m.cfg.HaveScale*m.haveClock.scaleAt(now))
	}
	if ts.requests > 0 {
		m.rebase(now)
		f.Request = ts.requests / (m.requestTotal + m.cfg.RequestScale*m.requestClock.scaleAt(now))
	}
	return f
}

// Value returns t's value at now: the weighted sum of its [Factors], in
// [0, Weights.Sum()).
func (m *Market) Value(now time.Duration, t TorrentID) (float64, error) {
	f, err := m.Factors(now, t)
	if err != nil {
		return 0, err
	}
	return f.Value(m.cfg.Weights), nil
}
