package anonymity

import (
	"fmt"
	"math"
)

// Metrics are the information-theoretic anonymity measures of one sender
// distribution: the adversary's probabilities Pr(P_u) that each candidate
// P_u is the sender.
type Metrics struct {
	// N is the number of candidates, the length of the vector (zero
	// probabilities included): the nominal anonymity set.
	N int
	// Support is the number of candidates with non-zero probability.
	Support int
	// Entropy is the Shannon entropy in bits, Eq. (8) of [PACOM §4.1]:
	// S = −Σ Pr(P_u) log2 Pr(P_u).
	Entropy float64
	// MinEntropy is −log2 max_u Pr(P_u), in bits: the guessing
	// adversary's view, never more than Entropy.
	MinEntropy float64
}

// Degree returns the degree of anonymity S / log2 N of Díaz et al.: 1 when
// every candidate is equally likely, 0 when the sender is known. A single
// candidate gives no anonymity and has degree 0.
func (m Metrics) Degree() float64 {
	if m.N <= 1 {
		return 0
	}
	return m.Entropy / math.Log2(float64(m.N))
}

// EffectiveSize returns the effective anonymity set size 2^S: the number of
// equally likely candidates that would give the same entropy.
func (m Metrics) EffectiveSize() float64 { return math.Exp2(m.Entropy) }

// Measure computes the [Metrics] of a sender distribution given as
// non-negative weights. The weights need not sum to one: they are
// normalised by their sum, so a probability vector and a vector of
// unnormalised scores both work. Zeros contribute nothing (0 log 0 = 0);
// weights outside [2^−300, 2^300] are rescaled exactly by a power of two
// near the largest before summing, and sums are compensated, so that
// subnormal and near-overflow weights give the same entropy as moderate
// ones.
//
// Measure returns [ErrEmpty] for an empty vector, [ErrNonFinite] for NaN or
// ±Inf, [ErrNegative] for a negative weight and [ErrNotNormalisable] when
// every weight is zero.
func Measure(weights []float64) (Metrics, error) {
	if len(weights) == 0 {
		return Metrics{}, ErrEmpty
	}
	// One pass validates and, for weights in [2^−300, 2^300], where
	// w ln w can neither overflow nor lose its precision, sums
	// S = Σ w and L = Σ w ln w directly: H = ln S − L/S. Otherwise a second
	// pass rescales the weights first.
	var sum, sc, wlw, wc, maxw float64
	support := 0
	safe := true
	for start := 0; start < len(weights); start += sumBlock {
		block := weights[start:min(start+sumBlock, len(weights))]
		var s, l float64
		for j, w := range block {
			// One comparison pair rejects NaN, negatives and +Inf; the
			// precise diagnosis is only made on failure.
			if !(w >= 0 && w <= math.MaxFloat64) {
				return Metrics{}, badWeight(start+j, w)
			}
			if w > 0 {
				support++
				maxw = max(maxw, w)
				if w < fastLo || w > fastHi {
					safe = false
				}
				s += w
				l += w * math.Log(w)
			}
		}
		sum, sc = neumaier(sum, sc, s)
		wlw, wc = neumaier(wlw, wc, l)
	}
	if maxw == 0 {
		return Metrics{}, fmt.Errorf("%w: all %d weights are zero", ErrNotNormalisable, len(weights))
	}
	if safe {
		t := sum + sc
		return Metrics{
			N:          len(weights),
			Support:    support,
			Entropy:    max(0, (math.Log(t)-(wlw+wc)/t)/math.Ln2),
			MinEntropy: max(0, math.Log2(t/maxw)),
		}, nil
	}
	// Scaled weights u = w·2^−e, with max w = f·2^e and f in [½, 1), lie in
	// [0, 1) and sum to T in [½, N): no overflow, the scaling is exact, and
	// H = ln T − (1/T) Σ u ln u.
	_, e := math.Frexp(maxw)
	t, ulu := scaledSums(weights, e)
	h := (math.Log(t) - ulu/t) / math.Ln2
	if h < 0 { // rounding when one candidate holds all the mass
		h = 0
	}
	maxu := math.Ldexp(maxw, -e)
	return Metrics{
		N:          len(weights),
		Support:    support,
		Entropy:    h,
		MinEntropy: max(0, math.Log2(t/maxu)), // max p = maxu/T
	}, nil
}

