package swarmmodel

import (
	"fmt"
	"math"
)

// This file is an adaptive Dormand–Prince 5(4) Runge–Kutta integrator
// (Dormand & Prince 1980; Hairer, Nørsett & Wanner, "Solving Ordinary
// Differential Equations I", §II.4–5): fifth-order steps with an embedded
// fourth-order error estimate, first-same-as-last, and the standard
// step-size controller. gonum's integrate package has quadrature only, so
// the ODE solver lives here.

// Dormand–Prince tableau.
const (
	dpC2, dpC3, dpC4, dpC5 = 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9

	dpA21 = 1.0 / 5
	dpA31 = 3.0 / 40
	dpA32 = 9.0 / 40
	dpA41 = 44.0 / 45
	dpA42 = -56.0 / 15
	dpA43 = 32.0 / 9
	dpA51 = 19372.0 / 6561
	dpA52 = -25360.0 / 2187
	dpA53 = 64448.0 / 6561
	dpA54 = -212.0 / 729
	dpA61 = 9017.0 / 3168
	dpA62 = -355.0 / 33
	dpA63 = 46732.0 / 5247
	dpA64 = 49.0 / 176
	dpA65 = -5103.0 / 18656
	dpA71 = 35.0 / 384
	dpA73 = 500.0 / 1113
	dpA74 = 125.0 / 192
	dpA75 = -2187.0 / 6784
	dpA76 = 11.0 / 84

	// Error coefficients: fifth-order minus fourth-order weights.
	dpE1 = 71.0 / 57600
	dpE3 = -71.0 / 16695
	dpE4 = 71.0 / 1920
	dpE5 = -17253.0 / 339200
	dpE6 = 22.0 / 525
	dpE7 = -1.0 / 40

	// Dense output (Hairer et al., DOPRI5's continuous extension).
	dpD1 = -12715105075.0 / 11282082432
	dpD3 = 87487479700.0 / 32700410799
	dpD4 = -10690763975.0 / 1880347072
	dpD5 = 701980252875.0 / 199316789632
	dpD6 = -1453857185.0 / 822651844
	dpD7 = 69997945.0 / 29380423
)

// odeFunc writes dy/dt at (t, y) into dy.
type odeFunc func(t float64, y, dy []float64)

// dopri integrates an ODE system of fixed dimension; its buffers are reused
// from one step to the next.
type dopri struct {
	f          odeFunc
	rtol, atol float64
	maxSteps   int

	k     [7][]float64
	ytmp  []float64
	ynew  []float64
	rc    [5][]float64 // dense-output coefficients of the last step
	yout  []float64
	h     float64 // proposed next step; 0 before the first
	steps int     // accepted and rejected steps so far
	fresh bool    // k[0] holds f(t, y)
}

func newDopri(f odeFunc, dim int, rtol, atol float64, maxSteps int) *dopri {
	d := &dopri{f: f, rtol: rtol, atol: atol, maxSteps: maxSteps}
	buf := make([]float64, 15*dim)
	for i := range d.k {
		d.k[i] = buf[i*dim : (i+1)*dim]
	}
	for i := range d.rc {
		d.rc[i] = buf[(7+i)*dim : (8+i)*dim]
	}
	d.ytmp = buf[12*dim : 13*dim]
	d.ynew = buf[13*dim : 14*dim]
	d.yout = buf[14*dim:]
	return d
}

// initialStep chooses a first step from the scale of y and f(t, y)
// (Hairer et al. §II.4, simplified).
func (d *dopri) initialStep(y []float64, span float64) float64 {
	var d0, d1 float64
	for i := range y {
		sc := d.atol + d.rtol*math.Abs(y[i])
		d0 = math.Max(d0, math.Abs(y[i])/sc)
		d1 = math.Max(d1, math.Abs(d.k[0][i])/sc)
	}
	h := 1e-6
	if d0 > 1e-5 && d1 > 1e-5 {
		h = 0.01 * d0 / d1
	}
	if d1 > 0 && d0 <= 1e-5 {
		h = 0.01 / d1
	}
	return math.Min(h, span)
}

// advance integrates y in place from t to tEnd.
func (d *dopri) advance(t, tEnd float64, y []float64) error {
	return d.integrate(t, tEnd, y, nil, nil)
}

