package marketsim

import (
	"math/rand/v2"
	"time"
)

// arrivalTimes draws n client arrival times from paper 003's model of a
// torrent's arrival rate, λ(t) = λ0·e^(−t/τ) [Guo et al. §3]. Conditioned on
// n arrivals in all, the arrival times of this non-homogeneous Poisson
// process are independent with density λ(t)/∫λ = e^(−t/τ)/τ: exponential
// with mean τ (and λ0 = n/τ). The swarmmodel package (written in parallel)
// was not on main when this was written, hence this local draw.
func arrivalTimes(n int, tau time.Duration, rng *rand.Rand) []time.Duration {
	at := make([]time.Duration, n)
	for i := range at {
		at[i] = time.Duration(rng.ExpFloat64() * float64(tau))
	}
	return at
}
