package pacomdemo

import (
	"math"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
	"gonum.org/v1/gonum/stat"
)

// corr returns the correlation between the per-second block counts of the
// input and output links of the relay at position h of path.
func corr(tr *sim.Traffic, path []int, h int) float64 {
	k := int(time.Second / (50 * time.Millisecond))
	in := sum(tr.Link(path[h-1], path[h]), k)
	out := sum(tr.Link(path[h], path[h+1]), k)
	r := stat.Correlation(in, out, nil)
	if math.IsNaN(r) {
		return 0
	}
	return r
}

func sum(x []float64, k int) []float64 {
	out := make([]float64, 0, len(x)/k)
	for i := 0; i+k <= len(x); i += k {
		s := 0.0
		for _, v := range x[i : i+k] {
			s += v
		}
		out = append(out, s)
	}
	return out
}
