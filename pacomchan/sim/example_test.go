package sim_test

import (
	"fmt"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
)

// One circuit of Table 4 on the Fig. 11 network: under PACOM the relays'
// input and output links are uncorrelated; a naive relay's are not.
func ExampleTheorem1() {
	for _, mode := range []sim.Mode{sim.PACOMMode, sim.NaiveMode} {
		s, _, _ := sim.Theorem1(sim.Fig11Traffic(1, nil, mode, 20*time.Second), time.Second, 1)
		fmt.Printf("%s: |r| below 0.2: %v, above 0.8: %v\n", mode, s.Mean > -0.2 && s.Mean < 0.2, s.Mean > 0.8)
	}
	// Output:
	// PACOM: |r| below 0.2: true, above 0.8: false
	// naive relay: |r| below 0.2: false, above 0.8: true
}

// The network grows by bootstrapping; rejoining clients keep paths short.
func ExampleGrow() {
	g, _ := sim.Grow(sim.PaperGrowth(512, 0.05, 1))
	fmt.Println(g.Clients, g.Connected == 1, g.AvgPath < 3)
	// Output: 512 true true
}
