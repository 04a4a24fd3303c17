package pacomchan

import (
	"errors"
	"math"
	mrand "math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

func TestPACOMInfoHash(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.7")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	base := PACOMInfoHash(1, ip, day)
	require.Len(t, base, 20)
	require.Equal(t, base, PACOMInfoHash(1, ip, day.Add(23*time.Hour)), "same date, same hash")
	require.Equal(t, base, PACOMInfoHash(1, netip.MustParseAddr("::ffff:192.0.2.7"), day), "IPv4-mapped form")
	tests := []struct {
		name string
		h    InfoHash
	}{
		{"another x", PACOMInfoHash(2, ip, day)},
		{"another node", PACOMInfoHash(1, netip.MustParseAddr("192.0.2.8"), day)},
		{"another date", PACOMInfoHash(1, ip, day.AddDate(0, 0, 1))},
	}
	for _, tt := range tests {
		require.NotEqual(t, base, tt.h, tt.name)
	}
	// A newcomer that decoded x computes the same hash as the node.
	local := time.Date(2026, 11, 21, 22, 0, 0, 0, time.FixedZone("UTC-3", -3*3600))
	require.Equal(t, PACOMInfoHash(1, ip, local), PACOMInfoHash(1, ip, day.AddDate(0, 0, 1)), "dates are UTC")
}

// TestFileCount checks the truncated geometric law: the sample frequencies
// of c = 1…10 against p^(c−1)(1 − p) (chi-square), the mean, and the range.
func TestFileCount(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	const n = 200000
	counts := make([]float64, MaxFiles+1)
	sum := 0.0
	for range n {
		c := FileCount(rng)
		require.GreaterOrEqual(t, c, 1)
		require.LessOrEqual(t, c, MaxFiles)
		counts[c]++
		sum += float64(c)
	}
	norm := 1 - math.Pow(FileCountP, MaxFiles)
	chi := 0.0
	for c := 1; c <= 10; c++ {
		exp := n * math.Pow(FileCountP, float64(c-1)) * (1 - FileCountP) / norm
		chi += (counts[c] - exp) * (counts[c] - exp) / exp
	}
	require.Less(t, chi, 30.0, "10 cells; 30 is p < 0.001")
	// Mean of the truncated law: 1/(1−p) − 100·p^100/(1−p^100).
	mean := 1/(1-FileCountP) - MaxFiles*math.Pow(FileCountP, MaxFiles)/norm
	require.InDelta(t, mean, sum/n, 0.05)
	// With p close to 1, truncation bites.
	r := mrand.New(mrand.NewPCG(3, 4))
	for range 1000 {
		require.LessOrEqual(t, truncatedGeometric(r, 0.999, 5), 5)
	}
}

func TestSwarmCap(t *testing.T) {
	d := DefaultSwarmCap.Dist()
	require.InDelta(t, SwarmCapMean, d.Mean(), 1e-9)
	require.InDelta(t, SwarmCapVariance, d.Variance(), 1e-9)
	require.InDelta(t, 4.196, DefaultSwarmCap.Alpha, 1e-3)
	rng := mrand.New(mrand.NewPCG(5, 6))
	xs := make([]float64, 400000)
	for i := range xs {
		xs[i] = DefaultSwarmCap.Sample(rng)
		require.GreaterOrEqual(t, xs[i], DefaultSwarmCap.Xm)
	}
	m, v := stat.MeanVariance(xs, nil)
	require.InDelta(t, SwarmCapMean, m, 0.05)
	// α ≈ 4.2 leaves the fourth moment barely finite: the sample variance
	// converges slowly, hence the loose bound.
	require.InDelta(t, SwarmCapVariance, v, 1.5)
	got, err := SwarmCapFromMoments(SwarmCapMean, SwarmCapVariance)
	require.NoError(t, err)
	require.Equal(t, DefaultSwarmCap, got)
}

func TestSwarmCapFromMomentsBad(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name           string
		mean, variance float64
	}{
		{"NaN mean", math.NaN(), 1},
		{"NaN variance", 1, math.NaN()},
		{"zero mean", 0, 1},
		{"negative variance", 1, -1},
		{"infinite mean", inf, 1},
		{"infinite variance", 1, inf},
		{"mean² overflows", 1e200, 1e-200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SwarmCapFromMoments(tt.mean, tt.variance)
			require.ErrorIs(t, err, ErrSwarmCap)
		})
	}
}

// recordingHider records what a bootstrapping node hides.
type recordingHider struct {
	hidden  []int
	stopped int
	fail    error
}

func (h *recordingHider) Hide(x int) error {
	if h.fail != nil {
		return h.fail
	}
	h.hidden = append(h.hidden, x)
	return nil
}

func (h *recordingHider) Stop() error { h.stopped++; return nil }

var _ Hider = (*recordingHider)(nil)

func TestBootstrapperCases(t *testing.T) {
	ip := netip.MustParseAddr("2001:db8::1")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	h := &recordingHider{}
	b, err := NewBootstrapper(ip, day, mrand.New(mrand.NewPCG(7, 7)), SwarmCap{Xm: 2.5, Alpha: 100}, h)
	require.NoError(t, err)
	files := b.Files()
	require.NotEmpty(t, files)
	for i, f := range files {
		require.Equal(t, i+1, f.X)
		require.Equal(t, PACOMInfoHash(f.X, ip, day), f.InfoHash())
	}
	require.Len(t, h.hidden, 1, "serving from the start")
	joins := 0
	for b.Serving() {
		cur, err := b.Current()
		require.NoError(t, err)
		require.False(t, cur.Full(), "case 2 never advertises a full swarm")
		require.Equal(t, cur.X, h.hidden[len(h.hidden)-1])
		require.NoError(t, b.Join(cur.X))
		joins++
	}
	// Caps are about 2.5: each swarm takes 3 members before it is full.
	require.Equal(t, 3*len(files), joins)
	require.Equal(t, 1, h.stopped, "case 1: the hider stops once")
	for _, f := range b.Files() {
		require.True(t, f.Full())
	}
	require.ErrorIs(t, b.Join(1), ErrNotServing)
	_, err = b.Current()
	require.ErrorIs(t, err, ErrNotServing)
	require.NoError(t, b.Leave(1))
	require.Error(t, b.Leave(len(files)+1))

	boom := errors.New("carrier gone")
	_, err = NewBootstrapper(ip, day, mrand.New(mrand.NewPCG(1, 1)), DefaultSwarmCap, &recordingHider{fail: boom})
	require.ErrorIs(t, err, boom)
	_, err = NewBootstrapper(netip.Addr{}, day, mrand.New(mrand.NewPCG(1, 1)), DefaultSwarmCap, h)
	require.Error(t, err)
	for _, caps := range []SwarmCap{{Xm: math.NaN(), Alpha: 1}, {Xm: 1}, {Xm: 1, Alpha: math.Inf(1)}, {Xm: -1, Alpha: 2}} {
		_, err = NewBootstrapper(ip, day, mrand.New(mrand.NewPCG(1, 1)), caps, h)
		require.ErrorIs(t, err, ErrSwarmCap, "%+v", caps)
	}
	// The zero caps is the paper's distribution.
	b0, err := NewBootstrapper(ip, day, mrand.New(mrand.NewPCG(1, 1)), SwarmCap{}, &recordingHider{})
	require.NoError(t, err)
	for _, f := range b0.Files() {
		require.GreaterOrEqual(t, f.Cap, DefaultSwarmCap.Xm)
	}
	require.True(t, ShouldBootstrap(9, 10))
	require.False(t, ShouldBootstrap(10, 10))
}
