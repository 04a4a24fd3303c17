package anonymity

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

const day = 24 * time.Hour

// maxSnapshots bounds the snapshots of one simulated trial, and maxStart the
// start of an experiment, so that configurations cannot loop for ever or
// overflow the clock.
const (
	maxSnapshots = 1 << 20
	maxStart     = 100 * 365 * day
)

func checkSchedule(start time.Duration, days int, snapshot time.Duration) error {
	if start > maxStart || snapshot > 0 && int64(days)*int64(day/snapshot) > maxSnapshots {
		return fmt.Errorf("%w: start %v, %d days of snapshots every %v", ErrParameter, start, days, snapshot)
	}
	return nil
}

// InnocentConfig sets up the Innocent Receiver experiment of [PACOM §4.4.1]
// (Fig. 9(a)): every day the sender P_A opens a session to the receiver P_B
// at a uniformly random time, lasting a whole number of hours drawn
// uniformly from [MinHours, MaxHours] (the paper: 1 to 10). The attacker
// cannot tell when P_B is communicating, so it snapshots the online set
// every Snapshot while P_B is online and intersects the snapshots.
//
// Without the defence P_A and P_B are online exactly during their sessions.
// With Extend (the uptime-extension defence) each of them independently
// joins a uniform [0, MaxExtension] before every session and leaves a
// uniform [0, MaxExtension] after it, and on any day goes online with
// probability IdleProb for an idle session of the same length law at a
// random time, communicating with nobody.
type InnocentConfig struct {
	Start              time.Duration // first day begins here in the background trace
	Days               int           // days observed, ≥ 1
	Trials             int           // ≥ 1
	Threshold          int           // verdict size (10)
	MinHours, MaxHours int           // session length law (1, 10)
	Snapshot           time.Duration // snapshot period (1 h)
	Extend             bool
	MaxExtension       time.Duration // uptime extension bound (6 h by default)
	IdleProb           float64       // daily idle-session probability (0.5 by default)
}

// PaperInnocent returns the Fig. 9(a) setting for the given number of days,
// without the defence.
func PaperInnocent(days, trials int) InnocentConfig {
	return InnocentConfig{
		Days: days, Trials: trials, Threshold: 10, MinHours: 1, MaxHours: 10,
		Snapshot: time.Hour, MaxExtension: 6 * time.Hour, IdleProb: 0.5,
	}
}

func (c InnocentConfig) validate(bg *SessionTrace) error {
	switch {
	case bg == nil:
		return fmt.Errorf("%w: nil background trace", ErrParameter)
	case c.Days < 1 || c.Days > 10000 || c.Trials < 1 || c.Threshold < 1:
		return fmt.Errorf("%w: %d days, %d trials, threshold %d", ErrParameter, c.Days, c.Trials, c.Threshold)
	case c.MinHours < 1 || c.MaxHours < c.MinHours || c.MaxHours > 24:
		return fmt.Errorf("%w: session hours [%d, %d]", ErrParameter, c.MinHours, c.MaxHours)
	case c.Snapshot <= 0 || c.Start < 0 || c.MaxExtension < 0:
		return fmt.Errorf("%w: snapshot %v, start %v, extension %v", ErrParameter, c.Snapshot, c.Start, c.MaxExtension)
	case !(c.IdleProb >= 0 && c.IdleProb <= 1):
		return fmt.Errorf("%w: idle probability %v", ErrParameter, c.IdleProb)
	}
	return checkSchedule(c.Start, c.Days, c.Snapshot)
}

