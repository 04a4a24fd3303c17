package swarmmodel

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Errors returned for out-of-range parameters and unusable samples. They are
// wrapped with %w, so test them with [errors.Is].
var (
	// ErrRate reports a rate that is not a finite positive number (or, where
	// zero is allowed, a negative one).
	ErrRate = errors.New("swarmmodel: rate must be finite and positive")
	// ErrDuration reports a non-positive or out-of-range duration (τ, a mean
	// time, a horizon).
	ErrDuration = errors.New("swarmmodel: duration must be positive and in range")
	// ErrProbability reports a probability outside (0, 1) or NaN.
	ErrProbability = errors.New("swarmmodel: probability must lie in (0, 1)")
	// ErrParameter reports any other invalid parameter (NaN, infinity,
	// negative count, inconsistent combination).
	ErrParameter = errors.New("swarmmodel: invalid parameter")
	// ErrSamples reports a sample too small or degenerate for an estimator.
	ErrSamples = errors.New("swarmmodel: not enough usable samples")
	// ErrNoCollaborationGain reports that q = p·e^(1/(rτ)) ≤ 1, so returning
	// peers cannot extend the torrent's life (β ≤ 1) and the §4.2
	// approximation does not apply.
	ErrNoCollaborationGain = errors.New("swarmmodel: q = p·e^(1/(rτ)) must exceed 1 for collaboration to extend the lifespan")
	// ErrIntegration reports that the ODE integrator could not meet its
	// tolerance (step size underflow or too many steps).
	ErrIntegration = errors.New("swarmmodel: ODE integration failed")
)

// Rate is a rate in events per hour: peer arrivals (λ, λ0, λ_p, λ_q), torrent
// births (λ_t), seed departures (γ), a peer's request rate (r), or a
// bandwidth measured in files per hour (μ, c). The paper measures every rate
// per hour; conversions to other units go through [Rate.Per].
type Rate float64

// PerHour returns the rate of n events per hour.
func PerHour(n float64) Rate { return Rate(n) }

// Every returns the rate of one event per d. It returns +Inf for d ≤ 0,
// which every function of the package rejects.
func Every(d time.Duration) Rate {
	if d <= 0 {
		return Rate(math.Inf(1))
	}
	return Rate(1 / d.Hours())
}

// Per returns the expected number of events in an interval of length d.
func (r Rate) Per(d time.Duration) float64 { return float64(r) * d.Hours() }

// Mean returns the mean time between events, 1/r. It saturates at the
// largest [time.Duration] for tiny rates and returns 0 for non-positive ones.
func (r Rate) Mean() time.Duration {
	if !(r > 0) {
		return 0
	}
	return hoursToDuration(1 / float64(r))
}

func (r Rate) String() string { return fmt.Sprintf("%g/h", float64(r)) }

// Probability is a probability, such as p, the probability that a peer that
// finished a torrent goes on to request another one (§4.1).
type Probability float64

// maxHours bounds every duration the package accepts or returns: about 100
// years, well inside [time.Duration]'s 292-year range.
const maxHours = 100 * 365.25 * 24

// maxRate bounds every rate the package accepts, in events per hour.
const maxRate = 1e12

// hours converts a duration to hours as a float.
func hours(d time.Duration) float64 { return d.Hours() }

// hoursToDuration converts hours to a Duration, saturating instead of
// overflowing.
func hoursToDuration(h float64) time.Duration {
	ns := h * float64(time.Hour)
	switch {
	case math.IsNaN(ns):
		return 0
	case ns >= math.MaxInt64:
		return time.Duration(math.MaxInt64)
	case ns <= math.MinInt64:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(ns)
}

func checkRate(name string, r Rate) error {
	if !(r > 0) || float64(r) > maxRate || math.IsInf(float64(r), 0) {
		return fmt.Errorf("%w: %s = %v", ErrRate, name, float64(r))
	}
	return nil
}

// checkRateOrZero accepts 0 as "the process is switched off".
func checkRateOrZero(name string, r Rate) error {
	if r == 0 {
		return nil
	}
	return checkRate(name, r)
}

func checkDuration(name string, d time.Duration) error {
	if d <= 0 || d.Hours() > maxHours {
		return fmt.Errorf("%w: %s = %v", ErrDuration, name, d)
	}
	return nil
}

func checkProbability(name string, p Probability) error {
	if !(p > 0 && p < 1) {
		return fmt.Errorf("%w: %s = %v", ErrProbability, name, float64(p))
	}
	return nil
}
