package anonymity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Metric is a distance between the pattern vectors of two links: smaller
// means more correlated, so the flow-correlation attack of [PACOM §4.3]
// pairs each input link with the output link at the smallest distance.
//
// A Metric splits the work in two so that matching n inputs against m
// outputs costs n+m feature computations and n·m cheap comparisons.
type Metric interface {
	// Features appends to dst[:0] the representation of pattern x that
	// Compare works on. It returns an error for an empty or non-finite
	// pattern.
	Features(dst, x []float64) ([]float64, error)
	// Compare returns the distance between the features of two patterns
	// of equal length. Features of different lengths are a programming
	// error.
	Compare(a, b []float64) float64
}

// Distance returns m's distance between patterns x and y, which must have
// the same length ([ErrLengthMismatch]). Patterns may hold any finite
// values: the metrics of this package depend only on a pattern's shape, and
// patterns near the largest float64 or subnormal are rescaled exactly
// before use, so they neither overflow to NaN nor lose their information.
func Distance(m Metric, x, y []float64) (float64, error) {
	if len(x) != len(y) {
		return 0, fmt.Errorf("%w: patterns of %d and %d intervals", ErrLengthMismatch, len(x), len(y))
	}
	fx, err := m.Features(nil, x)
	if err != nil {
		return 0, err
	}
	fy, err := m.Features(nil, y)
	if err != nil {
		return 0, err
	}
	return m.Compare(fx, fy), nil
}

func checkPattern(x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("%w: pattern", ErrEmpty)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: pattern[%d] is %v", ErrNonFinite, i, v)
		}
	}
	return nil
}

// Patterns whose largest magnitude lies in [patternLo, patternHi] are used
// as they are: their sums of squares (at most MaxPatternLen·(2·2^256)²)
// cannot overflow and their squares do not underflow. Other finite
// patterns are rescaled first.
const (
	patternLo = 0x1p-256
	patternHi = 0x1p256
)

// appendScaled appends x to dst[:0], multiplied by a power of two when its
// largest magnitude lies outside [patternLo, patternHi] so that it then
// lies in [½, 1). Every distance depends only on the shape of a pattern,
// which the exact power-of-two scaling keeps, so values near MaxFloat64 or
// subnormal give the distance of the same pattern at ordinary magnitudes
// instead of overflowing to NaN (or, quantised, to an invalid bin).
// Patterns in range are copied unchanged, so their distances are not
// affected at all.
func appendScaled(dst, x []float64) []float64 {
	dst = dst[:0]
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	if m == 0 || (m >= patternLo && m <= patternHi) {
		return append(dst, x...)
	}
	_, e := math.Frexp(m)
	for _, v := range x {
		dst = append(dst, math.Ldexp(v, -e))
	}
	return dst
}

// Spectral is the normalised spectral distance that this package reads
// into the garbled Eq. (10) of [PACOM §4.3]. A pattern's features are the
// one-sided magnitude spectrum |X^F_k|, k = 1..⌊q/2⌋, of the mean-removed
// pattern (gonum's real FFT), scaled to unit Euclidean norm; the distance of
// two patterns is
//
//	d(X_i, X_j) = 1 − ⟨X^F_i, X^F_j⟩ / (‖X^F_i‖·‖X^F_j‖)   ∈ [0, 1],
//
// the cosine distance of the magnitude spectra. Removing the mean (the DC
// bin) keeps every busy link from looking alike; magnitudes make the
// distance insensitive to the relay's forwarding delay. A constant pattern
// has no spectrum and is at distance 1 from everything: no evidence of
// correlation.
//
// Spectral caches an FFT plan and is not safe for concurrent use; use one
// per goroutine. The zero value is ready to use.
type Spectral struct {
	fft   *fourier.FFT
	buf   []float64
	coeff []complex128
}

var _ Metric = (*Spectral)(nil)

// Features appends the unit-norm magnitude spectrum of x to dst[:0].
func (s *Spectral) Features(dst, x []float64) ([]float64, error) {
	if err := checkPattern(x); err != nil {
		return nil, err
	}
	n := len(x)
	if s.fft == nil {
		s.fft = fourier.NewFFT(n)
	} else if s.fft.Len() != n {
		s.fft.Reset(n)
	}
	s.buf = appendScaled(s.buf, x)
	mean := 0.0
	for _, v := range s.buf {
		mean += v
	}
	mean /= float64(n)
	for i := range s.buf {
		s.buf[i] -= mean
	}
	if cap(s.coeff) < n/2+1 {
		s.coeff = make([]complex128, n/2+1)
	}
	s.coeff = s.fft.Coefficients(s.coeff[:n/2+1], s.buf)
	dst = dst[:0]
	norm := 0.0
	for _, c := range s.coeff[1:] {
		a := math.Hypot(real(c), imag(c))
		dst = append(dst, a)
		norm += a * a
	}
	normalise(dst, norm)
	return dst, nil
}

// Compare returns the cosine distance of two unit-norm spectra.
func (s *Spectral) Compare(a, b []float64) float64 { return cosineDistance(a, b, 1) }

// SpectralDistance returns the [Spectral] distance between patterns x and y.
func SpectralDistance(x, y []float64) (float64, error) {
	return Distance(new(Spectral), x, y)
}

// Correlation is the time-domain variant: 1 − r, where r is the largest
// Pearson correlation of x_t with y_{t+ℓ} over lags ℓ = 0..MaxLag (the
// output lags the input by the relay's delay). Its range is [0, 2]; a
// constant pattern has r = 0 and distance 1. Each lag uses the vectors
// standardised over their whole length, the usual biased estimate of the
// cross-correlation.
type Correlation struct {
	// MaxLag is the largest lag, in intervals, that the distance searches.
	// Zero compares the patterns interval by interval.
	MaxLag int
}