// SimulateInnocentReceiver runs the Innocent Receiver experiment against the
// background trace bg and returns, for each day d = 1..Days, the fraction
// of trials in which the attacker had announced, by the end of day d, a
// verdict containing P_A. P_A is given an identifier no background client
// uses; P_B never appears in the snapshots. Reproducible from rng.
func SimulateInnocentReceiver(rng *rand.Rand, bg *SessionTrace, cfg InnocentConfig) ([]float64, error) {
	if rng == nil {
		return nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := cfg.validate(bg); err != nil {
		return nil, err
	}
	sender := bg.maxClient() + 1
	success := make([]float64, cfg.Days)
	hours := func() time.Duration {
		return time.Duration(cfg.MinHours+rng.IntN(cfg.MaxHours-cfg.MinHours+1)) * time.Hour
	}
	ext := func() time.Duration {
		if !cfg.Extend || cfg.MaxExtension == 0 {
			return 0
		}
		return time.Duration(rng.Int64N(int64(cfg.MaxExtension) + 1))
	}
	for range cfg.Trials {
		var pa, pb []span
		for d := range cfg.Days {
			day0 := cfg.Start + time.Duration(d)*day
			s := day0 + time.Duration(rng.Int64N(int64(day)))
			e := s + hours()
			pa = append(pa, span{s - ext(), e + ext()})
			pb = append(pb, span{s - ext(), e + ext()})
			if cfg.Extend {
				for _, who := range []*[]span{&pa, &pb} {
					if rng.Float64() < cfg.IdleProb {
						is := day0 + time.Duration(rng.Int64N(int64(day)))
						*who = append(*who, span{is, is + hours()})
					}
				}
			}
		}
		pa, pb = mergeSpans(pa), mergeSpans(pb)
		atk, _ := NewIntersectionAttack(cfg.Threshold)
		d := 0
		record := func(until time.Duration) {
			for d < cfg.Days && cfg.Start+time.Duration(d+1)*day <= until {
				if v, ok := atk.Verdict(); ok && slices.Contains(v, sender) {
					success[d]++
				}
				d++
			}
		}
		for _, up := range pb {
			for t := up.start; t < up.end; t += cfg.Snapshot {
				record(t)
				online := func(c int) bool {
					if c == sender {
						return onlineIn(pa, t)
					}
					return bg.IsOnline(c, t)
				}
				full := func() []int {
					snap := bg.Online(t)
					if onlineIn(pa, t) {
						snap = append(snap, sender)
					}
					return snap
				}
				atk.observeTrace(online, full)
			}
		}
		record(cfg.Start + time.Duration(cfg.Days)*day)
	}
	for i := range success {
		success[i] /= float64(cfg.Trials)
	}
	return success, nil
}

// MaliciousConfig sets up the Malicious Receiver experiment of
// [PACOM §4.4.1] (Fig. 9(b)): P_A stays online and communicates with P_B
// all the time, so the malicious P_B snapshots the online set every
// Snapshot for Days days. P_A defends by taking a fresh identity every
// Rotation (zero: never), at a random phase.
type MaliciousConfig struct {
	Start     time.Duration // trials start uniformly within the day after Start
	Days      int
	Trials    int
	Threshold int           // verdict size (10)
	Snapshot  time.Duration // 1 h
	Rotation  time.Duration // identity rotation period; 0 disables the defence
}

// PaperMalicious returns the Fig. 9(b) setting with the given rotation
// period.
func PaperMalicious(days, trials int, rotation time.Duration) MaliciousConfig {
	return MaliciousConfig{Days: days, Trials: trials, Threshold: 10, Snapshot: time.Hour, Rotation: rotation}
}

// SimulateMaliciousReceiver runs the Malicious Receiver experiment against
// the background trace bg and returns the fraction of trials in which the
// attacker announced a verdict containing one of P_A's identities within
// Days days. Reproducible from rng.
func SimulateMaliciousReceiver(rng *rand.Rand, bg *SessionTrace, cfg MaliciousConfig) (float64, error) {
	if rng == nil {
		return 0, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	switch {
	case bg == nil:
		return 0, fmt.Errorf("%w: nil background trace", ErrParameter)
	case cfg.Days < 1 || cfg.Days > 10000 || cfg.Trials < 1 || cfg.Threshold < 1:
		return 0, fmt.Errorf("%w: %d days, %d trials, threshold %d", ErrParameter, cfg.Days, cfg.Trials, cfg.Threshold)
	case cfg.Snapshot <= 0 || cfg.Start < 0 || cfg.Rotation < 0:
		return 0, fmt.Errorf("%w: snapshot %v, start %v, rotation %v", ErrParameter, cfg.Snapshot, cfg.Start, cfg.Rotation)
	}
	if err := checkSchedule(cfg.Start, cfg.Days, cfg.Snapshot); err != nil {
		return 0, err
	}
	base := bg.maxClient() + 1 // P_A's identities are base, base+1, ...
	wins := 0
	for range cfg.Trials {
		t0 := cfg.Start + time.Duration(rng.Int64N(int64(day)))
		var phase time.Duration
		if cfg.Rotation > 0 {
			phase = time.Duration(rng.Int64N(int64(cfg.Rotation)))
		}
		identity := func(t time.Duration) int {
			if cfg.Rotation == 0 {
				return base
			}
			return base + int((t-t0+phase)/cfg.Rotation)
		}
		atk, _ := NewIntersectionAttack(cfg.Threshold)
		end := t0 + time.Duration(cfg.Days)*day
		for t := t0; t < end; t += cfg.Snapshot {
			id := identity(t)
			atk.observeTrace(
				func(c int) bool {
					if c >= base {
						return c == id
					}
					return bg.IsOnline(c, t)
				},
				func() []int { return append(bg.Online(t), id) },
			)
			if _, ok := atk.Verdict(); ok {
				break
			}
		}
		if v, ok := atk.Verdict(); ok && v[len(v)-1] >= base {
			wins++
		}
	}
	return float64(wins) / float64(cfg.Trials), nil
}

// maxClient returns the largest client identifier in the trace, or −1.
func (t *SessionTrace) maxClient() int {
	m := -1
	for c := range t.spans {
		m = max(m, c)
	}
	return m
}
