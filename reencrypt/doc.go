// Package reencrypt implements tracker-mediated proxy re-encryption for DRM
// in BitTorrent-like swarms, after Zhang et al. [Runtime re-encryption DRM]
// (§2, Definition 2.2, Algorithms 1–3, §2.3 and §2.4): every piece
// is re-encrypted for each downloader as it is uploaded, so decryption keys
// are unique per peer and per piece, anyone can help distribute the content,
// and only licensed peers can read it.
//
// The roles are types. [Tracker] is the trusted tracker site and licence
// server: system parameters (SGen), the peer table, TS keys r_ij (TGen),
// upload keys (Algorithm 1, message 6), re-encryption keys (Algorithm 2,
// message 6), signed licences (Algorithm 3) and the expected piece hashes of
// §2.3. [Seed] is the trusted original seed Po (PEnc), the only caller the
// tracker gives upload keys ([Tracker.UploadKey]). [Peer] is any other
// peer (PGen, T as [Peer.Transform], PDec as [Peer.Decrypt]); [Player] is
// the trusted player that enforces a licence's usage policy.
//
// # Protocol overview
//
//	Algorithm 1 (Po → Pj)              Algorithm 2 (Pj → Pk)
//	Pj ── announce ──▶ TS              Pk ── announce ──▶ TS
//	Po ── UploadRequest(i,Po,Pj) ─▶ TS Pj ── UploadRequest(i,Pj,Pk) ─▶ TS
//	TS ── K = r_ij·Y_j ──▶ Po          TS ── Δ = r_ik·Y_k − r_ij·Y_j ──▶ Pj
//	Po ── i ‖ M_i+K ‖ body_i ──▶ Pj    Pj ── i ‖ C+Δ ‖ body_i ──▶ Pk
//
//	Algorithm 3 (licence)
//	Pk ── GetLicence ──▶ TS
//	TS ── sign(L_1 … L_N = r_1k·G … r_Nk·G, policy) ──▶ Pk
//	Pk:  M_i = C − s_k·L_i,  piece_i = Open_{blake3(M_i)}(body_i)
//
// # Design
//
// Definition 2.2 blinds the whole piece: m_i·g^(r_ij·s_j) mod p, so T and
// PEnc cost a modular multiplication per block and licences hold one key per
// block-sized chunk of content. Here, as in every maintained proxy
// re-encryption library, the piece bytes are sealed once with
// XChaCha20-Poly1305 under a key derived from a secret group element M_i,
// and what Definition 2.2 blinds and T transforms is the capsule
// M_i + r_ij·Y_j (its additive form). T is one group addition whatever the
// piece size, and the body is the same for every downloader, so it is
// hashed once, in the public [Torrent], like a .torrent's piece hashes. The
// paper's scheme itself is kept on the mod-p groups ([Seed.ExactPEnc],
// [ExactTransform], [Peer.ExactDecrypt]) as the baseline of the benchmarks.
//
// The tracker stores no TS key: r_ij and M_i are derived from a 32-byte
// master key with keyed blake3, so its state per torrent is O(1) where the
// paper keeps N random numbers per peer (75 MB for 150 peers, 4000 pieces
// and 1024-bit keys). A torrent's identifier is the hash of its plain piece
// hashes, so a piece key never seals two different contents. Peer
// identifiers are hashes of public keys.
//
// # Carriers
//
// The sealed bodies are the same for every downloader, so a BitTorrent
// carrier sends them as ordinary torrent data under ordinary piece hashes
// and sends only capsules ([Capsule], [CapsuleSize] bytes: 36 for
// ristretto255) in a side message. [SplitPieces] cuts content into plain
// pieces of [PlainPieceSize] = L − [BodyOverhead] bytes, so that sealed
// bodies exactly fill power-of-two torrent pieces of L bytes: a body is the
// plain piece plus the 16-byte Poly1305 tag and nothing else (the nonce is
// derived). [Tracker.Publish] seals each body once; [Seed.WriteTo] writes
// the torrent's data and [Seed.Capsule] makes one downloader's capsule;
// [Peer.VerifyCapsule] checks a received capsule against the §2.3 hashes,
// [Peer.TransformCapsule] re-encrypts it, and [NewPiece] assembles a piece
// from a capsule and a body without copying it. A restarted client restores
// its peer from saved bytes ([Peer.MarshalBinary], [RestorePeer],
// [Peer.LoadLicence]); the torrent description has a codec too
// ([Torrent.MarshalBinary], [ParseTorrent]). Package
// github.com/swarmblocks/swarmblocks/reencrypt/keyserver serves the
// tracker's role over HTTP.
//
// # Cost of decryption
//
// [Peer.InstallLicence] computes each piece's unblinding key −s·L_i once,
// so PDec is one group addition (M_i = C − s·L_i), a blake3 key
// derivation and the XChaCha20-Poly1305 open: on ristretto255 a 256 KiB
// piece decrypts in 1.06–1.07× the bare AEAD open (BenchmarkPDecOverAEAD,
// the median of paired iterations, five runs on a 2-core machine at load
// 10–12), where it took 1.39–1.41× with a scalar multiplication per
// decryption. The cost moves to the install: one scalar multiplication
// per piece (about 35–45 µs on ristretto255 and p256 on an idle core, 5 ms
// on modp2048; BenchmarkInstallLicence), about what the tracker spent
// issuing the licence. The first decryption of a piece, counting its share
// of the install, therefore costs what PDec cost before, about 1.4× the
// open; every later one (a player playing again, a peer serving its own
// reads) about 1.07×. The peer keeps the keys, one group element per
// piece (176 bytes on ristretto255, 352 on modp2048), as secrets: they
// are erased when a licence replaces them and never saved;
// [Peer.LoadLicence] recomputes them after a restart.
//
// # Properties, as tested
//
//   - A re-encrypted piece decrypts only for its receiver, with that
//     receiver's licence and private key; decryption keys differ for every
//     peer and piece.
//   - A licence is refused by, and useless to, any other peer.
//   - The re-key Δ handed to an uploader does not depend on the content and
//     does not let an unlicensed uploader open the piece.
//   - An upload key K opens its downloader's capsule (C − K = M_i), so the
//     tracker issues upload keys to the original seed only: a subscriber
//     asking for its own is refused ([ErrForbidden]).
//   - §2.3: with [Tracker.ExpectedHashes] a peer rejects a polluted piece on
//     arrival ([ErrPolluted]); without them, at decryption ([ErrDecrypt]).
//   - §2.4: the tests reproduce the attacks on the three alternative designs
//     (linkable pieces under one key per peer, one licence shared by all
//     under one key per piece, colluders deriving each other's keys) and
//     show that the real key schedule resists each.
//
// # Limits
//
// As in the paper, the tracker and the original seed are trusted, the
// player is trusted not to leak keys or plaintext, and a peer that hacks
// its player can leak the plain content (and, here, the piece keys). The
// in-process API takes caller identities as given (from in
// [Tracker.UploadKey] and [Tracker.ReKey], the owner in
// [Tracker.IssueLicence]): authenticating callers is the front end's job,
// done by package keyserver. A re-key is not signed: a forged one only
// produces a piece its receiver rejects. Timing follows the
// group: ristretto255 is constant time, the NIST curves' scalar arithmetic
// and the mod-p groups are not (see package elgamal). The exact scheme
// masks all blocks of a piece with one value, so ratios of cipher blocks
// reveal ratios of plain blocks; it is for measurement only.
//
// # References
//
//   - [Runtime re-encryption DRM]: Xinwen Zhang, Dongyu Liu, Songqing Chen,
//     Zhao Zhang and Ravi Sandhu, "Towards digital rights protection in
//     BitTorrent-like P2P systems", Multimedia Computing and Networking
//     (MMCN) 2008, Proc. SPIE 6818. doi:10.1117/12.775129.
//
// [Runtime re-encryption DRM]: https://doi.org/10.1117/12.775129
package reencrypt
