// Package elgamal implements ElGamal encryption over prime-order groups, in
// additive notation, as Definition 2.1 of the DRM paper
// [Runtime re-encryption DRM] uses it: key generation, encryption and
// decryption of group elements, homomorphic addition and scalar
// multiplication of ciphertexts, and re-randomisation; exponential ElGamal
// for small integers, decrypted by a baby-step giant-step [DLogTable]; and
// hybrid encryption of byte strings ([Seal], [Open]), which hides a random
// element M and keys XChaCha20-Poly1305 with blake3(M), so callers never
// have to squeeze data into points.
//
// Any circl [group.Group] works: [Default] is [Ristretto255], ristretto255
// on filippo.io/edwards25519 (circl's own implementation, byte for byte the
// same but slower, is listed as ristretto255-circl); the NIST curves
// [P256], [P384] and [P521] are filippo.io/nistec's points with circl's
// scalars and hashes (circl's own groups, the same byte for byte, are
// listed as p256-circl, p384-circl and p521-circl); and [ModP1024], [ModP1536] and
// [ModP2048] are the paper's own setting, the prime-order subgroup of a
// safe-prime field (RFC 2409 group 2, RFC 3526 groups 5 and 14), implemented
// here as a circl group so that the paper's setting and the curves can be
// measured side by side. [ModP768] (RFC 2409 group 1) and [ModP512] (built
// the same way) complete the sizes of the paper's Table 1; they are too
// small to protect anything. [Groups] and [GroupByName] list them by name.
//
// # Encodings
//
// Every encoding of a group has one fixed size ([ElementSize],
// [ScalarSize], [CiphertextSize]): the compressed point for the NIST curves
// (their identity as that many zero bytes), 32 bytes for ristretto255, the
// size of p for the mod-p groups. Decoders reject wrong lengths,
// non-canonical encodings, elements outside the group, the identity as a
// public key or as a ciphertext's C1, and zero or unreduced private scalars,
// with errors wrapping [ErrEncoding] or [ErrIdentity].
//
// # Limits
//
// Warning: the mod-p groups use math/big and are not constant time, and
// circl's scalar arithmetic on P-256, P-384 and P-521 is not constant time
// either; ristretto255 is the group to use where timing matters. The
// -circl NIST groups' point addition goes through crypto/elliptic's
// big.Int interface and allocates 7 to 15 objects per call; that of
// [P256], [P384] and [P521], like ristretto255's, allocates nothing into
// an existing element (a new element is 2 allocations on P-256 and 5 on
// P-384 and P-521, filippo.io/nistec's layout). Decoding a ciphertext
// allocates 11 objects on the mod-p groups, 5 on ristretto255. Plain
// ElGamal is malleable (that is what makes it homomorphic) and only
// IND-CPA; [Seal] is authenticated. Exponential decryption costs about
// √max group operations per ciphertext after a table of √max elements is
// built; [MaxDLogRange] bounds it.
//
// # References
//
//   - X. Zhang, D. Liu, S. Chen, Z. Zhang and R. Sandhu, "Towards Digital
//     Rights Protection in BitTorrent-like P2P Systems" (the runtime
//     re-encryption DRM scheme), Proc. SPIE 6818, Multimedia Computing and
//     Networking 2008, doi:10.1117/12.775129.
//
// [Runtime re-encryption DRM]: https://doi.org/10.1117/12.775129
package elgamal
