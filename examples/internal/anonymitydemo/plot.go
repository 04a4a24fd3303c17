package anonymitydemo

import (
	"image/color"
	"strings"
	"time"

	"github.com/swarmblocks/swarmblocks/examples/internal/figure"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var palette = []color.Color{
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff},
	color.RGBA{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
}

var gray = color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}

func addLine(p *plot.Plot, name string, pts plotter.XYs, i int, dashed bool) error {
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	c := palette[i%len(palette)]
	l.Color, s.Color = c, c
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(l, s)
	p.Legend.Add(name, l, s)
	return nil
}

func save(p *plot.Plot, dir, name string) (string, error) {
	return figure.Save(p, dir, name, 7*vg.Inch, 4.5*vg.Inch)
}

func plotDetection(dir string, observe []time.Duration, curves []curve) (string, error) {
	p := plot.New()
	p.Title.Text = "Traffic analysis: detection rate per hop (cf. PACOM Figs. 13, 15)"
	p.X.Label.Text = "observation time (s, log scale)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Label.Text = "detection rate"
	p.Y.Min, p.Y.Max = 0, 1.45 // headroom for the legend
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 0, Label: "0"}, {Value: 0.25}, {Value: 1.0 / 3, Label: "1/3"}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75}, {Value: 1, Label: "1"},
	})
	p.Legend.Top = true
	p.Legend.Left = false
	for i, c := range curves {
		pts := make(plotter.XYs, len(observe))
		for k, o := range observe {
			pts[k] = plotter.XY{X: o.Seconds(), Y: c.rates[k]}
		}
		if err := addLine(p, c.name, pts, i, strings.HasPrefix(c.name, "PACOM")); err != nil {
			return "", err
		}
	}
	for _, g := range []float64{0.5, 1.0 / 3} {
		guess := plotter.XYs{{X: observe[0].Seconds(), Y: g}, {X: observe[len(observe)-1].Seconds(), Y: g}}
		l, err := plotter.NewLine(guess)
		if err != nil {
			return "", err
		}
		l.Color = gray
		l.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
		p.Add(l)
	}
	p.Add(plotter.NewGrid())
	return save(p, dir, "detection.png")
}

func plotIntersection(dir string, results []fig9, rotations []time.Duration) ([]string, error) {
	a := plot.New()
	a.Title.Text = "Innocent receiver: intersection attack success (cf. PACOM Fig. 9a)"
	a.X.Label.Text = "days observed"
	a.Y.Label.Text = "attacker success"
	a.Y.Min, a.Y.Max = 0, 1.05
	series := func(v []float64) plotter.XYs {
		pts := make(plotter.XYs, len(v))
		for i, s := range v {
			pts[i] = plotter.XY{X: float64(i + 1), Y: s}
		}
		return pts
	}
	for k, r := range results {
		if err := addLine(a, "no protection, "+r.name, series(r.none), 0, k > 0); err != nil {
			return nil, err
		}
		if err := addLine(a, "uptime extension, "+r.name, series(r.ext), 4, k > 0); err != nil {
			return nil, err
		}
	}
	a.Legend.Top, a.Legend.Left = false, false
	a.Legend.YOffs = 1.3 * vg.Inch // between the defended and undefended curves
	a.Add(plotter.NewGrid())
	pa, err := save(a, dir, "intersection-innocent.png")
	if err != nil {
		return nil, err
	}
	paths := []string{pa}

	b := plot.New()
	b.Title.Text = "Malicious receiver: success against identity rotation (cf. PACOM Fig. 9b)"
	b.X.Label.Text = "identity rotation period n (hours)"
	b.Y.Label.Text = "attacker success"
	b.Y.Min, b.Y.Max = 0, 1.05
	plotted := false
	for k, r := range results {
		var pts plotter.XYs
		for i, n := range rotations {
			if n > 0 {
				pts = append(pts, plotter.XY{X: n.Hours(), Y: r.rot[i]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		if err := addLine(b, r.name, pts, 5, k > 0); err != nil {
			return nil, err
		}
		plotted = true
	}
	if !plotted {
		return paths, nil
	}
	b.Legend.Top, b.Legend.Left = true, true
	b.Add(plotter.NewGrid())
	pb, err := save(b, dir, "intersection-rotation.png")
	if err != nil {
		return nil, err
	}
	return append(paths, pb), nil
}
