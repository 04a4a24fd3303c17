package anonymitydemo

import (
	"fmt"
	"io"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

func runIntersection(w io.Writer, cfg Config) error {
	const day = 24 * time.Hour
	model := anonymity.PaperSessionModel(cfg.Population, time.Duration(cfg.Days+10)*day)
	sessions, err := anonymity.GenerateSessions(cfg.rng(20), model)
	if err != nil {
		return err
	}
	bg, err := anonymity.NewSessionTrace(sessions)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "synthetic background: %d clients, %d sessions (seeding ~ Exp(8.42 h), torrents ~ Geom(p = 0.8551)), %d online at day 2\n",
		bg.Clients(), len(sessions), len(bg.Online(2*day)))

	inn := anonymity.PaperInnocent(cfg.Days, cfg.IntersectTrials)
	inn.Start = 2 * day
	none, err := anonymity.SimulateInnocentReceiver(cfg.rng(21), bg, inn)
	if err != nil {
		return err
	}
	inn.Extend = true
	ext, err := anonymity.SimulateInnocentReceiver(cfg.rng(22), bg, inn)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ninnocent receiver (Fig. 9a): attacker success after d days, %d trials\n", cfg.IntersectTrials)
	fmt.Fprintf(w, "%-16s", "day")
	for d := range none {
		fmt.Fprintf(w, "%6d", d+1)
	}
	fmt.Fprintf(w, "\n%-16s", "no protection")
	for _, s := range none {
		fmt.Fprintf(w, "%6.2f", s)
	}
	fmt.Fprintf(w, "\n%-16s", "time extension")
	for _, s := range ext {
		fmt.Fprintf(w, "%6.2f", s)
	}
	fmt.Fprintf(w, "\n\nmalicious receiver (Fig. 9b): success within %d days against the identity-rotation period n\n", cfg.Days)
	var rot []float64
	for i, n := range cfg.Rotations {
		p, err := anonymity.SimulateMaliciousReceiver(cfg.rng(30+uint64(i)), bg, anonymity.PaperMalicious(cfg.Days, cfg.IntersectTrials, n))
		if err != nil {
			return err
		}
		rot = append(rot, p)
		label := n.String()
		if n == 0 {
			label = "never"
		}
		fmt.Fprintf(w, "  n = %-10s success %.2f\n", label, p)
	}
	if cfg.OutDir != "" {
		paths, err := plotIntersection(cfg.OutDir, none, ext, cfg.Rotations, rot)
		if err != nil {
			return err
		}
		for _, p := range paths {
			fmt.Fprintf(w, "figure written to %s\n", p)
		}
	}
	return nil
}
