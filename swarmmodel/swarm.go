package swarmmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/des"
)

// SwarmConfig parameterises [SimulateSwarm], a discrete-event simulation of
// one torrent under the assumptions of the [Fluid] model.
type SwarmConfig struct {
	// Evolution gives the arrival process λ0·e^(−t/τ) and the seed
	// departure rate γ (each seed stays an exponential time of mean 1/γ).
	Evolution Evolution
	// Upload and Download are μ and c in files per hour; Efficiency is η.
	Upload, Download Rate
	Efficiency       float64
	// Collaboration, when set, lets peers that finished the file come back
	// as seeds: a peer that arrived at a makes its l-th later request at
	// a + l/r (while it goes on, with probability p each time), and each
	// time it serves this torrent for another exponential seeding period
	// (the returning peers of λ'(t), Eq. 4.22).
	Collaboration *Collaboration
	// OriginSeeding keeps the original seed at least this long; it leaves at
	// the later of this time and the first completion. Zero is the paper's
	// simplification (§3.2): it leaves as soon as a downloader finishes.
	OriginSeeding time.Duration
	// Horizon ends the run. Peers still downloading then count as failed.
	Horizon time.Duration
	// SampleEvery, if positive, records the numbers of downloaders and seeds
	// at that interval from time 0.
	SampleEvery time.Duration
}

// SwarmResult is the outcome of one [SimulateSwarm] run.
type SwarmResult struct {
	Arrivals  int // peers that arrived
	Completed int // peers that finished the file
	Failed    int // peers that had not finished by the horizon
	Returns   int // seeding periods of returning peers (with Collaboration)
	// Death is when the last complete copy disappeared for good: the last
	// time the number of seeds fell to zero. If seeds remain at the
	// horizon, Death is the horizon and Censored is set.
	Death    time.Duration
	Censored bool
	// T, X and Y are the samples taken every SampleEvery: time, downloaders
	// and seeds.
	T    []time.Duration
	X, Y []int
}

// FailureRatio returns Failed/Arrivals (0 when nobody arrived).
func (r SwarmResult) FailureRatio() float64 {
	if r.Arrivals == 0 {
		return 0
	}
	return float64(r.Failed) / float64(r.Arrivals)
}

// maxSwarmSamples bounds the series SimulateSwarm records, and
// maxSwarmPopulation the expected number of peers, λ0·τ.
const (
	maxSwarmSamples    = 1 << 20
	maxSwarmPopulation = 1e7
)

