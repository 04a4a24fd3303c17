package pacomdemo

import (
	"github.com/swarmblocks/swarmblocks/examples/internal/figure"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// series is one named line of a figure.
type series struct {
	name string
	xy   plotter.XYs
}

// savePlot draws lines into dir/file as a PNG and returns the path.
func savePlot(dir, file, title, x, y string, logX bool, lines []series) (string, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	p.Legend.Left = true
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	args := make([]any, 0, 2*len(lines))
	for _, l := range lines {
		args = append(args, l.name, l.xy)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return "", err
	}
	if !logX {
		// Rates and ratios: leave room above 1 for the legend.
		p.Y.Min, p.Y.Max = 0, 1.2+0.08*float64(len(lines))
	}
	return figure.Save(p, dir, file, 6*vg.Inch, 4*vg.Inch)
}
