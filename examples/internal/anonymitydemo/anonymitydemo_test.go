package anonymitydemo

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRun runs the tour's walkthrough and checks what each section claims:
// Theorem 2 against its Monte-Carlo, the naive mix losing to the flow
// correlation attack where PACOM's relay does not, the intersection-attack
// defences working, and bias in the marketplace logs becoming visible.
func TestRun(t *testing.T) {
	cfg := TourConfig(1)
	cfg.OutDir = t.TempDir()
	out := run(t, cfg)

	require.True(t, strings.HasPrefix(out, "seed 1 "), out)
	checkEntropy(t, cfg, section(t, out, 1, 2))
	checkDetection(t, cfg, section(t, out, 2, 3))
	checkIntersection(t, cfg, section(t, out, 3, 4))
	checkIntent(t, section(t, out, 4, 0))

	for _, f := range []string{"detection.png", "intersection-innocent.png", "intersection-rotation.png"} {
		path := filepath.Join(cfg.OutDir, f)
		require.Contains(t, out, "figure written to "+path)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "\x89PNG"), f)
	}

	// Reproducible from the seed, and the seed matters.
	require.Equal(t, out, run(t, cfg))
	cfg.Seed = 2
	other := run(t, cfg)
	require.True(t, strings.HasPrefix(other, "seed 2 "), other)
	require.NotEqual(t, strings.TrimPrefix(out, "seed 1"), strings.TrimPrefix(other, "seed 2"))
}

// TestRunBadConfig checks that out-of-range scales are errors, not panics
// or tables of nonsense.
func TestRunBadConfig(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"zero config":          func(c *Config) { *c = Config{} },
		"no clients":           func(c *Config) { c.Clients = []int{0} },
		"11 of 10 malicious":   func(c *Config) { c.Malicious = []int{11} },
		"negative malicious":   func(c *Config) { c.Malicious = []int{-1} },
		"no swarms":            func(c *Config) { c.Swarms = []int{0} },
		"no collab trials":     func(c *Config) { c.CollabTrials = 0 },
		"no observation times": func(c *Config) { c.Observe = nil },
		"zero observation":     func(c *Config) { c.Observe = []time.Duration{0} },
		"negative detect":      func(c *Config) { c.DetectTrials = -1 },
		"no population":        func(c *Config) { c.Population = 0 },
		"negative days":        func(c *Config) { c.Days = -1 },
		"no intersect trials":  func(c *Config) { c.IntersectTrials = 0 },
		"negative rotation":    func(c *Config) { c.Rotations = []time.Duration{-time.Hour} },
		"zero intent size":     func(c *Config) { c.IntentSize = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := TourConfig(1) // scaled down: some checks come late
			cfg.CollabTrials, cfg.DetectTrials, cfg.IntersectTrials = 10, 5, 5
			cfg.Population, cfg.IntentSize = 1000, 0.05
			edit(&cfg)
			var out strings.Builder
			require.Error(t, Run(&out, cfg))
		})
	}
}

func run(t *testing.T, cfg Config) string {
	t.Helper()
	var out strings.Builder
	require.NoError(t, Run(&out, cfg))
	require.NotContains(t, out.String(), "NaN")
	return out.String()
}

// section returns the text of numbered section i, up to section next (0:
// the end).
func section(t *testing.T, out string, i, next int) string {
	t.Helper()
	head := regexp.MustCompile(`(?m)^` + strconv.Itoa(i) + `\. `).FindStringIndex(out)
	require.NotNil(t, head, "no section %d in\n%s", i, out)
	s := out[head[0]:]
	if next > 0 {
		end := regexp.MustCompile(`(?m)^` + strconv.Itoa(next) + `\. `).FindStringIndex(s)
		require.NotNil(t, end, "no section %d in\n%s", next, out)
		s = s[:end[0]]
	}
	return s
}

