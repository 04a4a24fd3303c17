package pacomdemo

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/pacomchan/sim"
)

// smallConfig is the tour's scale with a smaller Fig. 10 and shorter
// detection windows, so that a run takes about 3 s under -race.
func smallConfig(seed uint64) Config {
	cfg := TourConfig(seed)
	cfg.GrowthSizes = []int{64, 512}
	cfg.Windows = []time.Duration{5 * time.Second, 10 * time.Second}
	return cfg
}

// tinyConfig keeps one point of each figure.
func tinyConfig(seed uint64) Config {
	cfg := smallConfig(seed)
	cfg.GrowthSizes, cfg.CircuitsPerClient, cfg.Windows = []int{64}, []int{1}, []time.Duration{5 * time.Second}
	return cfg
}

// TestRun runs the walkthrough and checks what each section claims: the
// newcomer finds the hidden swarm, the circuit delivers the message over
// real blocks, PACOM's relays decorrelate their input from their output
// (Theorem 1) so the flow-correlation attack that breaks a naive relay
// fails against them, and the figures have the paper's shape.
func TestRun(t *testing.T) {
	cfg := smallConfig(1)
	cfg.PlotDir = t.TempDir()
	out := run(t, cfg)

	require.True(t, strings.HasPrefix(out, "PACOM covert channels (paper 001 §3, §6), seed 1\n"), out)
	checkBootstrap(t, section(t, out, "Bootstrapping"))
	checkLive(t, cfg, section(t, out, "A circuit over real blocks"))
	checkTable4(t, section(t, out, "Table 4's eight circuits"))
	checkFig10(t, cfg, section(t, out, "Fig. 10"))
	checkFig18(t, cfg, section(t, out, "Fig. 18"))
	checkTheorem1(t, cfg, section(t, out, "Theorem 1"))
	checkDetection(t, cfg, section(t, out, "Figs. 15–16"))

	for _, f := range []string{"fig10.png", "fig18.png", "fig15.png", "fig16.png"} {
		path := filepath.Join(cfg.PlotDir, f)
		require.Contains(t, out, "(figure written to "+path+")")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "\x89PNG"), f)
	}

	// Reproducible from the seed, but for the circuit id: the nodes draw
	// keys and ids from crypto/rand. And the seed matters.
	require.Equal(t, maskID(out), maskID(run(t, cfg)))
	other := run(t, tinyConfig(2)) // the same Traffic, so Table 4 compares
	require.True(t, strings.HasPrefix(other, "PACOM covert channels (paper 001 §3, §6), seed 2\n"), other)
	for _, sec := range []string{"Bootstrapping", "Table 4's eight circuits"} {
		require.NotEqual(t, section(t, out, sec), section(t, other, sec))
	}
	require.NotContains(t, other, "figure written")
}

