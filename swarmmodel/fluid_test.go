package swarmmodel

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDopriKnownSolutions(t *testing.T) {
	// y' = −y: y = e^−t.
	d := newDopri(func(_ float64, y, dy []float64) { dy[0] = -y[0] }, 1, 1e-10, 1e-12, 1e6)
	y := []float64{1}
	require.NoError(t, d.advance(0, 10, y))
	require.InEpsilon(t, math.Exp(-10), y[0], 1e-8)
	// Harmonic oscillator over ten periods, in 100 output legs.
	d = newDopri(func(_ float64, y, dy []float64) { dy[0], dy[1] = y[1], -y[0] }, 2, 1e-10, 1e-12, 1e6)
	y = []float64{1, 0}
	tt := 0.0
	for i := 1; i <= 100; i++ {
		next := 20 * math.Pi * float64(i) / 100
		require.NoError(t, d.advance(tt, next, y))
		tt = next
		require.InDelta(t, math.Cos(tt), y[0], 1e-7)
		require.InDelta(t, -math.Sin(tt), y[1], 1e-7)
	}
	// A blow-up exhausts the step budget and reports it.
	d = newDopri(func(_ float64, y, dy []float64) { dy[0] = y[0] * y[0] }, 1, 1e-8, 1e-8, 1000)
	y = []float64{1}
	require.ErrorIs(t, d.advance(0, 2, y), ErrIntegration)
}

// closedFormFluid has two distinct real negative eigenvalues.
func closedFormFluid(t testing.TB, c float64) Fluid {
	e := mustEvolution(t, 20, 87*time.Hour, 0.5)
	f, err := NewFluid(e, PerHour(0.05), PerHour(c), 0.5)
	require.NoError(t, err)
	return f
}

// TestFluidMatchesClosedForm checks the integrator against the closed form
// of Eq. 3.8 in the regime it describes.
func TestFluidMatchesClosedForm(t *testing.T) {
	f := closedFormFluid(t, 1e4)
	cf, err := f.ClosedForm()
	require.NoError(t, err)
	require.Greater(t, cf.Psi1, cf.Psi2)
	x0, y0 := cf.At(0)
	require.InDelta(t, 0, x0, 1e-9)
	require.InDelta(t, 1, y0, 1e-9)

	const n = 121
	tr := Trajectory{T: make([]time.Duration, n), X: make([]float64, n), Y: make([]float64, n), U: make([]float64, n)}
	require.NoError(t, f.integrate(&tr, 720, n, true))
	for i := range tr.T {
		x, y := cf.At(tr.T[i])
		require.InDelta(t, x, tr.X[i], 1e-6*math.Max(1, math.Abs(x)), "x at %v", tr.T[i])
		require.InDelta(t, y, tr.Y[i], 1e-6*math.Max(1, math.Abs(y)), "y at %v", tr.T[i])
	}
	// The full model (download cap c ≫ μ) departs from the linear one only
	// in the first instants, when x ≈ 0.
	full, err := f.Solve(720*time.Hour, n)
	require.NoError(t, err)
	for i := 1; i < n; i++ {
		x, y := cf.At(full.T[i])
		require.InEpsilon(t, x, full.X[i], 1e-3, "x at %v", full.T[i])
		require.InEpsilon(t, y, full.Y[i], 1e-3, "y at %v", full.T[i])
	}
}

// TestFluidEvolution reproduces the qualitative findings of §3.3 (Fig. 7):
// downloaders surge then decay, the seed peak lags the downloader peak,
// and the download speed u(t) keeps increasing while the torrent dies.
func TestFluidEvolution(t *testing.T) {
	e := mustEvolution(t, 20, 87*time.Hour, 1/8.42)
	f, err := NewFluid(e, PerHour(0.25), PerHour(2), 0.5)
	require.NoError(t, err)
	tr, err := f.Solve(30*24*time.Hour, 721)
	require.NoError(t, err)
	tx, px := tr.Peak(tr.X)
	ty, py := tr.Peak(tr.Y)
	require.Greater(t, ty, tx, "seed peak lags the downloader peak")
	require.Greater(t, px, 1.0)
	require.Greater(t, py, 1.0)
	require.Less(t, tx, 10*24*time.Hour)
	for i := range tr.T {
		require.GreaterOrEqual(t, tr.X[i], 0.0)
		require.GreaterOrEqual(t, tr.Y[i], 0.0)
		require.False(t, math.IsNaN(tr.U[i]))
		require.LessOrEqual(t, tr.U[i], 2.0)
	}
	// After the peak, u(t) rises: seeds stay while downloaders thin out.
	iPeak := int(tx / time.Hour)
	require.Greater(t, tr.U[len(tr.U)-1], tr.U[iPeak])
	// Reusing a trajectory gives the same numbers.
	tr2 := tr
	tr2.T, tr2.X, tr2.Y, tr2.U = make([]time.Duration, 3), nil, nil, nil
	require.NoError(t, f.SolveInto(&tr2, 30*24*time.Hour, 721))
	require.Equal(t, tr.X, tr2.X)
}