// rows returns the numeric fields of the lines of s that match re, one
// slice per line (the submatches, parsed as floats).
func rows(t *testing.T, re, s string) [][]float64 {
	t.Helper()
	var res [][]float64
	for _, m := range regexp.MustCompile(`(?m)`+re).FindAllStringSubmatch(s, -1) {
		var row []float64
		for _, f := range m[1:] {
			x, err := strconv.ParseFloat(f, 64)
			require.NoError(t, err, m[0])
			row = append(row, x)
		}
		res = append(res, row)
	}
	return res
}

func one(t *testing.T, re, s string) []float64 {
	t.Helper()
	r := rows(t, re, s)
	require.Len(t, r, 1, "want one line matching %s in\n%s", re, s)
	return r[0]
}

func checkEntropy(t *testing.T, cfg Config, s string) {
	require.InDelta(t, math.Log2(1e6), one(t, `N = 10\^6 .*S = log2 N = ([\d.]+) bits`, s)[0], 0.005)
	require.InDelta(t, math.Log2(1000), one(t, `n = 1000 .*S = log2 n = ([\d.]+) bits`, s)[0], 0.005)
	sk := one(t, `over 6 clients: S = ([\d.]+) bits, min-entropy ([\d.]+), degree ([\d.]+), effective set ([\d.]+)`, s)
	S := sk[0]
	require.Less(t, sk[1], S, "min-entropy never exceeds Shannon entropy")
	require.Less(t, S, math.Log2(6), "a skewed suspicion is below the uniform one")
	require.InDelta(t, S/math.Log2(6), sk[2], 0.002, "degree = S / log2 N")
	require.InDelta(t, math.Exp2(S), sk[3], 0.01, "effective set = 2^S")

	// Theorem 2: n, q, r, theorem, measured|hid, overall, trapped.
	tab := rows(t, `^\s*(\d+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$`, s)
	require.Len(t, tab, len(cfg.Clients)*len(cfg.Malicious)*len(cfg.Swarms), s)
	k := 0
	for _, n := range cfg.Clients {
		for _, mal := range cfg.Malicious {
			for _, sw := range cfg.Swarms {
				row := tab[k]
				k++
				q := float64(mal) / 10
				qr := math.Pow(q, float64(sw))
				require.Equal(t, []float64{float64(n), q, float64(sw)}, row[:3])
				require.InDelta(t, math.Log2(float64(n)*(1-qr)), row[3], 0.0005, "theorem column %v", row)
				require.InDelta(t, row[3], row[4], 0.05, "Monte-Carlo agrees with Theorem 2: %v", row)
				// Trapped senders: a binomial fraction of the trials, ≈ q^r.
				sd := math.Sqrt(qr * (1 - qr) / float64(cfg.CollabTrials))
				require.InDelta(t, qr, row[6], 4*sd+0.01, "trapped ≈ q^r: %v", row)
				// Trapped senders have entropy 0, the others about row[4].
				require.InDelta(t, (1-row[6])*row[4], row[5], 0.05, "overall = (1 − trapped)·hidden: %v", row)
			}
		}
	}
}

func checkDetection(t *testing.T, cfg Config, s string) {
	got := map[string][]float64{}
	for _, m := range regexp.MustCompile(`(?m)^([a-zA-Z-]+/[a-z-]+)((?:\s+[\d.]+)+)$`).FindAllStringSubmatch(s, -1) {
		var rates []float64
		for _, f := range strings.Fields(m[2]) {
			x, err := strconv.ParseFloat(f, 64)
			require.NoError(t, err)
			require.True(t, x >= 0 && x <= 1, "rate %v out of [0, 1] in %q", x, m[0])
			rates = append(rates, x)
		}
		require.Len(t, rates, len(cfg.Observe), m[0])
		got[m[1]] = rates
	}
	require.Len(t, got, 8, s)
	last := len(cfg.Observe) - 1
	// A naive mix forwards what it receives: with enough observation the
	// attacks find its links far above random guessing (1/2) ...
	for _, name := range []string{"mix/spectral", "mix/correlation", "mix/mutual-info", "mix/watermark"} {
		require.Greater(t, got[name][last], 0.75, "%s should break the mix: %v", name, got[name])
	}
	// ... and a longer observation helps the spectral attack.
	require.Greater(t, got["mix/spectral"][last], got["mix/spectral"][0])
	// PACOM's request-driven relay leaves every attack near random guessing
	// (1/3) and well below the same attack on the mix, passive or active.
	for _, a := range []string{"spectral", "correlation", "watermark"} {
		p := got["PACOM/"+a]
		for _, r := range p {
			require.Less(t, r, 0.6, "PACOM/%s: %v", a, p)
		}
		require.Greater(t, got["mix/"+a][last]-p[last], 0.3, "%s: mix %v, PACOM %v", a, got["mix/"+a], p)
	}
}

