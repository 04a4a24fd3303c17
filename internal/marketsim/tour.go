package marketsim

import (
	"io"
	"time"

	"github.com/swarmblocks/swarmblocks/valuation"
)

// Tour runs the reduced marketplace of the tour chapter from seed: four
// runs of [SmallConfig] with the default weights, then four with the weight
// sweep's centre (every factor at 1) and four without the request factor,
// and writes the download overhead and the native-versus-cover p-values. It
// takes about a second and writes no files.
func Tour(w io.Writer, seed uint64) error {
	cfg := SmallConfig(seed)
	seeds := []uint64{seed, seed + 1, seed + 2, seed + 3}
	ew := &errWriter{w: w}
	ew.printf("A reduced Anonymity Marketplace: k = %d, %d torrents of %d MB, %d clients + %d seeds at %.0f Mbps,\n",
		cfg.K, cfg.Torrents, cfg.FileSize/1_000_000, cfg.Clients, cfg.Torrents, float64(cfg.Bandwidth)/1e6)
	ew.printf("%.0f%% of the torrents the native interest of %.0f%% of the clients. Every client trades k torrents,\n",
		100*cfg.PopularTorrents, 100*cfg.PopularClients)
	ew.printf("values them from what its neighbours advertise, announce and request (package valuation),\n")
	ew.printf("unchokes by value-weighted service and leaves after k complete downloads.\n\n")
	start := time.Now()
	rs, err := RunSeeds(cfg, seeds, 2)
	if err != nil {
		return err
	}
	s := Summarize(rs)
	if err := s.WriteText(w, cfg.K); err != nil {
		return err
	}
	// The request factor, in the sweep's setting (the other factors at 1).
	sweep := cfg
	sweep.Valuation.Weights = valuation.Weights{Completeness: 1, DemandSupply: 1, Have: 1, Request: 1}
	rs1, err := RunSeeds(sweep, seeds, 2)
	if err != nil {
		return err
	}
	sweep.Valuation.Weights.Request = 0
	rs0, err := RunSeeds(sweep, seeds, 2)
	if err != nil {
		return err
	}
	s1, s0 := Summarize(rs1), Summarize(rs0)
	ew.printf("\nweights 1,1,1,1: mean time to finish %.0f s, downloads %s\n", s1.MeanDone.Mean, s1.Downloads)
	ew.printf("without requests (1,1,1,0): %.0f s (%+.1f%%), downloads %s\n",
		s0.MeanDone.Mean, 100*(s0.MeanDone.Mean/s1.MeanDone.Mean-1), s0.Downloads)
	ew.printf("\nThe paper (k = 5, 100 clients): 5.71 ± 0.43 torrents downloaded, native behaviour within one\n")
	ew.printf("standard deviation of cover, and nearly 20%% worse without direct requests.\n")
	ew.printf("Full scale, figures and the weight sweep: go run ./examples/marketplace (%v here)\n", time.Since(start).Round(time.Millisecond))
	return ew.err
}
