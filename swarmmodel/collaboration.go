package swarmmodel

import (
	"fmt"
	"math"
	"time"
)

// Collaboration is the returning-peer model of [Guo05 §4.2]: a peer that
// joined a torrent makes one further request every 1/r, each with
// probability p, and can serve the torrent it already holds each time it
// comes back. Build it with [NewCollaboration].
type Collaboration struct {
	p Probability
	r Rate
}

// NewCollaboration returns the model for continuation probability p and peer
// request rate r.
func NewCollaboration(p Probability, r Rate) (Collaboration, error) {
	if err := checkProbability("continue probability p", p); err != nil {
		return Collaboration{}, err
	}
	if err := checkRate("peer request rate r", r); err != nil {
		return Collaboration{}, err
	}
	return Collaboration{p: p, r: r}, nil
}

// check reports a zero Collaboration or Evolution.
func (c Collaboration) check(e Evolution) error {
	if !(c.p > 0 && c.p < 1 && c.r > 0) {
		return fmt.Errorf("%w: zero Collaboration (use NewCollaboration)", ErrParameter)
	}
	return e.check()
}

// P returns p.
func (c Collaboration) P() Probability { return c.p }

// R returns r.
func (c Collaboration) R() Rate { return c.r }

// Q returns q = p·e^(1/(rτ)) for the torrent e (Eq. 4.23). Collaboration
// extends the lifespan only when q > 1. It returns [ErrParameter] when q
// overflows (peers come back far less often than every τ).
func (c Collaboration) Q(e Evolution) (float64, error) {
	if err := c.check(e); err != nil {
		return 0, err
	}
	q := math.Exp(c.logQ(e))
	if math.IsInf(q, 0) {
		return 0, fmt.Errorf("%w: q = p·e^(1/(rτ)) overflows (1/(rτ) = %g)", ErrParameter, 1/(float64(c.r)*hours(e.tau)))
	}
	return q, nil
}

func (c Collaboration) logQ(e Evolution) float64 {
	return math.Log(float64(c.p)) + 1/(float64(c.r)*hours(e.tau))
}

// Beta returns β = 1/(τ·r·log(1/p)) (Eq. 4.24), the factor by which
// collaboration stretches the lifespan. It returns [ErrNoCollaborationGain]
// when q ≤ 1, that is β ≤ 1.
func (c Collaboration) Beta(e Evolution) (float64, error) {
	if err := c.check(e); err != nil {
		return 0, err
	}
	beta := 1 / (hours(e.tau) * float64(c.r) * math.Log(1/float64(c.p)))
	if !(beta > 1) || math.IsInf(beta, 0) {
		return 0, fmt.Errorf("%w (β = %g, log q = %g)", ErrNoCollaborationGain, beta, c.logQ(e))
	}
	return beta, nil
}

// ArrivalRate returns λ'(t) = Σ_{l=0}^{k(t)} p^l·λ(t − l/r) with
// k(t) = ⌊r·t⌋ (Eq. 4.22): the new arrivals plus the peers that arrived l
// request periods ago and are still active. It equals
// λ0·e^(−t/τ)·(q^(k+1) − 1)/(q − 1). It is 0 for t < 0 and for zero
// (unbuilt) models.
func (c Collaboration) ArrivalRate(e Evolution, t time.Duration) Rate {
	if t < 0 || c.check(e) != nil {
		return 0
	}
	k := math.Floor(float64(c.r) * hours(t))
	return Rate(math.Exp(c.logArrival(e, hours(t), k)))
}

// logArrival returns log λ'(t) on the interval where ⌊r·t⌋ = k, computed in
// log space so that large k neither overflows nor loses q ≈ 1.
func (c Collaboration) logArrival(e Evolution, tH, k float64) float64 {
	return math.Log(float64(e.lambda0)) - tH/hours(e.tau) + logGeomSum(c.logQ(e), k+1)
}

// logGeomSum returns log(1 + q + … + q^(n−1)) given lq = log q.
func logGeomSum(lq, n float64) float64 {
	switch {
	case math.Abs(lq) < 1e-12:
		return math.Log(n)
	case lq > 0: // (q^n − 1)/(q − 1) = q^(n−1)·(1 − q^−n)/(1 − q^−1)
		return (n-1)*lq + math.Log(-math.Expm1(-n*lq)) - math.Log(-math.Expm1(-lq))
	default:
		return math.Log(-math.Expm1(n*lq)) - math.Log(-math.Expm1(lq))
	}
}

