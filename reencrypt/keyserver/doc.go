// Package keyserver serves the tracker's role of package reencrypt over
// HTTP, after Zhang et al. [Runtime re-encryption DRM] (§2.2, Algorithms
// 1–3, and §2.3's expected hashes): subscription, upload keys for the
// original seed, re-keys for uploading peers, licences and expected piece
// hashes. [Server] is an http.Handler over a published [reencrypt.Tracker];
// [Client] is its Go client, for carriers such as a BitTorrent extension.
//
// # Protocol overview
//
//	peer Pk / seed Po                                   key server (TS)
//	  │ GET  /v1/torrent                                     │
//	  │ ───────────────────────────────────────────────────▶ │
//	  │ ◀─── torrent description, licence key, seed id ───── │
//	  │ POST /v1/subscribe {Y_k, proof of s_k}               │  binds auth key → Pk
//	  │ ───────────────────────────────────────────────────▶ │
//	  │ ◀─────────────────────────────── {peer id of Pk} ─── │
//	  │ GET  /v1/expected-hashes                   (§2.3)    │  Pk's own only
//	  │ POST /v1/upload-keys {to: Pj, indices}  (Alg. 1, 5–6)│  seed's key only
//	  │ ◀──────────────────────────── K = r_ij·Y_j, … ────── │
//	  │ POST /v1/rekeys {to: Pk, indices}       (Alg. 2, 5–6)│  from = caller Pj,
//	  │ ◀────────────────── Δ = r_ik·Y_k − r_ij·Y_j, … ───── │  Pk subscribed
//	  │ POST /v1/licence                        (Alg. 3, 8–9)│  caller's own, if
//	  │ ◀──────────────── signed licence {r_ik·G}, policy ── │  Config.Licence allows
//
// Every request carries
//
//	Authorization: SBKS1 base64url(key ‖ time ‖ nonce ‖ ed25519 signature)
//
// signed over a context string, the torrent identifier, the method, the
// request URI, SHA-256 of the body, the time (Unix seconds) and a 16-byte
// random nonce. The server reads at most [MaxBodySize] bytes of body,
// verifies the signature, refuses a time more than the skew window
// ([DefaultSkew], ±30 s) from its clock, and refuses a (key, nonce) pair it
// has seen: it remembers each for twice the window, after which the
// request's time is outside the window anyway, and keeps at most
// [Config.MaxNonces] of them (refusing with 503 when full rather than
// forgetting one). Since anyone can make a key and sign, callers that are
// neither the seed nor subscribed share a separate quarter of that budget,
// so a flood of them cannot lock the members out, and subscriptions are
// bounded by [Config.MaxPeers]. Only then does the server decode the body.
//
// # Authorisation
//
// The caller's identity is its ed25519 key. The key configured as
// [Config.SeedKey] is the original seed, the only caller given upload keys:
// an upload key K opens its downloader's capsule (C − K = M_i), so a peer
// that obtained its own could read the content without a licence. Any other
// key becomes a peer by subscribing an ElGamal public key together with a
// Schnorr proof that it holds the private key ([reencrypt.Peer.ProveKey]),
// bound to the torrent and the authentication key, so nobody subscribes a
// key, or claims an identifier, that is not theirs. A re-key for piece i is
// issued only to its uploader — from is always the caller — and only for a
// subscribed downloader; a licence and expected hashes only to the peer
// that subscribed them, the licence's policy decided by [Config.Licence].
// Every refusal is an HTTP error with a JSON body {"code", "error"}, which
// the client returns as an [*Error] matching a sentinel such as
// [ErrForbidden] or [ErrReplay]; a refused request changes no state.
//
// # Why signatures rather than mutual TLS
//
// Signed requests authenticate the caller by the same kind of raw key a
// peer already has, with no certificate authority to run and no
// certificates to issue or revoke; they bind each request's method, URI
// and body, not a connection, so they survive TLS-terminating proxies and
// connection reuse; and they make replay protection explicit and testable.
// Mutual TLS would tie identity to certificates and to the TLS layer's
// configuration. The server must still be served over TLS: signatures give
// neither confidentiality nor server authentication, and an upload key
// read off the wire by its downloader opens the content.
//
// # Limits
//
// The server keeps subscriptions in memory; a restart forgets which
// authentication key subscribed which peer (the tracker's keys, derived
// from its master key, are unaffected). Responses are not signed apart from
// licences: the client relies on TLS for their authenticity, and a forged
// re-key only yields capsules their receivers reject. Licence decisions
// (payment) are the [Config.Licence] hook's. Keys are issued one HTTP
// request per batch of up to [MaxBatch] pieces; as the paper notes, a
// carrier can fetch them ahead of the transfers. A licence or a list of
// expected hashes costs the tracker one scalar multiplication per piece,
// and a re-key two, each time they are asked for: the server bounds
// requests per key only through the replay cache, so deploy it behind a
// rate limiter.
//
// # References
//
//   - [Runtime re-encryption DRM]: Xinwen Zhang, Dongyu Liu, Songqing Chen,
//     Zhao Zhang and Ravi Sandhu, "Towards digital rights protection in
//     BitTorrent-like P2P systems", Multimedia Computing and Networking
//     (MMCN) 2008, Proc. SPIE 6818. doi:10.1117/12.775129.
//
// [Runtime re-encryption DRM]: https://doi.org/10.1117/12.775129
package keyserver
