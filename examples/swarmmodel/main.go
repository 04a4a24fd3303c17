// Command swarmmodel walks through package swarmmodel (Guo et al., IMC 2005,
// §3–5): the paper's closed forms, one torrent's evolution under the fluid
// model and in a discrete swarm (table and PNG), the estimators, the
// lifespan and failure ratio with and without inter-torrent collaboration,
// and the multi-torrent workload driving the tracker-site overlay.
//
//	go run ./examples/swarmmodel [-seed 1] [-out examples/swarmmodel/out] [-runs 400] [-workload-days 1000]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/swarmblocks/swarmblocks/examples/internal/swarmmodeldemo"
	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

func main() {
	cfg := swarmmodeldemo.Default()
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of every simulation")
	flag.StringVar(&cfg.OutDir, "out", cfg.OutDir, "directory for the PNG figures (empty: none)")
	flag.IntVar(&cfg.Runs, "runs", cfg.Runs, "discrete swarms per lifespan experiment")
	flag.IntVar(&cfg.WorkloadDays, "workload-days", cfg.WorkloadDays, "days of multi-torrent workload to stream")
	flag.IntVar(&cfg.ExchangeTries, "exchanges", cfg.ExchangeTries, "overlay exchange searches")
	flag.IntVar(&cfg.Days, "days", cfg.Days, "days of the evolution table and figure")
	l0 := flag.Float64("lambda0", float64(cfg.Lambda0), "initial arrival rate λ0 per hour of the example torrent")
	tau := flag.Duration("tau", cfg.Tau, "attenuation τ of the example torrent")
	mu := flag.Float64("mu", float64(cfg.Upload), "upload bandwidth μ in files per hour")
	c := flag.Float64("c", float64(cfg.Download), "download bandwidth c in files per hour")
	flag.Float64Var(&cfg.Efficiency, "eta", cfg.Efficiency, "sharing efficiency η")
	seedTime := flag.Duration("seeding", time.Duration(float64(time.Hour)/float64(cfg.Gamma)), "mean seeding time 1/γ")
	flag.Parse()
	cfg.Lambda0, cfg.Tau, cfg.Upload, cfg.Download = swarmmodel.PerHour(*l0), *tau, swarmmodel.PerHour(*mu), swarmmodel.PerHour(*c)
	cfg.Gamma = swarmmodel.Every(*seedTime)
	if err := swarmmodeldemo.Run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "swarmmodel:", err)
		os.Exit(1)
	}
}
