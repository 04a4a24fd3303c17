package anonymitydemo

import (
	"fmt"
	"io"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

type curve struct {
	name  string
	rates []float64
}

func runDetection(w io.Writer, cfg Config) error {
	interval := 50 * time.Millisecond
	mix, pacom := anonymity.PaperMix(), anonymity.PaperPACOM()
	timed := mix
	timed.Kind, timed.Timeout = anonymity.TimedMix, 200*time.Millisecond
	fmt.Fprintf(w, "mix: %v, %d circuits, %.0f packets/s, flush at %d packets or %v; timed mix: flush every %v;\nPACOM: %v, %d candidate links\n",
		mix.Kind, mix.Links, mix.Rate, mix.Threshold, mix.Timeout, timed.Timeout, pacom.Kind, pacom.Links)
	fmt.Fprintf(w, "pattern vectors of %v intervals; detection rate per hop over %d relays per point\n\n", interval, cfg.DetectTrials)
	var curves []curve
	for i, run := range []struct {
		name   string
		relay  anonymity.RelayConfig
		metric anonymity.Metric
	}{
		{"mix/spectral", mix, new(anonymity.Spectral)},
		{"mix/correlation", mix, anonymity.Correlation{MaxLag: 4}},
		{"mix/mutual-info", mix, anonymity.MutualInformation{MaxLag: 4}},
		{"timed-mix/spectral", timed, new(anonymity.Spectral)},
		{"PACOM/spectral", pacom, new(anonymity.Spectral)},
		{"PACOM/correlation", pacom, anonymity.Correlation{MaxLag: 4}},
	} {
		rates, err := anonymity.DetectionCurve(cfg.rng(10+uint64(i)), run.relay, run.metric, interval, cfg.Observe, cfg.DetectTrials)
		if err != nil {
			return err
		}
		curves = append(curves, curve{run.name, rates})
	}
	// The active attack: a watermark of 500 ms chips on every input link.
	wm := anonymity.PaperWatermark()
	for i, run := range []struct {
		name  string
		relay anonymity.RelayConfig
	}{{"mix/watermark", mix}, {"PACOM/watermark", pacom}} {
		rates, err := anonymity.ActiveDetectionCurve(cfg.rng(16+uint64(i)), run.relay, wm, cfg.Observe, cfg.DetectTrials)
		if err != nil {
			return err
		}
		curves = append(curves, curve{run.name, rates})
	}
	fmt.Fprintf(w, "%-18s", "observed")
	for _, o := range cfg.Observe {
		fmt.Fprintf(w, "%7v", o)
	}
	fmt.Fprintln(w)
	for _, c := range curves {
		fmt.Fprintf(w, "%-18s", c.name)
		for _, r := range c.rates {
			fmt.Fprintf(w, "%7.3f", r)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "(random guessing: 0.5 for the mix's 2 links, 0.333 for PACOM's 3; watermark: the active attack, %v chips at depth %.1f)\n", wm.Chip, wm.Depth)
	if cfg.OutDir != "" {
		path, err := plotDetection(cfg.OutDir, cfg.Observe, curves)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "figure written to %s\n", path)
	}
	return nil
}
