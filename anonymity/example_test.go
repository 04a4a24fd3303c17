package anonymity_test

import (
	"fmt"
	"math/rand/v2"
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
	// KS D=0.708 p=0.0276 (exact true)
	// Mann-Whitney U=3.5 p=0.0087
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

func ExampleTheorem2() {
	// 1000 PACOM clients, 30% of the bootstrapping nodes malicious: joining
	// more swarms makes trap mode (all swarms malicious) rarer.
	for _, r := range []float64{1, 2, 4} {
		s, err := anonymity.Theorem2(1000, 0.3, r)
		if err != nil {
			panic(err)
		}
		fmt.Printf("r=%.0f: %.3f bits (effective set %.0f)\n", r, s, 1000*(1-pow(0.3, r)))
	}
	// Output:
	// r=1: 9.451 bits (effective set 700)
	// r=2: 9.830 bits (effective set 910)
	// r=4: 9.954 bits (effective set 992)
}

func pow(q, r float64) float64 {
	p := 1.0
	for range int(r) {
		p *= q
	}
	return p
}

func ExampleIntersectionAttack() {
	// Who is online each time the receiver gets a message: the sender (7)
	// is in every snapshot, the others come and go.
	snapshots := [][]int{
		{1, 2, 3, 4, 7, 9},
		{2, 3, 7, 8, 9},
		{3, 5, 7, 9},
		{1, 7, 9},
	}
	attack, err := anonymity.NewIntersectionAttack(2)
	if err != nil {
		panic(err)
	}
	for i, s := range snapshots {
		attack.Observe(s)
		fmt.Printf("after snapshot %d: suspects %v\n", i+1, attack.Suspects())
	}
	verdict, ok := attack.Verdict()
	fmt.Println("verdict:", verdict, ok)
	// Output:
	// after snapshot 1: suspects [1 2 3 4 7 9]
	// after snapshot 2: suspects [2 3 7 9]
	// after snapshot 3: suspects [3 7 9]
	// after snapshot 4: suspects [7 9]
	// verdict: [7 9] true
}

func ExampleIntentLog_Report() {
	// A synthetic marketplace whose nodes leak intent: the native torrent is
	// started first 80% of the time and downloads faster.
	rng := rand.New(rand.NewPCG(1, 2))
	events, native, err := anonymity.SimulateIntentLog(rng, anonymity.PaperIntentModel(0.1, 0.8))
	if err != nil {
		panic(err)
	}
	log, err := anonymity.NewIntentLog(events, native)
	if err != nil {
		panic(err)
	}
	rep, err := log.Report(500 * time.Second)
	if err != nil {
		panic(err)
	}
	fmt.Printf("start rank: KS p < 0.001: %v, advantage %.2f\n", rep.StartRank.KS.PValue < 0.001, rep.StartRank.Best.Advantage())
	// Output:
	// start rank: KS p < 0.001: true, advantage 0.37
}

func ExampleSpectralDistance() {
	// An input link's pattern, the same pattern delayed by two intervals
	// (a relay forwarding it), and an unrelated link.
	in := []float64{0, 5, 1, 0, 7, 2, 0, 0, 6, 1, 0, 3, 8, 0, 1, 0}
	delayed := append([]float64{0, 0}, in[:len(in)-2]...)
	other := []float64{2, 2, 3, 1, 2, 2, 3, 2, 1, 2, 3, 2, 2, 1, 2, 3}
	d1, err := anonymity.SpectralDistance(in, delayed)
	if err != nil {
		panic(err)
	}
	d2, err := anonymity.SpectralDistance(in, other)
	if err != nil {
		panic(err)
	}
	fmt.Printf("delayed copy %.3f, unrelated link %.3f\n", d1, d2)
	// Output:
	// delayed copy 0.002, unrelated link 0.107
}
