// Package valuation implements the decision logic of a node of the BitTorrent
// Anonymity Marketplace [Marketplace §4, §5.1–5.2]: it values torrents from
// what the node observes of its neighbourhood, keeps the node's active set of
// k torrents, and unchokes neighbours by value-weighted upload service.
//
// The Marketplace gives k-traffic-anonymity: a node trades k torrents at once,
// its native interest and k−1 others, and downloads all k completely, so
// that its peers cannot tell which one it wanted. The cover torrents are not
// dead weight: the node values every torrent it sees advertised by supply
// and demand, trades the valuable ones and "cross-trades", unchoking a peer
// for any torrent it advertises. The hypothesis the paper tests is that such
// market-driven behaviour makes native and cover traffic indistinguishable.
//
// # Protocol overview
//
// Choke and unchoke are not torrent-specific (§5.1): an unchoked peer may
// request pieces of any torrent of the node's active set. Everything else is
// unmodified BitTorrent; the package consumes what a client already sees:
//
//	neighbour                        node (Market, ActiveSet, Unchoker)
//	   | -- BITFIELD(t) ----------->  Market.ObserveBitfield   (advertises t)
//	   | -- HAVE(t, i) ------------>  Market.ObserveHave       (freshness, supply)
//	   | -- REQUEST(t, i) --------->  Market.ObserveRequest    (demand)
//	   | -- PIECE(t, i) ----------->  Unchoker.Received, Market.SetOwnPieces
//	   |                              every 10 s:  Unchoker.Round  -> UNCHOKE/CHOKE
//	   | <- UNCHOKE (any torrent) --  every ~30 s: ActiveSet.Update -> join/leave a torrent
//	   | <- HAVE / BITFIELD(t') ----  (the new member is advertised)
//
// # Valuation
//
// A torrent's value is a weighted sum of four factors, each in [0, 1)
// ([Market.Factors]); the paper gives the factors but no formulas, so these
// are this package's well-defined readings:
//
//   - Completeness: the fraction of the torrent the node holds (0 once
//     complete: nothing is left to finish). The paper added it after its
//     nodes kept dropping half-done downloads for surging torrents (§5.2).
//   - DemandSupply: demand over supply in the neighbourhood, r/(1+r) with
//     r = demand/(1+supply), demand the pieces the advertising neighbours
//     still need and supply the pieces they hold, in whole torrents.
//   - Have: the torrent's share of recent HAVE announcements, each decayed
//     with a half-life (2 minutes by default).
//   - Request: the torrent's share of recent REQUESTs received (half-life 1
//     minute), the paper's best proxy for demand.
//
// The weights are configuration ([Weights]); [WeightGrid] is the paper's
// sweep grid. [DefaultWeights] are the best of the grid for each factor in
// the marketplace simulation of internal/marketsim (see Results).
//
// # Active set
//
// [NewActiveSet] joins with the native interest and k−1 torrents drawn
// uniformly, in a random order. [ActiveSet.Update] replaces the least
// valuable incomplete member by the most valuable torrent a neighbour
// advertises, if it is worth more by a hysteresis margin and no replacement
// happened within MinInterval (the paper's "decreased the frequency").
// Readings where the paper is vague:
//
//   - The native interest is never replaced: the node is there for it.
//   - A completed member stays in the set (it counts toward the k
//     downloads); it is seeded while its value is at least SeedThreshold.
//     So the node never runs more downloads than it still needs, and all of
//     its overhead comes from dropped partial downloads.
//   - The node leaves when k members, the native interest among them, are
//     complete ([ActiveSet.Done]).
//   - §6.1 late start: with LateStart the node joins k random torrents and
//     rotates its native interest in at the first update after LateStart,
//     or at once when only one incomplete slot is left.
//   - §6.1 even split is a neighbour-selection policy, outside this package:
//     internal/marketsim implements it.
//
// # Unchoking
//
// [Unchoker] credits each neighbour with the bytes it uploaded per torrent;
// each round (BitTorrent's 10 s) it weights them by the torrent's current
// value (one value per torrent: §5.1 keeps the value constant across a
// torrent), adds the decayed score of earlier rounds, gives the Regular
// slots to the best interested peers and the Optimistic slots to random
// others for OptimisticRounds rounds.
//
// # Results
//
// internal/marketsim reproduces the paper's evaluation with these types
// making every decision (go run ./examples/marketplace):
//
// RESULTS_PLACEHOLDER
//
// # Limits
//
// The valuation is a heuristic, tuned (like the paper's) to one simulated
// configuration; the weights are not known to transfer to real swarms. The
// adversaries are passive: active inquisitors that manipulate values
// (§5.4) and Sybil neighbourhoods are not modelled. Observations are
// trusted to be what the peer sent: a peer that lies in its BITFIELDs or
// REQUESTs shifts this node's values (§5.4 discusses the incentives). No
// type is safe for concurrent use. Times are durations from an epoch of the
// caller's choosing and must not decrease.
//
// [Marketplace §4, §5.1–5.2]: ../../shared/papers/000_d4cd5bfa6134b30f.txt
package valuation
