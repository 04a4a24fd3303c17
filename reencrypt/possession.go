package reencrypt

import (
	"crypto/rand"
	"fmt"
	"io"

	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/zk/dl"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// A subscriber proves that it holds the private key of the public key it
// registers, so that nobody can subscribe, and so claim the identifier of,
// another peer's key. The proof is a Schnorr proof of knowledge of the
// discrete logarithm (RFC 8235, circl's zk/dl), bound to the peer's
// identifier and to a caller-chosen context (a key server binds it to the
// caller's authentication key and the torrent).

const keyProofLabel = "swarmblocks/reencrypt key proof v1\x00"

// KeyProofSize returns the length of a [Peer.ProveKey] proof in group g:
// [elgamal.ElementSize] + [elgamal.ScalarSize].
// It is 0 for a nil group.
func KeyProofSize(g group.Group) int {
	// Both sizes are 0 for a nil group too (mutation: equivalent).
	if g == nil {
		return 0
	}
	return elgamal.ElementSize(g) + elgamal.ScalarSize(g)
}

// ProveKey returns a proof, [KeyProofSize] bytes, that the peer holds the
// private key of [Peer.PublicKey], bound to context. It reads randomness from
// rnd; a nil rnd means crypto/rand.Reader (circl ignores rnd on
// ristretto255 and draws from crypto/rand itself).
func (p *Peer) ProveKey(rnd io.Reader, context []byte) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	// The next three errors cannot happen for the valid private key check
	// saw: it marshals, its bytes decode, and a decoded scalar marshals.
	sb, err := p.sk.MarshalBinary()
	if err != nil { // mutation: unreachable, see above.
		return nil, err
	}
	k, err := elgamal.DecodeScalar(p.g, sb)
	if err != nil { // mutation: unreachable, see above.
		return nil, err
	}
	pf := dl.Prove(p.g, p.g.Generator(), p.sk.Public().Element(), k, p.id[:], keyProofInfo(context), rnd)
	b := elgamal.AppendElement(make([]byte, 0, KeyProofSize(p.g)), pf.V)
	r, err := pf.R.MarshalBinary()
	if err != nil { // mutation: unreachable, see above.
		return nil, err
	}
	return append(b, r...), nil
}

// VerifyKeyProof checks a [Peer.ProveKey] proof for public key pk and
// context. It returns [ErrMalformed] for a proof of the wrong length or
// encoding, [ErrBadSignature] for one that does not verify.
func VerifyKeyProof(pk *elgamal.PublicKey, proof, context []byte) error {
	// Without a group, the proof fails to decode with the same ErrMalformed;
	// this names the cause (mutation: equivalent).
	if pk == nil || pk.Group() == nil {
		return fmt.Errorf("%w: nil public key", ErrMalformed)
	}
	g := pk.Group()
	n := elgamal.ElementSize(g)
	if len(proof) != KeyProofSize(g) {
		return fmt.Errorf("%w: key proof must be %d bytes, got %d", ErrMalformed, KeyProofSize(g), len(proof))
	}
	v, err := elgamal.DecodeElement(g, proof[:n])
	if err != nil {
		return fmt.Errorf("%w: key proof: %w", ErrMalformed, err)
	}
	r, err := elgamal.DecodeScalar(g, proof[n:])
	if err != nil {
		return fmt.Errorf("%w: key proof: %w", ErrMalformed, err)
	}
	if v.IsIdentity() {
		return fmt.Errorf("%w: key proof commitment is the identity", ErrMalformed)
	}
	id := PeerIDOf(pk)
	if !dl.Verify(g, g.Generator(), pk.Element(), dl.Proof{V: v, R: r}, id[:], keyProofInfo(context)) {
		return fmt.Errorf("%w: key proof", ErrBadSignature)
	}
	return nil
}

func keyProofInfo(context []byte) []byte {
	return append([]byte(keyProofLabel), context...)
}
