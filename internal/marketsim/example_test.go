package marketsim_test

import (
	"fmt"

	"github.com/swarmblocks/swarmblocks/internal/marketsim"
)

// A reduced marketplace: every client completes its k downloads at almost
// no overhead, and the run is reproducible from its seed.
func ExampleRun() {
	cfg := marketsim.SmallConfig(1)
	r, err := marketsim.Run(cfg)
	if err != nil {
		panic(err)
	}
	s := marketsim.Summarize([]*marketsim.Result{r})
	fmt.Printf("seed %d: %d of %d clients finished, %.2f torrents downloaded each (k = %d)\n",
		cfg.Seed, r.Finished, cfg.Clients, s.Downloads.Mean, cfg.K)
	// Output:
	// seed 1: 30 of 30 clients finished, 3.01 torrents downloaded each (k = 3)
}
