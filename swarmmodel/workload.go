package swarmmodel

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/minheap"
)

// TorrentID names a torrent of a [Workload]. IDs are assigned in birth order
// from 0.
type TorrentID uint64

// PeerID names a peer of a [Workload]. IDs are assigned in birth order from 0.
type PeerID uint64

// EventKind is the kind of a workload [Event].
type EventKind uint8

const (
	// TorrentBorn: a torrent is published; Event.Torrent is valid.
	TorrentBorn EventKind = iota + 1
	// Request: Event.Peer comes online and starts downloading Event.Torrent.
	// A peer's first Request (Event.Nth == 1) is its birth.
	Request
	// Complete: Event.Peer finished downloading Event.Torrent and seeds it.
	Complete
	// Leave: Event.Peer stops seeding Event.Torrent and goes offline. It
	// sleeps and requests another torrent later unless Event.Final is set,
	// in which case it never appears again.
	Leave
)

func (k EventKind) String() string {
	switch k {
	case TorrentBorn:
		return "torrent-born"
	case Request:
		return "request"
	case Complete:
		return "complete"
	case Leave:
		return "leave"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one step of a workload. Events come out of [Workload.Next] in
// non-decreasing Time order.
type Event struct {
	Time    time.Duration // since the start of the workload
	Kind    EventKind
	Torrent TorrentID
	Peer    PeerID // meaningless for TorrentBorn
	Nth     int    // for peer events: this is the peer's Nth torrent, from 1
	Final   bool   // for Leave: the peer dies (joins no further torrent)
}

// WorkloadConfig parameterises a [Workload]: the multi-torrent model of
// [Guo05 §4.1–4.2].
type WorkloadConfig struct {
	// TorrentBirthRate is λ_t, the Poisson rate of torrent births. Zero means
	// that only the InitialTorrents exist.
	TorrentBirthRate Rate
	// InitialTorrents torrents are born at time 0.
	InitialTorrents int
	// PeerBirthRate is λ_p, the Poisson rate at which new peers appear.
	PeerBirthRate Rate
	// Continue is p, the probability that a peer that finished seeding a
	// torrent requests another one after sleeping. The number of torrents a
	// peer joins is geometric with mean 1/(1−p).
	Continue Probability
	// Tau is τ, the popularity attenuation: a request picks torrent i with
	// probability proportional to e^(−age_i/τ), among the torrents the peer
	// has not joined yet. A single torrent's arrival rate then decays as
	// λ0·e^(−t/τ) (Eq. 3.1).
	Tau time.Duration
	// MeanDownload, MeanSeeding (τ_sd = 1/γ) and MeanSleeping (τ_sl) are the
	// means of the exponential download, seeding and sleeping times.
	MeanDownload, MeanSeeding, MeanSleeping time.Duration
	// Horizon stops the workload: no event after it is produced. Zero
	// means the workload never ends.
	Horizon time.Duration
}

// PaperWorkload returns the parameters measured in [Guo05 §4.1]: λ_t =
// 0.9454/h, λ_p = 19.37/h, p = 0.8551, τ_sd = 8.42 h. The paper's text loses
// τ and τ_sl; the defaults τ = 87 h and τ_sl = 71 h are derived in the
// package documentation so that the mean lifespan is 8.34 days at a 10%
// failure ratio and β ≈ 6. MeanDownload (2 h) is an assumption. One torrent
// exists at time 0 and the horizon is unbounded.
//
// The system starts empty: the request rate approaches λ_q only after about
// a peer's mean lifetime, 1/((1−p)·r) ≈ 23 days here, so a simulation that
// needs the steady state should discard a burn-in of a few weeks.
func PaperWorkload() WorkloadConfig {
	return WorkloadConfig{
		TorrentBirthRate: PerHour(0.9454),
		InitialTorrents:  1,
		PeerBirthRate:    PerHour(19.37),
		Continue:         0.8551,
		Tau:              87 * time.Hour,
		MeanDownload:     2 * time.Hour,
		MeanSeeding:      time.Duration(8.42 * float64(time.Hour)),
		MeanSleeping:     71 * time.Hour,
	}
}

// Validate reports whether c describes a workload: rates finite and
// non-negative (λ_p positive), p in (0, 1), means and τ positive, and at
// least one source of torrents.
func (c WorkloadConfig) Validate() error {
	if err := checkRateOrZero("torrent birth rate λ_t", c.TorrentBirthRate); err != nil {
		return err
	}
	if err := checkRate("peer birth rate λ_p", c.PeerBirthRate); err != nil {
		return err
	}
	if err := checkProbability("continue probability p", c.Continue); err != nil {
		return err
	}
	if c.InitialTorrents < 0 || (c.InitialTorrents == 0 && c.TorrentBirthRate == 0) {
		return fmt.Errorf("%w: need initial torrents or a positive torrent birth rate (have %d, %v)",
			ErrParameter, c.InitialTorrents, c.TorrentBirthRate)
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"τ", c.Tau}, {"mean download time", c.MeanDownload}, {"mean seeding time τ_sd", c.MeanSeeding}, {"mean sleeping time τ_sl", c.MeanSleeping}} {
		if err := checkDuration(d.name, d.d); err != nil {
			return err
		}
	}
	if c.Horizon < 0 {
		return fmt.Errorf("%w: horizon = %v", ErrDuration, c.Horizon)
	}
	return nil
}

// RequestRate returns λ_q = λ_p/(1−p), the long-run rate of requests over
// all torrents (Eq. 4.14).
func (c WorkloadConfig) RequestRate() Rate {
	return c.PeerBirthRate / Rate(1-c.Continue)
}

// PeerRequestRate returns r, one request per download, seeding and sleeping
// cycle of a peer: 1/(MeanDownload + MeanSeeding + MeanSleeping).
func (c WorkloadConfig) PeerRequestRate() Rate {
	return Every(c.MeanDownload + c.MeanSeeding + c.MeanSleeping)
}

// Workload generates the events of a multi-torrent system one at a time,
// in time order, deterministically from its [rand.Rand]: torrent births
// (Poisson, rate λ_t), peer births (Poisson, rate λ_p), and for each peer a
// sequence of download, seeding and sleeping periods over a geometric number
// of torrents. A peer's requests are thus a renewal process with mean gap
// 1/r = MeanDownload + MeanSeeding + MeanSleeping, and their superposition
// over all peers is the Poisson-like request stream of rate λ_q the paper
// measured (§4.1). It holds only the live state (online and sleeping peers, and
// the torrents whose popularity is not negligible), so it can drive a
// simulation of any length.
//
// A Workload is not safe for concurrent use.
type Workload struct {
	cfg  WorkloadConfig
	rng  *rand.Rand
	tauH float64

	nextTorrentBirth time.Duration // math.MaxInt64 when off
	nextPeerBirth    time.Duration
	pendingInitial   int

	torrents torrentPicker
	nTorrent TorrentID
	nPeer    PeerID

	heap minheap.Heap[pending]
	seq  uint64
	done bool
}

type pendingKind uint8

const (
	pendComplete pendingKind = iota
	pendLeave
	pendWake
)

type pending struct {
	t    time.Duration
	seq  uint64
	kind pendingKind
	peer *peerState
}

type peerState struct {
	id      PeerID
	nth     int
	current TorrentID
	joined  []TorrentID
}

const never = time.Duration(math.MaxInt64)

// NewWorkload returns a workload generator for cfg drawing from rng.
func NewWorkload(cfg WorkloadConfig, rng *rand.Rand) (*Workload, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := &Workload{cfg: cfg, rng: rng, tauH: hours(cfg.Tau), pendingInitial: cfg.InitialTorrents}
	w.torrents.tauH = w.tauH
	w.nextTorrentBirth = never
	if cfg.TorrentBirthRate > 0 {
		w.nextTorrentBirth = w.exp(float64(1 / cfg.TorrentBirthRate))
	}
	w.nextPeerBirth = w.exp(float64(1 / cfg.PeerBirthRate))
	return w, nil
}

// Config returns the configuration w was built with.
func (w *Workload) Config() WorkloadConfig { return w.cfg }

// exp draws an exponential duration with the given mean in hours,
// saturating far beyond any horizon instead of overflowing.
func (w *Workload) exp(meanHours float64) time.Duration {
	return hoursToDuration(w.rng.ExpFloat64() * meanHours)
}

func add(t, d time.Duration) time.Duration {
	if t > never-d {
		return never
	}
	return t + d
}

// Next returns the next event, or false once the horizon is passed.
func (w *Workload) Next() (Event, bool) {
	for !w.done {
		if w.pendingInitial > 0 {
			w.pendingInitial--
			return w.bear(0), true
		}
		t := w.nextTorrentBirth
		src := 0
		if w.nextPeerBirth < t {
			t, src = w.nextPeerBirth, 1
		}
		if w.heap.Len() > 0 && w.heap.Peek().t < t {
			t, src = w.heap.Peek().t, 2
		}
		if t == never || (w.cfg.Horizon > 0 && t > w.cfg.Horizon) {
			w.done = true
			break
		}
		switch src {
		case 0:
			w.nextTorrentBirth = add(t, w.exp(float64(1/w.cfg.TorrentBirthRate)))
			return w.bear(t), true
		case 1:
			w.nextPeerBirth = add(t, w.exp(float64(1/w.cfg.PeerBirthRate)))
			p := &peerState{id: w.nPeer}
			w.nPeer++
			if ev, ok := w.request(t, p); ok {
				return ev, true
			}
		default:
			it := w.heap.Pop()
			if ev, ok := w.advance(it); ok {
				return ev, true
			}
		}
	}
	return Event{}, false
}

// Events returns the remaining events as an iterator; breaking out of the
// loop leaves w positioned after the last event consumed.
func (w *Workload) Events() iter.Seq[Event] {
	return func(yield func(Event) bool) {
		for {
			ev, ok := w.Next()
			if !ok || !yield(ev) {
				return
			}
		}
	}
}

func (w *Workload) bear(t time.Duration) Event {
	id := w.nTorrent
	w.nTorrent++
	w.torrents.add(id, t)
	return Event{Time: t, Kind: TorrentBorn, Torrent: id}
}

// request makes p pick a torrent at time t. With no eligible torrent it
// sleeps again silently.
func (w *Workload) request(t time.Duration, p *peerState) (Event, bool) {
	id, ok := w.torrents.pick(w.rng, p.joined)
	if !ok {
		w.push(add(t, w.exp(hours(w.cfg.MeanSleeping))), pendWake, p)
		return Event{}, false
	}
	p.nth++
	p.current = id
	p.joined = append(p.joined, id)
	w.push(add(t, w.exp(hours(w.cfg.MeanDownload))), pendComplete, p)
	return Event{Time: t, Kind: Request, Torrent: id, Peer: p.id, Nth: p.nth}, true
}

func (w *Workload) advance(it pending) (Event, bool) {
	p := it.peer
	switch it.kind {
	case pendComplete:
		w.push(add(it.t, w.exp(hours(w.cfg.MeanSeeding))), pendLeave, p)
		return Event{Time: it.t, Kind: Complete, Torrent: p.current, Peer: p.id, Nth: p.nth}, true
	case pendLeave:
		final := w.rng.Float64() >= float64(w.cfg.Continue)
		if !final && w.cfg.TorrentBirthRate == 0 && !w.torrents.eligible(p.joined) {
			final = true
		}
		if !final {
			w.push(add(it.t, w.exp(hours(w.cfg.MeanSleeping))), pendWake, p)
		}
		return Event{Time: it.t, Kind: Leave, Torrent: p.current, Peer: p.id, Nth: p.nth, Final: final}, true
	default:
		return w.request(it.t, p)
	}
}

// push schedules a peer's next lifecycle step; the heap orders pending
// steps by (t, seq), so ties are deterministic (first scheduled, first out).
func (w *Workload) push(t time.Duration, k pendingKind, p *peerState) {
	w.seq++
	w.heap.Push(pending{t: t, seq: w.seq, kind: k, peer: p})
}

// Less orders pending steps for the heap.
func (a pending) Less(b pending) bool {
	return a.t < b.t || (a.t == b.t && a.seq < b.seq)
}

// torrentPicker draws a torrent with probability proportional to
// e^(born/τ), that is to e^(−age/τ), from a prefix-sum table. Weights are
// kept relative to a base time that moves forward (dropping torrents whose
// relative weight fell below e^(−pruneAge)) before they can overflow.
type torrentPicker struct {
	tauH float64
	base time.Duration
	ids  []TorrentID
	born []time.Duration
	cum  []float64
}

const (
	rebaseExponent = 600 // rebase once a weight reaches e^600
	pruneAge       = 40  // then drop torrents older than 40τ than the newest
	pickAttempts   = 32  // rejection draws before the exact fallback
)

func (tp *torrentPicker) add(id TorrentID, born time.Duration) {
	if len(tp.ids) == 0 {
		tp.base = born
	}
	x := hours(born-tp.base) / tp.tauH
	if x > rebaseExponent {
		tp.rebase(born)
		x = hours(born-tp.base) / tp.tauH
	}
	s := math.Exp(x)
	if n := len(tp.cum); n > 0 {
		s += tp.cum[n-1]
	}
	tp.ids = append(tp.ids, id)
	tp.born = append(tp.born, born)
	tp.cum = append(tp.cum, s)
}

func (tp *torrentPicker) rebase(newest time.Duration) {
	keep := 0
	for keep < len(tp.born) && hours(newest-tp.born[keep])/tp.tauH > pruneAge {
		keep++
	}
	tp.ids = append(tp.ids[:0], tp.ids[keep:]...)
	tp.born = append(tp.born[:0], tp.born[keep:]...)
	tp.cum = tp.cum[:len(tp.born)]
	if len(tp.born) == 0 {
		tp.base = newest
		return
	}
	tp.base = tp.born[0]
	s := 0.0
	for i, b := range tp.born {
		s += math.Exp(hours(b-tp.base) / tp.tauH)
		tp.cum[i] = s
	}
}

func (tp *torrentPicker) weight(i int) float64 {
	if i == 0 {
		return tp.cum[0]
	}
	return tp.cum[i] - tp.cum[i-1]
}

func contains(s []TorrentID, id TorrentID) bool {
	for _, x := range s {
		if x == id {
			return true
		}
	}
	return false
}

// pick draws a torrent not in exclude.
func (tp *torrentPicker) pick(rng *rand.Rand, exclude []TorrentID) (TorrentID, bool) {
	n := len(tp.cum)
	if n == 0 {
		return 0, false
	}
	total := tp.cum[n-1]
	for range pickAttempts {
		u := rng.Float64() * total
		i := sort.SearchFloat64s(tp.cum, u)
		if i < n && tp.cum[i] == u {
			i++
		}
		if i >= n {
			i = n - 1
		}
		if !contains(exclude, tp.ids[i]) {
			return tp.ids[i], true
		}
	}
	// Most of the mass is taken: draw exactly among the eligible torrents.
	allowed := 0.0
	for i := range n {
		if !contains(exclude, tp.ids[i]) {
			allowed += tp.weight(i)
		}
	}
	if allowed <= 0 {
		return 0, false
	}
	u := rng.Float64() * allowed
	last := -1
	for i := range n {
		if contains(exclude, tp.ids[i]) {
			continue
		}
		last = i
		u -= tp.weight(i)
		if u < 0 {
			return tp.ids[i], true
		}
	}
	return tp.ids[last], true
}

// eligible reports whether some torrent is not in exclude.
func (tp *torrentPicker) eligible(exclude []TorrentID) bool {
	for _, id := range tp.ids {
		if !contains(exclude, id) {
			return true
		}
	}
	return false
}
