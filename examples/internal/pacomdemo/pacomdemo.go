// Package pacomdemo is the walkthrough of package pacomchan shared by
// examples/pacom and the tour: bootstrapping through a steganographic
// hider, a circuit built over real blocks on the 8-client network of
// PACOM's Fig. 11, the Table 4 circuits' traffic, and the reproductions of
// Figs. 10, 15, 16, 18 and Theorem 1.
package pacomdemo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
	"github.com/swarmblocks/swarmblocks/steg"
	"gonum.org/v1/plot/plotter"
)

// Config sets the scale of the walkthrough.
type Config struct {
	Seed uint64
	// BlockSize is the block size of the live circuit's links; 0 means
	// pacomchan.BlockSize.
	BlockSize int
	// Live is how long the live network runs.
	Live time.Duration
	// Traffic is the duration of each traffic simulation.
	Traffic time.Duration
	// Seeds is the number of repetitions behind each figure.
	Seeds int
	// GrowthSizes are the network sizes of Fig. 10.
	GrowthSizes []int
	// CircuitsPerClient are the x values of Fig. 18.
	CircuitsPerClient []int
	// Windows are the detection times of Figs. 15–16.
	Windows []time.Duration
	// PlotDir, if set, receives the figures as PNG files.
	PlotDir string
}

// TourConfig is the reduced scale of the tour (a few seconds).
func TourConfig(seed uint64) Config {
	return Config{
		Seed: seed, BlockSize: pacomchan.BlockSize, Live: 3 * time.Second, Traffic: 15 * time.Second, Seeds: 1,
		GrowthSizes:       []int{64, 256, 1024, 2048},
		CircuitsPerClient: []int{1, 2, 4},
		Windows:           []time.Duration{5 * time.Second, 20 * time.Second},
	}
}

// FullConfig is the paper's scale (Fig. 10 up to 8,192 clients); it takes
// a few minutes.
func FullConfig(seed uint64) Config {
	return Config{
		Seed: seed, BlockSize: pacomchan.BlockSize, Live: 10 * time.Second, Traffic: 120 * time.Second, Seeds: 5,
		GrowthSizes:       []int{32, 64, 128, 256, 512, 1024, 2048, 4096, 8192},
		CircuitsPerClient: []int{1, 2, 3, 4},
		Windows:           []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second},
	}
}

// Run prints the walkthrough to w.
func Run(w io.Writer, cfg Config) error {
	if cfg.BlockSize == 0 {
		cfg.BlockSize = pacomchan.BlockSize
	}
	fmt.Fprintf(w, "PACOM covert channels (paper 001 §3, §6), seed %d\n", cfg.Seed)
	for _, step := range []func(io.Writer, Config) error{bootstrap, liveCircuit, table4, figures} {
		if err := step(w, cfg); err != nil {
			return err
		}
	}
	return nil
}

// stegHider adapts the steg package's picker to pacomchan.Hider: the id is
// hidden in the order of the HAVE messages the bootstrapping node sends.
type stegHider struct {
	p *steg.Picker
	f *steg.Family
}

func (h stegHider) Hide(x int) error { return h.p.Hide(h.f, x) }
func (h stegHider) Stop() error      { h.p.Reveal(); return nil }

var _ pacomchan.Hider = stegHider{}

func bootstrap(w io.Writer, cfg Config) error {
	fmt.Fprintln(w, "\n-- Bootstrapping (§3.3, Eq. 4; the id hidden with package steg) --")
	const blocks = 1024
	key := make([]byte, steg.KeySize)
	copy(key, "pacom clients' shared secret")
	fam, err := steg.NewFamily(key, blocks, steg.DefaultFunctions)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x33))
	picker, err := steg.NewPicker(blocks, rng)
	if err != nil {
		return err
	}
	for b := range blocks { // the popular file is well seeded
		_ = picker.PeerHas(b)
		_ = picker.PeerHas(b)
	}
	ip := netip.MustParseAddr("198.51.100.7")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	b, err := pacomchan.NewBootstrapper(ip, day, rng, pacomchan.DefaultSwarmCap, stegHider{picker, fam})
	if err != nil {
		return err
	}
	files := b.Files()
	caps := make([]string, len(files))
	for i, f := range files {
		caps[i] = fmt.Sprintf("%.1f", f.Cap)
	}
	fmt.Fprintf(w, "bootstrapping node %v shares c = %d PACOM files (geometric, p = %.4f), caps b = [%s] (Pareto, mean %.2f, var %.2f)\n",
		ip, len(files), pacomchan.FileCountP, strings.Join(caps, " "), pacomchan.SwarmCapMean, pacomchan.SwarmCapVariance)
	cur, err := b.Current()
	if err != nil {
		return err
	}
	// The newcomer reads the node's HAVE messages while both download the
	// popular file.
	dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
	if err != nil {
		return err
	}
	for i := range blocks {
		blk, err := picker.Next()
		if err != nil {
			return err
		}
		_ = picker.Downloaded(blk)
		x, ok, err := dec.Consume(steg.Message{ID: steg.IDHave, Index: blk})
		if err != nil {
			return err
		}
		if ok {
			ih := pacomchan.PACOMInfoHash(x, ip, day)
			fmt.Fprintf(w, "hidden id %d; a newcomer decodes %d after %d HAVEs and computes I_x = %x (matches: %v)\n",
				cur.X, x, i+1, ih[:8], ih == cur.InfoHash())
			return b.Join(x)
		}
	}
	return fmt.Errorf("pacomdemo: the newcomer never decoded the swarm id")
}

