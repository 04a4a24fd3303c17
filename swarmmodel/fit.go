package swarmmodel

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"
)

// eulerGamma is the Euler–Mascheroni constant: E[log δt] = −log λ − γ_E for
// an exponential gap δt of rate λ.
const eulerGamma = 0.57721566490153286061

// ArrivalFit is the result of [FitArrivals].
type ArrivalFit struct {
	Lambda0 Rate          // initial arrival rate λ0
	Tau     time.Duration // attenuation τ
	Gaps    int           // inter-arrival gaps used by the regression
}

// Evolution returns the torrent model with the fitted λ0 and τ and seed
// departure rate gamma.
func (f ArrivalFit) Evolution(gamma Rate) (Evolution, error) {
	return NewEvolution(f.Lambda0, f.Tau, gamma)
}

// FitArrivals estimates λ0 and τ of Eq. 3.1 from a torrent's peer arrival
// times, measured from the torrent's birth, by the regression of §3.2:
// log δt_n = −log λ0 + t_n/τ, with δt_n = t_{n+1} − t_n.
//
// The paper reads δt ≈ 1/λ(t); but for Poisson arrivals E[log δt] =
// −log λ(t) − γ_E (Euler–Mascheroni), so the paper's intercept
// underestimates λ0 by the factor e^γ_E ≈ 1.78. FitArrivals removes that
// bias. Arrival times need not be sorted; zero gaps (simultaneous arrivals)
// carry no information for a logarithm and are skipped. It returns
// [ErrSamples] when fewer than 3 usable gaps remain or when the arrivals do
// not slow down (a non-positive slope, τ ≤ 0 or beyond 100 years).
func FitArrivals(times []time.Duration) (ArrivalFit, error) {
	ts := slices.Clone(times)
	slices.Sort(ts)
	if len(ts) > 0 && ts[0] < 0 {
		return ArrivalFit{}, fmt.Errorf("%w: arrival before the torrent's birth (%v)", ErrSamples, ts[0])
	}
	x := make([]float64, 0, len(ts))
	y := make([]float64, 0, len(ts))
	for i := 0; i+1 < len(ts); i++ {
		gap := ts[i+1] - ts[i]
		if gap <= 0 {
			continue
		}
		x = append(x, hours(ts[i]))
		y = append(y, math.Log(hours(gap)))
	}
	if len(x) < 3 {
		return ArrivalFit{}, fmt.Errorf("%w: %d usable inter-arrival gaps, need 3", ErrSamples, len(x))
	}
	alpha, beta := stat.LinearRegression(x, y, nil, false)
	if !(beta > 0) || math.IsInf(beta, 0) || math.IsNaN(alpha) {
		return ArrivalFit{}, fmt.Errorf("%w: arrivals do not slow down (slope %g)", ErrSamples, beta)
	}
	tau := 1 / beta
	l0 := math.Exp(-alpha - eulerGamma)
	if tau > maxHours || !(l0 > 0) || l0 > maxRate {
		return ArrivalFit{}, fmt.Errorf("%w: fit out of range (τ = %g h, λ0 = %g/h)", ErrSamples, tau, l0)
	}
	return ArrivalFit{Lambda0: Rate(l0), Tau: hoursToDuration(tau), Gaps: len(x)}, nil
}

// PopulationFit is the result of [FitPopulation].
type PopulationFit struct {
	Population float64       // fitted total population N_all = λ0·τ
	Tau        time.Duration // attenuation τ
	// Deviation is the paper's average relative fitting deviation
	// |log N0 − log N| / log N0 over the arrival instants (Fig. 2), as a
	// fraction (0.06 is the paper's "about 6%").
	Deviation float64
}

// Lambda0 returns the initial arrival rate implied by the fit, N_all/τ.
func (f PopulationFit) Lambda0() Rate { return Rate(f.Population / hours(f.Tau)) }

