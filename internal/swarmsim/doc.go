// Package swarmsim models the neighbourhood of one downloading node of a
// BitTorrent-like swarm, as seen through the node's [steg.Picker]. It is
// the swarm in which steg's tests and measurements (the tables of the steg
// package documentation) and the walkthrough in examples/internal/stegdemo
// run their nodes; it is not part of [PACOM] Appendix A, which takes the
// swarm as given.
//
// # The model
//
// The node's neighbours are Seeds seeds, which hold every block and stay,
// and Leechers leechers, which hold a random subset of the m blocks. Block
// b has a popularity pop_b drawn uniformly from [0.3, 1.7) once per swarm,
// and a leecher a density u drawn uniformly from [0, 0.9): it holds block
// b with probability u·pop_b, independently, so availability is uneven
// from block to block and from leecher to leecher and rarest-first meets
// both ties and clear minima.
//
// Time advances one step per block the node downloads. In a step each
// leecher gains, with probability 0.3, the rarer (by the node's view of
// availability) of two blocks drawn uniformly at random, if it misses
// either: an approximation of rarest-first. Then, with probability 0.05,
// one leecher drawn uniformly is replaced by a fresh one (churn). Every
// change reaches the Picker at once, as the BITFIELD and HAVE messages of
// BEP 3 would.
//
// # The eavesdropper
//
// An eavesdropper may watch some of the node's neighbours (each with a
// given probability, seeds included): it then knows how many of the
// watched peers hold each block. [Swarm.Download] reports the mean, over
// the node's choices, of the rarity rank of the chosen block in that view:
// the fraction of the blocks the node still misses (other than the chosen
// one, and seen at least once) that the eavesdropper sees as strictly
// rarer. A rarest-first choice seen through every peer has rank 0; the
// steg package documentation explains why hiding a symbol raises it.
//
// # Draw order
//
// Runs are reproducible from the seed of the *rand.Rand a [Swarm] draws
// from. Two orders of the initial draws exist, because steg's tests and the
// walkthrough were first written apart and the figures each publishes must
// stay reproducible from its seed; they give swarms of the same
// distribution. By default seeds draw nothing, each leecher draws its
// density then its blocks, and [Swarm.Watch] later draws the
// eavesdropper's peers; with [Config.WatchOnJoin] every initial peer, seeds
// included, draws a density (unused by a seed), then its blocks (a
// leecher), then whether the eavesdropper watches it. Likewise requests
// complete in an order drawn at random unless [Config.InOrder] is set.
//
// # Limits
//
// The model has no bandwidth, latency, upload slots or choking: one step
// is one block time of the node, however many requests are in flight.
// Leechers lose blocks only by leaving, and the node uploads nothing: its
// own blocks never reach its neighbours. A Swarm is not safe for concurrent
// use.
//
// # References
//
//   - J. Lv et al., "PACOM: Parasitic anonymous communication in the
//     BitTorrent network", Computer Networks 74 (2014) 13–33,
//     doi:10.1016/j.comnet.2014.08.015.
//
// [PACOM]: https://doi.org/10.1016/j.comnet.2014.08.015
package swarmsim
