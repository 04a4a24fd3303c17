package valuation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// MaxK is the largest anonymity level k an [ActiveSet] accepts.
const MaxK = 64

// Default values of the zero fields of an [ActiveSetConfig].
const (
	DefaultMinInterval = time.Minute
	DefaultHysteresis  = 0.1
)

// ActiveSetConfig configures an [ActiveSet].
type ActiveSetConfig struct {
	// K is the anonymity level: the number of torrents the node trades at
	// once and must download completely before it leaves. 1 ≤ K ≤ MaxK.
	K int
	// MinInterval is the least time between two replacements, so that
	// downloads get the time to complete (§5.2); zero means
	// DefaultMinInterval.
	MinInterval time.Duration
	// Hysteresis is the margin, in value units, by which an advertised
	// torrent must beat the least valuable member to replace it; zero
	// means DefaultHysteresis, a negative value means no margin.
	Hysteresis float64
	// LateStart, if positive, starts the node with k torrents drawn at
	// random from the universe and the native interest, which may or may
	// not include the native interest; if it does not, it is rotated in at
	// the first update at or after LateStart (§6.1). It is rotated in earlier
	// if only one incomplete slot is left, so that the native interest is
	// always among the k downloads.
	LateStart time.Duration
	// SeedThreshold is the value at or above which a completed member is
	// seeded (served to requesting peers). Zero seeds every completed
	// member.
	SeedThreshold float64
}

func (c ActiveSetConfig) withDefaults() (ActiveSetConfig, error) {
	if c.K < 1 || c.K > MaxK {
		return c, fmt.Errorf("%w: k = %d, want 1..%d", ErrConfig, c.K, MaxK)
	}
	if c.MinInterval == 0 {
		c.MinInterval = DefaultMinInterval
	}
	if c.MinInterval < 0 || c.LateStart < 0 {
		return c, fmt.Errorf("%w: negative interval", ErrConfig)
	}
	if c.Hysteresis != c.Hysteresis || c.SeedThreshold != c.SeedThreshold {
		return c, fmt.Errorf("%w: NaN hysteresis or seed threshold", ErrConfig)
	}
	if c.Hysteresis == 0 {
		c.Hysteresis = DefaultHysteresis
	} else if c.Hysteresis < 0 {
		c.Hysteresis = 0
	}
	return c, nil
}

// Change describes what an [ActiveSet.Update] did. The zero Change means
// nothing changed.
type Change struct {
	Joined  TorrentID // the torrent that entered the set
	Dropped TorrentID // the torrent that left it
	Swapped bool      // whether Joined replaced Dropped
}

type member struct {
	t        TorrentID
	complete bool
	seeding  bool
}

// ActiveSet is the k torrents a node trades at once [Paper §4, §5.1]: its
// native interest plus k−1 torrents chosen at random when it joins, later
// replaced one at a time by more valuable torrents its neighbours
// advertise.
//
// Invariants, after any sequence of calls: the set holds min(k, universe)
// distinct torrents; the native interest, once in, never leaves; a
// completed torrent never leaves (so the node never downloads more than k
// torrents in parallel with the ones it still needs); the node is done when
// k torrents, the native interest among them, are complete.
//
// An ActiveSet is not safe for concurrent use.
type ActiveSet struct {
	cfg        ActiveSetConfig
	native     TorrentID
	members    []member
	completed  int
	lastChange time.Duration
	changed    bool
	now        time.Duration
	scratch    []TorrentID
}

// NewActiveSet joins the marketplace for native, drawing the other k−1
// members (all k with LateStart) uniformly from universe, the list of
// active torrents the DHT returned. universe need not contain native; a
// universe with fewer than k other torrents gives a smaller set.
func NewActiveSet(cfg ActiveSetConfig, native TorrentID, universe []TorrentID, rng *rand.Rand) (*ActiveSet, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pool := make([]TorrentID, 0, len(universe)+1)
	for _, t := range universe {
		if t != native && !slices.Contains(pool, t) {
			pool = append(pool, t)
		}
	}
	a := &ActiveSet{cfg: cfg, native: native}
	n := cfg.K
	if cfg.LateStart == 0 {
		a.members = append(a.members, member{t: native})
		n--
	} else {
		// §6.1: k random torrents, which may or may not include the
		// native interest.
		pool = append(pool, native)
	}
	for i := 0; i < n && len(pool) > 0; i++ {
		j := rng.IntN(len(pool))
		a.members = append(a.members, member{t: pool[j]})
		pool[j] = pool[len(pool)-1]
		pool = pool[:len(pool)-1]
	}
	// Shuffle so that the position of the native interest says nothing.
	rng.Shuffle(len(a.members), func(i, j int) { a.members[i], a.members[j] = a.members[j], a.members[i] })
	return a, nil
}

// K returns the anonymity level.
func (a *ActiveSet) K() int { return a.cfg.K }

// Native returns the native interest.
func (a *ActiveSet) Native() TorrentID { return a.native }

// Len returns the number of members.
func (a *ActiveSet) Len() int { return len(a.members) }