// Lifespan returns T'_life, the last time at which λ'(t) ≥ γ: after it the
// torrent is "truly dead" (§4.2). λ'(t) jumps up each time a cohort of
// peers returns, so it is found exactly rather than from the approximation
// β·T_life of [Collaboration.LifespanApprox]: the peak of λ' on period k,
// log λ'(k/r) = log λ0 − k/(rτ) + log(1 + q + … + q^k), is concave in k, so
// the last period whose peak reaches γ is found by bisection.
func (c Collaboration) Lifespan(e Evolution) (time.Duration, error) {
	if err := c.check(e); err != nil {
		return 0, err
	}
	tauH := hours(e.tau)
	period := 1 / float64(c.r)
	logGamma := math.Log(float64(e.gamma))
	f := func(k float64) float64 { return c.logArrival(e, k*period, k) }
	const maxK = 1 << 50
	hi := 1.0
	for !(f(hi) < logGamma && f(hi+1) <= f(hi)) {
		hi *= 2
		if hi > maxK {
			return 0, fmt.Errorf("%w: lifespan spans more than 2^50 request periods", ErrParameter)
		}
	}
	// Peak: the smallest k with f(k+1) ≤ f(k).
	lo, up := 0.0, hi
	for lo < up {
		mid := math.Floor((lo + up) / 2)
		if f(mid+1) <= f(mid) {
			up = mid
		} else {
			lo = mid + 1
		}
	}
	if f(lo) < logGamma {
		return 0, nil // λ' never reaches γ: dead at birth
	}
	// Last k in [peak, hi) with f(k) ≥ log γ.
	up = hi
	for up-lo > 1 {
		mid := math.Floor((lo + up) / 2)
		if f(mid) >= logGamma {
			lo = mid
		} else {
			up = mid
		}
	}
	best := lo
	// Inside period best, λ'(t) = λ0·e^(−t/τ)·S decreases; solve for γ.
	t := tauH * (math.Log(float64(e.lambda0)) + logGeomSum(c.logQ(e), best+1) - logGamma)
	t = math.Min(t, (best+1)*period)
	if t/24/365.25 > 100 {
		return 0, fmt.Errorf("%w: lifespan %g h exceeds 100 years", ErrParameter, t)
	}
	return hoursToDuration(t), nil
}

// LifespanApprox returns the paper's approximation T'_life ≈ β·T_life
// (Eq. 4.24).
func (c Collaboration) LifespanApprox(e Evolution) (time.Duration, error) {
	beta, err := c.Beta(e)
	if err != nil {
		return 0, err
	}
	t := beta * hours(e.Lifespan())
	if t > maxHours {
		return 0, fmt.Errorf("%w: lifespan %g h exceeds 100 years", ErrParameter, t)
	}
	return hoursToDuration(t), nil
}

// FailureRatio returns R'_fail = e^(−T'_life/τ) (Eq. 4.25) with the exact
// T'_life of [Collaboration.Lifespan], capped at 1.
func (c Collaboration) FailureRatio(e Evolution) (float64, error) {
	t, err := c.Lifespan(e)
	if err != nil {
		return 0, err
	}
	return math.Min(1, math.Exp(-hours(t)/hours(e.tau))), nil
}

// FailureRatioApprox returns the paper's R'_fail ≈ R_fail^β (Eq. 4.25).
func (c Collaboration) FailureRatioApprox(e Evolution) (float64, error) {
	beta, err := c.Beta(e)
	if err != nil {
		return 0, err
	}
	return math.Pow(e.FailureRatio(), beta), nil
}

// RequestRateForBeta returns the peer request rate r that gives the factor
// β for attenuation τ and continuation probability p: r = 1/(β·τ·log(1/p)).
// It inverts [Collaboration.Beta], for instance to recover the paper's
// unstated r from its β ≈ 6.
func RequestRateForBeta(beta float64, tau time.Duration, p Probability) (Rate, error) {
	if !(beta > 1) || math.IsInf(beta, 0) {
		return 0, fmt.Errorf("%w: β = %g must exceed 1", ErrParameter, beta)
	}
	if err := checkDuration("attenuation τ", tau); err != nil {
		return 0, err
	}
	if err := checkProbability("continue probability p", p); err != nil {
		return 0, err
	}
	r := Rate(1 / (beta * hours(tau) * math.Log(1/float64(p))))
	if err := checkRate("peer request rate r", r); err != nil {
		return 0, err
	}
	return r, nil
}
