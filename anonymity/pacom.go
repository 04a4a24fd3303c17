package anonymity

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// PrivateUseCase returns the effective anonymity set size, in bits, of
// PACOM's Private Use Case [PACOM §4.2]: PACOM clients are
// indistinguishable from the N online BitTorrent clients, each equally
// likely to be the sender, so S = log2 N.
func PrivateUseCase(bitTorrentClients int) (float64, error) {
	if bitTorrentClients < 1 {
		return 0, fmt.Errorf("%w: %d online clients", ErrParameter, bitTorrentClients)
	}
	return math.Log2(float64(bitTorrentClients)), nil
}

// PublicUseCase returns the effective anonymity set size, in bits, of
// PACOM's Public Use Case [PACOM §4.2]: an adversary who has located every
// PACOM client narrows the sender to the n online PACOM clients,
// S = log2 n.
func PublicUseCase(pacomClients int) (float64, error) {
	if pacomClients < 1 {
		return 0, fmt.Errorf("%w: %d online PACOM clients", ErrParameter, pacomClients)
	}
	return math.Log2(float64(pacomClients)), nil
}

// Theorem2 returns the effective anonymity set size, in bits, of PACOM
// against collaborating attacks (Theorem 2 of [PACOM §4.4.2], proof in
// Appendix B): log2(n(1 − q^r)), for n PACOM clients that each join r
// PACOM swarms (r may be an average, so it is real), a ratio q of the
// bootstrapping nodes being malicious. A client whose swarms are all
// malicious (trap mode, probability q^r) is identified; the others are
// equally likely senders.
//
// When fewer than one client is expected outside trap mode, n(1 − q^r) < 1,
// the formula would go negative; an entropy cannot, and Theorem2 returns 0
// (the adversary identifies the sender). Parameters out of range (n < 1,
// q outside [0, 1], r ≤ 0, NaN) give [ErrParameter].
func Theorem2(n int, q, r float64) (float64, error) {
	if n < 1 || !(q >= 0 && q <= 1) || !(r > 0) || math.IsInf(r, 1) {
		return 0, fmt.Errorf("%w: Theorem 2 with n=%d q=%v r=%v", ErrParameter, n, q, r)
	}
	set := float64(n) * (1 - math.Pow(q, r))
	if set < 1 {
		return 0, nil
	}
	return math.Log2(set), nil
}

// CollaborationConfig sets up the Monte-Carlo check of [Theorem2]:
// Clients PACOM clients each join Swarms PACOM swarms, each created by a
// bootstrapping node drawn uniformly from Bootstraps nodes of which
// Malicious are run by the adversary (so q = Malicious/Bootstraps), and one
// client, drawn uniformly, sends a message.
type CollaborationConfig struct {
	Clients    int // n ≥ 1
	Swarms     int // r ≥ 1
	Bootstraps int // ≥ 1
	Malicious  int // in [0, Bootstraps]
	Trials     int // ≥ 1
}

// Q returns the ratio of malicious bootstrapping nodes.
func (c CollaborationConfig) Q() float64 { return float64(c.Malicious) / float64(c.Bootstraps) }

func (c CollaborationConfig) validate() error {
	if c.Clients < 1 || c.Swarms < 1 || c.Bootstraps < 1 || c.Malicious < 0 || c.Malicious > c.Bootstraps || c.Trials < 1 {
		return fmt.Errorf("%w: %+v", ErrParameter, c)
	}
	return nil
}

// CollaborationResult is the outcome of [SimulateCollaboration].
type CollaborationResult struct {
	// Theorem is log2(n(1 − q^r)) from [Theorem2].
	Theorem float64
	// Hidden is the mean measured entropy, in bits, over the trials in
	// which the sender was not in trap mode: the quantity Appendix B
	// computes. It is slightly below Theorem (Jensen's inequality: the
	// number of trapped clients varies from trial to trial); NaN if the
	// sender was trapped in every trial.
	Hidden float64
	// Overall is the mean measured entropy over all trials, trapped
	// senders (entropy 0) included: about (1 − q^r)·Theorem.
	Overall float64
	// TrappedSender is the fraction of trials whose sender was in trap
	// mode (≈ q^r).
	TrappedSender float64
	// TrappedClients is the mean number of clients in trap mode (≈ n·q^r).
	TrappedClients float64
}

// SimulateCollaboration checks Theorem 2 by simulation. In each trial every
// client joins Swarms swarms of uniformly drawn bootstrapping nodes; the
// clients all of whose swarms are malicious are in trap mode and the
// adversary sees whether each of them originates traffic. The adversary's
// view is then a distribution over the n clients — all mass on the sender
// if it is trapped, otherwise uniform over the clients not in trap mode —
// and its entropy is measured with [Measure]. The simulation is
// reproducible from rng.
func SimulateCollaboration(rng *rand.Rand, cfg CollaborationConfig) (CollaborationResult, error) {
	if rng == nil {
		return CollaborationResult{}, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := cfg.validate(); err != nil {
		return CollaborationResult{}, err
	}
	theorem, err := Theorem2(cfg.Clients, cfg.Q(), float64(cfg.Swarms))
	if err != nil {
		return CollaborationResult{}, err
	}
	res := CollaborationResult{Theorem: theorem}
	trapped := make([]bool, cfg.Clients)
	view := make([]float64, cfg.Clients)
	var hiddenSum float64
	var hiddenN, senderTrapped, trappedTotal int
	for range cfg.Trials {
		nTrapped := 0
		for i := range trapped {
			trap := true
			for range cfg.Swarms {
				if rng.IntN(cfg.Bootstraps) >= cfg.Malicious {
					trap = false // a single honest swarm hides the client
				}
			}
			trapped[i] = trap
			if trap {
				nTrapped++
			}
		}
		trappedTotal += nTrapped
		sender := rng.IntN(cfg.Clients)
		for i := range view {
			switch {
			case trapped[sender]:
				view[i] = 0
				if i == sender {
					view[i] = 1
				}
			case trapped[i]:
				view[i] = 0
			default:
				view[i] = 1
			}
		}
		m, err := Measure(view)
		if err != nil {
			return CollaborationResult{}, err
		}
		res.Overall += m.Entropy
		if trapped[sender] {
			senderTrapped++
		} else {
			hiddenSum += m.Entropy
			hiddenN++
		}
	}
	t := float64(cfg.Trials)
	res.Overall /= t
	res.TrappedSender = float64(senderTrapped) / t
	res.TrappedClients = float64(trappedTotal) / t
	res.Hidden = math.NaN()
	if hiddenN > 0 {
		res.Hidden = hiddenSum / float64(hiddenN)
	}
	return res, nil
}
