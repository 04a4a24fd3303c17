package valuation

import (
	"math"
	"time"
)

// decayed is a count that halves every half-life: an exponentially
// time-decayed event counter. It is stored as the value at time at.
type decayed struct {
	v  float64
	at time.Duration
}

// decay returns the factor by which a count shrinks over dt.
func decay(dt, halfLife time.Duration) float64 {
	if dt <= 0 {
		return 1
	}
	return math.Exp2(-float64(dt) / float64(halfLife))
}

// add records one event at now (now is never before d.at).
func (d *decayed) add(now, halfLife time.Duration) {
	d.v = d.v*decay(now-d.at, halfLife) + 1
	d.at = now
}

// get returns the count at now.
func (d decayed) get(now, halfLife time.Duration) float64 {
	if d.v == 0 {
		return 0
	}
	return d.v * decay(now-d.at, halfLife)
}