// FitPopulation fits the complementary count of arrivals, as in §3.1 and
// Fig. 1–2: at the instant of the k-th of n sorted arrivals, N0 = n − k
// arrivals are still to come (counting itself); a least-squares line
// log N = log N_all − t/τ is fitted to log N0. The last instant, where
// N0 = 1 and log N0 = 0, is left out of the relative deviation, which would
// divide by zero. It returns [ErrSamples] for fewer than 3 arrivals or a
// population that does not decay.
func FitPopulation(times []time.Duration) (PopulationFit, error) {
	ts := slices.Clone(times)
	slices.Sort(ts)
	n := len(ts)
	if n < 3 {
		return PopulationFit{}, fmt.Errorf("%w: %d arrivals, need 3", ErrSamples, n)
	}
	if ts[0] < 0 {
		return PopulationFit{}, fmt.Errorf("%w: arrival before the torrent's birth (%v)", ErrSamples, ts[0])
	}
	x := make([]float64, n)
	y := make([]float64, n)
	for k, t := range ts {
		x[k] = hours(t)
		y[k] = math.Log(float64(n - k))
	}
	alpha, beta := stat.LinearRegression(x, y, nil, false)
	if !(beta < 0) || math.IsInf(beta, 0) || math.IsNaN(alpha) {
		return PopulationFit{}, fmt.Errorf("%w: population does not decay (slope %g)", ErrSamples, beta)
	}
	tau := -1 / beta
	if tau > maxHours {
		return PopulationFit{}, fmt.Errorf("%w: τ = %g h out of range", ErrSamples, tau)
	}
	var dev float64
	for k := 0; k < n-1; k++ {
		dev += math.Abs(y[k]-(alpha+beta*x[k])) / y[k]
	}
	pop, dev := math.Exp(alpha), dev/float64(n-1)
	if !(pop > 0) || math.IsInf(pop, 0) || math.IsNaN(dev) || math.IsInf(dev, 0) {
		return PopulationFit{}, fmt.Errorf("%w: fit out of range (N_all = %g, deviation %g)", ErrSamples, pop, dev)
	}
	return PopulationFit{Population: pop, Tau: hoursToDuration(tau), Deviation: dev}, nil
}

// PFromCounts estimates p, the probability that a peer joins a further
// torrent, from the number of torrents each peer joined during its life
// (§4.1). The counts are geometric on {1, 2, …} with mean 1/(1−p)
// (Eq. 4.13), so the maximum-likelihood estimate is p = 1 − 1/mean. Counts
// must be at least 1; at least two peers are needed, and not all of them
// with one torrent.
func PFromCounts(counts []int) (Probability, error) {
	if len(counts) < 2 {
		return 0, fmt.Errorf("%w: %d peers, need 2", ErrSamples, len(counts))
	}
	var sum float64
	for _, c := range counts {
		if c < 1 {
			return 0, fmt.Errorf("%w: a peer joined %d torrents; every peer joins at least one", ErrParameter, c)
		}
		sum += float64(c)
	}
	p := 1 - float64(len(counts))/sum
	if !(p > 0 && p < 1) {
		return 0, fmt.Errorf("%w: every peer joined exactly one torrent", ErrSamples)
	}
	return Probability(p), nil
}

// PFromRanks estimates p by the paper's rank regression (Eq. 4.12): with
// peers ranked by decreasing number of torrents, the peer of rank i joined
// m = 1 + (log i − log N)/log p torrents; the slope of m against log i is
// 1/log p. It needs counts that vary. The straight line ignores that counts
// are integers, which biases the estimate for small p (0.26 for p = 0.3);
// [PFromCounts] is the better estimator, this one is the paper's.
func PFromRanks(counts []int) (Probability, error) {
	if len(counts) < 3 {
		return 0, fmt.Errorf("%w: %d peers, need 3", ErrSamples, len(counts))
	}
	m := make([]float64, len(counts))
	for i, c := range counts {
		if c < 1 {
			return 0, fmt.Errorf("%w: a peer joined %d torrents; every peer joins at least one", ErrParameter, c)
		}
		m[i] = float64(c)
	}
	slices.Sort(m)
	slices.Reverse(m)
	logRank := make([]float64, len(m))
	for i := range m {
		logRank[i] = math.Log(float64(i + 1))
	}
	_, slope := stat.LinearRegression(logRank, m, nil, false)
	if !(slope < 0) {
		return 0, fmt.Errorf("%w: torrent counts do not decrease with rank (slope %g)", ErrSamples, slope)
	}
	p := math.Exp(1 / slope)
	if !(p > 0 && p < 1) {
		return 0, fmt.Errorf("%w: fitted p = %g", ErrSamples, p)
	}
	return Probability(p), nil
}

// PFromRates returns p = 1 − λ_p/λ_q (Eq. 4.14) from the peer birth rate
// λ_p and the torrent request rate λ_q. The paper's 19.37/h and 133.39/h
// give 0.8548.
func PFromRates(peerBirth, requests Rate) (Probability, error) {
	if err := checkRate("peer birth rate λ_p", peerBirth); err != nil {
		return 0, err
	}
	if err := checkRate("request rate λ_q", requests); err != nil {
		return 0, err
	}
	if requests <= peerBirth {
		return 0, fmt.Errorf("%w: λ_q = %v must exceed λ_p = %v (each peer requests at least once)", ErrProbability, requests, peerBirth)
	}
	return Probability(1 - float64(peerBirth/requests)), nil
}

// MeanTorrents returns the mean number of torrents a peer joins, 1/(1−p)
// (Eq. 4.13). For p = 0.8551 it is 6.901; the paper measured 7.514.
func MeanTorrents(p Probability) (float64, error) {
	if err := checkProbability("continue probability p", p); err != nil {
		return 0, err
	}
	return 1 / (1 - float64(p)), nil
}