func TestFluidErrors(t *testing.T) {
	e := mustEvolution(t, 20, 87*time.Hour, 0.1)
	for _, tc := range []struct {
		name  string
		mu, c float64
		eta   float64
		err   error
	}{
		{"zero μ", 0, 1, 0.5, ErrRate},
		{"nan c", 1, math.NaN(), 0.5, ErrRate},
		{"inf c", 1, math.Inf(1), 0.5, ErrRate},
		{"η > 1", 1, 1, 1.5, ErrParameter},
		{"η nan", 1, 1, math.NaN(), ErrParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFluid(e, PerHour(tc.mu), PerHour(tc.c), tc.eta)
			require.ErrorIs(t, err, tc.err)
		})
	}
	_, err := NewFluid(Evolution{}, 1, 1, 0.5)
	require.ErrorIs(t, err, ErrParameter)
	f, err := NewFluid(e, 1, 10, 1)
	require.NoError(t, err)
	_, err = f.Solve(0, 10)
	require.ErrorIs(t, err, ErrDuration)
	_, err = f.Solve(time.Hour, 1)
	require.ErrorIs(t, err, ErrParameter)
	// η = 1 and γ < 4μ: complex eigenvalues, no closed form.
	_, err = f.ClosedForm()
	require.ErrorIs(t, err, ErrComplexEigenvalues)
}

// FuzzFluidParams: for any accepted parameters a 30-day solve gives finite,
// non-negative populations, or an error.
func FuzzFluidParams(f *testing.F) {
	f.Add(20.0, 87.0, 0.12, 0.25, 2.0, 0.5)
	f.Add(1e6, 0.01, 1e3, 1e-6, 1e6, 1.0)
	f.Add(1e-3, 1e5, 1e-3, 100.0, 0.01, 0.0)
	f.Fuzz(func(t *testing.T, l0, tauH, gamma, mu, c, eta float64) {
		e, err := NewEvolution(PerHour(l0), hoursToDuration(tauH), PerHour(gamma))
		if err != nil {
			return
		}
		fl, err := NewFluid(e, PerHour(mu), PerHour(c), eta)
		if err != nil {
			return
		}
		tr, err := fl.Solve(30*24*time.Hour, 31)
		if err != nil {
			require.ErrorIs(t, err, ErrIntegration)
			return
		}
		for i := range tr.T {
			for _, v := range []float64{tr.X[i], tr.Y[i], tr.U[i]} {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
				require.GreaterOrEqual(t, v, 0.0)
			}
		}
		if cf, err := fl.ClosedForm(); err == nil {
			x, y := cf.At(time.Hour)
			_ = x + y // evaluating is enough: no panic
		}
	})
}

func BenchmarkFluidModel(b *testing.B) {
	e, _ := NewEvolution(PerHour(20), 87*time.Hour, PerHour(1/8.42))
	f, _ := NewFluid(e, PerHour(0.25), PerHour(2), 0.5)
	var tr Trajectory
	b.ReportAllocs()
	for b.Loop() {
		if err := f.SolveInto(&tr, 30*24*time.Hour, 721); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFluidStiffBudget: an absurd download bandwidth makes the explicit
// integrator run out of steps, which is reported, not hidden.
func TestFluidStiffBudget(t *testing.T) {
	e := mustEvolution(t, 20, 87*time.Hour, 1/8.42)
	f, err := NewFluid(e, PerHour(0.25), PerHour(1e6), 0.5)
	require.NoError(t, err)
	_, err = f.Solve(30*24*time.Hour, 31)
	require.ErrorIs(t, err, ErrIntegration)
	// A realistic c ≫ μ solves.
	f, err = NewFluid(e, PerHour(0.25), PerHour(100), 0.5)
	require.NoError(t, err)
	_, err = f.Solve(30*24*time.Hour, 31)
	require.NoError(t, err)
}
