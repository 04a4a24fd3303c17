package swarmmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Evolution is the single-torrent model of [Guo05 §3.1–3.2]: peers arrive at
// rate λ(t) = λ0·e^(−t/τ) (Eq. 3.1) and seeds leave at rate γ. Build it with
// [NewEvolution]; the zero value is not usable.
type Evolution struct {
	lambda0 Rate
	tau     time.Duration
	gamma   Rate
}

// NewEvolution returns the model with initial arrival rate λ0 = lambda0,
// attenuation τ = tau and seed departure rate γ = gamma. It rejects
// non-positive, NaN and infinite values.
func NewEvolution(lambda0 Rate, tau time.Duration, gamma Rate) (Evolution, error) {
	if err := checkRate("initial arrival rate λ0", lambda0); err != nil {
		return Evolution{}, err
	}
	if err := checkDuration("attenuation τ", tau); err != nil {
		return Evolution{}, err
	}
	if err := checkRate("seed departure rate γ", gamma); err != nil {
		return Evolution{}, err
	}
	return Evolution{lambda0: lambda0, tau: tau, gamma: gamma}, nil
}

// check reports a zero (unbuilt) Evolution.
func (e Evolution) check() error {
	if !(e.lambda0 > 0 && e.gamma > 0 && e.tau > 0) {
		return fmt.Errorf("%w: zero Evolution (use NewEvolution)", ErrParameter)
	}
	return nil
}

// Lambda0 returns λ0.
func (e Evolution) Lambda0() Rate { return e.lambda0 }

// Tau returns τ.
func (e Evolution) Tau() time.Duration { return e.tau }

// Gamma returns γ.
func (e Evolution) Gamma() Rate { return e.gamma }

// ArrivalRate returns λ(t) = λ0·e^(−t/τ) (Eq. 3.1), and 0 for t < 0.
func (e Evolution) ArrivalRate(t time.Duration) Rate {
	if t < 0 {
		return 0
	}
	return e.lambda0 * Rate(math.Exp(-hours(t)/hours(e.tau)))
}

// Arrivals returns the expected number of peers that arrived by time t,
// λ0·τ·(1 − e^(−t/τ)).
func (e Evolution) Arrivals(t time.Duration) float64 {
	if t <= 0 {
		return 0
	}
	return float64(e.lambda0) * hours(e.tau) * -math.Expm1(-hours(t)/hours(e.tau))
}

// Lifespan returns T_life = τ·log(λ0/γ) (Eq. 3.2): the time at which the
// mean inter-arrival time 1/λ(t) exceeds a seed's mean stay 1/γ, after
// which no complete copy survives. It is 0 when λ0 ≤ γ (the torrent dies
// with its first seed).
func (e Evolution) Lifespan() time.Duration {
	if e.lambda0 <= e.gamma {
		return 0
	}
	return hoursToDuration(hours(e.tau) * math.Log(float64(e.lambda0/e.gamma)))
}

// Population returns N_all = λ0·τ (Eq. 3.3), the expected number of peers
// that ever arrive.
func (e Evolution) Population() float64 { return float64(e.lambda0) * hours(e.tau) }

// Failures returns N_fail = γ·τ (Eq. 3.4), the expected number of peers
// arriving after [Evolution.Lifespan], which cannot finish. It is capped at
// N_all when λ0 ≤ γ.
func (e Evolution) Failures() float64 {
	return math.Min(float64(e.gamma), float64(e.lambda0)) * hours(e.tau)
}

// FailureRatio returns R_fail = N_fail/N_all = γ/λ0 (Eq. 3.5), capped at 1.
// The zero Evolution, which has no arrivals, reports 1.
func (e Evolution) FailureRatio() float64 {
	if !(e.lambda0 > 0) {
		return 1
	}
	return math.Min(1, float64(e.gamma/e.lambda0))
}

func (e Evolution) String() string {
	return fmt.Sprintf("λ0=%v τ=%v γ=%v", e.lambda0, e.tau, e.gamma)
}

// SampleArrivals appends to dst one realisation of the torrent's arrival
// process, a Poisson process of rate λ(t) = λ0·e^(−t/τ), up to horizon
// (0 means forever; about λ0·τ arrivals in all), and returns the extended
// slice. Times are sorted and measured from the torrent's birth. An invalid
// Evolution (the zero value) or a nil rng samples nothing.
func (e Evolution) SampleArrivals(rng *rand.Rand, horizon time.Duration, dst []time.Duration) []time.Duration {
	if e.check() != nil || rng == nil {
		return dst
	}
	// Inversion of the integrated rate Λ(t) = λ0·τ·(1 − e^(−t/τ)): from
	// survival s = e^(−t/τ), the next arrival has s' = s − E/(λ0·τ).
	total := e.Population()
	tauH := hours(e.tau)
	s := 1.0
	for {
		s -= rng.ExpFloat64() / total
		if s <= 0 {
			return dst
		}
		t := hoursToDuration(-tauH * math.Log(s))
		if horizon > 0 && t > horizon {
			return dst
		}
		dst = append(dst, t)
	}
}
