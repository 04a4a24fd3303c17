// Package pacomchan implements the covert channels of PACOM (Lv et al.,
// "PACOM: parasitic anonymous communication in the BitTorrent network",
// Computer Networks 74, 2014): fixed-size encrypted blocks exchanged by
// neighbouring PACOM clients, the request-driven packet scheduling that
// makes the traffic of every link independent of the data it carries, the
// end-to-end circuits built over those channels, and the bootstrapping that
// forms PACOM swarms.
//
// The parts, each usable alone, all state machines that take events and
// return what to send, with no goroutines or I/O of their own:
//
//   - [Link], the neighbour-to-neighbour channel of [PACOM §3.4]: the
//     X25519 handshake of Fig. 4 carried in the first block each side
//     serves, BLAKE3 key derivation and key rotation, and blocks
//     E_k{len, data} or E_k{0, pad} of exactly one BitTorrent block each.
//   - [Scheduler], Algorithm 1 of [PACOM §3.2]: per-neighbour output queues
//     Q(P_i, P_j), at most h = 10 outstanding requests per neighbour, the
//     next block drawn at random from B(P_j) − B(P_i), every request
//     answered at once with queued data or a dummy block, plain blocks for
//     ordinary BitTorrent peers, and completion reported so the client can
//     rejoin another PACOM swarm.
//   - [Router], the circuits of [PACOM §3.5]: handshake requests flooded
//     with a TTL and sealed to the target with HPKE, the circuit table with
//     purging, responses back along the path, data in both directions, and
//     the four extensions (parallel circuits, random-walk extension with
//     probability p0, acknowledgements with rebuild, a handshake bandwidth
//     cap per channel).
//   - [Node], a whole client: a Scheduler whose PACOM neighbours each have
//     a Link, and a Router whose messages are the segments those links
//     carry.
//   - [Bootstrapper], [PACOMInfoHash], [FileCount] and [SwarmCap], the
//     bootstrapping of [PACOM §3.3], with a pluggable [Hider] for the
//     covert id.
//
// The evaluation of [PACOM §6] (Figs. 10, 15–16, 18 and Theorem 1) is
// reproduced by the simulations of package pacomchan/sim. Package
// pacomchan/pacomnet runs a [Node] on real sockets, speaking BEP 3 over
// TCP (package peerwire is the codec), and measures cover traffic and
// Theorem 1's correlation on the wire. A PACOM swarm's file is a real
// torrent ([FileInfo]): I_x is the SHA-1 of its info dictionary.
//
// # Protocol overview
//
// Blocks flow only in answer to requests, so each link's traffic is set by
// the requester alone. A circuit from P_s to P_t through P_i:
//
//	P_s                        P_i                        P_t
//	 |-- block {g^x} ---------->|<--------- block {g^y} --|   first block served
//	 |<- block {g^y'} ----------|---------- block {g^x'}->|   on each link (Fig. 4)
//	 |                          |                         |
//	 |== E_k{0,h_id,TTL,E_t{h_id,time,sec_str,K}} ==>|    |   handshake, flooded
//	 |                          |== same, TTL−1 =========>|   (record at P_i)
//	 |                          |<======= E_k'{1,h_id,E_K{sec_str}} ==|
//	 |<== E_k{1,h_id,E_K{sec_str}} ==|                    |   suc_flag = true
//	 |== E_k{2,h_id,E_K{d_id,len,data}} ==>|== same ====>|   data, both ways
//
// Every E_k{...} above is one block of the neighbours' PACOM file, served
// when the neighbour requests a block; when nothing is queued the block is
// E_k{0, pad}.
//
// # Choices where the paper is open
//
//   - Blocks: ChaCha20-Poly1305 in place of AES, with an explicit 64-bit
//     sequence number per direction as the nonce, masked with AES over a
//     ciphertext sample as in QUIC's header protection (RFC 9001 §5.4), so
//     blocks still look random. The receiver keeps a sliding window of
//     [ReplayWindow] sequence numbers: blocks may be lost, reordered and
//     duplicated (a request served and then cancelled, a PIECE on another
//     connection, a peer that serves out of order), while a duplicate or a
//     block behind the window is refused with [ErrBlockReplay], a forgery
//     with [ErrAuth], both counted, and neither changes the link. The
//     padding is zeros under the encryption, which is as good as the
//     paper's random pad and cheaper. Keys: BLAKE3 derive-key over g^xy
//     and both halves, one key per direction; every [DefaultRotateAfter]
//     sequence numbers a key is replaced by a BLAKE3 derivation of itself
//     (the receiver keeps the previous epoch's key for reordered blocks).
//     The Fig. 4 handshake is acknowledged: a side serves handshake blocks,
//     which carry a 16-byte acknowledgement of the peer's half derived
//     from g^xy once it has that half, until the peer has acknowledged its
//     own half or a sealed block of the peer opens; so any handshake block
//     may be lost. One [Link] per BitTorrent connection, that is, per
//     neighbour and swarm. A block shorter than [MinBlockSize] (the short
//     last block of a file) is random filler that carries nothing.
//   - Circuits: HPKE (RFC 9180, X25519/HKDF-SHA256/ChaCha20-Poly1305) in
//     place of RSA for E_t; the inner h_id is still checked against the
//     outer one, as §3.5 prescribes. E_K{...} is XChaCha20-Poly1305 with
//     random nonces and K split by BLAKE3 into a response key and one key
//     per direction; the AEAD tag replaces the MD5 checksum. Data messages
//     keep d_id and len inside the encryption as in Eq. 7. The target
//     refuses a handshake whose time is more than [DefaultMaxSkew] from its
//     clock (but still forwards it, so the refusal does not reveal it), and
//     each h_id is handled once per client (later copies of a flood are
//     dropped), which also stops replays: a removed record leaves a
//     tombstone of its h_id until no copy of the handshake can pass the
//     time check (2·MaxSkew after the record was made), so a handshake
//     replayed after a reconnection is refused with [ErrReplay]. Against
//     exhaustion: established circuits that carry nothing for
//     [RouterConfig.IdleAfter] are purged at every hop; each neighbour
//     connection holds at most [RouterConfig.MaxRecordsPerNeighbour]
//     records ([ErrQuota]), all neighbours together at most
//     [RouterConfig.MaxRecords], and the client's own circuits have their
//     own cap [RouterConfig.MaxOwn], so a neighbour that floods handshakes
//     cannot keep the client from building circuits. A client that can open
//     a handshake still forwards it, so the end of the flood does not
//     reveal the target. A TTL that reaches zero is not forwarded (the next
//     hop would discard it); a TTL above [DefaultMaxTTL] is refused.
//   - Acknowledgements (extension 3) list the d_ids received; only the
//     source can rebuild a circuit (the target does not know the source),
//     and rebuilt circuits resend unacknowledged data, so the target may
//     see a d_id of the old circuit again under a new circuit id.
//   - Eq. 4: HF(x, IP(P_b), d) is the SHA-1 of the info dictionary of a
//     PACOM file derived from x, the 16-byte form of the address and the
//     UTC date ([FileInfo]), so get_peers(I_x) and BEP 9 work as for any
//     torrent. A swarm is full once its member count
//     is larger than its Pareto cap b, as §3.3 states. A bootstrapping node
//     re-draws the advertised swarm after every join (case 2).
//
// # Performance
//
// On the 2-core AMD EPYC development machine (go test -bench, quiet
// machine): sealing and opening a 16 KiB block cost within a few per cent
// of chacha20poly1305 alone on the same bytes (BenchmarkSealBlock,
// BenchmarkOpenBlock), without allocation; the neighbour handshake
// (two key pairs, two 16 KiB handshake blocks, two X25519 and the
// derivation) about 0.27 ms; a scheduler event 40–75 ns without the
// cryptography; a relay's circuit forwarding step 65 ns.
//
// # Limits
//
// Handshake blocks carry a raw X25519 public key. Its top bit is randomised,
// but only about half of all 255-bit strings are valid curve points, so an
// observer who collects many handshake blocks can tell them from random
// bytes with some advantage; hiding the key fully needs Elligator 2, which
// the standard library does not provide. The blocks are encrypted data that
// look random, which PACOM's Public Use Case accepts (§6.8); hiding them in
// file content with steganography (the Private Use Case) is out of scope.
// The neighbour handshake is unauthenticated Diffie–Hellman, as in the
// paper: an active attacker who controls a TCP connection from its start
// can sit in the middle of that one channel. It learns only circuit
// messages, whose contents HPKE and the circuit keys protect end to end.
// The circuit layer gives the source anonymity of §3.5 against relays and
// the target, not against a global observer of many blocks' timing beyond
// what Theorem 1 covers. Nothing here is safe for concurrent use.
//
// # References
//
//   - Lv et al., "PACOM: parasitic anonymous communication in the
//     BitTorrent network", Computer Networks 74 (2014),
//     [doi:10.1016/j.comnet.2014.08.015].
//   - [RFC 9180] (HPKE), [RFC 7748] (X25519), [RFC 9001] §5.4 (header
//     protection), [RFC 6479] (anti-replay window), [BEP 3] (the peer wire
//     protocol), [BEP 9] (metadata exchange).
//
// [PACOM §3.2]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.3]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.4]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.5]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §6]: https://doi.org/10.1016/j.comnet.2014.08.015
// [doi:10.1016/j.comnet.2014.08.015]: https://doi.org/10.1016/j.comnet.2014.08.015
// [RFC 9180]: https://www.rfc-editor.org/rfc/rfc9180
// [RFC 7748]: https://www.rfc-editor.org/rfc/rfc7748
// [RFC 9001]: https://www.rfc-editor.org/rfc/rfc9001
// [RFC 6479]: https://www.rfc-editor.org/rfc/rfc6479
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
// [BEP 9]: https://www.bittorrent.org/beps/bep_0009.html
package pacomchan
