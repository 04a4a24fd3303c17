package swarmmodel_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

// A torrent whose initial arrival rate is ten times the seed departure rate
// fails one peer in ten (Eq. 3.2–3.5).
func ExampleEvolution() {
	e, err := swarmmodel.NewEvolution(swarmmodel.PerHour(10), 87*time.Hour, swarmmodel.PerHour(1))
	if err != nil {
		panic(err)
	}
	fmt.Printf("lifespan %.2f days\n", e.Lifespan().Hours()/24)
	fmt.Printf("population %.0f, failed %.0f, failure ratio %.2f\n", e.Population(), e.Failures(), e.FailureRatio())
	// Output:
	// lifespan 8.35 days
	// population 870, failed 87, failure ratio 0.10
}

// With peers that come back (p = 0.8551, β = 6) the failure ratio of 10%
// falls to about 10^−6 (Eq. 4.24–4.25).
func ExampleCollaboration() {
	e, _ := swarmmodel.NewEvolution(swarmmodel.PerHour(10), 87*time.Hour, swarmmodel.PerHour(1))
	r, _ := swarmmodel.RequestRateForBeta(6, 87*time.Hour, 0.8551)
	c, err := swarmmodel.NewCollaboration(0.8551, r)
	if err != nil {
		panic(err)
	}
	beta, _ := c.Beta(e)
	approx, _ := c.FailureRatioApprox(e)
	exact, _ := c.FailureRatio(e)
	life, _ := c.Lifespan(e)
	fmt.Printf("one request every %.1f h, β = %.1f\n", r.Mean().Hours(), beta)
	fmt.Printf("R'_fail ≈ R_fail^β = %.0e; exact %.1e\n", approx, exact)
	fmt.Printf("lifespan %.0f days instead of %.0f\n", life.Hours()/24, e.Lifespan().Hours()/24)
	// Output:
	// one request every 81.7 h, β = 6.0
	// R'_fail ≈ R_fail^β = 1e-06; exact 4.1e-08
	// lifespan 62 days instead of 8
}

// The paper's two estimates of p (§4.1).
func ExamplePFromRates() {
	p, _ := swarmmodel.PFromRates(swarmmodel.PerHour(19.37), swarmmodel.PerHour(133.39))
	m, _ := swarmmodel.MeanTorrents(p)
	fmt.Printf("p = %.4f, %.2f torrents per peer\n", float64(p), m)
	// Output:
	// p = 0.8548, 6.89 torrents per peer
}

// The fluid model of one torrent: the seeds peak after the downloaders.
func ExampleFluid() {
	e, _ := swarmmodel.NewEvolution(swarmmodel.PerHour(20), 87*time.Hour, swarmmodel.PerHour(1/8.42))
	f, err := swarmmodel.NewFluid(e, swarmmodel.PerHour(0.05), swarmmodel.PerHour(0.5), 0.5)
	if err != nil {
		panic(err)
	}
	tr, err := f.Solve(30*24*time.Hour, 721)
	if err != nil {
		panic(err)
	}
	tx, x := tr.Peak(tr.X)
	ty, y := tr.Peak(tr.Y)
	fmt.Printf("downloaders peak at %v (%.0f), seeds at %v (%.0f)\n", tx, x, ty, y)
	// Output:
	// downloaders peak at 39h0m0s (319), seeds at 57h0m0s (107)
}

// Streaming a workload: the paper's system over its first week.
func ExampleWorkload() {
	cfg := swarmmodel.PaperWorkload()
	cfg.Horizon = 7 * 24 * time.Hour
	w, err := swarmmodel.NewWorkload(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	counts := map[swarmmodel.EventKind]int{}
	n := 0
	for ev := range w.Events() {
		if n < 4 {
			fmt.Printf("%-8v %v torrent %d peer %d\n", ev.Time.Round(time.Minute), ev.Kind, ev.Torrent, ev.Peer)
		}
		n++
		counts[ev.Kind]++
	}
	fmt.Printf("%d torrents born, %d requests, %d completions, %d leaves\n",
		counts[swarmmodel.TorrentBorn], counts[swarmmodel.Request], counts[swarmmodel.Complete], counts[swarmmodel.Leave])
	// Output:
	// 0s       torrent-born torrent 0 peer 0
	// 0s       request torrent 0 peer 0
	// 0s       request torrent 0 peer 1
	// 3m0s     request torrent 0 peer 2
	// 175 torrents born, 5677 requests, 5579 completions, 5195 leaves
}

// The cycle of Fig. 15: nobody can swap directly, but B's peer gets served
// around B ← C ← D ← E.
func ExampleOverlay_FindExchange() {
	const a, b, c, d, e = 1, 2, 3, 4, 5
	o := swarmmodel.NewOverlay()
	for _, t := range []swarmmodel.TorrentID{a, b, c, d, e} {
		o.AddTorrent(t)
	}
	_ = o.Join(10, b, []swarmmodel.TorrentID{e}) // peer 10 downloads B, holds E
	_ = o.Join(11, c, []swarmmodel.TorrentID{b})
	_ = o.Join(12, d, []swarmmodel.TorrentID{c})
	_ = o.Join(13, e, []swarmmodel.TorrentID{d})
	ex, err := o.FindExchange(10, 4)
	if err != nil {
		panic(err)
	}
	for _, l := range ex.Links {
		fmt.Printf("peer %d (in torrent %d) serves the torrent before it\n", l.Peer, l.Torrent)
	}
	fmt.Println("peer 10 serves torrent", ex.Links[len(ex.Links)-1].Torrent)
	// Output:
	// peer 11 (in torrent 3) serves the torrent before it
	// peer 12 (in torrent 4) serves the torrent before it
	// peer 13 (in torrent 5) serves the torrent before it
	// peer 10 serves torrent 5
}