// integrate integrates y in place from t to tEnd and, for each time outs[i]
// in (t, tEnd] (sorted), calls emit(i, y(outs[i])) from the dense output,
// so that sampling does not shorten the steps.
func (d *dopri) integrate(t, tEnd float64, y []float64, outs []float64, emit func(int, []float64)) error {
	next := 0
	for next < len(outs) && outs[next] <= t {
		next++
	}
	if !d.fresh {
		d.f(t, y, d.k[0])
		d.fresh = true
	}
	if d.h == 0 {
		d.h = d.initialStep(y, tEnd-t)
	}
	const (
		safety = 0.9
		minFac = 0.2
		maxFac = 10
	)
	for t < tEnd {
		if d.steps >= d.maxSteps {
			return fmt.Errorf("%w: more than %d steps", ErrIntegration, d.maxSteps)
		}
		d.steps++
		h := d.h
		last := false
		if t+h >= tEnd || tEnd-(t+h) < 1e-12*math.Abs(tEnd) {
			h = tEnd - t
			last = true
		}
		if h <= 1e-14*math.Max(1, math.Abs(t)) {
			return fmt.Errorf("%w: step size underflow at t = %g", ErrIntegration, t)
		}
		errNorm := d.step(t, h, y)
		if math.IsNaN(errNorm) || math.IsInf(errNorm, 0) {
			d.h = h * minFac
			continue
		}
		fac := float64(maxFac)
		if errNorm > 0 {
			fac = math.Min(maxFac, math.Max(minFac, safety*math.Pow(errNorm, -0.2)))
		}
		if errNorm > 1 {
			d.h = h * math.Max(minFac, fac)
			continue // reject; k[0] is still f(t, y)
		}
		tNew := t + h
		if last {
			tNew = tEnd
		}
		if next < len(outs) && outs[next] <= tNew {
			d.denseCoefficients(h, y)
			for next < len(outs) && outs[next] <= tNew {
				d.interpolate((outs[next] - t) / h)
				emit(next, d.yout)
				next++
			}
		}
		t = tNew
		copy(y, d.ynew)
		d.k[0], d.k[6] = d.k[6], d.k[0] // FSAL: f(t+h, ynew) becomes the next k1
		if !last {
			d.h = h * fac
		}
	}
	return nil
}

// step computes one trial step of size h from (t, y) into d.ynew and
// returns the scaled error norm; d.k[6] ends up holding f(t+h, ynew).
func (d *dopri) step(t, h float64, y []float64) float64 {
	k, yt := d.k, d.ytmp
	for i := range y {
		yt[i] = y[i] + h*dpA21*k[0][i]
	}
	d.f(t+dpC2*h, yt, k[1])
	for i := range y {
		yt[i] = y[i] + h*(dpA31*k[0][i]+dpA32*k[1][i])
	}
	d.f(t+dpC3*h, yt, k[2])
	for i := range y {
		yt[i] = y[i] + h*(dpA41*k[0][i]+dpA42*k[1][i]+dpA43*k[2][i])
	}
	d.f(t+dpC4*h, yt, k[3])
	for i := range y {
		yt[i] = y[i] + h*(dpA51*k[0][i]+dpA52*k[1][i]+dpA53*k[2][i]+dpA54*k[3][i])
	}
	d.f(t+dpC5*h, yt, k[4])
	for i := range y {
		yt[i] = y[i] + h*(dpA61*k[0][i]+dpA62*k[1][i]+dpA63*k[2][i]+dpA64*k[3][i]+dpA65*k[4][i])
	}
	d.f(t+h, yt, k[5])
	yn := d.ynew
	for i := range y {
		yn[i] = y[i] + h*(dpA71*k[0][i]+dpA73*k[2][i]+dpA74*k[3][i]+dpA75*k[4][i]+dpA76*k[5][i])
	}
	d.f(t+h, yn, k[6])
	var sum float64
	for i := range y {
		e := h * (dpE1*k[0][i] + dpE3*k[2][i] + dpE4*k[3][i] + dpE5*k[4][i] + dpE6*k[5][i] + dpE7*k[6][i])
		sc := d.atol + d.rtol*math.Max(math.Abs(y[i]), math.Abs(yn[i]))
		sum += (e / sc) * (e / sc)
	}
	return math.Sqrt(sum / float64(len(y)))
}

// denseCoefficients prepares the continuous extension of the step of size h
// from y to d.ynew (before k[0] and k[6] are swapped).
func (d *dopri) denseCoefficients(h float64, y []float64) {
	k, rc := d.k, d.rc
	for i := range y {
		dy := d.ynew[i] - y[i]
		bspl := h*k[0][i] - dy
		rc[0][i] = y[i]
		rc[1][i] = dy
		rc[2][i] = bspl
		rc[3][i] = dy - h*k[6][i] - bspl
		rc[4][i] = h * (dpD1*k[0][i] + dpD3*k[2][i] + dpD4*k[3][i] + dpD5*k[4][i] + dpD6*k[5][i] + dpD7*k[6][i])
	}
}

// interpolate writes y(t + θ·h) into d.yout, for θ in [0, 1].
func (d *dopri) interpolate(theta float64) {
	rc := d.rc
	t1 := 1 - theta
	for i := range d.yout {
		d.yout[i] = rc[0][i] + theta*(rc[1][i]+t1*(rc[2][i]+theta*(rc[3][i]+t1*rc[4][i])))
	}
}
