package valuation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Default values of the zero fields of an [UnchokeConfig], those of the
// mainline BitTorrent client.
const (
	DefaultRegularUnchokes   = 3
	DefaultOptimistic        = 1
	DefaultOptimisticRounds  = 3
	DefaultUnchokeInterval   = 10 * time.Second
	DefaultServiceMemory     = 0.5
	maxUnchokeSlots          = 1 << 10
	defaultServiceEntriesCap = 4
)

// UnchokeConfig configures an [Unchoker]. The zero UnchokeConfig is valid:
// each zero field takes its default.
type UnchokeConfig struct {
	// Regular is the number of regular unchoke slots, given to the peers
	// with the best value-weighted upload service.
	Regular int
	// Optimistic is the number of optimistic unchoke slots, given to
	// random interested peers. A negative value means none.
	Optimistic int
	// OptimisticRounds is how many rounds an optimistic unchoke lasts.
	OptimisticRounds int
	// ServiceMemory is the fraction of a peer's weighted service carried
	// over to the next round, in [0, 1): the service is an exponentially
	// weighted moving sum with this factor per round. A negative value
	// means none (only the last round counts).
	ServiceMemory float64
}

func (c UnchokeConfig) withDefaults() (UnchokeConfig, error) {
	if c.Regular == 0 {
		c.Regular = DefaultRegularUnchokes
	}
	if c.Optimistic == 0 {
		c.Optimistic = DefaultOptimistic
	} else if c.Optimistic < 0 {
		c.Optimistic = 0
	}
	if c.OptimisticRounds == 0 {
		c.OptimisticRounds = DefaultOptimisticRounds
	}
	if c.ServiceMemory == 0 {
		c.ServiceMemory = DefaultServiceMemory
	} else if c.ServiceMemory < 0 {
		c.ServiceMemory = 0
	}
	switch {
	case c.Regular < 0 || c.Regular > maxUnchokeSlots || c.Optimistic > maxUnchokeSlots:
		return c, fmt.Errorf("%w: %d regular and %d optimistic slots", ErrConfig, c.Regular, c.Optimistic)
	case c.OptimisticRounds < 0:
		return c, fmt.Errorf("%w: %d optimistic rounds", ErrConfig, c.OptimisticRounds)
	case math.IsNaN(c.ServiceMemory) || c.ServiceMemory >= 1:
		return c, fmt.Errorf("%w: service memory %v", ErrConfig, c.ServiceMemory)
	}
	return c, nil
}

type serviceEntry struct {
	t     TorrentID
	bytes int64
}

type peerService struct {
	entries []serviceEntry // bytes received per torrent since the last round
	score   float64        // value-weighted service carried over
}

type ranked struct {
	p     PeerID
	score float64
}

// Unchoker decides, on each periodic round, which neighbours a node unchokes
// [Paper §5.1]. Unchoking is not torrent-specific: an unchoked peer may
// request any torrent the node serves. A peer's upload service to the node
// is weighted by the value of what it sent, so a peer that uploaded pieces
// of a valuable torrent ranks above one that uploaded as many bytes of a
// worthless one; the best peers get the regular slots and random interested
// peers the optimistic ones, as in BitTorrent.
//
// An Unchoker is not safe for concurrent use.
type Unchoker struct {
	cfg        UnchokeConfig
	rng        *rand.Rand
	peers      peerIndex
	service    []peerService // by slot of peers (inline: one miss fewer per piece received)
	optimistic []PeerID
	optRounds  int
	values     []torrentValue    // this round's values; NaN: unknown torrent
	valueIndex map[TorrentID]int // index into values once it is long
	rank       []ranked
	discarded  int64
}

// NewUnchoker returns an Unchoker drawing its optimistic unchokes from rng.
func NewUnchoker(cfg UnchokeConfig, rng *rand.Rand) (*Unchoker, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Unchoker{
		cfg: cfg,
		rng: rng,
	}, nil
}

// Received credits peer p with n bytes of torrent t uploaded to the node.
func (u *Unchoker) Received(p PeerID, t TorrentID, n int64) error {
	if n < 0 {
		return fmt.Errorf("%w: %d", ErrBytes, n)
	}
	i := u.peers.slot(p)
	if i < 0 {
		var fresh bool
		if i, fresh = u.peers.add(p); fresh {
			u.service = append(u.service, peerService{entries: make([]serviceEntry, 0, defaultServiceEntriesCap)})
		}
		// A reused slot was emptied by Forget.
	}
	ps := &u.service[i]
	for i := range ps.entries {
		if e := &ps.entries[i]; e.t == t {
			e.bytes = min(e.bytes, math.MaxInt64-n) + n // saturates
			return nil
		}
	}
	ps.entries = append(ps.entries, serviceEntry{t: t, bytes: n})
	return nil
}

// Forget drops what the Unchoker knows of peer p (it disconnected).
func (u *Unchoker) Forget(p PeerID) {
	if s := u.peers.slot(p); s >= 0 {
		u.peers.remove(p, s)
		// Empty the slot for its next peer, keeping its entries' room.
		u.service[s] = peerService{entries: u.service[s].entries[:0]}
	}
	if i := slices.Index(u.optimistic, p); i >= 0 {
		u.optimistic = slices.Delete(u.optimistic, i, i+1)
	}
}

// torrentValue is a torrent's value in an unchoke round.
type torrentValue struct {
	t TorrentID
	v float64
}

// maxScannedValues is the number of a round's values found by a scan;
// beyond it, through a map.
const maxScannedValues = 32

