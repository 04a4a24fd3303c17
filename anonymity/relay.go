package anonymity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/des"
)

// RelayKind selects how a simulated relay schedules its output.
type RelayKind uint8

const (
	// ThresholdMix buffers packets and flushes the batch once Threshold
	// packets are waiting, or Timeout after the first of them arrived if
	// Timeout is set: a naive mix whose output follows its input.
	ThresholdMix RelayKind = iota + 1
	// TimedMix flushes whatever is buffered every Timeout.
	TimedMix
	// RequestDriven is PACOM's relay (Algorithm 1 of [PACOM §3.2]): a packet
	// leaves on an output link only in answer to a block request from the
	// next hop, which requests independently; it carries queued data or
	// dummy data. Input packets are likewise answers to the relay's own
	// requests.
	RequestDriven
)

func (k RelayKind) String() string {
	switch k {
	case ThresholdMix:
		return "threshold mix"
	case TimedMix:
		return "timed mix"
	case RequestDriven:
		return "request-driven relay"
	}
	return fmt.Sprintf("RelayKind(%d)", uint8(k))
}

// RelayConfig describes one hop of the traffic-analysis emulation of
// [PACOM §6.4–6.6]: Links circuits cross a relay, each entering on its own
// input link and leaving on its own output link.
type RelayConfig struct {
	Kind  RelayKind
	Links int // circuits through the relay, ≥ 2 (2 in the mix of Fig. 13, 3 candidates in Fig. 15)
	// Rate is the mean packet rate of every input flow (Poisson), and for
	// RequestDriven also of every next hop's requests, in packets per
	// second.
	Rate float64
	// Threshold is the batch size of a ThresholdMix.
	Threshold int
	// Timeout is the flush period of a TimedMix and the optional batch
	// timeout of a ThresholdMix.
	Timeout time.Duration
	// MaxLinkDelay: every link gets a fixed propagation delay drawn
	// uniformly from [1 ms, MaxLinkDelay] (the emulation's WANem setting is
	// [1 ms, 100 ms]); zero means no delay.
	MaxLinkDelay time.Duration
}

// PaperMix returns the naive mix of Fig. 13: two circuits through a
// threshold mix that flushes every 4 packets or after 100 ms, 20 packets/s
// per flow, link delays in [1, 100] ms.
func PaperMix() RelayConfig {
	return RelayConfig{Kind: ThresholdMix, Links: 2, Rate: 20, Threshold: 4, Timeout: 100 * time.Millisecond, MaxLinkDelay: 100 * time.Millisecond}
}

// PaperPACOM returns the PACOM relay of Fig. 15: three candidate output
// links, every link driven by independent requests at 20 per second, link
// delays in [1, 100] ms.
func PaperPACOM() RelayConfig {
	return RelayConfig{Kind: RequestDriven, Links: 3, Rate: 20, MaxLinkDelay: 100 * time.Millisecond}
}

// maxRelayPackets bounds the expected packets of one simulation.
const maxRelayPackets = 1 << 26

func (c RelayConfig) validate(d time.Duration) error {
	switch {
	case c.Kind < ThresholdMix || c.Kind > RequestDriven:
		return fmt.Errorf("%w: relay kind %d", ErrParameter, c.Kind)
	case c.Links < 2 || c.Links > 1024:
		return fmt.Errorf("%w: %d links", ErrParameter, c.Links)
	case !(c.Rate > 0) || math.IsInf(c.Rate, 1):
		return fmt.Errorf("%w: rate %v", ErrParameter, c.Rate)
	case c.Kind == ThresholdMix && c.Threshold < 1:
		return fmt.Errorf("%w: threshold %d", ErrParameter, c.Threshold)
	case c.Kind == TimedMix && c.Timeout <= 0:
		return fmt.Errorf("%w: timed mix needs a positive timeout, got %v", ErrParameter, c.Timeout)
	case c.Timeout < 0 || c.MaxLinkDelay < 0:
		return fmt.Errorf("%w: negative timeout or delay", ErrParameter)
	case d <= 0:
		return fmt.Errorf("%w: duration %v", ErrParameter, d)
	case 2*c.Rate*float64(c.Links)*d.Seconds() > maxRelayPackets:
		return fmt.Errorf("%w: %v at %v packets/s on %d links is too many packets", ErrParameter, d, c.Rate, c.Links)
	}
	return nil
}

// RelayTrace is what a passive adversary tapping every link of a relay
// records: the packet timestamps of each input and output link, and the
// ground truth Truth[i], the output link carrying input i's circuit.
type RelayTrace struct {
	Inputs, Outputs [][]time.Duration
	Truth           []int
}

// SimulateRelay runs the relay described by cfg for duration d on the
// discrete-event engine and returns the adversary's trace. Circuits are
// mapped to output links by a random permutation. Reproducible from rng.
func SimulateRelay(rng *rand.Rand, cfg RelayConfig, d time.Duration) (*RelayTrace, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := cfg.validate(d); err != nil {
		return nil, err
	}
	return simulateRelay(rng, cfg, d, nil, Watermark{}), nil
}

