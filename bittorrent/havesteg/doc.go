// Package havesteg runs the HAVE-order steganography of [PACOM] (§3.3 and
// Appendix A, Algorithms 2 and 3) inside real BitTorrent clients built on
// github.com/anacrolix/torrent: a bootstrapping node hides a swarm id x in
// the order in which it completes the pieces of a carrier torrent, and so
// in the order of the BEP 3 HAVE messages (each carrying one piece index)
// its neighbours receive; a joining node holding the key reads x off
// those HAVEs.
//
// # Protocol overview
//
//	hiding client (Hider)                          watching client (Watcher)
//	steg.Plan: class of H_x wanted,                 Callbacks.ReadMessage:
//	the other held (piece priorities)               one steg.StreamDecoder per connection
//	        ── HAVE_NONE or BITFIELD ─────────────>  pieces held before: no order
//	        ── HAVE p₁ ───────────────────────────>  Push(p₁)
//	                   ⋮   (pieces of one class, in anacrolix's own order)
//	        ── HAVE p_c ──────────────────────────>  only H_x fits the last c: x
//
// The parts:
//
//   - [Hider] steers one torrent of an anacrolix client by an [Encoder]
//     (a [steg.Plan], [steg.BeaconPlan] or [steg.SenderPlan]): it sets the
//     priority of the missing pieces of the active class of H_x to
//     PiecePriorityNormal and of the others to PiecePriorityNone, as the
//     encoder says, fed by the torrent's piece-state changes and the
//     availability it counts on its connections. anacrolix has no piece
//     picker interface; it orders requests by priority, then partial
//     pieces, then availability, then index, and sends a HAVE for every
//     piece it verifies. Inside the wanted class the order stays
//     anacrolix's own.
//   - [Watcher], installed in a client's [torrent.ClientConfig], reads the
//     have-messages of every connection of one torrent through
//     [torrent.Callbacks.ReadMessage] and reports the symbol each peer's
//     HAVE order carries (HAVE_ALL and HAVE_NONE: see [Watcher]).
//
// # Measurements
//
// TestRealSwarm runs a seed, a hiding node and 10 plain anacrolix leechers
// (v1.61.0, the newest release that builds here: v1.62.0 needs a go-utp
// version the module proxy refuses) on loopback TCP, a 256-piece torrent
// of 16 KiB pieces, n = 100, c = 24, and a watcher every leecher connects
// to, which reads every leecher's HAVE order. The seed (20261207) fixes
// the keys, symbols and content of every swarm; the order of events on
// the sockets is not reproducible, so figures move a little from one
// execution to the next. 60 swarms were measured by
//
//	SWARMBLOCKS_SWARMS=60 go test -run TestRealSwarm -v ./havesteg
//
// (SWARMBLOCKS_LONG=1 runs 20; the default 4, and one of 128 pieces under
// -race).
//
// Recovery, with the default stall grace of 1 s
// ([HiderConfig.StallGrace]): the watcher found x in the hiding node's
// HAVEs in 60 of 60 swarms, every time after 24 HAVEs (c), and the hiding
// node sent no stray HAVE in any of them ([Hider.OffClass] 0). Without the
// grace (the plan releasing a piece of the other class as soon as it is
// stalled) x was still found in 60 of 60, after 24 HAVEs in 55 and at most
// 40, but 35 of the 60 hiding nodes released a piece outside the active
// class: a node meets leechers that already hold pieces of one class a
// moment before it meets the seed. Each swarm took 1.1 to 4.4 s on a
// loaded machine; the grace delays nothing there, as the seed's
// connection arrives within it.
//
// Keyless tests on the HAVE order, 60 hiding nodes against the 600 plain
// anacrolix leechers of the same swarms (with the grace). "Flagged" is the
// share of nodes with p < 0.05; "advantage" is the two-sample KS statistic
// between the hiding and the plain nodes' values, which is the advantage
// of the best distinguisher that thresholds the test's value; its p-value
// says whether the advantage exceeds chance (at these sample sizes an
// advantage below about 0.18 is within chance at the 5% level):
//
//	test                                   plain mean  flagged  hide mean  flagged  advantage  KS p
//	chi-square, 4 own classes x 8 segments     0.504    0.053      0.526    0.000      0.127   0.32
//	runs test, own 2-class partition           0.500    0.038      0.479    0.033      0.073   0.92
//	KS, positions of own 2 classes             0.522    0.045      0.522    0.083      0.107   0.54
//	Spearman rho, position vs piece index      0.079      -        0.076      -        0.122   0.37
//	descents (index drops between HAVEs)      53.52       -       56.50       -        0.103   0.58
//
// No test tells the hiding node from its plain neighbours. The first
// three cannot, by construction (see package steg: an observer's own
// random partition is independent of any order); the last two look at the
// indexes themselves, which anacrolix orders by availability and then by
// index: in a swarm of 11 leechers availability changes fast enough that
// plain orders are far from sorted (rho ≈ 0.09), and the class rule does
// not stand out.
//
// The symbol spreads: the plain leechers download from the hiding node
// what it has, the pieces of one class of H_x, and anacrolix prefers
// them while they are rarer, so their own HAVE orders inherit long runs of
// that class. The watcher decoded a symbol from 58 of the 600 plain
// leechers (in 22 of the 60 swarms; 69 in 24 without the grace), every
// time x itself, never another symbol. A joining node thus reads the
// right swarm id, but cannot take the peer whose HAVEs carry x for the
// bootstrapping node: about one neighbour of the hiding node in ten
// carries x too, which matters where
// [PACOM] §3.3 derives I_x = HF(x, IP(P_b), d) from P_b's address.
//
// # Limits
//
//   - A client that only watches wants no piece, and anacrolix opens and
//     keeps connections only for torrents that need data or seed: set
//     [torrent.ClientConfig.AlwaysWantConns] and let peers connect to it,
//     or watch from a client that downloads the carrier torrent too (a
//     joining PACOM node does).
//   - The Hider owns the torrent's piece priorities: file priorities,
//     DownloadAll and readers raise priorities above the plan's and break
//     the class order.
//   - Pieces verified before the Hider starts, or before a peer connects,
//     travel in the BITFIELD and carry no order; a watcher needs c HAVEs
//     of one class after it connects.
//   - The warnings of package steg apply: the key is shared by every PACOM
//     client, and an eavesdropper who sees the availability around the
//     node can notice that it leaves rarest-first for half of its choices.
//
// [PACOM] is J. Lv et al., "PACOM: parasitic anonymous communication in
// the BitTorrent network", Computer Networks 74 (2014) 13–33,
// https://doi.org/10.1016/j.comnet.2014.08.015.
package havesteg
