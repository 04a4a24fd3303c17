package swarmmodel

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/integrate/quad"
)

// MultiTorrent is the homogeneous multi-torrent system of [Guo05 §4.2]: a
// torrent is born every 1/λ_t, peers are born at rate λ_p and request a new
// torrent every 1/r with probability p, and every torrent shares the same τ.
// At the observation time t0 the torrents are numbered from the newest:
// torrent i was born at t_i = t0 − i/λ_t (i ≥ 1). Build it with
// [NewMultiTorrent].
//
// The paper's α_k (the correction for torrents a peer already requested) is
// taken as 1, its value when λ_t ≫ r.
type MultiTorrent struct {
	lambdaT Rate
	lambdaP Rate
	p       Probability
	r       Rate
	tau     time.Duration
}

// NewMultiTorrent returns the homogeneous system with torrent birth rate
// lambdaT, peer birth rate lambdaP, continuation probability p, peer request
// rate r and popularity attenuation tau.
func NewMultiTorrent(lambdaT, lambdaP Rate, p Probability, r Rate, tau time.Duration) (MultiTorrent, error) {
	if err := checkRate("torrent birth rate λ_t", lambdaT); err != nil {
		return MultiTorrent{}, err
	}
	if err := checkRate("peer birth rate λ_p", lambdaP); err != nil {
		return MultiTorrent{}, err
	}
	if err := checkProbability("continue probability p", p); err != nil {
		return MultiTorrent{}, err
	}
	if err := checkRate("peer request rate r", r); err != nil {
		return MultiTorrent{}, err
	}
	if err := checkDuration("attenuation τ", tau); err != nil {
		return MultiTorrent{}, err
	}
	if 1/(float64(lambdaT)*hours(tau)) > 700 {
		return MultiTorrent{}, fmt.Errorf("%w: 1/(λ_t·τ) = %g: torrents too rare for their lifetime", ErrParameter, 1/(float64(lambdaT)*hours(tau)))
	}
	return MultiTorrent{lambdaT: lambdaT, lambdaP: lambdaP, p: p, r: r, tau: tau}, nil
}

// selectionScale returns e^(1/(λ_t·τ)) − 1, the normalising constant of
// P_i (Eq. 4.16).
func (m MultiTorrent) selectionScale() float64 {
	return math.Expm1(1 / (float64(m.lambdaT) * hours(m.tau)))
}

// Selection returns P_i(t0) = (e^(1/(λ_t·τ)) − 1)·e^(−i/(λ_t·τ)) (Eq. 4.16),
// the probability that a request at t0 picks torrent i. It is 0 for i < 1.
func (m MultiTorrent) Selection(i int) float64 {
	if i < 1 {
		return 0
	}
	return m.selectionAtAge(float64(i) / float64(m.lambdaT))
}

// selectionAtAge is P for a torrent of the given age in hours (0 if not
// yet born), capped at 1.
func (m MultiTorrent) selectionAtAge(ageH float64) float64 {
	if ageH < 0 {
		return 0
	}
	return math.Min(1, m.selectionScale()*math.Exp(-ageH/hours(m.tau)))
}

// RequestRate returns λ_q = λ_p/(1−p) (Eq. 4.14).
func (m MultiTorrent) RequestRate() Rate { return m.lambdaP / Rate(1-m.p) }

// Lambda0 returns a torrent's initial arrival rate in this system,
// λ0 = λ_p/(1−p)·(e^(1/(λ_t·τ)) − 1) (after Eq. 4.18, α = 1).
func (m MultiTorrent) Lambda0() Rate {
	return m.RequestRate() * Rate(m.selectionScale())
}

