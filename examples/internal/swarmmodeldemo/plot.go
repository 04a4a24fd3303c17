package swarmmodeldemo

import (
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/swarmblocks/swarmblocks/examples/internal/figure"
	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
}

func addLine(p *plot.Plot, name string, pts plotter.XYs, i int, dashed bool) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color = palette[i%len(palette)]
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Width = vg.Points(1)
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

func save(p *plot.Plot, dir, name string) (string, error) {
	return figure.Save(p, dir, name, 8*vg.Inch, 4.5*vg.Inch)
}

func days(t time.Duration) float64 { return t.Hours() / 24 }

// plotEvolution draws x(t), y(t) of the fluid model and of one discrete
// swarm, and the download speed u(t) (cf. Fig. 7).
func plotEvolution(dir string, tr swarmmodel.Trajectory, sim swarmmodel.SwarmResult, mean [][2]float64) (string, error) {
	p := plot.New()
	p.Title.Text = "Torrent evolution: fluid model and discrete swarms (cf. Guo et al. Fig. 7a)"
	p.X.Label.Text = "days since the torrent's birth"
	p.Y.Label.Text = "peers"
	p.Legend.Top = true
	series := []struct {
		name   string
		n      int
		value  func(i int) float64
		t      func(i int) time.Duration
		dashed bool
		color  int
	}{
		{"downloaders x(t), fluid", len(tr.T), func(i int) float64 { return tr.X[i] }, func(i int) time.Duration { return tr.T[i] }, false, 0},
		{"seeds y(t), fluid", len(tr.T), func(i int) float64 { return tr.Y[i] }, func(i int) time.Duration { return tr.T[i] }, false, 1},
		{"downloaders, one discrete swarm", len(sim.T), func(i int) float64 { return float64(sim.X[i]) }, func(i int) time.Duration { return sim.T[i] }, true, 0},
		{"seeds, one discrete swarm", len(sim.T), func(i int) float64 { return float64(sim.Y[i]) }, func(i int) time.Duration { return sim.T[i] }, true, 1},
		{"downloaders, mean of discrete swarms", len(mean), func(i int) float64 { return mean[i][0] }, func(i int) time.Duration { return sim.T[i] }, true, 2},
		{"seeds, mean of discrete swarms", len(mean), func(i int) float64 { return mean[i][1] }, func(i int) time.Duration { return sim.T[i] }, true, 3},
	}
	for _, s := range series {
		pts := make(plotter.XYs, s.n)
		for i := range pts {
			pts[i] = plotter.XY{X: days(s.t(i)), Y: s.value(i)}
		}
		if err := addLine(p, s.name, pts, s.color, s.dashed); err != nil {
			return "", err
		}
	}
	path, err := save(p, dir, "evolution.png")
	if err != nil {
		return "", err
	}

	q := plot.New()
	q.Title.Text = "Mean download speed u(t) = min(c, μ(η + y/x)) under the fluid model (cf. Fig. 7b)"
	q.X.Label.Text = "days since the torrent's birth"
	q.Y.Label.Text = "files per hour"
	pts := make(plotter.XYs, len(tr.T))
	for i := range pts {
		pts[i] = plotter.XY{X: days(tr.T[i]), Y: tr.U[i]}
	}
	if err := addLine(q, "u(t)", pts, 2, false); err != nil {
		return "", err
	}
	if _, err := save(q, dir, "speed.png"); err != nil {
		return "", err
	}
	return path + " (and speed.png)", nil
}

// plotCollaboration draws λ(t), λ'(t) and γ on a log scale (§4.2).
func plotCollaboration(dir string, evo swarmmodel.Evolution, c swarmmodel.Collaboration) (string, error) {
	p := plot.New()
	p.Title.Text = "Arrival rate without and with returning peers (Eq. 3.1, 4.22); the torrent dies below γ"
	p.X.Label.Text = "days since the torrent's birth"
	p.Y.Label.Text = "peers per hour"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	life, err := c.Lifespan(evo)
	if err != nil {
		return "", err
	}
	end := life + life/5
	const n = 2000
	var lam, lamC, gam plotter.XYs
	for i := range n + 1 {
		t := time.Duration(float64(end) * float64(i) / n)
		if v := float64(evo.ArrivalRate(t)); v > float64(evo.Gamma())/100 {
			lam = append(lam, plotter.XY{X: days(t), Y: v})
		}
		lamC = append(lamC, plotter.XY{X: days(t), Y: float64(c.ArrivalRate(evo, t))})
		gam = append(gam, plotter.XY{X: days(t), Y: float64(evo.Gamma())})
	}
	p.Y.Min = float64(evo.Gamma()) / 100
	p.Y.Max = 2 * float64(evo.Lambda0())
	for i, s := range []struct {
		name string
		pts  plotter.XYs
	}{{"λ(t), torrent alone", lam}, {"λ'(t), with returning peers", lamC}, {"γ, seed departure rate", gam}} {
		if err := addLine(p, s.name, s.pts, i, i == 2); err != nil {
			return "", err
		}
	}
	return save(p, dir, "collaboration.png")
}