// AppendMembers appends the members to dst and returns the result.
func (a *ActiveSet) AppendMembers(dst []TorrentID) []TorrentID {
	for _, m := range a.members {
		dst = append(dst, m.t)
	}
	return dst
}

func (a *ActiveSet) find(t TorrentID) int {
	for i := range a.members {
		if a.members[i].t == t {
			return i
		}
	}
	return -1
}

// Contains reports whether t is a member.
func (a *ActiveSet) Contains(t TorrentID) bool { return a.find(t) >= 0 }

// Downloading reports whether t is an incomplete member.
func (a *ActiveSet) Downloading(t TorrentID) bool {
	i := a.find(t)
	return i >= 0 && !a.members[i].complete
}

// Serves reports whether the node serves requests for t: t is an incomplete
// member, or a completed member whose value was at least SeedThreshold at
// the last update.
func (a *ActiveSet) Serves(t TorrentID) bool {
	i := a.find(t)
	return i >= 0 && (!a.members[i].complete || a.members[i].seeding)
}

// Complete records that the node finished downloading member t. Completing a
// member twice does nothing. If the native interest is not yet in the set
// (LateStart) and only one incomplete member is left, the native interest
// replaces that member at once, so that it is always among the k downloads;
// the returned Change reports it, and the caller advertises it as it would
// a change from [ActiveSet.Update].
func (a *ActiveSet) Complete(t TorrentID) (Change, error) {
	i := a.find(t)
	if i < 0 {
		return Change{}, fmt.Errorf("%w: %d", ErrNotMember, t)
	}
	if !a.members[i].complete {
		a.members[i].complete = true
		a.members[i].seeding = true
		a.completed++
	}
	if a.find(a.native) < 0 && len(a.members)-a.completed == 1 {
		for j := range a.members {
			if !a.members[j].complete {
				// No valuation needed: there is no choice left.
				return a.swap(a.now, j, a.native), nil
			}
		}
	}
	return Change{}, nil
}

// Completed returns the number of completed downloads.
func (a *ActiveSet) Completed() int { return a.completed }

// Done reports whether the node may leave: k downloads are complete, the
// native interest among them (or every member is complete, when the
// universe was smaller than k).
func (a *ActiveSet) Done() bool {
	if a.completed < len(a.members) && a.completed < a.cfg.K {
		return false
	}
	i := a.find(a.native)
	return i >= 0 && a.members[i].complete
}

// Valuer values torrents; [*Market] is one.
type Valuer interface {
	Value(now time.Duration, t TorrentID) (float64, error)
	AppendAdvertised(dst []TorrentID) []TorrentID
}

var _ Valuer = (*Market)(nil)

// Update reconsiders the set at now (§5.1): it rotates in a late-start
// native interest when due, then, at most once per MinInterval, replaces
// the least valuable incomplete member other than the native interest by
// the most valuable torrent advertised by a neighbour and not in the set,
// if that beats it by more than Hysteresis. It also refreshes which
// completed members are seeded.
func (a *ActiveSet) Update(now time.Duration, v Valuer) (Change, error) {
	if now < a.now {
		return Change{}, fmt.Errorf("%w: %v after %v", ErrClockBackwards, now, a.now)
	}
	a.now = now
	for i := range a.members {
		if m := &a.members[i]; m.complete {
			val, err := v.Value(now, m.t)
			if err != nil {
				return Change{}, err
			}
			m.seeding = val >= a.cfg.SeedThreshold
		}
	}
	incomplete := len(a.members) - a.completed
	if !a.Contains(a.native) && (now >= a.cfg.LateStart || incomplete <= 1) {
		least, _, err := a.least(now, v)
		if err != nil || least < 0 {
			return Change{}, err
		}
		return a.swap(now, least, a.native), nil
	}
	if a.changed && now-a.lastChange < a.cfg.MinInterval {
		return Change{}, nil
	}
	least, lv, err := a.least(now, v)
	if err != nil || least < 0 {
		return Change{}, err
	}
	a.scratch = v.AppendAdvertised(a.scratch[:0])
	best, bv := TorrentID(0), -1.0
	for _, t := range a.scratch {
		if a.Contains(t) {
			continue
		}
		val, err := v.Value(now, t)
		if err != nil {
			return Change{}, err
		}
		if val > bv {
			best, bv = t, val
		}
	}
	if bv > lv+a.cfg.Hysteresis {
		return a.swap(now, least, best), nil
	}
	return Change{}, nil
}

// least returns the index and value of the least valuable incomplete member
// other than the native interest, or -1.
func (a *ActiveSet) least(now time.Duration, v Valuer) (int, float64, error) {
	idx, lv := -1, 0.0
	for i, m := range a.members {
		if m.complete || m.t == a.native {
			continue
		}
		val, err := v.Value(now, m.t)
		if err != nil {
			return -1, 0, err
		}
		if idx < 0 || val < lv {
			idx, lv = i, val
		}
	}
	return idx, lv, nil
}

func (a *ActiveSet) swap(now time.Duration, i int, t TorrentID) Change {
	c := Change{Joined: t, Dropped: a.members[i].t, Swapped: true}
	a.members[i] = member{t: t}
	a.lastChange, a.changed = now, true
	return c
}
