// Package auction implements BitStore's chunk market: the sealed-bid
// second-price auctions with private reserve prices that storage nodes
// hold to sell chunks, the seller's periodic market and the buyer's
// bidding strategy, after [BitStore] Figure 2 (cases 2 and 3) and §5.3.
// Payment tokens are in the subpackage
// [github.com/swarmblocks/swarmblocks/auction/token] (§5.1–5.2).
//
// [BitStore]: https://www.cs.princeton.edu/~jrex/papers/bitstore.pdf
package auction
