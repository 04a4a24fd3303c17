package valuation

import (
	"math"
	"time"
)

// decayClock turns event times into the weights of exponentially
// time-decayed counts that halve every half-life. A count is stored as a sum
// of weights 2^((t_i−epoch)/halfLife) over its events t_i; its value at now
// is that sum over 2^((now−epoch)/halfLife). Adding an event is then one
// addition, and every count that shares the clock shares the one exp2 per
// distinct time, cached: the hot path of [Market.ObserveHave] does no
// transcendental arithmetic unless the clock moved.
type decayClock struct {
	halfLife time.Duration
	epoch    time.Duration
	at       time.Duration // time of the cached scale
	scale    float64       // 2^((at−epoch)/halfLife)
}

// renormAfter is the number of half-lives after which the counts are
// rebased on a new epoch: the scale is then 2^256, far from float64
// overflow (2^1024).
const renormAfter = 256

func newDecayClock(halfLife time.Duration) decayClock {
	return decayClock{halfLife: halfLife, scale: 1}
}

// scaleAt returns 2^((now−epoch)/halfLife).
func (c *decayClock) scaleAt(now time.Duration) float64 {
	if now != c.at {
		c.at = now
		c.scale = math.Exp2(float64(now-c.epoch) / float64(c.halfLife))
	}
	return c.scale
}

// needsRebase reports whether the counts should be rebased at now: whether
// the scale at now exceeds 2^renormAfter. It compares the exponent, so
// that checking a clock costs no exp2: [Market.ObserveHave] checks both
// of the Market's clocks and needs the scale of one.
func (c *decayClock) needsRebase(now time.Duration) bool {
	return float64(now-c.epoch)/float64(c.halfLife) > renormAfter
}

// rebase moves the epoch to now; the caller divides every count of the
// clock by the returned factor.
func (c *decayClock) rebase(now time.Duration) float64 {
	f := c.scaleAt(now)
	c.epoch, c.at, c.scale = now, now, 1
	return f
}
