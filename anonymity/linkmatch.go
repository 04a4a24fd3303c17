package anonymity

import (
	"fmt"
)

// LinkMatch is the flow-correlation attack's verdict for one input link.
type LinkMatch struct {
	// Output is the index of the closest output link (the lowest index
	// among ties).
	Output int
	// Distance is its distance from the input link.
	Distance float64
	// Ties lists every output at that smallest distance, Output included;
	// an adversary breaking ties at random picks each with probability
	// 1/len(Ties).
	Ties []int
}

// MatchLinks runs the passive flow-correlation attack of Zhu et al. as used
// in [PACOM §6.6]: for each input link it returns the output link whose
// pattern vector is closest under metric m. All patterns must have the
// same length ([ErrLengthMismatch]); there must be at least one of each
// ([ErrEmpty]).
func MatchLinks(m Metric, inputs, outputs [][]float64) ([]LinkMatch, error) {
	if len(inputs) == 0 || len(outputs) == 0 {
		return nil, fmt.Errorf("%w: %d inputs and %d outputs", ErrEmpty, len(inputs), len(outputs))
	}
	q := len(inputs[0])
	feats := func(ps [][]float64, side string) ([][]float64, error) {
		out := make([][]float64, len(ps))
		for i, p := range ps {
			if len(p) != q {
				return nil, fmt.Errorf("%w: %s %d has %d intervals, want %d", ErrLengthMismatch, side, i, len(p), q)
			}
			f, err := m.Features(nil, p)
			if err != nil {
				return nil, fmt.Errorf("%s %d: %w", side, i, err)
			}
			out[i] = f
		}
		return out, nil
	}
	fin, err := feats(inputs, "input")
	if err != nil {
		return nil, err
	}
	fout, err := feats(outputs, "output")
	if err != nil {
		return nil, err
	}
	res := make([]LinkMatch, len(inputs))
	for i, a := range fin {
		best := LinkMatch{Output: -1}
		for j, b := range fout {
			d := m.Compare(a, b)
			switch {
			case best.Output < 0 || d < best.Distance:
				best = LinkMatch{Output: j, Distance: d, Ties: append(best.Ties[:0], j)}
			case d == best.Distance:
				best.Ties = append(best.Ties, j)
			}
		}
		res[i] = best
	}
	return res, nil
}

// DetectionRate is the metric of [PACOM §6.5]: the fraction of input links
// whose closest output link (under m) is the one truly on the same circuit,
// truth[i] being the output of input i. A tie between k outputs including
// the true one counts 1/k, the expected score of an adversary who breaks
// ties at random, so silent links do not inflate the rate. Random guessing
// among c outputs scores 1/c.
func DetectionRate(m Metric, inputs, outputs [][]float64, truth []int) (float64, error) {
	if len(truth) != len(inputs) {
		return 0, fmt.Errorf("%w: %d truths for %d inputs", ErrLengthMismatch, len(truth), len(inputs))
	}
	for i, t := range truth {
		if t < 0 || t >= len(outputs) {
			return 0, fmt.Errorf("%w: truth[%d] = %d, outputs are 0..%d", ErrParameter, i, t, len(outputs)-1)
		}
	}
	matches, err := MatchLinks(m, inputs, outputs)
	if err != nil {
		return 0, err
	}
	score := 0.0
	for i, lm := range matches {
		for _, j := range lm.Ties {
			if j == truth[i] {
				score += 1 / float64(len(lm.Ties))
			}
		}
	}
	return score / float64(len(inputs)), nil
}