// W returns W_ij (Eq. 4.19): the expected number of peers now in torrent i
// that downloaded torrent j before, and so could serve torrent j. W_ii = 0.
// Peers joined torrent j at rate λ0·e^(−(t−t_j)/τ); those that joined at t
// have made k(t) = ⌊r·(t0 − t)⌋ more requests by t0, the last of them for
// torrent i and none before for i.
func (m MultiTorrent) W(i, j int) (float64, error) {
	if i < 1 || j < 1 {
		return 0, fmt.Errorf("%w: torrent indices start at 1 (have %d, %d)", ErrParameter, i, j)
	}
	if !(m.r > 0 && m.lambdaT > 0 && m.tau > 0) {
		return 0, fmt.Errorf("%w: zero MultiTorrent (use NewMultiTorrent)", ErrParameter)
	}
	if i == j {
		return 0, nil
	}
	period := 1 / float64(m.r)
	ai := float64(i) / float64(m.lambdaT) // age of torrent i at t0, hours
	aj := float64(j) / float64(m.lambdaT)
	if aj/period > 1e6 {
		return 0, fmt.Errorf("%w: torrent %d spans %g request periods", ErrParameter, j, aj/period)
	}
	tauH := hours(m.tau)
	l0 := float64(m.Lambda0())
	p := float64(m.p)
	// s = t0 − t runs over [0, a_j]. The integrand is smooth between the
	// breakpoints s = n/r (k changes) and s = a_i + l/r (torrent i is born
	// before the l-th later request).
	breaks := []float64{0, aj}
	for n := 1.0; n*period < aj; n++ {
		breaks = append(breaks, n*period)
		if s := ai + n*period; s < aj {
			breaks = append(breaks, s)
		}
	}
	slices.Sort(breaks)
	breaks = slices.Compact(breaks)
	integrand := func(s float64) float64 {
		k := math.Floor(s / period)
		if k < 1 {
			return 0
		}
		// Request l happens at t + l/r, when torrent i is a_i − s + l/r old.
		q := p
		for l := 1.0; l < k; l++ {
			q *= p * (1 - m.selectionAtAge(ai-s+l*period))
		}
		return l0 * math.Exp(-(aj-s)/tauH) * q * m.selectionAtAge(ai-s+k*period)
	}
	var total float64
	for n := 1; n < len(breaks); n++ {
		a, b := breaks[n-1], breaks[n]
		if b-a <= 0 {
			continue
		}
		// Evaluate just inside the piece so that floor(s/period) is the
		// piece's k at both ends.
		eps := (b - a) * 1e-12
		total += quad.Fixed(integrand, a+eps, b-eps, 12, quad.Legendre{}, 0)
	}
	return total, nil
}

// Graph is the inter-torrent relation graph of §4.2 for torrents 1…n:
// W_ij, the out-degrees SP_i = Σ_j W_ij and the in-degrees SG_j = Σ_i W_ij.
type Graph struct {
	n int
	w []float64 // row-major, n×n, zero-based
}

// Graph computes W_ij for the n newest torrents.
func (m MultiTorrent) Graph(n int) (*Graph, error) {
	if n < 1 || n > 4096 {
		return nil, fmt.Errorf("%w: graph size %d must lie in [1, 4096]", ErrParameter, n)
	}
	g := &Graph{n: n, w: make([]float64, n*n)}
	for i := 1; i <= n; i++ {
		for j := 1; j <= n; j++ {
			v, err := m.W(i, j)
			if err != nil {
				return nil, err
			}
			g.w[(i-1)*n+j-1] = v
		}
	}
	return g, nil
}

// N returns the number of torrents in g.
func (g *Graph) N() int { return g.n }

// W returns W_ij for 1 ≤ i, j ≤ N; it panics outside that range, like a
// slice index.
func (g *Graph) W(i, j int) float64 {
	if i < 1 || j < 1 || i > g.n || j > g.n {
		panic(fmt.Sprintf("swarmmodel: Graph.W(%d, %d) out of range [1, %d]", i, j, g.n))
	}
	return g.w[(i-1)*g.n+j-1]
}

// SP returns the weighted out-degree of torrent i, Σ_j W_ij (Eq. 4.20): how
// much its peers can serve other torrents.
func (g *Graph) SP(i int) float64 {
	var s float64
	for j := 1; j <= g.n; j++ {
		s += g.W(i, j)
	}
	return s
}

// SG returns the weighted in-degree of torrent j, Σ_i W_ij (Eq. 4.21): how
// much it can get from peers in other torrents.
func (g *Graph) SG(j int) float64 {
	var s float64
	for i := 1; i <= g.n; i++ {
		s += g.W(i, j)
	}
	return s
}
