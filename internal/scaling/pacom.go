package scaling

import (
	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
)

// PacomGrowth runs the network-growth simulation of PACOM's Fig. 10
// ([sim.Grow] with [sim.PaperGrowth], no rejoining): N clients arrive one
// by one, join swarms through bootstrapping nodes and connect to their
// members (at most 100 connections each), and the average shortest path
// is measured by BFS from 256 sampled sources. The work is the size of
// the graph, N + 2·edges adjacency entries: building it touches each once
// and each BFS scans it once, and the mean degree stays near 56 at every
// size, so the work grows as N.
var PacomGrowth = Subsystem{
	Name:     "pacom/growth",
	Size:     "clients",
	Op:       "grow the Fig. 10 network and measure its path length",
	Work:     "adjacency entries",
	Expected: "N",
	Model:    func(n float64) float64 { return n },
	Short:    []int{512, 1024, 2048},
	Long:     []int{512, 1024, 2048, 4096, 8192, 16_384, 32_768},
	setup: func(n int, seed uint64) (func() (int, float64, error), error) {
		cfg := sim.PaperGrowth(n, 0, seed)
		return func() (int, float64, error) {
			g, err := sim.Grow(cfg)
			if err != nil {
				return 0, 0, err
			}
			return 1, float64(g.Clients + 2*g.Edges), nil
		}, nil
	},
}
