package scaling

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Subsystem is the kernel of one scaling curve: how to build a system of
// size N and run the operation whose cost is measured on it, and what
// the work of that operation is expected to be.
type Subsystem struct {
	// Name names the curve, as "chord/build".
	Name string
	// Size says what N counts ("nodes", "clients").
	Size string
	// Op says what one operation is, whose cost and work are reported
	// ("build and stabilise a ring", "one lookup").
	Op string
	// Work says what the work counts ("network calls", "events").
	Work string
	// Expected is the growth of the work per operation that the protocol
	// or model implies ("N·log²N"), and Model that growth as a function,
	// up to a constant factor.
	Expected string
	Model    func(n float64) float64
	// Short are the sizes a CI run measures (a few seconds in all);
	// Long the full range (minutes).
	Short, Long []int

	// setup builds the system of size n from seed and returns the timed
	// part: run performs ops operations and returns the work they did.
	setup func(n int, seed uint64) (run func() (ops int, work float64, err error), err error)
}

// Point is the measurement of a [Subsystem] at one size.
type Point struct {
	Size int
	// Cost is the CPU time of one operation (process CPU time, user and
	// system, so that other load on the machine does not count; wall time
	// where the platform has no getrusage).
	Cost time.Duration
	// Work is the work one operation did, in the subsystem's unit.
	Work float64
	// Ops is the number of operations the cost was averaged over.
	Ops int
}

// Curve is a [Subsystem] measured at several sizes.
type Curve struct {
	Subsystem Subsystem
	Seed      uint64
	Points    []Point
}

// Exponents are the power laws fitted to a [Curve] over the sizes
// measured: cost ∝ N^Cost and work ∝ N^Work, and Model, the exponent the
// subsystem's expected work ([Subsystem.Model]) has over the same sizes
// (for N·log N over 10^3…10^5, about 1.1, not 1).
type Exponents struct {
	Cost, CostR2 float64
	Work, WorkR2 float64
	Model        float64
}

// Excess is Cost − Work: how much faster than its work the cost grows,
// that is the growth of the cost of one unit of work.
func (e Exponents) Excess() float64 { return e.Cost - e.Work }

// Fit fits the curve's cost and work against its sizes ([Fit]).
func (c Curve) Fit() (Exponents, error) {
	var n, cost, work, model []float64
	for _, p := range c.Points {
		n = append(n, float64(p.Size))
		cost = append(cost, p.Cost.Seconds())
		work = append(work, p.Work)
		if c.Subsystem.Model != nil {
			model = append(model, c.Subsystem.Model(float64(p.Size)))
		}
	}
	var e Exponents
	var err error
	if e.Cost, e.CostR2, err = Fit(n, cost); err != nil {
		return Exponents{}, fmt.Errorf("%s cost: %w", c.Subsystem.Name, err)
	}
	if e.Work, e.WorkR2, err = Fit(n, work); err != nil {
		return Exponents{}, fmt.Errorf("%s work: %w", c.Subsystem.Name, err)
	}
	if model != nil {
		if e.Model, _, err = Fit(n, model); err != nil {
			return Exponents{}, fmt.Errorf("%s model: %w", c.Subsystem.Name, err)
		}
	}
	return e, nil
}

// ErrSize is returned by [Measure] for a size the subsystem cannot build.
var ErrSize = errors.New("scaling: invalid size")

// MinCPU is the least CPU time [Measure] spends at each size: a kernel
// that finishes sooner is run again, and its cost averaged, so that the
// clock's resolution does not show in the smallest sizes.
const MinCPU = 50 * time.Millisecond

// Measure measures s at each size, in order, from seed. The set-up of
// each size (building the ring a lookup runs on, for instance) is not
// timed; the heap is collected before timing starts.
func Measure(s Subsystem, sizes []int, seed uint64) (Curve, error) {
	if s.setup == nil {
		return Curve{}, fmt.Errorf("%w: subsystem %q has no kernel", ErrSize, s.Name)
	}
	c := Curve{Subsystem: s, Seed: seed}
	for _, n := range sizes {
		p, err := measureAt(s, n, seed)
		if err != nil {
			return Curve{}, fmt.Errorf("scaling: %s at N = %d: %w", s.Name, n, err)
		}
		c.Points = append(c.Points, p)
	}
	return c, nil
}

func measureAt(s Subsystem, n int, seed uint64) (Point, error) {
	if n < 1 {
		return Point{}, fmt.Errorf("%w: %d", ErrSize, n)
	}
	run, err := s.setup(n, seed)
	if err != nil {
		return Point{}, err
	}
	runtime.GC()
	var (
		cpu  time.Duration
		ops  int
		work float64
	)
	for cpu < MinCPU {
		t0 := cpuTime()
		k, w, err := run()
		cpu += cpuTime() - t0
		if err != nil {
			return Point{}, err
		}
		if k < 1 || !(w >= 0) || math.IsInf(w, 0) {
			return Point{}, fmt.Errorf("scaling: kernel returned %d operations, work %v", k, w)
		}
		ops += k
		work += w
	}
	return Point{Size: n, Cost: cpu / time.Duration(ops), Work: work / float64(ops), Ops: ops}, nil
}

var processStart = time.Now()

// wallTime is the monotonic time since the process started.
func wallTime() time.Duration { return time.Since(processStart) }

// Best combines several measurements of one curve, at the same sizes,
// into one whose cost at each size is the least measured: load from other
// processes only ever adds time, so the least of a few runs is the
// steadiest estimate. The work must agree within 1% (a kernel that draws
// fresh random operations on every run, as [ChordLookup] does, averages
// over different samples); each point keeps the work of the run it
// keeps.
func Best(curves ...Curve) (Curve, error) {
	if len(curves) == 0 {
		return Curve{}, fmt.Errorf("%w: no curves", ErrTooFewPoints)
	}
	best := curves[0]
	best.Points = append([]Point(nil), best.Points...)
	for _, c := range curves[1:] {
		if c.Subsystem.Name != best.Subsystem.Name || len(c.Points) != len(best.Points) {
			return Curve{}, fmt.Errorf("%w: curves %s (%d points) and %s (%d points) differ",
				ErrBadPoint, best.Subsystem.Name, len(best.Points), c.Subsystem.Name, len(c.Points))
		}
		for i, p := range c.Points {
			b := &best.Points[i]
			if p.Size != b.Size || !(math.Abs(p.Work-b.Work) <= 0.01*max(p.Work, b.Work)) {
				return Curve{}, fmt.Errorf("%w: %s measured at N = %d with work %v, and at N = %d with work %v",
					ErrBadPoint, c.Subsystem.Name, b.Size, b.Work, p.Size, p.Work)
			}
			if p.Cost < b.Cost {
				*b = p
			}
		}
	}
	return best, nil
}
