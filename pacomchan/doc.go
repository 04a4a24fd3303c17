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
// reproduced by the simulations of package pacomchan/sim.
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
//   - Blocks: ChaCha20-Poly1305 in place of AES, with the nonce an implicit
//     per-direction block counter (blocks travel in order over TCP), so
//     replayed, reordered and dropped blocks fail authentication and a
//     failed block leaves the link unchanged. The padding is zeros under the
//     encryption, which is as good as the paper's random pad and cheaper.
//     Keys: BLAKE3 derive-key over g^xy and both halves, one key per
//     direction; rotation replaces a key by a BLAKE3 derivation of itself
//     every [DefaultRotateAfter] blocks. A side that has not yet received
//     the peer's half keeps serving handshake blocks; the receiver accepts
//     repeats of the peer's half as dummies until the first sealed block
//     opens.
//   - Circuits: HPKE (RFC 9180, X25519/HKDF-SHA256/ChaCha20-Poly1305) in
//     place of RSA for E_t; the inner h_id is still checked against the
//     outer one, as §3.5 prescribes. E_K{...} is XChaCha20-Poly1305 with
//     random nonces and K split by BLAKE3 into a response key and one key
//     per direction; the AEAD tag replaces the MD5 checksum. Data messages
//     keep d_id and len inside the encryption as in Eq. 7. The target
//     refuses a handshake whose time is more than [DefaultMaxSkew] from its
//     clock (but still forwards it, so the refusal does not reveal it), and
//     each h_id is handled once per client (later copies of a flood are
//     dropped), which also stops replays. A client that can open
//     a handshake still forwards it, so the end of the flood does not
//     reveal the target. A TTL that reaches zero is not forwarded (the next
//     hop would discard it); a TTL above [DefaultMaxTTL] is refused.
//   - Acknowledgements (extension 3) list the d_ids received; only the
//     source can rebuild a circuit (the target does not know the source),
//     and rebuilt circuits resend unacknowledged data, so the target may
//     see a d_id of the old circuit again under a new circuit id.
//   - Eq. 4: HF is BLAKE3 with a 20-byte output over x, the 16-byte form of
//     the address and the UTC date. A swarm is full once its member count
//     is larger than its Pareto cap b, as §3.3 states. A bootstrapping node
//     re-draws the advertised swarm after every join (case 2).
//
// # Performance
//
// On the 2-core AMD EPYC development machine (go test -bench, quiet
// machine): sealing a 16 KiB block takes 7.2 µs (2.3 GB/s) against 6.8 µs
// for chacha20poly1305 alone on the same bytes (1.05×), opening 6.8 µs
// against 6.9 µs (1.0×), both without allocation; the neighbour handshake
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
//   - J. Lv et al., "PACOM: Parasitic anonymous communication in the
//     BitTorrent network", Computer Networks 74 (2014) 13–33,
//     doi:10.1016/j.comnet.2014.08.015.
//
// [PACOM §3.2]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.3]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.4]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §3.5]: https://doi.org/10.1016/j.comnet.2014.08.015
// [PACOM §6]: https://doi.org/10.1016/j.comnet.2014.08.015
package pacomchan
