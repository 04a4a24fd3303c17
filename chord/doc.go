// Package chord implements the Chord lookup protocol with Zave's corrected
// ring maintenance, and on top of it the DHash block store as BitStore
// modifies it: replicated, encrypted, ticket-authorised chunk storage with
// lazy replica maintenance.
//
// Sources: [BitStore] §3.2 (Figure 2, cases 1–2), §4.1–4.4 and Appendices
// A–B (paper 002 of this repository); [Chord] for the lookup protocol; and
// [Zave] for the corrected maintenance operations and their invariant.
//
// [BitStore]: https://github.com/swarmblocks/swarmblocks/tree/main/../shared/papers
// [Chord]: https://pdos.csail.mit.edu/papers/chord:sigcomm01/chord_sigcomm.pdf
// [Zave]: https://arxiv.org/abs/1610.01140
package chord
