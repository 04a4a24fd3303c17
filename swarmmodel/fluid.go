package swarmmodel

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrComplexEigenvalues reports that [Fluid.ClosedForm] does not apply: the
// linear system's eigenvalues are complex or repeated, or one equals −1/τ.
var ErrComplexEigenvalues = errors.New("swarmmodel: closed form needs two distinct real eigenvalues different from −1/τ")

// Fluid is the fluid model of [Guo05 §3.3]: Qiu and Srikant's model with the
// decaying arrival rate λ(t) = λ0·e^(−t/τ) of Eq. 3.1,
//
//	dx/dt = λ(t) − min(c·x, μ·(η·x + y))
//	dy/dt = min(c·x, μ·(η·x + y)) − γ·y,    x(0) = 0, y(0) = 1,
//
// where x is the number of downloaders, y the number of seeds, μ and c the
// upload and download bandwidths in files per hour, η the sharing efficiency
// and γ the seed departure rate. Build it with [NewFluid].
type Fluid struct {
	evo Evolution
	mu  Rate
	c   Rate
	eta float64
}

// NewFluid returns the fluid model of torrent e with upload bandwidth mu,
// download bandwidth c (both in files per hour) and sharing efficiency eta
// in [0, 1].
func NewFluid(e Evolution, mu, c Rate, eta float64) (Fluid, error) {
	if err := e.check(); err != nil {
		return Fluid{}, err
	}
	if err := checkRate("upload bandwidth μ", mu); err != nil {
		return Fluid{}, err
	}
	if err := checkRate("download bandwidth c", c); err != nil {
		return Fluid{}, err
	}
	if !(eta >= 0 && eta <= 1) {
		return Fluid{}, fmt.Errorf("%w: sharing efficiency η = %v must lie in [0, 1]", ErrParameter, eta)
	}
	return Fluid{evo: e, mu: mu, c: c, eta: eta}, nil
}

// Evolution returns the arrival and departure parameters of f.
func (f Fluid) Evolution() Evolution { return f.evo }

// Trajectory is a solution of the [Fluid] model sampled at evenly spaced
// times.
type Trajectory struct {
	T []time.Duration // sample times, T[0] = 0
	X []float64       // downloaders x(t)
	Y []float64       // seeds y(t)
	// U is the mean download speed of a downloader in files per hour,
	// u(t) = min(c, μ·(η + y/x)): the paper's u(t) = μ·(η + y/x) capped by
	// the download bandwidth, as the min of the ODE implies. It is c when
	// x = 0 and seeds exist, and 0 when nobody is left.
	U []float64
}

// Peak returns the time and value of the largest element of v, one of the
// trajectory's series.
func (tr Trajectory) Peak(v []float64) (time.Duration, float64) {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	if len(v) == 0 {
		return 0, 0
	}
	return tr.T[best], v[best]
}

// Integrator settings: relative and absolute tolerance (peers) and a step
// budget. The method is explicit, so while the download cap binds
// (c·x < μ·(η·x + y)) its step is limited to about 3/c: a solve needs at
// least c·horizon/3 steps, and parameter sets beyond about
// c·horizon ≈ 8·10^5 (for instance c = 1000 files/h over 30 days, a file
// every 3.6 s) exhaust the budget and return [ErrIntegration].
const (
	fluidRTol     = 1e-8
	fluidATol     = 1e-6
	fluidMaxSteps = 1 << 18
	maxSamples    = 1 << 24
)

// Solve integrates the model from 0 to horizon with an adaptive
// Dormand–Prince 5(4) method (relative tolerance 10^−8) and samples it at
// samples evenly spaced times (samples ≥ 2, both ends included) from its
// dense output. Being explicit, it needs about c·horizon/3 steps where the
// download cap binds; it returns [ErrIntegration] beyond 2^18 steps
// (c·horizon ≳ 8·10^5).
func (f Fluid) Solve(horizon time.Duration, samples int) (Trajectory, error) {
	var tr Trajectory
	err := f.SolveInto(&tr, horizon, samples)
	return tr, err
}

// SolveInto is [Fluid.Solve] reusing the slices of tr.
func (f Fluid) SolveInto(tr *Trajectory, horizon time.Duration, samples int) error {
	if err := f.evo.check(); err != nil {
		return fmt.Errorf("%w (zero Fluid: use NewFluid)", err)
	}
	if err := checkDuration("horizon", horizon); err != nil {
		return err
	}
	if samples < 2 || samples > maxSamples {
		return fmt.Errorf("%w: samples = %d must lie in [2, %d]", ErrParameter, samples, maxSamples)
	}
	tr.T = resize(tr.T, samples)
	tr.X, tr.Y, tr.U = resize(tr.X, samples), resize(tr.Y, samples), resize(tr.U, samples)
	return f.integrate(tr, hours(horizon), samples, false)
}

func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// rhs returns the ODE right-hand side; linear drops the download cap and
// the x > 0 guard, which is the regime of [Fluid.ClosedForm].
func (f Fluid) rhs(linear bool) odeFunc {
	l0, invTau := float64(f.evo.lambda0), 1/hours(f.evo.tau)
	mu, c, eta, gamma := float64(f.mu), float64(f.c), f.eta, float64(f.evo.gamma)
	return func(t float64, s, ds []float64) {
		x, y := s[0], s[1]
		served := mu * (eta*x + y)
		if !linear {
			served = math.Min(c*math.Max(x, 0), served)
		}
		lambda := l0 * math.Exp(-t*invTau)
		ds[0] = lambda - served
		ds[1] = served - gamma*y
	}
}