func checkIntersection(t *testing.T, cfg Config, s string) {
	bgs := regexp.MustCompile(`(?m)^background `).FindAllStringIndex(s, -1)
	require.Len(t, bgs, 2, s)
	for i, b := range bgs {
		part := s[b[0]:]
		if i+1 < len(bgs) {
			part = s[b[0]:bgs[i+1][0]]
		}
		bg := one(t, `^background \S+: (\d+) clients, (\d+) sessions, (\d+) online when the attack starts`, part)
		require.Positive(t, bg[2], part)
		require.LessOrEqual(t, bg[0], bg[1], "every client has a session: %s", part)
		require.LessOrEqual(t, bg[2], bg[0], part)

		days := func(label string) []float64 {
			m := regexp.MustCompile(`(?m)^` + label + `((?:\s+[\d.]+)+)$`).FindStringSubmatch(part)
			require.NotNil(t, m, "no %q row in\n%s", label, part)
			var v []float64
			for _, f := range strings.Fields(m[1]) {
				x, err := strconv.ParseFloat(f, 64)
				require.NoError(t, err)
				v = append(v, x)
			}
			require.Len(t, v, cfg.Days, part)
			return v
		}
		none, ext := days("no protection"), days("time extension")
		// Without protection the intersection narrows day by day until
		// the attacker succeeds; extending uptime keeps it from succeeding.
		for d := 1; d < cfg.Days; d++ {
			require.GreaterOrEqual(t, none[d], none[d-1], "no protection: %v", none)
		}
		require.GreaterOrEqual(t, none[cfg.Days-1], 0.9, "no protection: %v", none)
		require.Less(t, ext[cfg.Days-1], none[cfg.Days-1]-0.5, "time extension %v vs no protection %v", ext, none)

		rot := rows(t, `^\s+n = \S+\s+success ([\d.]+)$`, part)
		require.Len(t, rot, len(cfg.Rotations), part)
		never, shortest := -1.0, -1.0
		for k, n := range cfg.Rotations {
			switch {
			case n == 0:
				never = rot[k][0]
			case shortest < 0:
				shortest = rot[k][0]
			}
		}
		require.True(t, never >= 0 && shortest >= 0, "the tour tries a rotation and never: %v", cfg.Rotations)
		// A malicious receiver links a sender that never rotates; rotating
		// identities faster than the attack needs defeats it.
		require.Greater(t, never, 0.9, part)
		require.Less(t, shortest, never-0.5, part)
	}
}

func checkIntent(t *testing.T, s string) {
	// bias, KS p, MW p, advantage of the start-rank view.
	start := rows(t, `^([\d.]+)\s+start rank\s+(\S+)\s+(\S+)\s+([\d.]+)$`, s)
	perm := rows(t, `^([\d.]+)\s+start perm\.\s+(\S+)\s`, s)
	require.Len(t, start, 3, s)
	require.Len(t, perm, 3, s)
	require.Equal(t, 0.0, start[0][0])
	require.Equal(t, 0.8, start[2][0])
	// Without bias the labels are exchangeable: the within-node
	// permutation test does not reject at 1%.
	require.Greater(t, perm[0][1], 0.01, s)
	// A strong bias is plain in the ranks: every test rejects, and the best
	// classifier's advantage grows.
	require.Less(t, start[2][1], 1e-3, s)
	require.Less(t, start[2][2], 1e-3, s)
	require.Less(t, perm[2][1], 0.01, s)
	require.Greater(t, start[2][3], start[0][3]+0.2, s)
}
