package pacomchan

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Bootstrapping parameters of [PACOM §3.3].
const (
	// InfoHashSize is the size of a BitTorrent info-hash, the output of HF
	// in Eq. 4.
	InfoHashSize = 20
	// FileCountP is p of the geometric number of PACOM files per
	// bootstrapping node, Pr(c) = p^(c−1)(1 − p), measured by Guo et al.
	FileCountP = 0.8551
	// MaxFiles truncates that distribution: 1 ≤ c ≤ 100.
	MaxFiles = 100
	// SwarmCapMean and SwarmCapVariance are the mean and variance of the
	// Pareto distribution of the swarm size threshold b.
	SwarmCapMean     = 11.12
	SwarmCapVariance = 13.42
)

// ErrNotServing is returned by [Bootstrapper] methods once every swarm is
// full (case 1).
var ErrNotServing = errors.New("pacomchan: bootstrapping node has stopped serving (all swarms full)")

// InfoHash is a 20-byte BitTorrent info-hash.
type InfoHash [InfoHashSize]byte

// PACOMInfoHash returns I_x = HF(x, IP(P_b), d) of Eq. 4: the info-hash
// of the x-th PACOM file shared by the bootstrapping node at address ip on
// the date of day (its UTC calendar date), with the default [FileSpec]. HF
// is the SHA-1 of the file's info dictionary ([FileInfo]), so the swarm is
// found with get_peers like any torrent; IPv4 and IPv4-mapped IPv6
// addresses give the same hash. It returns the zero hash for an x outside
// [1, [MaxFiles]] or an invalid address.
func PACOMInfoHash(x int, ip netip.Addr, day time.Time) InfoHash {
	f, err := NewFileInfo(x, ip, day, FileSpec{})
	if err != nil {
		return InfoHash{}
	}
	return f.InfoHash()
}

// FileCount draws c, the number of PACOM files of a bootstrapping node:
// geometric with p = [FileCountP] truncated to 1 ≤ c ≤ [MaxFiles], sampled
// exactly by inverting the truncated distribution function.
func FileCount(rng *rand.Rand) int {
	return truncatedGeometric(rng, FileCountP, MaxFiles)
}

// truncatedGeometric draws c in [1, limit] with Pr(c) ∝ p^(c−1)(1 − p).
func truncatedGeometric(rng *rand.Rand, p float64, limit int) int {
	// P(C ≤ c | C ≤ limit) = (1 − p^c) / (1 − p^limit).
	u := rng.Float64() * (1 - math.Pow(p, float64(limit)))
	c := int(math.Floor(math.Log1p(-u)/math.Log(p))) + 1
	return min(max(c, 1), limit)
}

// SwarmCap is the Pareto distribution (type I) of b, the size above which a
// PACOM swarm is announced full.
type SwarmCap struct {
	Xm, Alpha float64
}

// DefaultSwarmCap is the distribution of §3.3: mean 11.12 and variance
// 13.42, that is α = 1 + √(1 + mean²/variance) ≈ 4.196 and
// x_m = mean·(α − 1)/α ≈ 8.47.
var DefaultSwarmCap = paretoFromMoments(SwarmCapMean, SwarmCapVariance)

// ErrSwarmCap is returned for a swarm-cap distribution whose parameters or
// moments are not positive and finite.
var ErrSwarmCap = errors.New("pacomchan: invalid swarm-cap distribution")

// SwarmCapFromMoments returns the Pareto distribution with the given mean
// and variance, both positive and finite; anything else is an error
// wrapping [ErrSwarmCap].
func SwarmCapFromMoments(mean, variance float64) (SwarmCap, error) {
	if !positiveFinite(mean) || !positiveFinite(variance) {
		return SwarmCap{}, fmt.Errorf("%w: mean %v, variance %v", ErrSwarmCap, mean, variance)
	}
	s := paretoFromMoments(mean, variance)
	if err := s.validate(); err != nil { // mean²/variance overflowed
		return SwarmCap{}, err
	}
	return s, nil
}

func paretoFromMoments(mean, variance float64) SwarmCap {
	// variance/mean² = 1/(α(α − 2)) for α > 2.
	alpha := 1 + math.Sqrt(1+mean*mean/variance)
	return SwarmCap{Xm: mean * (alpha - 1) / alpha, Alpha: alpha}
}

func (s SwarmCap) validate() error {
	if !positiveFinite(s.Xm) || !positiveFinite(s.Alpha) {
		return fmt.Errorf("%w: x_m %v, α %v", ErrSwarmCap, s.Xm, s.Alpha)
	}
	return nil
}

