// Package pacomnet runs PACOM clients on real sockets: a [Client] speaks
// the BitTorrent peer wire protocol ([BEP 3], through package peerwire)
// over TCP in every PACOM swarm it joins — handshake, BITFIELD, HAVE,
// INTERESTED, CHOKE and UNCHOKE with BitTorrent's choker, REQUEST, PIECE,
// CANCEL and keep-alives — and runs Algorithm 1 of [PACOM §3.2] through a
// [pacomchan.Node], which stays a sans-IO state machine. The adapter only
// frames, paces, times out and retries.
//
// # Protocol overview
//
//	P_i                                          P_j   (one TCP connection per swarm)
//	 |-- handshake (I_x, peer id with PACOM tag) -->|
//	 |<-- handshake --------------------------------|
//	 |-- BITFIELD, INTERESTED --------------------->|
//	 |<-- UNCHOKE (choker) -------------------------|
//	 |-- REQUEST k (Poisson, at most h = 10) ------>|
//	 |<-- PIECE k = E_k{len, segment | pad} --------|   served at once (lines 20–28)
//	 |-- HAVE k (to every peer of the swarm) ------>|   acknowledges PIECE k
//	 |-- CANCEL k (timeout: PIECE k lost) --------->|   P_j requeues the segment
//
// # Choices
//
//   - Swarms: a PACOM file is a [pacomchan.FileInfo], a real torrent whose
//     info-hash I_x is the SHA-1 of an info dictionary derived from (x,
//     IP(P_b), d); one piece is one block, so HAVE k acknowledges block k.
//     Members start with the pieces the caller says they hold (a resumed
//     download); the bootstrapping node seeds.
//   - Handshakes set the BEP 10 bit; the extended handshake announces
//     ut_metadata (BEP 9) and the metadata size.
//   - PACOM peers recognise each other at the handshake: the last 6 bytes
//     of the peer id are a BLAKE3 MAC of the rest keyed by the info-hash.
//     Any other peer is an ordinary BitTorrent client.
//   - Requests on each connection form a Poisson process of rate
//     [Config.RequestRate], independent of everything else, as Theorem 1
//     assumes; each is answered at once with the next queued segment or a
//     dummy block.
//   - Loss: a request unanswered for [Config.RequestTimeout] is cancelled
//     and its block becomes requestable again; a peer that receives the
//     CANCEL of a request it had answered puts the segment that block
//     carried back at the head of the queue, and a HAVE releases it. So a
//     segment is carried exactly once per hop unless the connection dies;
//     duplicated PIECEs are dropped (the request is settled), reordered
//     ones open (the [pacomchan.Link] window), and each circuit's data is
//     delivered in d_id order.
//   - The choker unchokes, every [Config.ChokeInterval], the
//     [Config.UnchokeSlots] interested peers that sent the most pieces,
//     plus one optimistic unchoke rotated every third interval. A choked
//     PACOM neighbour's channel pauses; a choke cancels the requests it
//     discards, so their segments are requeued.
//
// # Ordinary BitTorrent clients in a PACOM swarm
//
// A client that finds a PACOM swarm through the DHT (get_peers(I_x)) and
// fetches its metadata sees an ordinary single-file torrent of
// random-looking content. A PACOM client serves it genuine pieces that
// pass the SHA-1 check (Algorithm 1, lines 21–22), requests pieces from it
// like from anyone, checks what it gets against the file and counts
// mismatches ([Stats].BadPlain); no circuit message, handshake block or
// cover block ever goes to it, and its blocks never reach a Link or the
// router. So the PACOM client stays correct and reveals nothing to it
// beyond what any seed reveals. How detectable PACOM is: the swarm's
// traffic is BitTorrent's (request-driven blocks of the requested sizes);
// but blocks exchanged between PACOM peers do not match the file, so an
// observer who knows (x, IP(P_b), d) — guessable: x ≤ 100, a date and an
// address — can recompute the file and tell sealed blocks from genuine
// ones, and one who knows the info-hash can check peer ids for the PACOM
// tag. Indistinguishability of §4.2 therefore holds only against
// observers who do not check block contents against the torrent, as the
// paper's Public Use Case assumes; the Private Use Case needs
// steganographic blocks, which this package does not provide. Every
// client answers BEP 9 metadata requests (ut_metadata over the BEP 10
// extension protocol), so a client that knows only I_x fetches the info
// dictionary from any member, as bittorrent/pacomwire's test of an
// anacrolix/torrent client shows.
//
// [Impair] and [Meter] wrap connections to inject loss, duplication and
// reordering of blocks and to count what the wire carries, for tests,
// measurements and examples.
//
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
// [PACOM §3.2]: https://doi.org/10.1016/j.comnet.2014.08.015
package pacomnet
