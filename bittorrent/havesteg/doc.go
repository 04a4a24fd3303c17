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
//   - [Hider] steers one torrent of an anacrolix client: it sets the
//     priority of the missing pieces of the active class of H_x to
//     PiecePriorityNormal and of the others to PiecePriorityNone, as a
//     [steg.Plan] says, fed by the torrent's piece-state changes and the
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
// (v1.61.0) on loopback TCP, a 256-piece torrent of 16 KiB pieces, n = 100,
// c = 24, and a watcher connected to every leecher; 20 swarms, seed
// 20261207, are run by
//
//	SWARMBLOCKS_LONG=1 go test -run TestRealSwarm -v ./havesteg
//
// RESULTS
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