// SimulateSwarm runs one torrent on the discrete-event engine: peers arrive
// as a Poisson process of rate λ(t); all downloaders share the upload
// capacity μ·(η·x + y) equally, each capped at c, as in the fluid model;
// a finished peer seeds for an exponential time of mean 1/γ. Following
// §3.2, the original seed leaves as soon as the first downloader finishes,
// and when no seed is left there is no complete copy: downloaders stall
// (η·x alone cannot complete a file) and the torrent is dead unless a
// returning peer brings a copy back. The run is deterministic from rng.
func SimulateSwarm(cfg SwarmConfig, rng *rand.Rand) (SwarmResult, error) {
	if rng == nil {
		return SwarmResult{}, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if _, err := NewFluid(cfg.Evolution, cfg.Upload, cfg.Download, cfg.Efficiency); err != nil {
		return SwarmResult{}, err
	}
	if err := checkDuration("horizon", cfg.Horizon); err != nil {
		return SwarmResult{}, err
	}
	if n := cfg.Evolution.Population(); n > maxSwarmPopulation {
		return SwarmResult{}, fmt.Errorf("%w: λ0·τ = %g peers exceeds %g", ErrParameter, n, maxSwarmPopulation)
	}
	if cfg.OriginSeeding < 0 || cfg.OriginSeeding > cfg.Horizon {
		return SwarmResult{}, fmt.Errorf("%w: origin seeding time %v", ErrDuration, cfg.OriginSeeding)
	}
	if cfg.SampleEvery < 0 || (cfg.SampleEvery > 0 && cfg.Horizon/cfg.SampleEvery >= maxSwarmSamples) {
		return SwarmResult{}, fmt.Errorf("%w: sample interval %v for horizon %v", ErrParameter, cfg.SampleEvery, cfg.Horizon)
	}
	if c := cfg.Collaboration; c != nil {
		if _, err := NewCollaboration(c.p, c.r); err != nil {
			return SwarmResult{}, err
		}
	}
	s := &swarmSim{cfg: cfg, rng: rng, y: 1, origin: true}
	s.arrivals = cfg.Evolution.SampleArrivals(rng, cfg.Horizon, nil)
	s.run()
	return s.res, nil
}

type swarmPeer struct {
	arrived  time.Duration
	start    float64 // per-downloader service received by everyone when it arrived
	done     bool
	seeding  bool
	revisits int
}

type swarmSim struct {
	cfg SwarmConfig
	rng *rand.Rand
	sim des.Sim
	res SwarmResult

	arrivals []time.Duration
	next     int

	queue  []*swarmPeer // downloaders in arrival order (= completion order)
	head   int
	y      int  // seeds, the origin included
	origin bool // the original seed is still there

	served     float64       // cumulative service per downloader, in files
	lastUpdate time.Duration // when served was last brought up to date
	completion des.Event
	lastZero   time.Duration
}

func (s *swarmSim) x() int { return len(s.queue) - s.head }

// rate returns each downloader's download speed in files per hour.
func (s *swarmSim) rate() float64 {
	x := s.x()
	if x == 0 || s.y == 0 {
		return 0
	}
	total := float64(s.cfg.Upload) * (s.cfg.Efficiency*float64(x) + float64(s.y))
	return math.Min(float64(s.cfg.Download), total/float64(x))
}

// update brings the per-downloader service up to the current time.
func (s *swarmSim) update() {
	now := s.sim.Now()
	s.served += s.rate() * hours(now-s.lastUpdate)
	s.lastUpdate = now
}

// reschedule plans the next completion after any change of x or y.
func (s *swarmSim) reschedule() {
	s.sim.Cancel(s.completion)
	s.completion = des.Event{}
	r := s.rate()
	if r == 0 {
		return
	}
	need := s.queue[s.head].start + 1 - s.served
	s.completion = s.sim.After(hoursToDuration(math.Max(need, 0)/r), s.complete)
}

func (s *swarmSim) run() {
	if len(s.arrivals) > 0 {
		s.sim.After(s.arrivals[0], s.arrive)
	}
	if s.cfg.SampleEvery > 0 {
		s.sim.After(0, s.sample)
	}
	if s.cfg.OriginSeeding > 0 {
		s.sim.After(s.cfg.OriginSeeding, func() {
			if s.res.Completed > 0 {
				s.originLeaves()
			}
		})
	}
	s.sim.RunUntil(s.cfg.Horizon)
	s.res.Failed = s.res.Arrivals - s.res.Completed
	if s.y > 0 {
		s.res.Death, s.res.Censored = s.cfg.Horizon, true
	} else {
		s.res.Death = s.lastZero
	}
}

func (s *swarmSim) sample() {
	s.res.T = append(s.res.T, s.sim.Now())
	s.res.X = append(s.res.X, s.x())
	s.res.Y = append(s.res.Y, s.y)
	if s.sim.Now()+s.cfg.SampleEvery <= s.cfg.Horizon {
		s.sim.After(s.cfg.SampleEvery, s.sample)
	}
}

func (s *swarmSim) arrive() {
	s.update()
	p := &swarmPeer{arrived: s.sim.Now(), start: s.served}
	s.queue = append(s.queue, p)
	s.res.Arrivals++
	s.next++
	if s.next < len(s.arrivals) {
		s.sim.After(s.arrivals[s.next]-s.sim.Now(), s.arrive)
	}
	if c := s.cfg.Collaboration; c != nil {
		s.scheduleRevisit(p, c)
	}
	s.reschedule()
}

func (s *swarmSim) complete() {
	s.completion = des.Event{}
	s.update()
	p := s.queue[s.head]
	s.queue[s.head] = nil
	s.head++
	if s.head > 1024 && s.head*2 > len(s.queue) {
		s.queue = append(s.queue[:0], s.queue[s.head:]...)
		s.head = 0
	}
	p.done = true
	s.res.Completed++
	s.startSeeding(p)
	if s.sim.Now() >= s.cfg.OriginSeeding {
		s.originLeaves() // §3.2: the original seed leaves at the first completion
	}
	s.reschedule()
}

// originLeaves removes the original seed once a copy exists elsewhere.
func (s *swarmSim) originLeaves() {
	if !s.origin {
		return
	}
	s.update()
	s.origin = false
	s.y--
	s.reschedule()
}

func (s *swarmSim) startSeeding(p *swarmPeer) {
	p.seeding = true
	s.y++
	stay := hoursToDuration(s.rng.ExpFloat64() / float64(s.cfg.Evolution.gamma))
	s.sim.After(stay, func() { s.leave(p) })
}

func (s *swarmSim) leave(p *swarmPeer) {
	s.update()
	p.seeding = false
	s.y--
	if s.y == 0 {
		s.lastZero = s.sim.Now()
	}
	s.reschedule()
}

// scheduleRevisit plans p's next request elsewhere, at arrival + l/r, if
// it goes on (probability p).
func (s *swarmSim) scheduleRevisit(p *swarmPeer, c *Collaboration) {
	if s.rng.Float64() >= float64(c.p) {
		return
	}
	p.revisits++
	at := p.arrived + hoursToDuration(float64(p.revisits)/float64(c.r))
	if at > s.cfg.Horizon {
		return
	}
	s.sim.After(at-s.sim.Now(), func() {
		if p.done && !p.seeding {
			s.update()
			s.res.Returns++
			s.startSeeding(p)
			s.reschedule()
		}
		s.scheduleRevisit(p, c)
	})
}