// simulateRelay runs the relay; if codes is not nil, input flow i's rate is
// modulated by codes[i] (one ±1 chip per w.Chip, depth w.Depth).
func simulateRelay(rng *rand.Rand, cfg RelayConfig, d time.Duration, codes [][]float64, w Watermark) *RelayTrace {
	n := cfg.Links
	tr := &RelayTrace{
		Inputs:  make([][]time.Duration, n),
		Outputs: make([][]time.Duration, n),
		Truth:   rng.Perm(n),
	}
	delay := func() time.Duration {
		if cfg.MaxLinkDelay <= 0 {
			return 0
		}
		lo := time.Millisecond
		if cfg.MaxLinkDelay <= lo {
			return cfg.MaxLinkDelay
		}
		return lo + time.Duration(rng.Int64N(int64(cfg.MaxLinkDelay-lo)+1))
	}
	outDelay := make([]time.Duration, n)
	for j := range outDelay {
		outDelay[j] = delay()
	}
	peak := cfg.Rate
	if codes != nil {
		peak *= 1 + w.Depth
	}
	gap := func(rate float64) time.Duration {
		return time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
	}
	var sim des.Sim
	// poisson calls fn at the arrivals of a Poisson process until d.
	var poisson func(fn func())
	poisson = func(fn func()) {
		sim.After(gap(cfg.Rate), func() {
			if sim.Now() >= d {
				return
			}
			fn()
			poisson(fn)
		})
	}
	// modulated calls fn at the arrivals of a Poisson process whose rate
	// follows code, by thinning a process at the peak rate.
	var modulated func(code []float64, fn func())
	modulated = func(code []float64, fn func()) {
		sim.After(gap(peak), func() {
			now := sim.Now()
			if now >= d {
				return
			}
			k := min(int(now/w.Chip), len(code)-1)
			if rng.Float64()*(1+w.Depth) < 1+w.Depth*code[k] {
				fn()
			}
			modulated(code, fn)
		})
	}
	send := func(j int) {
		tr.Outputs[j] = append(tr.Outputs[j], sim.Now()+outDelay[j])
	}
	var buffered []int // output link of each buffered packet
	var timer des.Event
	timerSet := false
	flush := func() {
		for _, j := range buffered {
			send(j)
		}
		buffered = buffered[:0]
		if timerSet {
			sim.Cancel(timer)
			timerSet = false
		}
	}
	for i := range n {
		// The tap on input link i sees a packet when it reaches the
		// relay; the link's own delay only shifts the whole flow.
		arrive := func() {
			tr.Inputs[i] = append(tr.Inputs[i], sim.Now())
			if cfg.Kind == RequestDriven {
				return // queued for the next hop's requests
			}
			buffered = append(buffered, tr.Truth[i])
			if cfg.Kind == ThresholdMix {
				if len(buffered) >= cfg.Threshold {
					flush()
				} else if cfg.Timeout > 0 && !timerSet {
					timer = sim.After(cfg.Timeout, func() { timerSet = false; flush() })
					timerSet = true
				}
			}
		}
		if codes != nil {
			modulated(codes[i], arrive)
		} else {
			poisson(arrive)
		}
	}
	switch cfg.Kind {
	case TimedMix:
		var tick func()
		tick = func() {
			flush()
			if sim.Now() < d {
				sim.After(cfg.Timeout, tick)
			}
		}
		sim.After(cfg.Timeout, tick)
	case RequestDriven:
		for j := range n {
			poisson(func() { send(j) }) // a response, data or dummy
		}
	}
	sim.RunUntil(d)
	for j := range tr.Outputs {
		slices.Sort(tr.Outputs[j])
	}
	return tr
}

