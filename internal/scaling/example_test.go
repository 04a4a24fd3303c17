package scaling_test

import (
	"fmt"
	"math"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
)

// Fit recovers the exponent of a power law from its values; for N·log2 N
// it gives the local slope over the sizes given, a little above 1.
func ExampleFit() {
	sizes := []float64{1e3, 1e4, 1e5}
	quadratic := []float64{2e6, 2e8, 2e10}
	nlogn := make([]float64, len(sizes))
	for i, n := range sizes {
		nlogn[i] = n * math.Log2(n)
	}
	e, r2, _ := scaling.Fit(sizes, quadratic)
	fmt.Printf("2·N²:     exponent %.2f, r² %.3f\n", e, r2)
	e, r2, _ = scaling.Fit(sizes, nlogn)
	fmt.Printf("N·log2 N: exponent %.2f, r² %.3f\n", e, r2)
	_, _, err := scaling.Fit([]float64{1e3}, []float64{1})
	fmt.Println(err)
	// Output:
	// 2·N²:     exponent 2.00, r² 1.000
	// N·log2 N: exponent 1.11, r² 1.000
	// scaling: too few points to fit: need 2 distinct sizes, got 1
}
