package scaling

import (
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

// workloadHorizon is the simulated time of one [Workload] run.
const workloadHorizon = 30 * 24 * time.Hour

// Workload streams 30 days of the multi-torrent workload
// ([swarmmodel.NewWorkload]) of a system where N peers are born in that
// time: [swarmmodel.PaperWorkload] with the peer birth rate λ_p = N/30 d
// and the torrent birth rate scaled with it (λ_t/λ_p as in the paper),
// so that the system keeps its shape as it grows. The work is the number
// of events, which grows as N; each event costs a heap operation over the
// live peers and a binary search over the live torrents, O(log N).
var Workload = Subsystem{
	Name:     "swarmmodel/workload",
	Size:     "peers born",
	Op:       "stream 30 days of events",
	Work:     "events",
	Expected: "N",
	Model:    func(n float64) float64 { return n },
	Short:    []int{2_000, 4_000, 8_000, 16_000},
	Long:     []int{2_000, 8_000, 32_000, 128_000, 512_000, 2_048_000},
	setup: func(n int, seed uint64) (func() (int, float64, error), error) {
		cfg := swarmmodel.PaperWorkload()
		scale := float64(n) / (float64(cfg.PeerBirthRate) * workloadHorizon.Hours())
		cfg.PeerBirthRate *= swarmmodel.Rate(scale)
		cfg.TorrentBirthRate *= swarmmodel.Rate(scale)
		cfg.Horizon = workloadHorizon
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
		return func() (int, float64, error) {
			w, err := swarmmodel.NewWorkload(cfg, rand.New(rand.NewPCG(seed, 0x3041)))
			if err != nil {
				return 0, 0, err
			}
			events := 0
			for range w.Events() {
				events++
			}
			return 1, float64(events), nil
		}, nil
	},
}