func liveCircuit(w io.Writer, cfg Config) error {
	fmt.Fprintln(w, "\n-- A circuit over real blocks: Fig. 11's network, P2 to P7 (§3.4–3.5) --")
	net, err := newLiveNet(cfg.Seed, sim.Fig11(), cfg.BlockSize, 1<<14, 20)
	if err != nil {
		return err
	}
	src, dst := 1, 6
	id, err := net.nodes[src].Build(net.now(), net.nodes[dst].PublicKey())
	if err != nil {
		return err
	}
	var sentAt time.Duration
	sent := false
	for step := time.Duration(0); step < cfg.Live; step += 100 * time.Millisecond {
		net.sim.RunUntil(step)
		if _, ok := net.established[id]; ok && !sent {
			sentAt = net.sim.Now()
			if err := net.nodes[src].Send(net.now(), id, []byte("meet at the usual place")); err != nil {
				return err
			}
			sent = true
		}
	}
	at, ok := net.established[id]
	if !ok {
		return fmt.Errorf("pacomdemo: circuit not built within %v", cfg.Live)
	}
	path, err := net.path(src, id)
	if err != nil {
		return err
	}
	names := make([]string, len(path))
	for i, p := range path {
		names[i] = fmt.Sprintf("P%d", p+1)
	}
	fmt.Fprintf(w, "handshake flooded with TTL %d, sealed with HPKE to P7; circuit %v built in %v (simulated): %s\n",
		pacomchan.DefaultTTL, id, at.Round(time.Millisecond), strings.Join(names, " → "))
	for _, d := range net.delivered {
		if d.at == dst {
			fmt.Fprintf(w, "P7 received %q %v after P2 sent it\n", d.packet.Data, (d.when - sentAt).Round(time.Millisecond))
		}
	}
	served, dummy := 0, 0
	for i := range net.served {
		served += net.served[i]
		dummy += net.dummy[i]
	}
	fmt.Fprintf(w, "%d blocks of %d bytes served in %v, %.1f%% of them cover; %d errors\n",
		served, cfg.BlockSize, cfg.Live, 100*float64(dummy)/float64(served), net.errs)
	return nil
}

func table4(w io.Writer, cfg Config) error {
	fmt.Fprintf(w, "\n-- Table 4's eight circuits on Fig. 11's network, %v, 5 segments/s per circuit --\n", cfg.Traffic)
	runs := map[sim.Mode]*sim.Traffic{}
	for _, m := range []sim.Mode{sim.PACOMMode, sim.NaiveMode} {
		tr, err := sim.RunTraffic(sim.Fig11Traffic(cfg.Seed, sim.Table4(), m, cfg.Traffic))
		if err != nil {
			return err
		}
		runs[m] = tr
		fmt.Fprintf(w, "%-11s: %d segments delivered of %d, mean latency %v, cover-traffic ratio %.1f%%\n",
			m, tr.Delivered, tr.Sent, tr.MeanLatency().Round(time.Millisecond), 100*tr.CoverRatio())
	}
	fmt.Fprintln(w, "input/output correlation of each relay (packet counts per 1 s):")
	fmt.Fprintln(w, "  circuit  relay  PACOM   naive")
	for c, p := range sim.Table4() {
		for h := 1; h+1 < len(p); h++ {
			fmt.Fprintf(w, "  %d        P%d    %+.2f   %+.2f\n", c+1, p[h]+1,
				corr(runs[sim.PACOMMode], p, h), corr(runs[sim.NaiveMode], p, h))
		}
	}
	return nil
}

