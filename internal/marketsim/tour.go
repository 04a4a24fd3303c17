package marketsim

import (
	"io"
	"time"
)

// Tour runs the reduced marketplace of the tour chapter from seed: four
// runs of [SmallConfig] with the default weights, then the same four
// without the request factor, and writes the download overhead and the native-versus-cover p-values. It
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
	// §5.2's comparison: the same seeds without the request factor.
	nr := cfg
	nr.Valuation.Weights.Request = 0
	rs0, err := RunSeeds(nr, seeds, 2)
	if err != nil {
		return err
	}
	s0 := Summarize(rs0)
	ew.printf("\nwithout requests (request weight 0, the same seeds): mean time to finish %.0f s (%+.1f%%), downloads %s, %.1f replacements per run\n",
		s0.MeanDone.Mean, 100*(s0.MeanDone.Mean/s.MeanDone.Mean-1), s0.Downloads, s0.Replacements)
	if pc, err := ComparePaired(rs, rs0); err == nil {
		ew.printf("additional download bytes (the paper's measure of performance): %+.0f%% ± %.0f%% per seed\n", 100*pc.Overhead.Mean, 100*pc.Overhead.SD)
	}
	ew.printf("\nThe paper (k = 5, 100 clients): 5.71 ± 0.43 torrents downloaded, native behaviour within one\n")
	ew.printf("standard deviation of cover, and nearly 20%% worse without direct requests.\n")
	ew.printf("Full scale, figures and the weight sweep: go run ./examples/marketplace (%v here)\n", time.Since(start).Round(time.Millisecond))
	return ew.err
}
