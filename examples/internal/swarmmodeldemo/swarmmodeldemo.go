// Package swarmmodeldemo is the walkthrough of package swarmmodel shared by
// examples/swarmmodel and the tour: one torrent's evolution under the fluid
// model and in a discrete swarm, the paper's estimators, the lifespan and
// failure ratio with and without inter-torrent collaboration, and the
// workload generator driving the tracker-site overlay.
package swarmmodeldemo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"text/tabwriter"
	"time"

	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

// Config sizes the walkthrough.
type Config struct {
	Seed uint64
	// OutDir receives the PNG figures; empty writes none.
	OutDir string
	// Lambda0, Tau, Gamma, Upload, Download and Efficiency describe the
	// example torrent (λ0, τ, γ, μ, c, η).
	Lambda0, Gamma, Upload, Download swarmmodel.Rate
	Tau                              time.Duration
	Efficiency                       float64
	// Days is the span of the evolution table and figure.
	Days int
	// Runs is the number of discrete swarms per lifespan experiment, and
	// Ratios the values of λ0/γ compared.
	Runs   int
	Ratios []float64
	// WorkloadDays is the span of the streamed workload.
	WorkloadDays int
	// ExchangeTries is the number of joining peers that look for an
	// exchange partner in the overlay.
	ExchangeTries int
}

// Default is the full-scale walkthrough of examples/swarmmodel.
func Default() Config {
	return Config{
		Seed:          1,
		OutDir:        "examples/swarmmodel/out",
		Lambda0:       swarmmodel.PerHour(50),
		Tau:           87 * time.Hour,
		Gamma:         swarmmodel.PerHour(1 / 8.42),
		Upload:        swarmmodel.PerHour(0.1),
		Download:      swarmmodel.PerHour(1),
		Efficiency:    0.5,
		Days:          30,
		Runs:          400,
		Ratios:        []float64{10, 30, 100},
		WorkloadDays:  1000,
		ExchangeTries: 2000,
	}
}

// TourConfig is the reduced walkthrough of the tour: no files, a few
// seconds.
func TourConfig(seed uint64) Config {
	c := Default()
	c.Seed = seed
	c.OutDir = ""
	c.Runs = 30
	c.Ratios = []float64{10, 30}
	c.WorkloadDays = 150
	c.ExchangeTries = 200
	return c
}

// Run prints the walkthrough to w and writes the figures to cfg.OutDir.
func Run(w io.Writer, cfg Config) error {
	if cfg.Days < 1 || cfg.Runs < 1 || len(cfg.Ratios) == 0 || cfg.WorkloadDays < 2 || cfg.ExchangeTries < 0 {
		return fmt.Errorf("swarmmodeldemo: bad sizes in %+v", cfg)
	}
	fmt.Fprintf(w, "swarmmodel walkthrough (seed %d): Guo et al., IMC 2005, §3–5\n", cfg.Seed)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5a4d))
	if err := paperNumbers(w); err != nil {
		return err
	}
	evo, err := swarmmodel.NewEvolution(cfg.Lambda0, cfg.Tau, cfg.Gamma)
	if err != nil {
		return err
	}
	if err := evolution(w, cfg, evo, rng); err != nil {
		return err
	}
	if err := fitting(w, evo, rng); err != nil {
		return err
	}
	if err := lifespans(w, cfg, rng); err != nil {
		return err
	}
	return workload(w, cfg, rng)
}

