// Package anonymitydemo is the walkthrough of package anonymity shared by
// examples/anonymity (full scale, flags, PNG figures) and the tour (reduced
// scale, no files): PACOM's entropy models and Theorem 2 against its
// Monte-Carlo check, the passive flow-correlation attack against a naive mix
// and against PACOM's request-driven relay, intersection attacks with and
// without their defences, and the Anonymity Marketplace's
// indistinguishability statistics.
package anonymitydemo

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

// Config sets the scale of the walkthrough.
type Config struct {
	Seed uint64

	// Theorem 2 grid: clients n, malicious bootstrapping nodes out of 10
	// (q = Malicious/10) and swarms per client r.
	Clients      []int
	Malicious    []int
	Swarms       []int
	CollabTrials int

	// Detection: observation times and trials per point.
	Observe      []time.Duration
	DetectTrials int

	// Intersection attacks: background population, days observed, trials,
	// identity-rotation periods to try.
	Population      int
	Days            int
	IntersectTrials int
	Rotations       []time.Duration

	// Intent: torrent size as a fraction of the paper's 125 MB.
	IntentSize float64

	// OutDir receives PNG figures; empty writes none.
	OutDir string
}

// TourConfig is the reduced scale of the tour chapter: a few seconds, no
// files.
func TourConfig(seed uint64) Config {
	return Config{
		Seed:         seed,
		Clients:      []int{1000},
		Malicious:    []int{1, 3, 5},
		Swarms:       []int{1, 3},
		CollabTrials: 100,
		Observe:      []time.Duration{time.Second, 5 * time.Second, 20 * time.Second},
		DetectTrials: 20,
		Population:   4000, Days: 7, IntersectTrials: 20,
		Rotations:  []time.Duration{12 * time.Hour, 48 * time.Hour, 96 * time.Hour, 0},
		IntentSize: 0.1,
	}
}

// FullConfig is the scale whose figures the package documentation quotes.
func FullConfig(seed uint64) Config {
	return Config{
		Seed:         seed,
		Clients:      []int{100, 1000, 10000},
		Malicious:    []int{1, 3, 5},
		Swarms:       []int{1, 2, 4},
		CollabTrials: 400,
		Observe: []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
			20 * time.Second, 40 * time.Second, 80 * time.Second},
		DetectTrials: 200,
		Population:   50000, Days: 14, IntersectTrials: 100,
		Rotations: []time.Duration{12 * time.Hour, 24 * time.Hour, 36 * time.Hour, 48 * time.Hour,
			70 * time.Hour, 96 * time.Hour, 120 * time.Hour, 168 * time.Hour, 0},
		IntentSize: 0.5,
		OutDir:     "examples/anonymity/out",
	}
}

// rng returns the generator of one section, derived from the seed so that
// each section is reproducible on its own.
func (c Config) rng(section uint64) *rand.Rand {
	return rand.New(rand.NewPCG(c.Seed, section))
}

// Run prints the walkthrough to w and writes figures to cfg.OutDir.
func Run(w io.Writer, cfg Config) error {
	fmt.Fprintf(w, "seed %d (every simulation below is reproducible from it)\n", cfg.Seed)
	steps := []struct {
		title string
		run   func(io.Writer, Config) error
	}{
		{"Entropy of PACOM's anonymity models (PACOM §4.2, Theorem 2)", runEntropy},
		{"Traffic analysis, passive and active: naive mix vs PACOM relay (PACOM §4.3, §6.6)", runDetection},
		{"Intersection attacks and their defences (PACOM §4.4.1, Fig. 9)", runIntersection},
		{"Indistinguishability of intent (Marketplace §5.3)", runIntent},
	}
	for i, s := range steps {
		fmt.Fprintf(w, "\n%d. %s\n%s\n", i+1, s.title, strings.Repeat("-", len(s.title)+3))
		if err := s.run(w, cfg); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
	}
	return nil
}

func runEntropy(w io.Writer, cfg Config) error {
	priv, err := anonymity.PrivateUseCase(1_000_000)
	if err != nil {
		return err
	}
	pub, err := anonymity.PublicUseCase(1000)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "private use case, N = 10^6 BitTorrent clients: S = log2 N = %.2f bits\n", priv)
	fmt.Fprintf(w, "public use case,  n = 1000 PACOM clients:      S = log2 n = %.2f bits\n", pub)
	m, err := anonymity.Measure([]float64{0.5, 0.2, 0.1, 0.1, 0.05, 0.05})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "a skewed suspicion over 6 clients: S = %.3f bits, min-entropy %.3f, degree %.3f, effective set %.2f\n\n",
		m.Entropy, m.MinEntropy, m.Degree(), m.EffectiveSize())

	fmt.Fprintf(w, "Theorem 2, S = log2(n(1 − q^r)), against a Monte-Carlo of trap-mode clients (%d trials per cell):\n", cfg.CollabTrials)
	fmt.Fprintf(w, "%7s %5s %3s %10s %14s %10s %9s\n", "n", "q", "r", "theorem", "measured|hid", "overall", "trapped")
	r := cfg.rng(1)
	for _, n := range cfg.Clients {
		for _, mal := range cfg.Malicious {
			for _, sw := range cfg.Swarms {
				res, err := anonymity.SimulateCollaboration(r, anonymity.CollaborationConfig{
					Clients: n, Swarms: sw, Bootstraps: 10, Malicious: mal, Trials: cfg.CollabTrials})
				if err != nil {
					return err
				}
				hidden := fmt.Sprintf("%.3f", res.Hidden)
				if math.IsNaN(res.Hidden) {
					hidden = "—" // every sender was trapped
				}
				fmt.Fprintf(w, "%7d %5.1f %3d %10.3f %14s %10.3f %9.4f\n", n, float64(mal)/10, sw, res.Theorem, hidden, res.Overall, res.TrappedSender)
			}
		}
	}
	fmt.Fprintln(w, "(measured|hid: mean entropy when the sender is not in trap mode, the case Appendix B computes;")
	fmt.Fprintln(w, " overall: including trapped senders, entropy 0; trapped: fraction of senders in trap mode ≈ q^r)")
	return nil
}
