package havesteg

import (
	"fmt"
	"sync"
	"time"

	"github.com/anacrolix/torrent"

	"github.com/swarmblocks/swarmblocks/steg"
)

// DefaultAvailabilityInterval is how often a [Hider] recounts, by
// default, how many connected peers have each piece.
const DefaultAvailabilityInterval = 250 * time.Millisecond

// DefaultStallGrace is how long, by default, a [Hider] lets the active
// class stay stalled before it releases a piece of the other class.
const DefaultStallGrace = time.Second

// HiderConfig tunes a [Hider]; the zero value is the default.
type HiderConfig struct {
	// AvailabilityInterval is how often the Hider recounts the pieces its
	// peers have (from [torrent.PeerConn.PeerPieces]) and passes them to
	// the plan ([steg.Plan.SetAvailability]); 0 means
	// [DefaultAvailabilityInterval].
	AvailabilityInterval time.Duration
	// StallGrace is how long the active class of H_x must stay stalled
	// (missing pieces, none of them held by a connected peer) before the
	// Hider releases one piece of the other class ([steg.Plan.Release]);
	// at least as long passes between two releases. A node often meets peers
	// holding only the other class a moment before the peer, the seed
	// say, that holds its own: the grace waits for it instead of sending
	// a stray HAVE. The wait is checked at every availability recount, so
	// it lasts up to one AvailabilityInterval longer. 0 means
	// [DefaultStallGrace]; a negative value releases at once, as a plan
	// that is not strict does. A strict plan ([steg.Plan.SetStrict])
	// never releases, whatever the grace.
	StallGrace time.Duration
}

// Encoder is the plan a [Hider] steers a torrent by: a [steg.Plan], which
// hides one symbol all along, a [steg.BeaconPlan], which hides it in
// bursts, or a [steg.SenderPlan], which announces a payload.
type Encoder interface {
	// Pieces returns the number of pieces of the torrent.
	Pieces() int
	// Completed records a piece the client verified (and announced).
	Completed(b int) error
	// SetAvailability records how many connected peers have a piece.
	SetAvailability(b, peers int) error
	// Changes appends the priority changes to apply.
	Changes(dst []steg.Change) []steg.Change
	// ActiveClass returns the class of H_x wanted now, or 0.
	ActiveClass() int
	// OffClass counts the pieces released outside the active class.
	OffClass() int
	// Strict, SetStrict, Stalled and Release let the Hider time the
	// releases of a stalled class (see [HiderConfig.StallGrace]).
	Strict() bool
	SetStrict(strict bool)
	Stalled() bool
	Release() bool
}

var (
	_ Encoder = (*steg.Plan)(nil)
	_ Encoder = (*steg.SenderPlan)(nil)
	_ Encoder = (*steg.BeaconPlan)(nil)
)

// Hider is the hiding side of [PACOM]'s HAVE channel in an
// anacrolix/torrent client. It steers the order in which the client
// completes the pieces of one torrent, and so the order of its HAVEs,
// through piece priorities: the missing pieces of the active class of
// H_x get [torrent.PiecePriorityNormal], the others
// [torrent.PiecePriorityNone], as a [steg.Plan] says. The client orders
// the wanted pieces as it always does (partial pieces, then availability,
// then index). The plan is fed by the torrent's piece-state changes
// ([torrent.Torrent.SubscribePieceStateChanges]) and by the availability
// the Hider counts every [HiderConfig.AvailabilityInterval].
//
// When no missing piece of the active class is available, the Hider waits
// [HiderConfig.StallGrace], then releases one piece of the other class at
// a time; call [steg.Plan.SetStrict] before handing the plan over to wait
// for good instead.
//
// The Hider owns the piece priorities of the torrent: do not call
// [torrent.Torrent.DownloadAll], [torrent.Torrent.DownloadPieces],
// [torrent.File.Download] or open readers on it while it runs, as they
// raise priorities above what the plan asks and break the class order.
type Hider struct {
	t        *torrent.Torrent
	interval time.Duration
	grace    time.Duration // < 0: the plan releases by itself, or never if strict
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once

	mu   sync.Mutex // guards plan and err
	plan Encoder
	err  error
}

// NewHider starts steering t, whose info must be known, with plan, which
// it owns from now on (do not use it elsewhere). It returns once the
// first priorities are set. Stop it with [Hider.Close].
func NewHider(t *torrent.Torrent, plan Encoder, cfg HiderConfig) (*Hider, error) {
	if t == nil || isNil(plan) {
		return nil, fmt.Errorf("%w: NewHider with a nil torrent or plan", ErrNil)
	}
	if t.Info() == nil {
		return nil, ErrNoInfo
	}
	if n := t.NumPieces(); n != plan.Pieces() {
		return nil, fmt.Errorf("%w: torrent has %d pieces, plan %d", ErrMismatch, n, plan.Pieces())
	}
	if cfg.AvailabilityInterval < 0 {
		return nil, fmt.Errorf("%w: negative availability interval %v", ErrConfig, cfg.AvailabilityInterval)
	}
	h := &Hider{
		t:        t,
		interval: cfg.AvailabilityInterval,
		grace:    cfg.StallGrace,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		plan:     plan,
	}
	if h.interval == 0 {
		h.interval = DefaultAvailabilityInterval
	}
	switch {
	case plan.Strict():
		h.grace = -1 // never released
	case h.grace == 0:
		h.grace = DefaultStallGrace
	}
	if h.grace > 0 {
		plan.SetStrict(true) // the Hider times the releases
	}
	s := &steering{h: h, done: make([]bool, plan.Pieces()), avail: make([]int, plan.Pieces())}
	sub := t.SubscribePieceStateChanges() // before the first scan: no change is missed
	s.syncCompletion()
	s.syncAvailability()
	s.apply()
	go s.run(sub.Values, sub.Close)
	return h, nil
}

