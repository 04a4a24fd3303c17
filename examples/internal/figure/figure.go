// Package figure holds what the examples' gonum/plot figures share: saving
// a plot into an output directory that may not exist yet.
package figure

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Save writes p as dir/name, in the format named by the extension (PNG for
// ".png"), w wide and h high, creating dir first. It returns the path.
func Save(p *plot.Plot, dir, name string, w, h vg.Length) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("figure: %w", err)
	}
	path := filepath.Join(dir, name)
	if err := p.Save(w, h, path); err != nil {
		return "", fmt.Errorf("figure: saving %s: %w", path, err)
	}
	return path, nil
}
