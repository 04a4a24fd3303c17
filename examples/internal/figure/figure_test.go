package figure

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func TestSave(t *testing.T) {
	p := plot.New()
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	require.NoError(t, err)
	p.Add(l)
	dir := filepath.Join(t.TempDir(), "a", "b")
	path, err := Save(p, dir, "line.png", 2*vg.Inch, 2*vg.Inch)
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG", string(b[:4]))

	_, err = Save(p, dir, "line.unknown-format", vg.Inch, vg.Inch)
	require.Error(t, err)
}
