package main

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/swarmblocks/swarmblocks/examples/internal/figure"
	"github.com/swarmblocks/swarmblocks/internal/marketsim"
	"github.com/swarmblocks/swarmblocks/valuation"
)

var (
	nativeColor = color.RGBA{R: 200, G: 40, B: 40, A: 255}
	coverColor  = color.RGBA{R: 40, G: 70, B: 200, A: 255}
	greyColor   = color.RGBA{R: 150, G: 150, B: 150, A: 255}
)

// errPoints are points with error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
	plotter.XErrors
}

func (e *errPoints) add(x, y float64, xs, ys []float64) {
	e.XYs = append(e.XYs, plotter.XY{X: x, Y: y})
	sd := func(v []float64) float64 {
		if len(v) < 2 {
			return 0
		}
		return stat.StdDev(v, nil)
	}
	sx, sy := sd(xs), sd(ys)
	e.XErrors = append(e.XErrors, struct{ Low, High float64 }{sx, sx})
	e.YErrors = append(e.YErrors, struct{ Low, High float64 }{sy, sy})
}

// series adds points with error bars to p in colour c.
func series(p *plot.Plot, name string, e *errPoints, c color.Color, xBars, line bool) error {
	if len(e.XYs) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(e)
	if err != nil {
		return err
	}
	s.Color = c
	s.Radius = vg.Points(2)
	yb, err := plotter.NewYErrorBars(e)
	if err != nil {
		return err
	}
	yb.Color = c
	p.Add(s, yb)
	if xBars {
		xb, err := plotter.NewXErrorBars(e)
		if err != nil {
			return err
		}
		xb.Color = c
		p.Add(xb)
	}
	if line {
		l, err := plotter.NewLine(e.XYs)
		if err != nil {
			return err
		}
		l.Color = c
		p.Add(l)
	}
	p.Legend.Add(name, s)
	return nil
}

func save(p *plot.Plot, dir, name string) (string, error) {
	return figure.Save(p, dir, name, 16*vg.Centimeter, 11*vg.Centimeter)
}