// fastLo and fastHi bound the weights that Measure sums without rescaling.
const (
	fastLo = 0x1p-300
	fastHi = 0x1p300
)

func badWeight(i int, w float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return fmt.Errorf("%w: weight %d is %v", ErrNonFinite, i, w)
	}
	return fmt.Errorf("%w: weight %d is %v", ErrNegative, i, w)
}

// sumBlock is the length of the runs summed naively before their totals are
// added with compensation: the rounding error stays near 2⁻⁵³·sumBlock
// relative while the inner loop runs at full speed.
const sumBlock = 512

// scaledSums returns Σ u and Σ u ln u over u = w·2^−e for the non-zero w.
func scaledSums(weights []float64, e int) (sum, ulu float64) {
	scale := math.Ldexp(1, -e)
	if e <= -1000 || e >= 1000 {
		// scale is not a normal number: scale each weight by Ldexp,
		// which stays exact. Only for extreme weights.
		scaled := make([]float64, len(weights))
		for i, w := range weights {
			scaled[i] = math.Ldexp(w, -e)
		}
		weights, scale = scaled, 1
	}
	var sc, uc float64
	for len(weights) > 0 {
		block := weights[:min(sumBlock, len(weights))]
		weights = weights[len(block):]
		var s0, s1, l0, l1 float64
		i := 0
		for ; i+1 < len(block); i += 2 {
			a, b := block[i]*scale, block[i+1]*scale
			s0 += a
			s1 += b
			if a > 0 {
				l0 += a * math.Log(a)
			}
			if b > 0 {
				l1 += b * math.Log(b)
			}
		}
		if i < len(block) {
			a := block[i] * scale
			s0 += a
			if a > 0 {
				l0 += a * math.Log(a)
			}
		}
		sum, sc = neumaier(sum, sc, s0+s1)
		ulu, uc = neumaier(ulu, uc, l0+l1)
	}
	return sum + sc, ulu + uc
}

// MeasureCounts computes the [Metrics] of the empirical distribution of
// counts: how many times each candidate was found to be the sender. It
// returns [ErrEmpty] for an empty vector and [ErrNotNormalisable] when every
// count is zero or the total overflows.
func MeasureCounts(counts []uint64) (Metrics, error) {
	if len(counts) == 0 {
		return Metrics{}, ErrEmpty
	}
	var total, maxc uint64
	support := 0
	for _, c := range counts {
		if c == 0 {
			continue
		}
		if total+c < total {
			return Metrics{}, fmt.Errorf("%w: total count overflows", ErrNotNormalisable)
		}
		total += c
		maxc = max(maxc, c)
		support++
	}
	if total == 0 {
		return Metrics{}, fmt.Errorf("%w: all %d counts are zero", ErrNotNormalisable, len(counts))
	}
	// H = log2 T − (1/T) Σ c log2 c.
	var s, sc float64
	for _, c := range counts {
		if c > 1 {
			f := float64(c)
			s, sc = neumaier(s, sc, f*math.Log2(f))
		}
	}
	t := float64(total)
	h := math.Log2(t) - (s+sc)/t
	if h < 0 {
		h = 0
	}
	return Metrics{
		N:          len(counts),
		Support:    support,
		Entropy:    h,
		MinEntropy: math.Log2(t) - math.Log2(float64(maxc)),
	}, nil
}

// Entropy returns the Shannon entropy in bits (Eq. 8) of the distribution
// given by non-negative weights, normalised as in [Measure].
func Entropy(weights []float64) (float64, error) {
	m, err := Measure(weights)
	return m.Entropy, err
}

// EntropyCounts returns the Shannon entropy in bits of the empirical
// distribution of counts, as in [MeasureCounts].
func EntropyCounts(counts []uint64) (float64, error) {
	m, err := MeasureCounts(counts)
	return m.Entropy, err
}

// neumaier adds x to the compensated sum (s, c) and returns the new pair;
// the sum is s + c.
func neumaier(s, c, x float64) (float64, float64) {
	t := s + x
	if math.Abs(s) >= math.Abs(x) {
		c += (s - t) + x
	} else {
		c += (x - t) + s
	}
	return t, c
}
