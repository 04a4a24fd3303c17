package anonymity_test

import (
	"fmt"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

func ExampleMeasure() {
	// The adversary suspects one of four clients, one twice as much as
	// each of the others.
	m, err := anonymity.Measure([]float64{2, 1, 1, 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("entropy %.3f bits, min-entropy %.3f bits\n", m.Entropy, m.MinEntropy)
	fmt.Printf("degree %.3f, effective set size %.2f of %d\n", m.Degree(), m.EffectiveSize(), m.N)
	// Output:
	// entropy 1.922 bits, min-entropy 1.322 bits
	// degree 0.961, effective set size 3.79 of 4
}

func ExampleCompare() {
	native := []float64{1, 2, 2, 3, 1, 2}
	cover := []float64{3, 4, 5, 2, 4, 5, 3, 4}
	c, err := anonymity.Compare(native, cover)
	if err != nil {
		panic(err)
	}
	fmt.Printf("KS D=%.3f p=%.4f (exact %v)\n", c.KS.D, c.KS.PValue, c.KS.Exact)
	fmt.Printf("Mann-Whitney U=%.1f p=%.4f\n", c.MannWhitney.U, c.MannWhitney.PValue)
	fmt.Printf("best threshold %.0f, advantage %.3f\n", c.Best.Threshold, c.Best.Advantage())
	// Output:
	// KS D=0.708 p=0.0426 (exact true)
	// Mann-Whitney U=3.5 p=0.0083
	// best threshold 2, advantage 0.354
}

func ExampleDetectionRate() {
	ms := time.Millisecond
	// Packets on two input links, and on two output links of a relay
	// that forwards each packet 5 ms after it arrives: input 0 goes out on
	// output 1.
	in0 := []time.Duration{0, 10 * ms, 12 * ms, 100 * ms, 101 * ms, 103 * ms, 300 * ms}
	in1 := []time.Duration{50 * ms, 150 * ms, 250 * ms, 350 * ms}
	delay := func(ts []time.Duration) []time.Duration {
		out := make([]time.Duration, len(ts))
		for i, t := range ts {
			out[i] = t + 5*ms
		}
		return out
	}
	pattern := func(ts []time.Duration) []float64 {
		x, err := anonymity.PatternVector(ts, 0, 50*ms, 8)
		if err != nil {
			panic(err)
		}
		return x
	}
	inputs := [][]float64{pattern(in0), pattern(in1)}
	outputs := [][]float64{pattern(delay(in1)), pattern(delay(in0))}
	rate, err := anonymity.DetectionRate(anonymity.Correlation{MaxLag: 1}, inputs, outputs, []int{1, 0})
	if err != nil {
		panic(err)
	}
	fmt.Println("detection rate:", rate)
	// Output:
	// detection rate: 1
}