// Patterns returns the pattern vectors (Eq. 9) of every input and output
// link over the first q intervals.
func (t *RelayTrace) Patterns(interval time.Duration, q int) (inputs, outputs [][]float64, err error) {
	conv := func(links [][]time.Duration) ([][]float64, error) {
		out := make([][]float64, len(links))
		for i, ts := range links {
			x, err := PatternVector(ts, 0, interval, q)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	if inputs, err = conv(t.Inputs); err != nil {
		return nil, nil, err
	}
	if outputs, err = conv(t.Outputs); err != nil {
		return nil, nil, err
	}
	return inputs, outputs, nil
}

// DetectionCurve measures the per-hop detection rate of the passive
// flow-correlation attack (metric m on pattern vectors with the given
// sampling interval) against the relay cfg, for each observation time in
// observe, averaged over trials independent relays. It reproduces
// Fig. 13 (a mix: the rate climbs to 1) and Fig. 15 (PACOM: the rate stays
// at random guessing, 1/Links). Reproducible from rng.
func DetectionCurve(rng *rand.Rand, cfg RelayConfig, m Metric, interval time.Duration, observe []time.Duration, trials int) ([]float64, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if len(observe) == 0 || trials < 1 || interval <= 0 {
		return nil, fmt.Errorf("%w: %d observation times, %d trials, interval %v", ErrParameter, len(observe), trials, interval)
	}
	longest := slices.Max(observe)
	for _, o := range observe {
		if o < interval {
			return nil, fmt.Errorf("%w: observation %v shorter than the interval %v", ErrParameter, o, interval)
		}
	}
	rates := make([]float64, len(observe))
	for range trials {
		tr, err := SimulateRelay(rng, cfg, longest)
		if err != nil {
			return nil, err
		}
		for k, o := range observe {
			in, out, err := tr.Patterns(interval, int(o/interval))
			if err != nil {
				return nil, err
			}
			r, err := DetectionRate(m, in, out, tr.Truth)
			if err != nil {
				return nil, err
			}
			rates[k] += r
		}
	}
	for k := range rates {
		rates[k] /= float64(trials)
	}
	return rates, nil
}

// Watermark is the active traffic-analysis attack of [PACOM §4.3]: the
// adversary manipulates every input link of a relay, modulating its packet
// rate to Rate·(1 + Depth·c_k) during chip k of a random ±1 code of its
// own (one code per link, like a spread-spectrum watermark), and looks for
// the code in the output links: the output best correlated with a link's
// code is guessed to carry its circuit.
type Watermark struct {
	Chip  time.Duration // chip duration, > 0
	Depth float64       // modulation depth in (0, 1]
}

// PaperWatermark returns a watermark of 500 ms chips at depth 0.8.
func PaperWatermark() Watermark { return Watermark{Chip: 500 * time.Millisecond, Depth: 0.8} }

func (w Watermark) validate() error {
	if w.Chip <= 0 || !(w.Depth > 0 && w.Depth <= 1) {
		return fmt.Errorf("%w: watermark chip %v depth %v", ErrParameter, w.Chip, w.Depth)
	}
	return nil
}

// SimulateWatermarkedRelay runs the relay cfg for duration d with every
// input flow modulated by its own random code, and returns the trace and the
// codes (codes[i][k] is ±1, chip k of input i). Reproducible from rng.
func SimulateWatermarkedRelay(rng *rand.Rand, cfg RelayConfig, w Watermark, d time.Duration) (*RelayTrace, [][]float64, error) {
	if rng == nil {
		return nil, nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := cfg.validate(d); err != nil {
		return nil, nil, err
	}
	if err := w.validate(); err != nil {
		return nil, nil, err
	}
	chips := int((d + w.Chip - 1) / w.Chip)
	if chips > MaxPatternLen {
		return nil, nil, fmt.Errorf("%w: %d chips", ErrParameter, chips)
	}
	codes := make([][]float64, cfg.Links)
	for i := range codes {
		codes[i] = make([]float64, chips)
		for k := range codes[i] {
			codes[i][k] = float64(2*rng.IntN(2) - 1)
		}
	}
	return simulateRelay(rng, cfg, d, codes, w), codes, nil
}

// ActiveDetectionCurve measures the detection rate of the [Watermark]
// attack against the relay cfg for each observation time in observe,
// averaged over trials relays: each output link's packet counts per chip
// are correlated with every input's code ([Correlation], searching lags up
// to the relay's largest delay) and [DetectionRate] scores the matching.
// A mix passes the watermark through (rate → 1); PACOM's request-driven
// relay does not (rate ≈ 1/Links), the immunity claimed in §4.3.
// Reproducible from rng.
func ActiveDetectionCurve(rng *rand.Rand, cfg RelayConfig, w Watermark, observe []time.Duration, trials int) ([]float64, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := w.validate(); err != nil {
		return nil, err
	}
	if len(observe) == 0 || trials < 1 {
		return nil, fmt.Errorf("%w: %d observation times, %d trials", ErrParameter, len(observe), trials)
	}
	for _, o := range observe {
		if o < 2*w.Chip {
			return nil, fmt.Errorf("%w: observation %v shorter than two chips of %v", ErrParameter, o, w.Chip)
		}
	}
	longest := slices.Max(observe)
	maxLag := int((cfg.MaxLinkDelay+cfg.Timeout)/w.Chip) + 1
	metric := Correlation{MaxLag: maxLag}
	rates := make([]float64, len(observe))
	for range trials {
		tr, codes, err := SimulateWatermarkedRelay(rng, cfg, w, longest)
		if err != nil {
			return nil, err
		}
		for k, o := range observe {
			q := int(o / w.Chip)
			in := make([][]float64, len(codes))
			for i := range codes {
				in[i] = codes[i][:q]
			}
			_, out, err := tr.Patterns(w.Chip, q)
			if err != nil {
				return nil, err
			}
			r, err := DetectionRate(metric, in, out, tr.Truth)
			if err != nil {
				return nil, err
			}
			rates[k] += r
		}
	}
	for k := range rates {
		rates[k] /= float64(trials)
	}
	return rates, nil
}