var _ Metric = Correlation{}

// Features appends the standardised pattern (zero mean, unit norm) to
// dst[:0].
func (c Correlation) Features(dst, x []float64) ([]float64, error) {
	if err := checkPattern(x); err != nil {
		return nil, err
	}
	if c.MaxLag < 0 {
		return nil, fmt.Errorf("%w: max lag %d", ErrParameter, c.MaxLag)
	}
	dst = appendScaled(dst, x)
	mean := 0.0
	for _, v := range dst {
		mean += v
	}
	mean /= float64(len(dst))
	norm := 0.0
	for i, v := range dst {
		dst[i] = v - mean
		norm += (v - mean) * (v - mean)
	}
	normalise(dst, norm)
	return dst, nil
}

// Compare returns 1 − max_ℓ r_ℓ over lags 0..MaxLag.
func (c Correlation) Compare(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("anonymity: Correlation.Compare of features of different lengths")
	}
	best := math.Inf(-1)
	for lag := 0; lag <= c.MaxLag && lag < len(a); lag++ {
		r := 0.0
		for t := 0; t+lag < len(a); t++ {
			r += a[t] * b[t+lag]
		}
		best = max(best, r)
	}
	return 1 - min(1, max(-1, best)) // rounding may push |r| past 1
}

// CorrelationDistance returns the lag-0 [Correlation] distance 1 − r
// between patterns x and y.
func CorrelationDistance(x, y []float64) (float64, error) {
	return Distance(Correlation{}, x, y)
}

// MutualInformation is the information-theoretic variant: each pattern is
// quantised into Bins equal-width bins over its own range, and the distance
// is 1 − I(X_t; Y_{t+ℓ}) / min(H(X), H(Y)) in [0, 1], maximising the
// mutual information over lags ℓ = 0..MaxLag, with plug-in estimates in
// bits. A pattern with a single occupied bin carries no information and is
// at distance 1. The plug-in estimate is biased upwards for short patterns;
// it still ranks candidate links fairly because they share the length.
type MutualInformation struct {
	// Bins is the number of quantisation levels, at most MaxBins; 0 means
	// Sturges' rule, ⌈log2 q⌉ + 1.
	Bins int
	// MaxLag is the largest lag, in intervals, that the distance searches.
	MaxLag int
}

var _ Metric = MutualInformation{}

// MaxBins bounds [MutualInformation.Bins]: Compare counts a Bins × Bins
// joint histogram.
const MaxBins = 1024

func (mi MutualInformation) bins(q int) int {
	if mi.Bins > 0 {
		return mi.Bins
	}
	return int(math.Ceil(math.Log2(float64(q)))) + 1
}

// Features appends the bin index of each interval (as a float64) to dst[:0].
func (mi MutualInformation) Features(dst, x []float64) ([]float64, error) {
	if err := checkPattern(x); err != nil {
		return nil, err
	}
	if mi.Bins < 0 || mi.Bins > MaxBins || mi.MaxLag < 0 {
		return nil, fmt.Errorf("%w: %d bins, max lag %d", ErrParameter, mi.Bins, mi.MaxLag)
	}
	b := mi.bins(len(x))
	dst = appendScaled(dst, x)
	lo, hi := dst[0], dst[0]
	for _, v := range dst {
		lo, hi = min(lo, v), max(hi, v)
	}
	for i, v := range dst {
		k := 0
		if hi > lo {
			k = min(b-1, int(float64(b)*(v-lo)/(hi-lo)))
		}
		dst[i] = float64(k)
	}
	return dst, nil
}

// Compare returns 1 − max_ℓ I_ℓ/min(H(X), H(Y)) of two quantised patterns.
func (mi MutualInformation) Compare(a, b []float64) float64 {
	if len(a) != len(b) {
		panic("anonymity: MutualInformation.Compare of features of different lengths")
	}
	nb := mi.bins(len(a))
	joint := make([]uint64, nb*nb)
	ma := make([]uint64, nb)
	mb := make([]uint64, nb)
	for t := range a {
		ma[int(a[t])]++
		mb[int(b[t])]++
	}
	ha, _ := EntropyCounts(ma)
	hb, _ := EntropyCounts(mb)
	h := min(ha, hb)
	if h <= 1e-12 {
		return 1
	}
	best := 0.0
	for lag := 0; lag <= mi.MaxLag && lag < len(a); lag++ {
		clear(joint)
		clear(ma)
		clear(mb)
		for t := 0; t+lag < len(a); t++ {
			i, j := int(a[t]), int(b[t+lag])
			joint[i*nb+j]++
			ma[i]++
			mb[j]++
		}
		hj, _ := EntropyCounts(joint)
		hla, _ := EntropyCounts(ma)
		hlb, _ := EntropyCounts(mb)
		best = max(best, hla+hlb-hj)
	}
	return clamp01(1 - best/h)
}

// MutualInformationDistance returns the [MutualInformation] distance with
// Sturges' number of bins between patterns x and y.
func MutualInformationDistance(x, y []float64) (float64, error) {
	return Distance(MutualInformation{}, x, y)
}

// normalise scales v, whose squared norm is sq, to unit norm; a zero vector
// stays zero.
func normalise(v []float64, sq float64) {
	if sq <= 0 {
		return
	}
	inv := 1 / math.Sqrt(sq)
	for i := range v {
		v[i] *= inv
	}
}

// cosineDistance returns 1 − ⟨a, b⟩ for unit vectors, or the given
// distance if either is zero.
func cosineDistance(a, b []float64, ifZero float64) float64 {
	if len(a) != len(b) {
		panic("anonymity: Compare of features of different lengths")
	}
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return ifZero
	}
	return clamp01(1 - dot)
}
