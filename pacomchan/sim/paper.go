package sim

import "time"

// Fig11 is the PACOM network of [PACOM §6.4], Fig. 11: clients P1…P8 are
// 0…7; P1–P5 form one PACOM swarm and P4–P8 another, and every client is
// connected to every other client of its swarms (19 links).
func Fig11() Topology {
	var edges [][2]int
	seen := map[[2]int]bool{}
	for _, swarm := range [][]int{{0, 1, 2, 3, 4}, {3, 4, 5, 6, 7}} {
		for a := range swarm {
			for b := a + 1; b < len(swarm); b++ {
				e := [2]int{swarm[a], swarm[b]}
				if !seen[e] {
					seen[e] = true
					edges = append(edges, e)
				}
			}
		}
	}
	return Topology{Clients: 8, Edges: edges}
}

// Table4 returns the eight circuits of [PACOM §6.6], Table 4, as paths of
// client indices (P1 is 0): three relays each.
func Table4() [][]int {
	p := func(xs ...int) []int {
		for i := range xs {
			xs[i]--
		}
		return xs
	}
	return [][]int{
		p(2, 1, 5, 6, 7),
		p(2, 3, 4, 8, 6),
		p(3, 2, 4, 7, 8),
		p(3, 1, 5, 8, 7),
		p(1, 3, 5, 6, 8),
		p(1, 2, 4, 7, 6),
		p(4, 7, 6, 8, 5),
		p(5, 3, 4, 1, 2),
	}
}

// Fig11Traffic returns the traffic setup used for the emulation figures:
// the Fig. 11 network, one-way delays uniform in [1 ms, 100 ms] as in
// §6.4, 20 block requests per second per neighbour, 50 ms intervals (the
// sampling interval of §6.6), 1 KiB blocks and 4096-block files.
func Fig11Traffic(seed uint64, circuits [][]int, mode Mode, d time.Duration) TrafficConfig {
	return TrafficConfig{
		Seed: seed, Topology: Fig11(), Circuits: circuits, Mode: mode, Duration: d,
		RequestRate: 20, MessageRate: 5,
		MinDelay: time.Millisecond, MaxDelay: 100 * time.Millisecond,
		Bin: 50 * time.Millisecond, BlockSize: 1024, FileBlocks: 4096,
	}
}

// DefaultFig18MessageRate is the per-circuit data rate (segments per
// second) of the Fig. 18 reproduction. The paper does not give its load;
// this value puts the cover ratio at one circuit per client near the
// paper's 50 %, and the rest of the curve follows from the model.
const DefaultFig18MessageRate = 14
