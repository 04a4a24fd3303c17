package chord

import (
	"errors"
	"fmt"
	"math"
)

// ErrModel is returned for out-of-range model parameters.
var ErrModel = errors.New("chord: model parameters out of range")

// DiskEstimate is Appendix A's estimate of the disk space each user
// contributes when every torrent is replicated q times across all users:
// torrents × fileBytes × q / users. It returns an error when users is not
// positive or the product overflows.
func DiskEstimate(torrents, users, fileBytes int64, q int) (int64, error) {
	if torrents < 0 || users <= 0 || fileBytes < 0 || q < 0 {
		return 0, fmt.Errorf("%w: torrents %d, users %d, file bytes %d, q %d", ErrModel, torrents, users, fileBytes, q)
	}
	hi, lo := mul64(uint64(torrents), uint64(fileBytes))
	hi2, lo2 := mul64(lo, uint64(q))
	if hi != 0 || hi2 != 0 || lo2 > math.MaxInt64 {
		return 0, fmt.Errorf("%w: overflow", ErrModel)
	}
	return int64(lo2) / users, nil
}

func mul64(a, b uint64) (hi, lo uint64) {
	if a == 0 || b == 0 {
		return 0, 0
	}
	lo = a * b
	if lo/b != a {
		return 1, lo
	}
	return 0, lo
}

// Appendix A's Mininova snapshot (21 March 2007).
const (
	MininovaTorrents  = 3_583_654
	MininovaUsers     = 8_914_595 // 3,964,445 seeders + 4,950,150 leechers
	MininovaFileBytes = 60_150_000
)

// ClaimBTerm is the combinatorial term of Appendix B's proof sketch,
// c!(q−c)!/q! = 1/C(q, c): the probability that a given set of c slots is
// exactly the c chosen uniformly at random.
func ClaimBTerm(q, c int) (float64, error) {
	if q < 1 || c < 0 || c > q {
		return 0, fmt.Errorf("%w: q %d, c %d", ErrModel, q, c)
	}
	lg := lgam(q+1) - lgam(c+1) - lgam(q-c+1)
	return math.Exp(-lg), nil
}

func lgam(n int) float64 { v, _ := math.Lgamma(float64(n)); return v }

// FullReplicationLoss is the per-interval loss probability when all q
// replicas are present at the start of every interval and each holder fails
// independently with probability p: p^q. This is the ≈10⁻¹⁰ of §4.2's
// example (q = 10, p = 0.1), reached when every mget restores every slot.
func FullReplicationLoss(q int, p float64) (float64, error) {
	if q < 1 || !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("%w: q %d, p %v", ErrModel, q, p)
	}
	return math.Pow(p, float64(q)), nil
}

// LazyRepairModel is the exact Markov model of BitStore's lazy replica
// maintenance that Appendix B sketches. A chunk has q replica slots and is
// requested once per interval. During an interval each live replica is lost
// independently with probability p (its holder fails). At the request, if
// no replica is left the chunk is lost; otherwise the leecher re-puts c
// slots chosen uniformly at random among the q (Claim 4.2), which restores
// those of them that were empty.
type LazyRepairModel struct {
	q, c int
	p    float64
	t    [][]float64 // t[m][m'] for live counts m, m' in 1..q; loss is the missing mass
}

// NewLazyRepairModel returns the model for q slots, c repaired slots per
// request and per-interval failure probability p.
func NewLazyRepairModel(q, c int, p float64) (*LazyRepairModel, error) {
	if q < 1 || q > MaxReplicas || c < 0 || c > q || !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("%w: q %d, c %d, p %v", ErrModel, q, c, p)
	}
	m := &LazyRepairModel{q: q, c: c, p: p, t: make([][]float64, q+1)}
	for a := 1; a <= q; a++ {
		m.t[a] = make([]float64, q+1)
		for s := 1; s <= a; s++ { // s survivors of a
			ps := binom(a, s) * math.Pow(1-p, float64(s)) * math.Pow(p, float64(a-s))
			empty := q - s
			for k := 0; k <= min(c, empty); k++ { // k of the c repaired slots were empty
				if c-k > s {
					continue
				}
				ph := binom(empty, k) * binom(s, c-k) / binom(q, c)
				m.t[a][s+k] += ps * ph
			}
		}
	}
	return m, nil
}

func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	return math.Round(math.Exp(lgam(n+1) - lgam(k+1) - lgam(n-k+1)))
}

// LossWithin returns the probability that a chunk that starts with all q
// replicas is lost within the given number of intervals, and the expected
// number of intervals it is requested in before that (the chunk-intervals
// an experiment observes per chunk).
func (m *LazyRepairModel) LossWithin(intervals int) (loss, expectedIntervals float64) {
	dist := make([]float64, m.q+1)
	dist[m.q] = 1
	next := make([]float64, m.q+1)
	for range intervals {
		alive := 0.0
		for a := 1; a <= m.q; a++ {
			alive += dist[a]
			loss += dist[a] * math.Pow(m.p, float64(a))
		}
		expectedIntervals += alive
		clear(next)
		for a := 1; a <= m.q; a++ {
			if dist[a] == 0 {
				continue
			}
			for b := 1; b <= m.q; b++ {
				next[b] += dist[a] * m.t[a][b]
			}
		}
		dist, next = next, dist
	}
	return loss, expectedIntervals
}

// StationaryLoss returns the long-run loss probability per interval of a
// chunk that has survived so far (the decay rate of the quasi-stationary
// distribution), and the mean number of live replicas in that regime.
func (m *LazyRepairModel) StationaryLoss() (loss, meanReplicas float64) {
	dist := make([]float64, m.q+1)
	dist[m.q] = 1
	next := make([]float64, m.q+1)
	for range 100_000 {
		clear(next)
		tot := 0.0
		for a := 1; a <= m.q; a++ {
			for b := 1; b <= m.q; b++ {
				next[b] += dist[a] * m.t[a][b]
			}
		}
		for _, v := range next[1:] {
			tot += v
		}
		if tot == 0 {
			return 1, 0
		}
		diff := 0.0
		for b := 1; b <= m.q; b++ {
			next[b] /= tot
			diff += math.Abs(next[b] - dist[b])
		}
		// The mass lost this interval, computed directly rather than as
		// 1 − tot, which would cancel catastrophically for small losses.
		loss = 0
		for a := 1; a <= m.q; a++ {
			loss += dist[a] * math.Pow(m.p, float64(a))
		}
		dist, next = next, dist
		if diff < 1e-15 {
			break
		}
	}
	for b := 1; b <= m.q; b++ {
		meanReplicas += float64(b) * dist[b]
	}
	return loss, meanReplicas
}
