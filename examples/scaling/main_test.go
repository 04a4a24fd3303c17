package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/internal/scaling"
)

// tiny returns the suite with small sizes, so that the test runs in a
// second or two under the race detector.
func tiny() []scaling.Subsystem {
	sizes := map[string][]int{
		"chord/build":         {16, 32, 64},
		"chord/lookup":        {16, 32, 64},
		"pacom/growth":        {64, 128, 256},
		"swarmmodel/workload": {100, 200, 400},
		"marketsim/run":       {12, 16, 24},
	}
	subs := scaling.All()
	for i := range subs {
		subs[i].Short = sizes[subs[i].Name]
	}
	return subs
}

func TestRunDrawsEveryCurve(t *testing.T) {
	for _, ext := range []string{".svg", ".png"} {
		t.Run(ext, func(t *testing.T) {
			// Every curve in the SVG; two measurements of one in the PNG,
			// drawn into two files.
			subs, reps := tiny(), 1
			out := filepath.Join(t.TempDir(), "fig", "scaling"+ext)
			outs := out
			if ext != ".svg" {
				subs, reps = subs[3:4], 2
				outs += "," + filepath.Join(t.TempDir(), "scaling.pdf")
			}
			var buf bytes.Buffer
			require.NoError(t, run(&buf, subs, options{seed: 1, reps: reps, out: outs}))
			require.Equal(t, strings.Count(outs, ",")+1, strings.Count(buf.String(), "wrote "))
			text := buf.String()
			for _, s := range subs {
				require.Contains(t, text, s.Name+" — ")
			}
			require.Equal(t, len(subs), strings.Count(text, "fitted: cost ∝ N^"))
			require.Equal(t, len(subs), strings.Count(text, fmt.Sprintf("least of %d", reps)))
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			if ext == ".svg" {
				require.Contains(t, string(b), "<svg")
				for _, s := range subs {
					require.Contains(t, string(b), s.Name+":", "legend entry")
				}
			} else {
				require.True(t, bytes.HasPrefix(b, []byte("\x89PNG")))
			}
		})
	}
}

func TestRunRejects(t *testing.T) {
	subs := tiny()[3:4]
	var buf bytes.Buffer
	require.ErrorContains(t, run(&buf, subs, options{seed: 1, reps: 1, out: filepath.Join(t.TempDir(), "fig.svg") + ",fig.gif"}), "unknown format")
	require.Empty(t, buf.String(), "a bad file name is refused before measuring")
	require.ErrorContains(t, run(&buf, subs, options{seed: 1, reps: 0}), "-reps")
	_, err := pick(scaling.All(), "chord/build,nope")
	require.ErrorContains(t, err, `"nope"`)
	got, err := pick(scaling.All(), "marketsim/run,chord/lookup")
	require.NoError(t, err)
	require.Equal(t, []string{"marketsim/run", "chord/lookup"}, []string{got[0].Name, got[1].Name})
}
