package anonymitydemo

import (
	"fmt"
	"io"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

const day = 24 * time.Hour

// fig9 holds the results of the Fig. 9 experiments on one background.
type fig9 struct {
	name      string
	none, ext []float64 // innocent receiver, success by day
	rot       []float64 // malicious receiver, success per rotation period
}

func runIntersection(w io.Writer, cfg Config) error {
	// The package's session model, in steady state from time 0.
	local, err := anonymity.GenerateSessions(cfg.rng(20), anonymity.PaperSessionModel(cfg.Population, time.Duration(cfg.Days+4)*day))
	if err != nil {
		return err
	}
	// The swarmmodel workload starts empty; its population settles after
	// about a peer lifetime (≈ 23 days), so the attacks start at day 25.
	const warm = 25 * day
	wl, err := workloadSessions(cfg, warm+time.Duration(cfg.Days+2)*day)
	if err != nil {
		return err
	}
	var results []fig9
	for _, bg := range []struct {
		name     string
		sessions []anonymity.Session
		start    time.Duration
	}{
		{"anonymity.SessionModel", local, 2 * day},
		{"swarmmodel.Workload", wl, warm},
	} {
		trace, err := anonymity.NewSessionTrace(bg.sessions)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nbackground %s: %d clients, %d sessions, %d online when the attack starts\n",
			bg.name, trace.Clients(), len(bg.sessions), len(trace.Online(bg.start)))
		res, err := runFig9(w, cfg, trace, bg.start)
		if err != nil {
			return err
		}
		res.name = bg.name
		results = append(results, res)
	}
	if cfg.OutDir != "" {
		paths, err := plotIntersection(cfg.OutDir, results, cfg.Rotations)
		if err != nil {
			return err
		}
		for _, p := range paths {
			fmt.Fprintf(w, "figure written to %s\n", p)
		}
	}
	return nil
}

func runFig9(w io.Writer, cfg Config, bg *anonymity.SessionTrace, start time.Duration) (fig9, error) {
	var res fig9
	inn := anonymity.PaperInnocent(cfg.Days, cfg.IntersectTrials)
	inn.Start = start
	var err error
	if res.none, err = anonymity.SimulateInnocentReceiver(cfg.rng(21), bg, inn); err != nil {
		return res, err
	}
	inn.Extend = true
	if res.ext, err = anonymity.SimulateInnocentReceiver(cfg.rng(22), bg, inn); err != nil {
		return res, err
	}
	fmt.Fprintf(w, "innocent receiver (Fig. 9a): attacker success after d days, %d trials\n", cfg.IntersectTrials)
	fmt.Fprintf(w, "%-16s", "day")
	for d := range res.none {
		fmt.Fprintf(w, "%6d", d+1)
	}
	fmt.Fprintf(w, "\n%-16s", "no protection")
	for _, s := range res.none {
		fmt.Fprintf(w, "%6.2f", s)
	}
	fmt.Fprintf(w, "\n%-16s", "time extension")
	for _, s := range res.ext {
		fmt.Fprintf(w, "%6.2f", s)
	}
	fmt.Fprintf(w, "\nmalicious receiver (Fig. 9b): success within %d days against the identity-rotation period n\n", cfg.Days)
	for i, n := range cfg.Rotations {
		mc := anonymity.PaperMalicious(cfg.Days, cfg.IntersectTrials, n)
		mc.Start = start
		p, err := anonymity.SimulateMaliciousReceiver(cfg.rng(30+uint64(i)), bg, mc)
		if err != nil {
			return res, err
		}
		res.rot = append(res.rot, p)
		label := n.String()
		if n == 0 {
			label = "never"
		}
		fmt.Fprintf(w, "  n = %-10s success %.2f\n", label, p)
	}
	return res, nil
}