// TestRunBadConfig checks that out-of-range scales are errors, not panics.
func TestRunBadConfig(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"zero config":        func(c *Config) { *c = Config{} },
		"tiny blocks":        func(c *Config) { c.BlockSize = 7 },
		"negative blocks":    func(c *Config) { c.BlockSize = -1 },
		"no live time":       func(c *Config) { c.Live = 0 },
		"negative traffic":   func(c *Config) { c.Traffic = -time.Second },
		"no seeds":           func(c *Config) { c.Seeds = 0 },
		"one-client network": func(c *Config) { c.GrowthSizes = []int{1} },
		"zero window":        func(c *Config) { c.Windows = []time.Duration{0} },
		"no windows":         func(c *Config) { c.Windows = nil },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := tinyConfig(1)
			cfg.Traffic = 5 * time.Second
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

// section returns the text under the "-- title..." heading, up to the
// next heading.
func section(t *testing.T, out, title string) string {
	t.Helper()
	i := strings.Index(out, "\n-- "+title)
	require.GreaterOrEqual(t, i, 0, "no section %q in\n%s", title, out)
	s := out[i+1:]
	if j := strings.Index(s, "\n-- "); j >= 0 {
		s = s[:j]
	}
	return s
}

// matches returns the submatches of the lines of s that match re.
func matches(re, s string) [][]string {
	return regexp.MustCompile(`(?m)`+re).FindAllStringSubmatch(s, -1)
}

func one(t *testing.T, re, s string) []string {
	t.Helper()
	m := matches(re, s)
	require.Len(t, m, 1, "want one line matching %s in\n%s", re, s)
	return m[0]
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	require.NoError(t, err)
	return x
}

func checkBootstrap(t *testing.T, s string) {
	files := one(t, `shares c = (\d+) PACOM files .*caps b = \[([^\]]*)\]`, s)
	require.Positive(t, num(t, files[1]))
	caps := strings.Fields(files[2])
	require.Len(t, caps, int(num(t, files[1])), "one cap per file: %s", files[0])
	for _, c := range caps {
		require.GreaterOrEqual(t, num(t, c), 1.0, "a swarm cap below one client: %s", files[0])
	}
	// The newcomer reads the hidden id out of the HAVE order and finds the
	// swarm whose info-hash the bootstrapping node published.
	m := one(t, `hidden id (\d+); a newcomer decodes (\d+) after (\d+) HAVEs and computes I_x = [0-9a-f]{16} \(matches: (\w+)\)`, s)
	require.Equal(t, m[1], m[2], m[0])
	require.Positive(t, num(t, m[3]))
	require.Equal(t, "true", m[4], m[0])
}

func checkLive(t *testing.T, cfg Config, s string) {
	c := one(t, `circuit \S+ built in (\S+) \(simulated\): (.+)$`, s)
	built, err := time.ParseDuration(c[1])
	require.NoError(t, err)
	require.Less(t, built, cfg.Live)
	path := strings.Split(c[2], " → ")
	require.GreaterOrEqual(t, len(path), 3, "a circuit has at least one relay: %s", c[0])
	require.Equal(t, "P2", path[0])
	require.Equal(t, "P7", path[len(path)-1])
	seen := map[string]bool{}
	for _, p := range path {
		require.False(t, seen[p], "circuit loops: %s", c[0])
		seen[p] = true
	}

	// The message arrives once, intact.
	d := one(t, `^P7 received (".*") (\S+) after P2 sent it$`, s)
	msg, err := strconv.Unquote(d[1])
	require.NoError(t, err)
	require.Equal(t, "meet at the usual place", msg)
	lat, err := time.ParseDuration(d[2])
	require.NoError(t, err)
	require.Positive(t, lat)

	b := one(t, `^(\d+) blocks of (\d+) bytes served in (\S+), ([\d.]+)% of them cover; (\d+) errors$`, s)
	require.Positive(t, num(t, b[1]))
	require.Equal(t, cfg.BlockSize, int(num(t, b[2])))
	require.Equal(t, cfg.Live.String(), b[3])
	// Every request is answered: with one message crossing the network,
	// most blocks served are cover.
	cover := num(t, b[4])
	require.True(t, cover > 50 && cover < 100, b[0])
	require.Equal(t, "0", b[5], b[0])
}

func checkTable4(t *testing.T, s string) {
	modes := map[string][]float64{}
	for _, m := range matches(`^(PACOM|naive relay)\s*: (\d+) segments delivered of (\d+), mean latency (\S+), cover-traffic ratio ([\d.]+)%$`, s) {
		lat, err := time.ParseDuration(m[4])
		require.NoError(t, err)
		modes[m[1]] = []float64{num(t, m[2]), num(t, m[3]), lat.Seconds(), num(t, m[5])}
	}
	require.Len(t, modes, 2, s)
	for name, v := range modes {
		require.True(t, v[0] > 0 && v[0] <= v[1], "%s: delivered %v of %v", name, v[0], v[1])
		require.Positive(t, v[2], name)
	}
	// PACOM's relays wait for requests and fill the gaps with cover; the
	// naive relay forwards at once and sends no cover.
	require.Positive(t, modes["PACOM"][3])
	require.Zero(t, modes["naive relay"][3])
	require.Greater(t, modes["PACOM"][2], modes["naive relay"][2], "PACOM's latency is its price")

	// One correlation row per relay of Table 4's circuits.
	var pacom, naive []float64
	for _, m := range matches(`^\s+(\d)\s+P(\d)\s+([+-]\d\.\d\d)\s+([+-]\d\.\d\d)$`, s) {
		pacom = append(pacom, num(t, m[3]))
		naive = append(naive, num(t, m[4]))
	}
	require.Len(t, pacom, table4Relays(), s)
	require.Greater(t, mean(naive)-mean(pacom), 0.3, "naive %v, PACOM %v", naive, pacom)
}

func checkFig10(t *testing.T, cfg Config, s string) {
	rows := matches(`^\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$`, s)
	require.Len(t, rows, len(cfg.GrowthSizes), s)
	for i, r := range rows {
		require.Equal(t, cfg.GrowthSizes[i], int(num(t, r[1])))
		for _, f := range r[2:] {
			require.GreaterOrEqual(t, num(t, f), 1.0, r[0])
		}
	}
	// Paths lengthen as the network grows (logarithmically in the paper).
	first, last := rows[0], rows[len(rows)-1]
	for k := 2; k <= 4; k++ {
		require.Greater(t, num(t, last[k]), num(t, first[k]), "%s\n%s", first[0], last[0])
	}
}

func checkFig18(t *testing.T, cfg Config, s string) {
	rows := matches(`^\s+(\d+)\s+([\d.]+)%$`, s)
	require.Len(t, rows, len(cfg.CircuitsPerClient), s)
	prev := 101.0
	for i, r := range rows {
		require.Equal(t, cfg.CircuitsPerClient[i], int(num(t, r[1])))
		cover := num(t, r[2])
		// More real traffic leaves less room for cover.
		require.Less(t, cover, prev, s)
		require.Positive(t, cover, s)
		prev = cover
	}
}

func checkTheorem1(t *testing.T, cfg Config, s string) {
	res := map[string][]float64{}
	for _, m := range matches(`^\s+(PACOM|naive relay)\s*: mean r = ([+-][\d.]+) \(sd ([\d.]+), range ([+-][\d.]+) … ([+-][\d.]+)\) over (\d+) relays$`, s) {
		v := []float64{num(t, m[2]), num(t, m[3]), num(t, m[4]), num(t, m[5]), num(t, m[6])}
		require.True(t, v[2] <= v[0] && v[0] <= v[3], m[0])
		require.Equal(t, float64(table4Relays()*cfg.Seeds), v[4], m[0])
		res[m[1]] = v
	}
	require.Len(t, res, 2, s)
	// Theorem 1: a PACOM relay's input and output are uncorrelated; a naive
	// relay's output is its input, delayed.
	require.Less(t, abs(res["PACOM"][0]), 0.2, s)
	require.Greater(t, res["naive relay"][0], 0.7, s)
}

func checkDetection(t *testing.T, cfg Config, s string) {
	i := strings.Index(s, "Fig. 16")
	require.Positive(t, i, s)
	// Each row is a rate over Table 4's eight circuits, so single rows are
	// coarse; the comparisons with PACOM are pooled over a figure.
	for _, fig := range []struct {
		text         string
		hops         int
		margin, near float64
	}{{s[:i], 1, 0.15, 0.4}, {s[i:], 3, 0.3, 0.2}} {
		rows := matches(`^\s+(\d)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$`, fig.text)
		require.Len(t, rows, fig.hops*len(cfg.Windows), fig.text)
		var pacom, naive, guess []float64
		for _, r := range rows {
			p, n, g := num(t, r[3]), num(t, r[4]), num(t, r[5])
			require.True(t, p >= 0 && p <= 1 && g > 0 && g < 1, r[0])
			// The attack finds the naive relay's next hop more often than
			// guessing would.
			require.Greater(t, n, g, r[0])
			pacom, naive, guess = append(pacom, p), append(naive, n), append(guess, g)
		}
		// Against PACOM's relay it does much worse, about as well as
		// guessing: within the sampling error of eight circuits for Fig. 15
		// (one hop; about 2.5 standard errors), tighter for Fig. 16's three.
		require.Greater(t, mean(naive)-mean(pacom), fig.margin, fig.text)
		require.Less(t, mean(pacom), mean(guess)+fig.near, fig.text)
	}
}

// maskID hides the live circuit's random id.
func maskID(out string) string {
	return regexp.MustCompile(`circuit [0-9a-f]+ built`).ReplaceAllString(out, "circuit ID built")
}

// table4Relays is the number of relays on Table 4's circuits.
func table4Relays() int {
	n := 0
	for _, p := range sim.Table4() {
		n += len(p) - 2
	}
	return n
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
