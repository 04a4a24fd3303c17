package anonymity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// SessionModel generates synthetic BitTorrent uptime traces, standing in
// for the UMass logs of [PACOM §4.4.1], which are not available. It follows
// the measurements of Guo et al. [Guo05 §4]: a client joins C torrents,
// Pr(C = c) ∝ p^(c−1)(1−p) for 1 ≤ c ≤ MaxTorrents with p = 0.8551, and
// stays online in each for an exponentially distributed seeding time of
// mean 8.42 h; between torrents it sleeps for an exponential time. The mean
// sleeping time τ_sl is lost in the extracted text of [Guo05], so
// MeanSleep is a parameter (24 h by default, documented as this package's
// choice).
//
// This is a small local generator, so that this package does not depend on
// the swarmmodel package (whose workload generator was still in progress
// when this was written); examples/anonymity cross-checks the Fig. 9
// experiments on swarmmodel's workload.
type SessionModel struct {
	Clients     int           // population over the whole trace, ≥ 1
	Horizon     time.Duration // length of the trace, > 0
	MeanSeeding time.Duration // mean online time per torrent (8.42 h)
	MeanSleep   time.Duration // mean offline time between torrents (24 h)
	TorrentsP   float64       // geometric parameter of torrents per client (0.8551)
	MaxTorrents int           // cap on torrents per client (100, as in [PACOM §3.3])
}

// PaperSessionModel returns the model with the measured parameters for the
// given population and horizon.
func PaperSessionModel(clients int, horizon time.Duration) SessionModel {
	return SessionModel{
		Clients:     clients,
		Horizon:     horizon,
		MeanSeeding: time.Duration(8.42 * float64(time.Hour)),
		MeanSleep:   24 * time.Hour,
		TorrentsP:   0.8551,
		MaxTorrents: 100,
	}
}

// MaxSessionClients bounds the population a [SessionModel] may generate.
const MaxSessionClients = 1 << 22

func (m SessionModel) validate() error {
	switch {
	case m.Clients < 1 || m.Clients > MaxSessionClients:
		return fmt.Errorf("%w: %d clients", ErrParameter, m.Clients)
	case m.Horizon <= 0 || m.MeanSeeding <= 0 || m.MeanSleep < 0 ||
		m.Horizon > maxStart || m.MeanSeeding > maxStart || m.MeanSleep > maxStart:
		return fmt.Errorf("%w: horizon %v, seeding %v, sleep %v", ErrParameter, m.Horizon, m.MeanSeeding, m.MeanSleep)
	case !(m.TorrentsP >= 0 && m.TorrentsP < 1):
		return fmt.Errorf("%w: torrents p = %v", ErrParameter, m.TorrentsP)
	case m.MaxTorrents < 1:
		return fmt.Errorf("%w: max torrents %d", ErrParameter, m.MaxTorrents)
	}
	if float64(m.lifetimeF()) > float64(maxStart) {
		return fmt.Errorf("%w: mean client lifetime beyond %v", ErrParameter, time.Duration(maxStart))
	}
	return nil
}

// lifetime returns the mean time a client spends from its first session to
// the end of its last one, used as the warm-up before the trace starts.
func (m SessionModel) lifetime() time.Duration { return time.Duration(m.lifetimeF()) }

func (m SessionModel) lifetimeF() float64 {
	c := m.meanTorrents()
	return c*float64(m.MeanSeeding) + (c-1)*float64(m.MeanSleep)
}

// meanTorrents returns the mean of the geometric law truncated at
// MaxTorrents: 1/(1−p) − M·p^M/(1−p^M).
func (m SessionModel) meanTorrents() float64 {
	p, mt := m.TorrentsP, float64(m.MaxTorrents)
	if p == 0 {
		return 1
	}
	pm := math.Pow(p, mt)
	return 1/(1-p) - mt*pm/(1-pm)
}

// torrents draws a number of torrents from the truncated geometric law.
func (m SessionModel) torrents(rng *rand.Rand) int {
	if m.TorrentsP == 0 {
		return 1
	}
	// Inverse transform of the geometric law truncated at MaxTorrents:
	// F(c) = (1 − p^c)/(1 − p^M).
	p := m.TorrentsP
	u := rng.Float64() * (1 - math.Pow(p, float64(m.MaxTorrents)))
	c := 1 + int(math.Floor(math.Log1p(-u)/math.Log(p)))
	return min(max(c, 1), m.MaxTorrents)
}

// GenerateSessions draws a trace from the model: client i (0 ≤ i < Clients)
// arrives at a uniform time in [−W, Horizon), W being the mean client
// lifetime so that the population is already in steady state at time 0,
// and then alternates seeding and sleeping through its torrents. Sessions
// are clipped to [0, Horizon). Reproducible from rng.
func GenerateSessions(rng *rand.Rand, m SessionModel) ([]Session, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	warm := m.lifetime()
	span := float64(m.Horizon + warm)
	var out []Session
	exp := func(mean time.Duration) time.Duration {
		return time.Duration(rng.ExpFloat64() * float64(mean))
	}
	for c := range m.Clients {
		t := time.Duration(rng.Float64()*span) - warm
		for k := m.torrents(rng); k > 0 && t < m.Horizon; k-- {
			end := t + exp(m.MeanSeeding)
			if end > 0 {
				out = append(out, Session{Client: c, Start: max(t, 0), End: min(end, m.Horizon)})
			}
			t = end + exp(m.MeanSleep)
		}
	}
	return out, nil
}
