package scaling

import (
	"github.com/swarmblocks/swarmblocks/internal/marketsim"
)

// Marketplace runs the Anonymity Marketplace simulation
// ([marketsim.Run]) with N clients on [marketsim.SmallConfig]'s
// marketplace (k = 3, 12 torrents of 8 MB with one seed each): every
// client downloads k torrents and talks to a bounded number of neighbours
// (at most 30), so the work, counted in control messages (HAVE, REQUEST,
// BITFIELD, UNCHOKE…, each delivered to the receiver's valuation), grows
// as N. BenchmarkMarketplace in package marketsim reports the same unit.
var Marketplace = Subsystem{
	Name:     "marketsim/run",
	Size:     "clients",
	Op:       "one marketplace run until every client has left",
	Work:     "control messages",
	Expected: "N",
	Model:    func(n float64) float64 { return n },
	Short:    []int{60, 120, 240},
	Long:     []int{60, 120, 240, 480, 960, 1920},
	setup: func(n int, seed uint64) (func() (int, float64, error), error) {
		cfg := marketsim.SmallConfig(seed)
		cfg.Clients = n
		return func() (int, float64, error) {
			r, err := marketsim.Run(cfg)
			if err != nil {
				return 0, 0, err
			}
			return 1, float64(r.Messages), nil
		}, nil
	},
}
