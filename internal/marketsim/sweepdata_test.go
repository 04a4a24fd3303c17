package marketsim

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func samplePoints() []SweepPoint {
	return []SweepPoint{
		{Factor: FactorCompleteness, Weight: 0.25, Weights: SetWeight(Centre(), FactorCompleteness, 0.25), Runs: 20,
			Downloads: MeanSD{6.7612, 1.3301}, MeanDone: 7823*time.Second + 123456789, Finished: 1,
			Replacements: 629.35, Partial: 541.1, HeldOut: [3]float64{0.164, 0.095, 0.081}},
		{Factor: FactorRequest, Weight: 16, Weights: SetWeight(Centre(), FactorRequest, 16), Runs: 1,
			Downloads: MeanSD{6.09, 0}, MeanDone: 6913 * time.Second, Finished: 0.99,
			HeldOut: [3]float64{math.NaN(), math.NaN(), math.NaN()}},
	}
}

func TestSweepDataRoundTrip(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteSweepData(&b, samplePoints()))
	got, err := ReadSweepData(&b)
	require.NoError(t, err)
	want := samplePoints()
	require.Len(t, got, len(want))
	for i := range want {
		for j := range want[i].HeldOut {
			if math.IsNaN(want[i].HeldOut[j]) {
				require.True(t, math.IsNaN(got[i].HeldOut[j]))
				want[i].HeldOut[j], got[i].HeldOut[j] = 0, 0
			}
		}
		require.Equal(t, want[i], got[i])
	}
}

func TestReadSweepDataRejects(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteSweepData(&b, samplePoints()[:1]))
	good := b.String()
	header, line, _ := strings.Cut(good, "\n")
	line = strings.TrimSuffix(line, "\n")
	field := func(i int, v string) string {
		f := strings.Split(line, "\t")
		f[i] = v
		return header + "\n" + strings.Join(f, "\t") + "\n"
	}
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"no header", line + "\n"},
		{"short line", header + "\nhave\t1\n"},
		{"unknown factor", field(0, "speed")},
		{"bad weight", field(1, "x")},
		{"weights off the sweep", field(3, "2")},
		{"negative weight", field(2, "-1")},
		{"negative runs", field(6, "-1")},
		{"finished above one", field(10, "1.5")},
		{"NaN finish time", field(9, "NaN")},
		{"huge finish time", field(9, "1e300")},
		{"negative replacements", field(11, "-3")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadSweepData(strings.NewReader(tt.in))
			require.ErrorIs(t, err, ErrSweepData)
		})
	}
}

// FuzzReadSweepData: any input either fails with ErrSweepData or gives
// points that write and read back to the same points.
func FuzzReadSweepData(f *testing.F) {
	var b bytes.Buffer
	if err := WriteSweepData(&b, samplePoints()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(sweepHeader + "\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pts, err := ReadSweepData(bytes.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		require.NoError(t, WriteSweepData(&out, pts))
		again, err := ReadSweepData(&out)
		require.NoError(t, err)
		require.Len(t, again, len(pts))
		for i := range pts {
			require.Equal(t, pts[i].Weights, again[i].Weights)
			require.Equal(t, pts[i].MeanDone, again[i].MeanDone)
		}
	})
}
