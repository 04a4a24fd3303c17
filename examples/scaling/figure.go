package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
)

// drawFigure writes the figure of curves to path, in the format its extension
// names: on the left the CPU time of one operation against N; on the
// right the CPU time per unit of work, relative to the smallest size, so
// that a flat line is a cost that grows exactly as its work.
func drawFigure(curves []scaling.Curve, path string) error {
	left := plot.New()
	left.Title.Text = "CPU time per operation"
	left.X.Label.Text = "N (nodes, clients, peers)"
	left.Y.Label.Text = "seconds"
	right := plot.New()
	right.Title.Text = "CPU time per unit of work, relative to the smallest N"
	right.X.Label.Text = "N (nodes, clients, peers)"
	right.Y.Label.Text = "relative cost of one unit of work"
	for _, p := range []*plot.Plot{left, right} {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		p.Add(plotter.NewGrid())
	}
	for _, p := range []*plot.Plot{left, right} {
		p.Legend.Top, p.Legend.Left = true, true
	}
	for i, c := range curves {
		e, err := c.Fit()
		if err != nil {
			return err
		}
		cost := make(plotter.XYs, len(c.Points))
		unit := make(plotter.XYs, len(c.Points))
		first := c.Points[0]
		base := first.Cost.Seconds() / first.Work
		for j, p := range c.Points {
			cost[j] = plotter.XY{X: float64(p.Size), Y: p.Cost.Seconds()}
			unit[j] = plotter.XY{X: float64(p.Size), Y: p.Cost.Seconds() / p.Work / base}
		}
		for _, side := range []struct {
			p    *plot.Plot
			xy   plotter.XYs
			name string
		}{
			{left, cost, fmt.Sprintf("%s: N^%.2f (work N^%.2f)", c.Subsystem.Name, e.Cost, e.Work)},
			{right, unit, fmt.Sprintf("%s: N^%.2f per %s", c.Subsystem.Name, e.Excess(), singular(c.Subsystem.Work))},
		} {
			l, s, err := plotter.NewLinePoints(side.xy)
			if err != nil {
				return err
			}
			l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
			s.Shape = plotutil.Shape(i)
			side.p.Add(l, s)
			side.p.Legend.Add(side.name, l, s)
		}
	}
	// Room above the curves for the legends.
	left.Y.Max *= 1000
	// Leave the right panel room around 1 so that flat lines read as
	// flat, and room above for the legend; label every power of two.
	right.Y.Min = min(right.Y.Min, 0.5)
	right.Y.Max = max(2*right.Y.Max, 4)
	var ticks []plot.Tick
	for v := 0.125; v <= right.Y.Max; v *= 2 {
		if v >= right.Y.Min {
			ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
		}
	}
	right.Y.Tick.Marker = plot.ConstantTicks(ticks)

	c, err := canvas(path)
	if err != nil {
		return err
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	canvases := plot.Align([][]*plot.Plot{{left, right}}, tiles, dc)
	left.Draw(canvases[0][0])
	right.Draw(canvases[0][1])
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// singular names one unit of work: "network calls" → "network call".
func singular(unit string) string {
	if u, ok := strings.CutSuffix(unit, "entries"); ok {
		return u + "entry"
	}
	return strings.TrimSuffix(unit, "s")
}

// The figure's size.
const figW, figH = 12 * vg.Inch, 5 * vg.Inch

// canvas returns a canvas for the format path's extension names.
func canvas(path string) (vg.CanvasWriterTo, error) {
	switch filepath.Ext(path) {
	case ".svg":
		return vgsvg.New(figW, figH), nil
	case ".png":
		return vgimg.PngCanvas{Canvas: vgimg.New(figW, figH)}, nil
	case ".pdf":
		return vgpdf.New(figW, figH), nil
	}
	return nil, fmt.Errorf("figure %s: unknown format (want .svg, .png or .pdf)", path)
}