// paperNumbers prints the closed forms at the paper's parameters.
func paperNumbers(w io.Writer) error {
	fmt.Fprintln(w, "\n1. The paper's numbers")
	p, err := swarmmodel.PFromRates(swarmmodel.PerHour(19.37), swarmmodel.PerHour(133.39))
	if err != nil {
		return err
	}
	m, err := swarmmodel.MeanTorrents(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   p = 1 − λ_p/λ_q = 1 − 19.37/133.39 = %.4f (rank fit: 0.8551); 1/(1−p) = %.2f torrents per peer (measured: 7.514)\n", float64(p), m)
	e, err := swarmmodel.NewEvolution(swarmmodel.PerHour(10), 87*time.Hour, swarmmodel.PerHour(1))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   a torrent with λ0 = 10γ, τ = 87 h: T_life = τ·log(λ0/γ) = %.2f days (paper's mean: 8.34), R_fail = γ/λ0 = %.2f\n",
		e.Lifespan().Hours()/24, e.FailureRatio())
	r, err := swarmmodel.RequestRateForBeta(6, 87*time.Hour, 0.8551)
	if err != nil {
		return err
	}
	c, err := swarmmodel.NewCollaboration(0.8551, r)
	if err != nil {
		return err
	}
	beta, err := c.Beta(e)
	if err != nil {
		return err
	}
	approx, _ := c.FailureRatioApprox(e)
	exact, err := c.FailureRatio(e)
	if err != nil {
		return err
	}
	life, _ := c.Lifespan(e)
	fmt.Fprintf(w, "   with returning peers (p = 0.8551, one request every %.1f h): β = %.2f, R'_fail ≈ R_fail^β = %.1e (exact %.1e), T'_life = %.0f days\n",
		r.Mean().Hours(), beta, approx, exact, life.Hours()/24)
	fmt.Fprintf(w, "   seeds staying 10× longer (γ/10) would only give R_fail = %.2f\n", e.FailureRatio()/10)
	return nil
}

// evolution prints and plots one torrent under the fluid model and one
// discrete run.
func evolution(w io.Writer, cfg Config, evo swarmmodel.Evolution, rng *rand.Rand) error {
	fmt.Fprintf(w, "\n2. One torrent's evolution: %v, μ = %v, c = %v, η = %.2f\n", evo, cfg.Upload, cfg.Download, cfg.Efficiency)
	f, err := swarmmodel.NewFluid(evo, cfg.Upload, cfg.Download, cfg.Efficiency)
	if err != nil {
		return err
	}
	horizon := time.Duration(cfg.Days) * 24 * time.Hour
	samples := cfg.Days*24 + 1
	tr, err := f.Solve(horizon, samples)
	if err != nil {
		return err
	}
	runs := max(5, cfg.Runs/20)
	mean := make([][2]float64, samples)
	var sim swarmmodel.SwarmResult
	for k := range runs {
		r, err := swarmmodel.SimulateSwarm(swarmmodel.SwarmConfig{
			Evolution: evo, Upload: cfg.Upload, Download: cfg.Download, Efficiency: cfg.Efficiency,
			OriginSeeding: 24 * time.Hour, Horizon: horizon, SampleEvery: time.Hour,
		}, rng)
		if err != nil {
			return err
		}
		if k == 0 {
			sim = r
		}
		for i := range mean {
			mean[i][0] += float64(r.X[i]) / float64(runs)
			mean[i][1] += float64(r.Y[i]) / float64(runs)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "   fluid model against the mean of %d discrete swarms (whose original seed stays at least 24 h):\n", runs)
	fmt.Fprintln(tw, "   day\tλ(t)/h\tfluid x\tfluid y\tu files/h\tdiscrete x\tdiscrete y\t")
	for day := 0; day <= cfg.Days; day += max(1, cfg.Days/10) {
		i := day * 24
		fmt.Fprintf(tw, "   %d\t%.2f\t%.1f\t%.1f\t%.3f\t%.1f\t%.1f\t\n", day, float64(evo.ArrivalRate(tr.T[i])), tr.X[i], tr.Y[i], tr.U[i], mean[i][0], mean[i][1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	tx, px := tr.Peak(tr.X)
	ty, py := tr.Peak(tr.Y)
	fmt.Fprintf(w, "   downloaders peak at %v (%.0f), seeds later at %v (%.0f) (cf. Fig. 7a)\n", tx, px, ty, py)
	iPeak := int(tx / time.Hour)
	fmt.Fprintf(w, "   u(t) rises from %.2f files/h at the downloader peak to %.2f: seeds outlast the downloaders they served (Fig. 7b)\n",
		tr.U[iPeak], tr.U[len(tr.U)-1])
	if cf, err := f.ClosedForm(); err == nil {
		fmt.Fprintf(w, "   linear regime eigenvalues ψ1 = %.4f/h, ψ2 = %.4f/h (real: closed form of Eq. 3.8 applies while c·x ≥ μ(ηx+y))\n", cf.Psi1, cf.Psi2)
	}
	fmt.Fprintf(w, "   first discrete run: %d peers, %d finished, last seed left at %.1f days (T_life = %.1f days)\n",
		sim.Arrivals, sim.Completed, sim.Death.Hours()/24, evo.Lifespan().Hours()/24)
	if cfg.OutDir != "" {
		path, err := plotEvolution(cfg.OutDir, tr, sim, mean)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   figure: %s\n", path)
	}
	return nil
}

// fitting recovers λ0 and τ from one sampled torrent.
func fitting(w io.Writer, evo swarmmodel.Evolution, rng *rand.Rand) error {
	fmt.Fprintln(w, "\n3. Estimating λ0 and τ from one torrent's arrival times")
	arrivals := evo.SampleArrivals(rng, 0, nil)
	fit, err := swarmmodel.FitArrivals(arrivals)
	if err != nil {
		return err
	}
	pop, err := swarmmodel.FitPopulation(arrivals)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %d arrivals; regression of log δt on t (§3.2): λ0 = %.2f/h, τ = %.1f h (true %.2f/h, %.1f h)\n",
		len(arrivals), float64(fit.Lambda0), fit.Tau.Hours(), float64(evo.Lambda0()), evo.Tau().Hours())
	fmt.Fprintf(w, "   CCDF fit (§3.1): N_all = %.0f, τ = %.1f h, average relative deviation of log N = %.1f%% (paper: about 6%%)\n",
		pop.Population, pop.Tau.Hours(), 100*pop.Deviation)
	return nil
}

// lifespans compares the models with discrete swarms, alone and with
// returning peers.
func lifespans(w io.Writer, cfg Config, rng *rand.Rand) error {
	gamma := swarmmodel.PerHour(1 / 8.42)
	r, err := swarmmodel.RequestRateForBeta(6, 87*time.Hour, 0.8551)
	if err != nil {
		return err
	}
	collab, err := swarmmodel.NewCollaboration(0.8551, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n4. Lifespan and failure ratio, model against %d discrete swarms each (τ = 87 h, γ = 1/8.42 h, μ = 1, c = 4, η = 0.5, origin seeds 24 h)\n", cfg.Runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "   λ0/γ\tT_life d\tsim d\tR_fail\tsim\tT'_life d\tsim d\tR'_fail\tsim\t")
	var curves []lambdaCurve
	for _, ratio := range cfg.Ratios {
		evo, err := swarmmodel.NewEvolution(gamma*swarmmodel.Rate(ratio), 87*time.Hour, gamma)
		if err != nil {
			return err
		}
		base := swarmmodel.SwarmConfig{Evolution: evo, Upload: 1, Download: 4, Efficiency: 0.5,
			OriginSeeding: 24 * time.Hour, Horizon: 4000 * time.Hour}
		alone, err := runSwarms(base, cfg.Runs, rng)
		if err != nil {
			return err
		}
		withC := base
		withC.Collaboration = &collab
		withC.Horizon = 40000 * time.Hour
		together, err := runSwarms(withC, cfg.Runs, rng)
		if err != nil {
			return err
		}
		life, err := collab.Lifespan(evo)
		if err != nil {
			return err
		}
		rf, err := collab.FailureRatio(evo)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "   %.0f\t%.1f\t%.1f\t%.3f\t%.3f\t%.0f\t%.0f\t%.1e\t%s\t\n", ratio,
			evo.Lifespan().Hours()/24, alone.death/24, evo.FailureRatio(), alone.ratio(),
			life.Hours()/24, together.death/24, rf, together.failures())
		if ratio == 10 {
			curves = append(curves, lambdaCurve{evo: evo, c: collab})
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "   The discrete swarm dies earlier than T_life (its last seeds can leave by chance), so its failure")
	fmt.Fprintln(w, "   ratio is a few times γ/λ0; returning peers remove the failures all the same.")
	if cfg.OutDir != "" && len(curves) > 0 {
		path, err := plotCollaboration(cfg.OutDir, curves[0].evo, curves[0].c)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   figure: %s\n", path)
	}
	return nil
}

type lambdaCurve struct {
	evo swarmmodel.Evolution
	c   swarmmodel.Collaboration
}

type swarmStats struct {
	death            float64 // mean, hours
	arrivals, failed int
}

func (s swarmStats) ratio() float64 { return float64(s.failed) / float64(s.arrivals) }

func (s swarmStats) failures() string {
	if s.failed == 0 {
		return fmt.Sprintf("0/%d", s.arrivals)
	}
	return fmt.Sprintf("%.1e", s.ratio())
}

func runSwarms(cfg swarmmodel.SwarmConfig, runs int, rng *rand.Rand) (swarmStats, error) {
	var s swarmStats
	for range runs {
		r, err := swarmmodel.SimulateSwarm(cfg, rng)
		if err != nil {
			return s, err
		}
		s.death += r.Death.Hours() / float64(runs)
		s.arrivals += r.Arrivals
		s.failed += r.Failed
	}
	return s, nil
}

// workload streams the paper's multi-torrent workload into the tracker-site
// overlay and re-estimates p.
func workload(w io.Writer, cfg Config, rng *rand.Rand) error {
	wcfg := swarmmodel.PaperWorkload()
	wcfg.Horizon = time.Duration(cfg.WorkloadDays) * 24 * time.Hour
	fmt.Fprintf(w, "\n5. The paper's multi-torrent workload (λ_t = %v, λ_p = %v, p = %.4f, τ_sd = 8.42 h) over %d days\n",
		wcfg.TorrentBirthRate, wcfg.PeerBirthRate, float64(wcfg.Continue), cfg.WorkloadDays)
	wl, err := swarmmodel.NewWorkload(wcfg, rng)
	if err != nil {
		return err
	}
	half := wcfg.Horizon / 2
	o := swarmmodel.NewOverlay()
	history := map[swarmmodel.PeerID][]swarmmodel.TorrentID{}
	born := map[swarmmodel.PeerID]time.Duration{}
	var counts []int
	var events, lateRequests, tried, found, cycles int
	overlay := cfg.ExchangeTries > 0
	start := time.Now()
	for ev := range wl.Events() {
		events++
		switch ev.Kind {
		case swarmmodel.TorrentBorn:
			o.AddTorrent(ev.Torrent)
		case swarmmodel.Request:
			if ev.Time >= half {
				lateRequests++
			}
			if ev.Nth == 1 {
				born[ev.Peer] = ev.Time
			}
			if overlay {
				if err := o.Join(ev.Peer, ev.Torrent, history[ev.Peer]); err != nil {
					return err
				}
				if len(history[ev.Peer]) > 0 && ev.Time > 10*24*time.Hour {
					tried++
					if ex, err := o.FindExchange(ev.Peer, 4); err == nil {
						found++
						if len(ex.Links) > 1 {
							cycles++
						}
					}
					// Enough searches: detach the overlay, keep streaming.
					overlay = tried < cfg.ExchangeTries
				}
			}
		case swarmmodel.Complete:
			history[ev.Peer] = append(history[ev.Peer], ev.Torrent)
		case swarmmodel.Leave:
			if _, joined := o.TorrentOf(ev.Peer); joined {
				if err := o.Leave(ev.Peer); err != nil {
					return err
				}
			}
			if ev.Final {
				// Only peers born in the first half: later ones are
				// censored by the end of the trace (cf. Fig. 12(b)).
				if born[ev.Peer] < half {
					counts = append(counts, ev.Nth)
				}
				delete(history, ev.Peer)
				delete(born, ev.Peer)
			}
		}
	}
	elapsed := time.Since(start)
	fmt.Fprintf(w, "   streamed %d events (%.2g events/s, overlay attached for the first %d exchange searches)\n",
		events, float64(events)/elapsed.Seconds(), tried)
	lq := swarmmodel.PerHour(float64(lateRequests) / (wcfg.Horizon - half).Hours())
	pr, err := swarmmodel.PFromRates(wcfg.PeerBirthRate, lq)
	if err != nil {
		return err
	}
	pc, err := swarmmodel.PFromCounts(counts)
	if err != nil {
		return err
	}
	pk, err := swarmmodel.PFromRanks(counts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   second half: λ_q = %.1f/h (λ_p/(1−p) = %.1f/h), so p = 1 − λ_p/λ_q = %.4f\n", float64(lq), float64(wcfg.RequestRate()), float64(pr))
	fmt.Fprintf(w, "   %d peers born in the first half: p = %.4f (maximum likelihood), %.4f (rank regression, Eq. 4.12)\n", len(counts), float64(pc), float64(pk))
	if tried > 0 {
		fmt.Fprintf(w, "   overlay: %d of %d returning peers found an exchange partner (%d through a cycle of 3+ torrents); %d tracker messages\n",
			found, tried, cycles, o.Messages())
	}
	m, err := swarmmodel.NewMultiTorrent(wcfg.TorrentBirthRate, wcfg.PeerBirthRate, wcfg.Continue, wcfg.PeerRequestRate(), wcfg.Tau)
	if err != nil {
		return err
	}
	const n = 400
	g, err := m.Graph(n)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   homogeneous model (Eq. 4.16–4.21), %d newest torrents: λ0 = %.2f/h\n", n, float64(m.Lambda0()))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "   torrent\tage days\tSP (serves others)\tSG (served by others)\t")
	for _, i := range []int{1, 25, 50, 100, 200, 400} {
		fmt.Fprintf(tw, "   %d\t%.1f\t%.1f\t%.1f\t\n", i, float64(i)/float64(wcfg.TorrentBirthRate)/24, g.SP(i), g.SG(i))
	}
	return tw.Flush()
}
