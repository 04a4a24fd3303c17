package marketsim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrSweepData is returned by [ReadSweepData] for malformed input.
var ErrSweepData = errors.New("marketsim: malformed sweep data")

// sweepHeader names the tab-separated columns of the sweep data.
const sweepHeader = "factor\tweight\tcompleteness\tdemand/supply\thave\trequest\truns\tdownloads\tdownloads sd\tmean finish s\tfinished\treplaced\tpartial\theld-out start\theld-out end\theld-out volume"

// WriteSweepData writes the points as tab-separated values under a header
// line, losslessly (times to the nanosecond, floats in shortest form), for
// [ReadSweepData]: the sweep's record, from which the table and the
// default weights are derived.
func WriteSweepData(w io.Writer, pts []SweepPoint) error {
	ew := &errWriter{w: w}
	ew.printf("%s\n", sweepHeader)
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, p := range pts {
		fields := []string{string(p.Factor), g(p.Weight), g(p.Weights.Completeness), g(p.Weights.DemandSupply),
			g(p.Weights.Have), g(p.Weights.Request), strconv.Itoa(p.Runs), g(p.Downloads.Mean), g(p.Downloads.SD),
			g(p.MeanDone.Seconds()), g(p.Finished), g(p.Replacements), g(p.Partial),
			g(p.HeldOut[0]), g(p.HeldOut[1]), g(p.HeldOut[2])}
		ew.printf("%s\n", strings.Join(fields, "\t"))
	}
	return ew.err
}

// ReadSweepData reads what [WriteSweepData] wrote. It rejects, wrapping
// [ErrSweepData], a missing header, a wrong number of fields, an unknown
// factor, a number that does not parse, weights that are invalid or do not
// match the point's factor and weight, a fraction finished outside [0, 1]
// and negative counts.
func ReadSweepData(r io.Reader) ([]SweepPoint, error) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() || sc.Text() != sweepHeader {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrSweepData, err)
		}
		return nil, fmt.Errorf("%w: missing header", ErrSweepData)
	}
	var pts []SweepPoint
	for line := 2; sc.Scan(); line++ {
		p, err := parseSweepLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrSweepData, line, err)
		}
		pts = append(pts, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSweepData, err)
	}
	return pts, nil
}

func parseSweepLine(s string) (SweepPoint, error) {
	f := strings.Split(s, "\t")
	if len(f) != 16 {
		return SweepPoint{}, fmt.Errorf("%d fields, want 16", len(f))
	}
	var p SweepPoint
	p.Factor = Factor(f[0])
	if !slices.Contains(Factors, p.Factor) {
		return p, fmt.Errorf("unknown factor %q", f[0])
	}
	x := make([]float64, 0, 15)
	for i, v := range f[1:] {
		if i == 5 { // runs
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return p, fmt.Errorf("runs %q", v)
			}
			p.Runs = n
			x = append(x, 0)
			continue
		}
		y, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return p, err
		}
		x = append(x, y)
	}
	p.Weight = x[0]
	p.Weights.Completeness, p.Weights.DemandSupply, p.Weights.Have, p.Weights.Request = x[1], x[2], x[3], x[4]
	if err := p.Weights.Validate(); err != nil {
		return p, err
	}
	if p.Weights != SetWeight(Centre(), p.Factor, p.Weight) {
		return p, fmt.Errorf("weights %+v are not %s at %v, the others at 1", p.Weights, p.Factor, p.Weight)
	}
	p.Downloads = MeanSD{x[6], x[7]}
	secs := x[8]
	if !(secs >= 0 && secs < math.MaxInt64/float64(time.Second)) {
		return p, fmt.Errorf("mean finish %v s", secs)
	}
	p.MeanDone = time.Duration(math.Round(secs * float64(time.Second)))
	p.Finished = x[9]
	if !(p.Finished >= 0 && p.Finished <= 1) {
		return p, fmt.Errorf("finished %v", p.Finished)
	}
	p.Replacements, p.Partial = x[10], x[11]
	if !(p.Replacements >= 0 && p.Partial >= 0) {
		return p, fmt.Errorf("replacements %v, partial %v", p.Replacements, p.Partial)
	}
	copy(p.HeldOut[:], x[12:15])
	return p, nil
}