func figures(w io.Writer, cfg Config) error {
	fmt.Fprintf(w, "\n-- Fig. 10: average shortest path length (10 bootstrapping nodes, seed %d) --\n", cfg.Seed)
	fmt.Fprintln(w, "  clients   0% rejoin   5% rejoin   10% rejoin")
	rejoin := []float64{0, 0.05, 0.10}
	fig10 := make([]series, len(rejoin))
	for i, r := range rejoin {
		fig10[i].name = fmt.Sprintf("%.0f%% rejoin", 100*r)
	}
	for _, n := range cfg.GrowthSizes {
		fmt.Fprintf(w, "  %7d", n)
		for i, r := range rejoin {
			g, err := sim.Grow(sim.PaperGrowth(n, r, cfg.Seed))
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "   %9.2f", g.AvgPath)
			fig10[i].xy = append(fig10[i].xy, plotter.XY{X: float64(n), Y: g.AvgPath})
		}
		fmt.Fprintln(w)
	}
	if err := cfg.plot(w, "fig10.png", "Fig. 10: average shortest path length", "clients (log scale)", "hops", fig10); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n-- Fig. 18: cover-traffic ratio, random 4-hop circuits, %d seed(s) --\n", cfg.Seeds)
	base := sim.Fig11Traffic(cfg.Seed, nil, sim.PACOMMode, cfg.Traffic)
	base.MessageRate = sim.DefaultFig18MessageRate
	pts, err := sim.Fig18(base, cfg.CircuitsPerClient, cfg.Seeds)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "  circuits/client   cover   (paper: ~50% at 1, ~10% at 4)")
	fig18 := []series{{name: "cover traffic"}}
	for _, p := range pts {
		fmt.Fprintf(w, "  %15d   %4.1f%%\n", p.CircuitsPerClient, 100*p.Cover)
		fig18[0].xy = append(fig18[0].xy, plotter.XY{X: float64(p.CircuitsPerClient), Y: p.Cover})
	}
	if err := cfg.plot(w, "fig18.png", "Fig. 18: cover-traffic ratio", "circuits per client", "fraction of blocks", fig18); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n-- Theorem 1: relay input/output correlation, each Table 4 circuit alone, %d seed(s) --\n", cfg.Seeds)
	for _, m := range []sim.Mode{sim.PACOMMode, sim.NaiveMode} {
		s, _, err := sim.Theorem1(sim.Fig11Traffic(cfg.Seed, nil, m, cfg.Traffic), time.Second, cfg.Seeds)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-11s: mean r = %+.3f (sd %.3f, range %+.2f … %+.2f) over %d relays\n",
			m, s.Mean, s.SD, s.Min, s.Max, s.Relays)
	}

	fmt.Fprintf(w, "\n-- Figs. 15–16: detection rate of the flow-correlation attack, %d seed(s) --\n", cfg.Seeds)
	for _, fig := range []struct {
		name, file string
		alone      bool
		hops       []int
	}{{"Fig. 15 (8 circuits, first hop)", "fig15.png", false, []int{1}}, {"Fig. 16 (one circuit at a time)", "fig16.png", true, []int{1, 2, 3}}} {
		fmt.Fprintf(w, "%s:\n  hop  window   PACOM   naive   random guess\n", fig.name)
		res := map[sim.Mode][]sim.DetectionPoint{}
		for _, m := range []sim.Mode{sim.PACOMMode, sim.NaiveMode} {
			pts, err := sim.Detection(sim.Fig11Traffic(cfg.Seed, nil, m, 0), sim.Table4(), fig.alone, fig.hops, cfg.Windows, cfg.Seeds)
			if err != nil {
				return err
			}
			res[m] = pts
		}
		lines := map[string]*series{}
		var order []string
		add := func(name string, x, y float64) {
			if lines[name] == nil {
				lines[name] = &series{name: name}
				order = append(order, name)
			}
			lines[name].xy = append(lines[name].xy, plotter.XY{X: x, Y: y})
		}
		for i, p := range res[sim.PACOMMode] {
			fmt.Fprintf(w, "  %3d  %6v   %5.2f   %5.2f   %5.2f\n", p.Hop, p.Window, p.Rate, res[sim.NaiveMode][i].Rate, p.Random)
			x := p.Window.Seconds()
			add(fmt.Sprintf("PACOM, hop %d", p.Hop), x, p.Rate)
			add(fmt.Sprintf("random guess, hop %d", p.Hop), x, p.Random)
		}
		for _, p := range res[sim.NaiveMode] {
			if p.Hop == fig.hops[0] {
				add(fmt.Sprintf("naive relay, hop %d", p.Hop), p.Window.Seconds(), p.Rate)
			}
		}
		var all []series
		for _, name := range order {
			all = append(all, *lines[name])
		}
		if err := cfg.plot(w, fig.file, fig.name+": detection rate", "detection time (s)", "detection rate", all); err != nil {
			return err
		}
	}
	return nil
}

// plot saves a figure if the configuration asks for it.
func (cfg Config) plot(w io.Writer, file, title, x, y string, lines []series) error {
	if cfg.PlotDir == "" {
		return nil
	}
	path, err := savePlot(cfg.PlotDir, file, title, x, y, file == "fig10.png", lines)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "  (figure written to", path+")")
	return nil
}
