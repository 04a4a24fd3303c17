package marketsim

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/valuation"
)

// reproduced is the twenty-run reproduction at the default weights (seeds
// 1..20; testdata/reproduce.txt and the chosen row of testdata/sweep.tsv):
// the mean downloads per client and the standard deviation of the runs'
// means.
var reproduced = struct{ Downloads, RunSD float64 }{5.323379291136001, 0.12}

// seedOne is the first run of the reproduction (PaperConfig, seed 1), as
// recorded when the reproduction and the sweep were run. The cost work of
// issue 15 changed no Result; a change that moves these numbers changes
// the model's runs, and testdata/reproduce.txt, the sweep and reproduced
// must be rerun with it.
var seedOne = struct {
	Messages  int64
	Partial   int
	Bytes     int64
	Downloads float64
}{9302362, 281, 69037657344, 5.523012587519999}

func readSweep(t *testing.T) []SweepPoint {
	f, err := os.Open("testdata/sweep.tsv")
	require.NoError(t, err)
	defer f.Close()
	pts, err := ReadSweepData(f)
	require.NoError(t, err)
	return pts
}

// TestDefaultWeightsFromSweep: the default weights are the ones
// ChooseWeights derives from the recorded sweep [Paper §5.2] — every factor
// over the paper's grid, the others at 1, twenty seeds each — not chosen
// by hand; and the chosen configuration trades at the paper's level.
func TestDefaultWeightsFromSweep(t *testing.T) {
	pts := readSweep(t)
	require.Len(t, pts, len(Factors)*len(valuation.WeightGrid), "the whole grid")
	for i, p := range pts {
		require.Equal(t, Factors[i/len(valuation.WeightGrid)], p.Factor)
		require.Equal(t, valuation.WeightGrid[i%len(valuation.WeightGrid)], p.Weight)
		require.GreaterOrEqual(t, p.Runs, 20, "%s %v: twenty seeds", p.Factor, p.Weight)
	}
	w, i := ChooseWeights(pts, PaperDownloads)
	require.Equal(t, valuation.DefaultWeights(), w)
	require.InDelta(t, PaperDownloads.Mean, pts[i].Downloads.Mean, PaperDownloads.SD, "downloads in the paper's band")
	require.Positive(t, pts[i].Partial, "partly downloaded torrents are dropped")
	require.InDelta(t, reproduced.Downloads, pts[i].Downloads.Mean, 1e-9, "the reproduction is the sweep's row")
}

// TestPaperScale runs the paper's configuration with the default weights
// (one seed; seeds 1..20 with SWARMBLOCKS_LONG=1) and checks the trading
// regime [Paper §5.3]: every client finishes, clients drop partly
// downloaded torrents and lose their pieces (a marketplace that never
// switches, such as the old defaults completeness 16, demand/supply 0,
// fails here: 2 partial replacements per run and 5.00 torrents), and the
// downloads per client lie in the reproduced band —
// for one run, within four standard deviations of the run means around the
// twenty-run mean; for twenty, that mean to within rounding, inside the
// paper's 5.71 ± 0.43. Seed 1 gives exactly the recorded run (seedOne).
func TestPaperScale(t *testing.T) {
	seeds := []uint64{1}
	if os.Getenv("SWARMBLOCKS_LONG") == "1" {
		seeds = seeds[:0]
		for s := range uint64(20) {
			seeds = append(seeds, s+1)
		}
	}
	rs, err := RunSeeds(PaperConfig(0), seeds, 2)
	require.NoError(t, err)
	s := Summarize(rs)
	t.Logf("seeds %v: downloads %v, mean finish %v s, replacements %.1f (%.1f partial) per run", seeds, s.Downloads, s.MeanDone, s.Replacements, s.Partial)
	require.Equal(t, s.Clients, s.Finished, "every client finishes")
	for _, r := range rs {
		// The reproduction: 266 per run. The old defaults (completeness
		// 16, demand/supply 0) dropped 2.
		require.Greater(t, r.Partial, 100, "seed %d: partly downloaded torrents replaced", r.Config.Seed)
		require.Positive(t, r.LostBytes, "seed %d: their pieces are lost", r.Config.Seed)
	}
	require.Greater(t, s.Downloads.Mean, float64(rs[0].Config.K)+0.1, "the lost pieces are overhead")
	if r := rs[0]; r.Config.Seed == 1 {
		require.Equal(t, seedOne.Messages, r.Messages, "seed 1: messages as recorded")
		require.Equal(t, seedOne.Partial, r.Partial, "seed 1: partial replacements as recorded")
		require.Equal(t, seedOne.Bytes, r.Bytes, "seed 1: bytes as recorded")
		require.Equal(t, seedOne.Downloads, Summarize(rs[:1]).Downloads.Mean, "seed 1: downloads as recorded")
	}
	if len(rs) == 1 {
		require.InDelta(t, reproduced.Downloads, s.Downloads.Mean, 4*reproduced.RunSD, "downloads per client")
		return
	}
	require.InDelta(t, reproduced.Downloads, s.Downloads.Mean, 1e-9, "the twenty-run reproduction")
	require.InDelta(t, PaperDownloads.Mean, s.Downloads.Mean, PaperDownloads.SD, "in the paper's band")
}
