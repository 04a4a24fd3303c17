package simnet_test

import (
	"fmt"
	"time"

	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// A ring grown by the protocol loses a quarter of its nodes; with every
// node's maintenance timers running, it is the ideal ring again a few
// stabilisation periods later.
func ExampleCluster() {
	c := simnet.NewCluster(simnet.ClusterConfig{StabilizeEvery: 30 * time.Second}, 1)
	if err := c.Grow(200); err != nil {
		panic(err)
	}
	for range 50 {
		c.Fail(c.Random().Info().Addr)
	}
	fmt.Println("ideal right after the failures:", c.CheckStable() == nil)
	c.StartTimers()
	if err := c.Run(10 * time.Minute); err != nil {
		panic(err)
	}
	fmt.Println("ideal ten minutes later:", c.CheckStable() == nil)
	// Output:
	// ideal right after the failures: false
	// ideal ten minutes later: true
}

// The placement-level durability experiment of Appendix B against the
// exact lazy-repair model.
func ExampleSimulateReplicas() {
	r, err := simnet.SimulateReplicas(simnet.DurabilityConfig{
		Nodes: 500, Chunks: 2000, Intervals: 20, Replicas: 4, Repair: 1, Fail: 0.2}, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("lost %d chunks, model expects %.0f (within 3σ: %v)\n", r.Lost, r.Expected, r.ZScore() > -3 && r.ZScore() < 3)
	// Output:
	// lost 777 chunks, model expects 824 (within 3σ: true)
}
