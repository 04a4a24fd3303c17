// Package pacomchan implements the covert channels of PACOM (Lv et al.,
// "PACOM: parasitic anonymous communication in the BitTorrent network",
// Computer Networks 74, 2014): fixed-size encrypted blocks exchanged by
// neighbouring PACOM clients, the request-driven packet scheduling that
// makes the traffic of every link independent of the data it carries, the
// end-to-end circuits built over those channels, and the bootstrapping that
// forms PACOM swarms.
//
// The pieces, each usable alone:
//
//   - [Link]: the neighbour-to-neighbour channel of [PACOM §3.4]: the X25519
//     handshake of Fig. 4 carried in the first block each side serves, BLAKE3
//     key derivation and rotation, and blocks E_k{len, data} or E_k{0, pad}
//     of exactly one BitTorrent block each.
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
//
// [PACOM §3.4]: ../shared/papers/001_c5af7ae32cadf43a.txt
package pacomchan
