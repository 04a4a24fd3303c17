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
// same but slower, is listed as ristretto255-circl); the NIST curves P-256,
// P-384 and P-521 come from circl; and [ModP1024], [ModP1536] and
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
// either; ristretto255 is the group to use where timing matters. circl's
// NIST point addition goes through crypto/elliptic's big.Int interface and
// allocates about a dozen objects per call. Plain
// ElGamal is malleable (that is what makes it homomorphic) and only
// IND-CPA; [Seal] is authenticated. Exponential decryption costs about
// √max group operations per ciphertext after a table of √max elements is
// built; [MaxDLogRange] bounds it.
//
// [Runtime re-encryption DRM]: ../../shared/papers/004_5719c811fd03987c.txt
package elgamal