func (f Fluid) integrate(tr *Trajectory, horizonH float64, samples int, linear bool) error {
	d := newDopri(f.rhs(linear), 2, fluidRTol, fluidATol, fluidMaxSteps)
	outs := make([]float64, samples)
	for i := range outs {
		outs[i] = horizonH * float64(i) / float64(samples-1)
	}
	outs[samples-1] = horizonH
	record := func(i int, s []float64) {
		x, y := s[0], s[1]
		if !linear {
			x, y = math.Max(x, 0), math.Max(y, 0) // remove round-off below zero
		}
		tr.T[i] = hoursToDuration(outs[i])
		tr.X[i], tr.Y[i], tr.U[i] = x, y, f.speed(x, y)
	}
	state := []float64{0, 1}
	record(0, state)
	return d.integrate(0, horizonH, state, outs, record)
}

func (f Fluid) speed(x, y float64) float64 {
	switch {
	case x > 0:
		return math.Min(float64(f.c), float64(f.mu)*(f.eta+y/x))
	case y > 0:
		return float64(f.c)
	}
	return 0
}

// LinearSolution is the closed-form solution of the fluid model in the
// upload-constrained regime (c·x ≥ μ·(η·x + y) throughout, the paper's
// c ≫ μ):
//
//	x(t) = a·e^(ψ1·t) + b·e^(ψ2·t) + d1·e^(−t/τ)
//	y(t) = c1·e^(ψ1·t) + c2·e^(ψ2·t) + d2·e^(−t/τ)
//
// with t in hours. It is returned by [Fluid.ClosedForm].
type LinearSolution struct {
	Psi1, Psi2   float64 // eigenvalues ψ1 > ψ2, per hour
	A, B, C1, C2 float64
	D1, D2       float64
	tauH         float64
}

// At evaluates the solution at t.
func (s LinearSolution) At(t time.Duration) (x, y float64) {
	h := hours(t)
	e1, e2, e3 := math.Exp(s.Psi1*h), math.Exp(s.Psi2*h), math.Exp(-h/s.tauH)
	return s.A*e1 + s.B*e2 + s.D1*e3, s.C1*e1 + s.C2*e2 + s.D2*e3
}

// ClosedForm returns the closed-form solution of the paper's Eq. 3.8 for
// the linear system dx/dt = λ(t) − μ(ηx + y), dy/dt = μ(ηx + y) − γy, which
// the fluid model follows while downloads are upload-constrained. It
// returns [ErrComplexEigenvalues] unless the eigenvalues are real and
// distinct (and differ from −1/τ). The paper defers the constants to a
// technical report; they are derived here from x(0) = 0, y(0) = 1.
func (f Fluid) ClosedForm() (LinearSolution, error) {
	if err := f.evo.check(); err != nil {
		return LinearSolution{}, fmt.Errorf("%w (zero Fluid: use NewFluid)", err)
	}
	mu, eta, gamma := float64(f.mu), f.eta, float64(f.evo.gamma)
	tauH := hours(f.evo.tau)
	// A = [[−μη, −μ], [μη, μ − γ]].
	a11, a12, a21, a22 := -mu*eta, -mu, mu*eta, mu-gamma
	tr, det := a11+a22, a11*a22-a12*a21
	disc := tr*tr - 4*det
	scale := tr*tr + 4*math.Abs(det)
	if !(disc > 1e-12*scale) {
		return LinearSolution{}, fmt.Errorf("%w (discriminant %g)", ErrComplexEigenvalues, disc)
	}
	sq := math.Sqrt(disc)
	p1, p2 := (tr+sq)/2, (tr-sq)/2
	// Particular solution: (A + I/τ)·d = −(λ0, 0).
	l0 := float64(f.evo.lambda0)
	m11, m22 := a11+1/tauH, a22+1/tauH
	mdet := m11*m22 - a12*a21
	if math.Abs(mdet) <= 1e-12*(math.Abs(m11*m22)+math.Abs(a12*a21)) {
		return LinearSolution{}, fmt.Errorf("%w (−1/τ is an eigenvalue)", ErrComplexEigenvalues)
	}
	d1 := -l0 * m22 / mdet
	d2 := l0 * a21 / mdet
	// Eigenvectors v_k = (μ, −(μη + ψ_k)); s1·v1 + s2·v2 = (0, 1) − d.
	v1x, v1y := mu, -(mu*eta + p1)
	v2x, v2y := mu, -(mu*eta + p2)
	rx, ry := -d1, 1-d2
	vdet := v1x*v2y - v2x*v1y
	s1 := (rx*v2y - v2x*ry) / vdet
	s2 := (v1x*ry - rx*v1y) / vdet
	return LinearSolution{
		Psi1: p1, Psi2: p2,
		A: s1 * v1x, B: s2 * v2x, C1: s1 * v1y, C2: s2 * v2y,
		D1: d1, D2: d2, tauH: tauH,
	}, nil
}
