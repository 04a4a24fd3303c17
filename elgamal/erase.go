package elgamal

import "github.com/cloudflare/circl/group"

// Erase overwrites e with the identity, in place, for a caller dropping a
// secret element (a Diffie–Hellman product, a precomputed unblinding key).
// For [Ristretto255], [P256], [P384] and [P521] the memory that held the
// value is overwritten; for the mod-p groups every word of the integer is
// cleared, including words beyond its current length. Circl's own groups
// are only set to the identity, which may leave words of their big.Int
// coordinates behind. Like any erasure in Go it is best effort: copies the
// runtime or the caller made are out of its reach. A nil e is ignored.
func Erase(e group.Element) {
	if e == nil {
		return
	}
	switch x := e.(type) {
	case *ristrettoElement:
		x.e.Set(ristrettoIdentity)
	case *ModPElement:
		if x.x != nil {
			w := x.x.Bits()
			clear(w[:cap(w)])
			x.x.SetInt64(1)
		}
	default:
		e.Set(e.Group().Identity())
	}
}
