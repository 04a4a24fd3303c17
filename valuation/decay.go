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
	cache    *DecayCache // shared with other Markets, or nil
	halfLife time.Duration
	epoch    time.Duration
	at       time.Duration // time of the cached scale
	scale    float64       // 2^((at−epoch)/halfLife)
}

// renormAfter is the number of half-lives after which the counts are
// rebased on a new epoch: the scale is then 2^256, far from float64
// overflow (2^1024).
const renormAfter = 256

func newDecayClock(halfLife time.Duration, cache *DecayCache) decayClock {
	return decayClock{cache: cache, halfLife: halfLife, scale: 1}
}

// scaleAt returns 2^((now−epoch)/halfLife).
func (c *decayClock) scaleAt(now time.Duration) float64 {
	if now != c.at {
		c.at = now
		c.scale = c.cache.exp2(float64(now-c.epoch) / float64(c.halfLife))
	}
	return c.scale
}

// decayCacheBits is the log2 of the number of entries of a [DecayCache]:
// 16,384 entries, 256 KiB. A HAVE may wait for a while in a simulation's
// queue before the last of its Markets takes it (the 10 s of an unchoke
// round, some 5,000 piece completions with 1,000 clients); a smaller
// table evicted it first.
const (
	decayCacheBits = 14
	decayCacheSize = 1 << decayCacheBits
)

// A DecayCache remembers the last exponentials computed for the decayed
// HAVE and REQUEST counts of the [Market]s that share it, so that an
// event seen by many Markets costs one exp2. It serves a simulation of
// many nodes in one goroutine: a HAVE reaches every neighbour's Market at
// the same time, and each would otherwise compute the same 2^x. Values
// are the exact math.Exp2 results, so sharing a cache changes no value,
// only the cost (a direct-mapped table of 16,384 entries, 256 KiB).
//
// The zero DecayCache is ready to use. A DecayCache is not safe for
// concurrent use: Markets used from different goroutines need different
// caches (or none).
type DecayCache struct {
	x [decayCacheSize]uint64  // math.Float64bits of the exponent
	v [decayCacheSize]float64 // 2^x, or 0 for an empty entry
}

// exp2 returns math.Exp2(x), from the cache if c holds it; a nil c
// computes it.
func (c *DecayCache) exp2(x float64) float64 {
	if c == nil {
		return math.Exp2(x)
	}
	b := math.Float64bits(x)
	// Fibonacci hashing of the bits: nearby times spread over the table.
	i := (b * 0x9e3779b97f4a7c15) >> (64 - decayCacheBits)
	if c.v[i] != 0 && c.x[i] == b {
		return c.v[i]
	}
	v := math.Exp2(x)
	c.x[i], c.v[i] = b, v
	return v
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
