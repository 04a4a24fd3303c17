package anonymity

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// PermutationResult is the outcome of [IntentLog.RankPermutationTest].
type PermutationResult struct {
	// Statistic is the mean over nodes of (mean native rank − mean cover
	// rank): negative when native interests come first.
	Statistic float64
	// PValue is the two-sided permutation p-value, (1 + #{|T*| ≥ |T|}) /
	// (1 + Rounds).
	PValue float64
	// Nodes is the number of nodes that took part (those with both a
	// native and a cover download ranked).
	Nodes  int
	Rounds int
}

// MaxPermutationRounds bounds the rounds of a permutation test.
const MaxPermutationRounds = 1 << 20

// RankPermutationTest tests whether native interests start (or, with end,
// finish) at different ranks than cover traffic, without the independence
// assumption of [KolmogorovSmirnov] and [MannWhitney]: one node's ranks are
// a permutation of 1..k, so its native and cover ranks are dependent, and
// those tests are anti-conservative on them. Under the null hypothesis of
// [Marketplace §5.3] — intent cannot be told from behaviour — which of a
// node's downloads is native is a uniformly random choice; the test redraws
// that choice independently per node rounds times and compares the
// statistic with its permutation distribution. Reproducible from rng.
//
// It returns [ErrParameter] for a nil rng or rounds outside [1, MaxPermutationRounds] and
// [ErrEmpty] when no node has both a native and a cover download ranked.
func (l *IntentLog) RankPermutationTest(rng *rand.Rand, end bool, rounds int) (PermutationResult, error) {
	if rounds < 1 || rounds > MaxPermutationRounds {
		return PermutationResult{}, fmt.Errorf("%w: %d permutation rounds", ErrParameter, rounds)
	}
	var strata []Stratum
	for _, node := range sortedKeys(l.nodes) {
		n := l.nodes[node]
		var nat, cov []float64
		for _, t := range sortedKeys(n.downloads) {
			d := n.downloads[t]
			rank := d.startRank
			if end {
				if !d.ended {
					continue
				}
				rank = d.endRank
			}
			if l.native[nodeTorrent{node, t}] {
				nat = append(nat, float64(rank))
			} else {
				cov = append(cov, float64(rank))
			}
		}
		strata = append(strata, Stratum{Values: append(nat, cov...), Marked: len(nat)})
	}
	r, err := StratifiedPermutationTest(rng, strata, rounds)
	if errors.Is(err, ErrEmpty) {
		return r, fmt.Errorf("%w: no node has both native and cover downloads ranked", ErrEmpty)
	}
	return r, err
}

// diffOfMeans returns mean(r[:k]) − mean(r[k:]) given the total of r.
func diffOfMeans(r []float64, k int, total float64) float64 {
	s := 0.0
	for _, v := range r[:k] {
		s += v
	}
	return s/float64(k) - (total-s)/float64(len(r)-k)
}