// value returns t's value in this round, if known. A round values the
// few torrents its peers uploaded: a scan of a short slice costs less
// than a map, which is used only if a round values many torrents.
func (u *Unchoker) value(t TorrentID) (float64, bool) {
	if len(u.values) > maxScannedValues {
		i, ok := u.valueIndex[t]
		if !ok {
			return 0, false
		}
		return u.values[i].v, true
	}
	for _, x := range u.values {
		if x.t == t {
			return x.v, true
		}
	}
	return 0, false
}

// addValue records t's value in this round.
func (u *Unchoker) addValue(t TorrentID, v float64) {
	u.values = append(u.values, torrentValue{t, v})
	switch n := len(u.values); {
	case n == maxScannedValues+1:
		if u.valueIndex == nil {
			u.valueIndex = make(map[TorrentID]int)
		}
		for i, x := range u.values {
			u.valueIndex[x.t] = i
		}
	case n > maxScannedValues+1:
		u.valueIndex[t] = n - 1
	}
}

// Discarded returns the bytes of service [Unchoker.Round] has discarded
// because they were in torrents its Valuer did not know.
func (u *Unchoker) Discarded() int64 { return u.discarded }

// Score returns p's value-weighted service as of the last round.
func (u *Unchoker) Score(p PeerID) float64 {
	if s := u.peers.slot(p); s >= 0 {
		return u.service[s].score
	}
	return 0
}

// Round runs one unchoke round at now over the interested peers and appends
// the peers to unchoke to dst: up to Regular peers with the best
// value-weighted service (ties broken at random), then up to Optimistic
// others at random, kept for OptimisticRounds rounds. Values come from v,
// one valuation per torrent per round. The service counted since the last
// round is folded into each peer's score.
//
// Service in a torrent v does not know (v's error wraps
// [ErrUnknownTorrent]: the node dropped the torrent, or the peer sent
// pieces of one the node never valued) is worth nothing: it is discarded
// and its bytes are added to [Unchoker.Discarded]. Any other error from v
// (a clock going backwards, say) ends the round before anything changes,
// so it can be run again.
func (u *Unchoker) Round(now time.Duration, v Valuer, interested []PeerID, dst []PeerID) ([]PeerID, error) {
	// Value every torrent first, so that an error leaves the state as it
	// was.
	u.values = u.values[:0]
	clear(u.valueIndex)
	for s := range u.service {
		if !u.peers.live[s] {
			continue
		}
		ps := &u.service[s]
		p := u.peers.ids[s]
		for _, e := range ps.entries {
			if _, ok := u.value(e.t); ok {
				continue
			}
			val, err := v.Value(now, e.t)
			switch {
			case errors.Is(err, ErrUnknownTorrent):
				val = math.NaN() // marks the torrent unknown
			case err != nil:
				return dst, fmt.Errorf("unchoke: service of peer %d: %w", p, err)
			case math.IsNaN(val) || math.IsInf(val, 0) || val < 0:
				return dst, fmt.Errorf("%w: value %v of torrent %d", ErrWeight, val, e.t)
			}
			u.addValue(e.t, val)
		}
	}
	for s := range u.service {
		if !u.peers.live[s] {
			continue
		}
		ps := &u.service[s]
		s := ps.score * u.cfg.ServiceMemory
		for _, e := range ps.entries {
			if val, _ := u.value(e.t); math.IsNaN(val) {
				u.discarded += e.bytes
			} else {
				s += float64(e.bytes) * val
			}
		}
		ps.entries = ps.entries[:0]
		ps.score = s
	}
	u.rank = u.rank[:0]
	for _, p := range interested {
		u.rank = append(u.rank, ranked{p: p, score: u.Score(p)})
	}
	u.rng.Shuffle(len(u.rank), func(i, j int) { u.rank[i], u.rank[j] = u.rank[j], u.rank[i] })
	// Partial selection of the Regular best: ties go to the earlier peer in
	// the shuffled order, that is, at random.
	n := min(u.cfg.Regular, len(u.rank))
	for i := range n {
		best := i
		for j := i + 1; j < len(u.rank); j++ {
			if u.rank[j].score > u.rank[best].score {
				best = j
			}
		}
		u.rank[i], u.rank[best] = u.rank[best], u.rank[i]
	}
	for _, r := range u.rank[:n] {
		dst = append(dst, r.p)
	}
	rest := u.rank[n:]

	// Optimistic unchokes: keep the current ones while they last, are
	// still interested and did not earn a regular slot.
	u.optRounds--
	if u.optRounds <= 0 {
		u.optimistic = u.optimistic[:0]
		u.optRounds = u.cfg.OptimisticRounds
	}
	keep := u.optimistic[:0]
	for _, p := range u.optimistic {
		if slices.ContainsFunc(rest, func(r ranked) bool { return r.p == p }) {
			keep = append(keep, p)
		}
	}
	u.optimistic = keep
	for len(u.optimistic) < u.cfg.Optimistic {
		// rest is shuffled apart from the score order; pick the first
		// candidate not yet chosen from a random offset.
		var pick = -1
		if len(rest) > 0 {
			off := u.rng.IntN(len(rest))
			for k := range rest {
				c := rest[(off+k)%len(rest)].p
				if !slices.Contains(u.optimistic, c) {
					pick = (off + k) % len(rest)
					break
				}
			}
		}
		if pick < 0 {
			break
		}
		u.optimistic = append(u.optimistic, rest[pick].p)
	}
	dst = append(dst, u.optimistic...)
	return dst, nil
}