// plotAll draws the paper's Figs. 1–6 and the distribution of downloads
// from the runs, and returns the files written.
func plotAll(dir string, rs []*marketsim.Result) ([]string, error) {
	var files []string
	for _, f := range []func(string, []*marketsim.Result) (string, error){
		func(d string, rs []*marketsim.Result) (string, error) {
			return rankByPopularity(d, rs, "fig1_start_rank.png", "Fig. 1: native start rank by popularity", true)
		},
		func(d string, rs []*marketsim.Result) (string, error) {
			return rankNativeVsCover(d, rs, "fig2_start_native_vs_cover.png", "Fig. 2: start rank, native vs cover, per torrent", true)
		},
		func(d string, rs []*marketsim.Result) (string, error) {
			return rankByPopularity(d, rs, "fig3_end_rank.png", "Fig. 3: native end rank by popularity", false)
		},
		func(d string, rs []*marketsim.Result) (string, error) {
			return rankNativeVsCover(d, rs, "fig4_end_native_vs_cover.png", "Fig. 4: end rank, native vs cover, per torrent", false)
		},
		func(d string, rs []*marketsim.Result) (string, error) {
			return volumes(d, rs, "fig5_volume_global.png", "Fig. 5: download volume per bucket, all nodes", false)
		},
		func(d string, rs []*marketsim.Result) (string, error) {
			return volumes(d, rs, "fig6_volume_observer.png", "Fig. 6: download volume per bucket, as one observer sees it", true)
		},
		downloads,
	} {
		path, err := f(dir, rs)
		if err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

func ranksOf(r *marketsim.Result, start bool) (native, cover [][]float64) {
	if start {
		return r.TorrentNativeStart, r.TorrentCoverStart
	}
	return r.TorrentNativeEnd, r.TorrentCoverEnd
}

func rankByPopularity(dir string, rs []*marketsim.Result, name, title string, start bool) (string, error) {
	byPop := make(map[int][2][]float64)
	for _, r := range rs {
		nat, cov := ranksOf(r, start)
		for t, pop := range r.Popularity {
			e := byPop[pop]
			e[0] = append(e[0], nat[t]...)
			e[1] = append(e[1], cov[t]...)
			byPop[pop] = e
		}
	}
	pops := slices.Sorted(func(yield func(int) bool) {
		for p := range byPop {
			if !yield(p) {
				return
			}
		}
	})
	var nat, cov errPoints
	for _, pop := range pops {
		e := byPop[pop]
		if len(e[0]) > 0 {
			nat.add(float64(pop)-0.1, stat.Mean(e[0], nil), nil, e[0])
		}
		if len(e[1]) > 0 {
			cov.add(float64(pop)+0.1, stat.Mean(e[1], nil), nil, e[1])
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "clients natively interested in the torrent"
	p.Y.Label.Text = "rank (mean ± sd)"
	if err := series(p, "native", &nat, nativeColor, false, false); err != nil {
		return "", err
	}
	if err := series(p, "cover", &cov, coverColor, false, false); err != nil {
		return "", err
	}
	p.Legend.Top = true
	return save(p, dir, name)
}

func rankNativeVsCover(dir string, rs []*marketsim.Result, name, title string, start bool) (string, error) {
	// Every run's torrents as points; the first run's with ± sd bars, so
	// that the figure stays readable over 20 runs.
	var all plotter.XYs
	var first errPoints
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, r := range rs {
		nat, cov := ranksOf(r, start)
		for t := range nat {
			if len(nat[t]) == 0 || len(cov[t]) == 0 {
				continue
			}
			x, y := stat.Mean(cov[t], nil), stat.Mean(nat[t], nil)
			all = append(all, plotter.XY{X: x, Y: y})
			if i == 0 {
				first.add(x, y, cov[t], nat[t])
			}
			lo, hi = min(lo, x, y), max(hi, x, y)
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "mean rank among cover clients"
	p.Y.Label.Text = "mean rank among native clients"
	if len(all) > 0 {
		s, err := plotter.NewScatter(all)
		if err != nil {
			return "", err
		}
		s.Color = color.RGBA{R: 240, G: 160, B: 160, A: 255}
		s.Radius = vg.Points(1.5)
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("torrents, %d runs", len(rs)), s)
	}
	if err := series(p, fmt.Sprintf("torrents of seed %d (± sd)", rs[0].Config.Seed), &first, nativeColor, true, false); err != nil {
		return "", err
	}
	if !math.IsInf(lo, 0) {
		diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return "", err
		}
		diag.Color = greyColor
		p.Add(diag)
		p.Legend.Add("native = cover", diag)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return save(p, dir, name)
}

func volumes(dir string, rs []*marketsim.Result, name, title string, observer bool) (string, error) {
	var natS, covS [][]float64
	for _, r := range rs {
		n, c := r.SliceNative, r.SliceCover
		if observer {
			n, c = r.ObsNative, r.ObsCover
		}
		for s := range n {
			for len(natS) <= s {
				natS = append(natS, nil)
				covS = append(covS, nil)
			}
			natS[s] = append(natS[s], n[s]...)
			covS[s] = append(covS[s], c[s]...)
		}
	}
	var nat, cov errPoints
	const mb = 1e6
	scale := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x / mb
		}
		return out
	}
	for s := range natS {
		if len(natS[s]) < 2 {
			continue
		}
		n, c := scale(natS[s]), scale(covS[s])
		nat.add(float64(s)-0.1, stat.Mean(n, nil), nil, n)
		cov.add(float64(s)+0.1, stat.Mean(c, nil), nil, c)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("time slice (%v each, from the node's start)", rs[0].Config.Bucket)
	p.Y.Label.Text = "MB per slice (mean ± sd)"
	if err := series(p, "native interest", &nat, nativeColor, false, true); err != nil {
		return "", err
	}
	if err := series(p, "cover (per torrent)", &cov, coverColor, false, true); err != nil {
		return "", err
	}
	p.Legend.Top = true
	return save(p, dir, name)
}

func downloads(dir string, rs []*marketsim.Result) (string, error) {
	var v plotter.Values
	for _, r := range rs {
		v = append(v, r.Downloads...)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Torrents downloaded per client (k = %d)", rs[0].Config.K)
	p.X.Label.Text = "bytes downloaded / torrent size"
	p.Y.Label.Text = "clients"
	if len(v) > 0 {
		h, err := plotter.NewHist(v, 20)
		if err != nil {
			return "", err
		}
		h.FillColor = coverColor
		p.Add(h)
	}
	return save(p, dir, "downloads.png")
}

// plotSweep draws the mean time to finish against each factor's weight.
func plotSweep(path string, pts []marketsim.SweepPoint) error {
	p := plot.New()
	p.Title.Text = "Weight sweep: mean time to finish k downloads"
	p.X.Label.Text = "weight of the factor (others at 1)"
	p.Y.Label.Text = "mean time to finish (s, log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 4000, Label: "4000"}, {Value: 5000, Label: "5000"}, {Value: 6000, Label: "6000"},
		{Value: 8000, Label: "8000"}, {Value: 10000, Label: "10000"}, {Value: 15000, Label: "15000"},
		{Value: 20000, Label: "20000"}, {Value: 30000, Label: "30000"}, {Value: 50000, Label: "50000"},
	})
	colors := []color.Color{nativeColor, coverColor, color.RGBA{G: 140, A: 255}, color.RGBA{R: 200, G: 140, A: 255}}
	for i, f := range marketsim.Factors {
		var xys plotter.XYs
		for _, pt := range pts {
			if pt.Factor == f {
				xys = append(xys, plotter.XY{X: float64(slices.Index(valuation.WeightGrid, pt.Weight)), Y: pt.MeanDone.Seconds()})
			}
		}
		if len(xys) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		l.Color, s.Color = colors[i%len(colors)], colors[i%len(colors)]
		p.Add(l, s)
		p.Legend.Add(string(f), l, s)
	}
	var ticks []plot.Tick
	for i, w := range valuation.WeightGrid {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprint(w)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top = true
	p.Legend.Left = true
	return p.Save(16*vg.Centimeter, 11*vg.Centimeter, path)
}

// plotTradeOff draws, for every configuration of the sweep, the held-out
// advantage of the best threshold distinguisher (the largest over start
// rank, end rank and global volume) against the overhead, the downloads per
// client beyond k (log scale): the trade-off between trading and hiding
// the native interest.
func plotTradeOff(path string, pts []marketsim.SweepPoint, k int) error {
	p := plot.New()
	p.Title.Text = "Trade-off: advantage of the best distinguisher against overhead"
	p.X.Label.Text = "overhead: downloads per client - k (torrents, log scale)"
	p.Y.Label.Text = "held-out advantage, max over start/end/volume"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min = 0
	colors := []color.Color{nativeColor, coverColor, color.RGBA{G: 140, A: 255}, color.RGBA{R: 200, G: 140, A: 255}}
	for i, f := range marketsim.Factors {
		var xys plotter.XYs
		for _, pt := range pts {
			a := math.Max(pt.HeldOut[0], math.Max(pt.HeldOut[1], pt.HeldOut[2]))
			if o := pt.Downloads.Mean - float64(k); pt.Factor == f && !math.IsNaN(a) && o > 0 {
				xys = append(xys, plotter.XY{X: o, Y: a})
			}
		}
		if len(xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		s.Color = colors[i%len(colors)]
		p.Add(s)
		p.Legend.Add(string(f), s)
	}
	target, err := plotter.NewLine(plotter.XYs{{X: 1e-3, Y: 0.05}, {X: 100, Y: 0.05}})
	if err != nil {
		return err
	}
	target.Color = greyColor
	target.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(target)
	p.Legend.Add("advantage 0.05", target)
	p.Legend.Top = true
	p.Legend.Left = true
	return p.Save(16*vg.Centimeter, 11*vg.Centimeter, path)
}