func positiveFinite(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// Dist returns the distribution as a gonum [distuv.Pareto].
func (s SwarmCap) Dist() distuv.Pareto { return distuv.Pareto{Xm: s.Xm, Alpha: s.Alpha} }

// Sample draws b.
func (s SwarmCap) Sample(rng *rand.Rand) float64 {
	return s.Xm * math.Exp(rng.ExpFloat64()/s.Alpha)
}

// ShouldBootstrap is the rule of §3.3 for a newly joining client: it makes
// itself a bootstrapping node if it detected fewer than threshold of them.
func ShouldBootstrap(detected, threshold int) bool { return detected < threshold }

// Hider carries the id x of the PACOM swarm that newcomers should join in
// the BitTorrent messages a bootstrapping node sends while downloading a
// popular file (PACOM Appendix A: the order of HAVE messages). The steg
// package provides one; any covert carrier fits.
type Hider interface {
	// Hide makes the messages sent from now on carry x (1 ≤ x ≤ 100).
	Hide(x int) error
	// Stop stops hiding: the node no longer guides newcomers (case 1).
	Stop() error
}

// PACOMFile is one file, and so one PACOM swarm, of a bootstrapping node.
type PACOMFile struct {
	X       int     // local id, 1 ≤ X ≤ c
	Cap     float64 // b: the swarm is full once it has more members
	Members int     // clients that joined it
	ip      netip.Addr
	day     time.Time
}

// InfoHash returns I_x of Eq. 4 for this file ([PACOMInfoHash]). It is
// computed on each call (about a millisecond), not kept.
func (f PACOMFile) InfoHash() InfoHash { return PACOMInfoHash(f.X, f.ip, f.day) }

// Full reports whether the swarm has more members than its cap.
func (f PACOMFile) Full() bool { return float64(f.Members) > f.Cap }

// Bootstrapper is a bootstrapping node P_b of §3.3: it shares c PACOM files,
// each a swarm with its own size cap, and tells newcomers, through its
// [Hider], which one to join. After each join it applies case 1 (every
// swarm full: stop hiding, stop serving) or case 2 (hide the id of a swarm
// picked at random among those not full). Members leaving do not make a
// stopped node resume; a new bootstrapping node takes over instead
// ([ShouldBootstrap]).
type Bootstrapper struct {
	files   []PACOMFile
	current int // index into files; −1 when stopped
	hider   Hider
	rng     *rand.Rand
}

// NewBootstrapper draws the node's file count and swarm caps from rng,
// remembers its address and the date of day for the info-hashes, and starts
// hiding the id of a random swarm. The bootstrapping node itself is not
// counted as a member. The zero caps means [DefaultSwarmCap]; other caps
// need a positive, finite x_m and α ([ErrSwarmCap]). A nil rng or hider is
// an error.
func NewBootstrapper(ip netip.Addr, day time.Time, rng *rand.Rand, caps SwarmCap, hider Hider) (*Bootstrapper, error) {
	if !ip.IsValid() {
		return nil, errors.New("pacomchan: invalid bootstrapping node address")
	}
	if caps == (SwarmCap{}) {
		caps = DefaultSwarmCap
	}
	if err := caps.validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("%w: NewBootstrapper", ErrNilRand)
	}
	if hider == nil {
		return nil, fmt.Errorf("%w: NewBootstrapper needs a Hider", ErrNilArgument)
	}
	c := FileCount(rng)
	b := &Bootstrapper{hider: hider, rng: rng, current: -1}
	for x := 1; x <= c; x++ {
		b.files = append(b.files, PACOMFile{X: x, Cap: caps.Sample(rng), ip: ip, day: day})
	}
	if err := b.advertise(); err != nil {
		return nil, err
	}
	return b, nil
}

// Files returns the node's PACOM files.
func (b *Bootstrapper) Files() []PACOMFile { return append([]PACOMFile(nil), b.files...) }

// Serving reports whether the node still guides newcomers.
func (b *Bootstrapper) Serving() bool { return b.current >= 0 }

// Current returns the file whose id is being hidden.
func (b *Bootstrapper) Current() (PACOMFile, error) {
	if b.current < 0 {
		return PACOMFile{}, ErrNotServing
	}
	return b.files[b.current], nil
}

// Join records that a newcomer joined swarm x, then applies case 1 or 2.
func (b *Bootstrapper) Join(x int) error {
	if b.current < 0 {
		return ErrNotServing
	}
	if x < 1 || x > len(b.files) {
		return fmt.Errorf("pacomchan: no PACOM file %d (node has %d)", x, len(b.files))
	}
	b.files[x-1].Members++
	return b.advertise()
}

// Leave records that a member left swarm x.
func (b *Bootstrapper) Leave(x int) error {
	if x < 1 || x > len(b.files) || b.files[x-1].Members == 0 {
		return fmt.Errorf("pacomchan: no member to leave PACOM file %d", x)
	}
	b.files[x-1].Members--
	return nil
}

// advertise applies cases 1 and 2.
func (b *Bootstrapper) advertise() error {
	open := make([]int, 0, len(b.files))
	for i, f := range b.files {
		if !f.Full() {
			open = append(open, i)
		}
	}
	if len(open) == 0 { // case 1
		b.current = -1
		if err := b.hider.Stop(); err != nil {
			return fmt.Errorf("pacomchan: stopping the hider: %w", err)
		}
		return nil
	}
	next := open[b.rng.IntN(len(open))] // case 2
	if err := b.hider.Hide(b.files[next].X); err != nil {
		return fmt.Errorf("pacomchan: hiding swarm id %d: %w", b.files[next].X, err)
	}
	b.current = next
	return nil
}