// Close stops the Hider and returns the first error it met. The piece
// priorities stay as they were.
func (h *Hider) Close() error {
	h.once.Do(func() { close(h.stop) })
	<-h.done
	return h.Err()
}

// Err returns the first error the Hider met (the plan rejecting a report,
// which would be a bug), or nil.
func (h *Hider) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// ActiveClass returns the class of H_x being downloaded (1 or 2).
func (h *Hider) ActiveClass() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plan.ActiveClass()
}

// OffClass returns the number of pieces released outside the active
// class because none of it was available ([steg.Plan.OffClass]).
func (h *Hider) OffClass() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plan.OffClass()
}

// steering is the state of a Hider's goroutine.
type steering struct {
	h       *Hider
	done    []bool // completions passed to the plan
	avail   []int  // availability passed to the plan
	buf     []steg.Change
	stalled time.Time // since when the plan has been stalled, or zero
}

func (s *steering) run(changes <-chan torrent.PieceStateChange, unsubscribe func()) {
	defer close(s.h.done)
	defer unsubscribe()
	tick := time.NewTicker(s.h.interval)
	defer tick.Stop()
	closed := s.h.t.Closed()
	for {
		select {
		case <-s.h.stop:
			return
		case <-closed:
			return
		case c, ok := <-changes:
			if !ok {
				return
			}
			if c.Complete && c.Ok {
				s.completed(c.Index)
			}
		case <-tick.C:
			s.syncCompletion() // a safety net: changes are never dropped
			s.syncAvailability()
		}
		s.apply()
	}
}

func (s *steering) fail(err error) {
	if s.h.err == nil {
		s.h.err = err
	}
}

// completed passes the completion of piece i to the plan, once.
func (s *steering) completed(i int) {
	if i < 0 || i >= len(s.done) || s.done[i] {
		return
	}
	s.done[i] = true
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	if err := s.h.plan.Completed(i); err != nil {
		s.fail(err)
	}
}

func (s *steering) syncCompletion() {
	for i := range s.done {
		if !s.done[i] {
			if ps := s.h.t.PieceState(i); ps.Complete && ps.Ok {
				s.completed(i)
			}
		}
	}
}

// syncAvailability counts the connected peers that have each piece.
func (s *steering) syncAvailability() {
	count := make([]int, len(s.avail))
	for _, pc := range s.h.t.PeerConns() {
		pc.PeerPieces().Iterate(func(x uint32) bool {
			if int(x) < len(count) {
				count[x]++
			}
			return true
		})
	}
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	for i, n := range count {
		if n != s.avail[i] {
			s.avail[i] = n
			if err := s.h.plan.SetAvailability(i, n); err != nil {
				s.fail(err)
			}
		}
	}
}

// apply releases a piece of the other class if the grace is over, and sets
// the priorities the plan asks for.
func (s *steering) apply() {
	s.h.mu.Lock()
	s.buf = s.h.plan.Changes(s.buf[:0])
	if s.h.grace > 0 {
		s.graceOver(time.Now())
	}
	s.h.mu.Unlock()
	for _, c := range s.buf {
		prio := torrent.PiecePriorityNone
		if c.Priority == steg.Want {
			prio = torrent.PiecePriorityNormal
		}
		s.h.t.Piece(c.Piece).SetPriority(prio)
	}
}

// graceOver releases a piece of the other class once the plan has been
// stalled for the grace period, and restarts the period at each release
// (the plan releases no other piece while the last one is missing and
// available). s.h.mu is held.
func (s *steering) graceOver(now time.Time) {
	if !s.h.plan.Stalled() {
		s.stalled = time.Time{}
		return
	}
	if s.stalled.IsZero() {
		s.stalled = now
		return
	}
	if now.Sub(s.stalled) >= s.h.grace && s.h.plan.Release() {
		s.stalled = now
		s.buf = s.h.plan.Changes(s.buf)
	}
}

// isNil reports whether e is nil or a nil pointer to one of package
// steg's plans.
func isNil(e Encoder) bool {
	switch p := e.(type) {
	case nil:
		return true
	case *steg.Plan:
		return p == nil
	case *steg.SenderPlan:
		return p == nil
	case *steg.BeaconPlan:
		return p == nil
	}
	return false
}
