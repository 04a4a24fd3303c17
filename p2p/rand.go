package p2p

import (
	"crypto/rand"
	mrand "math/rand/v2"
)

// newRand returns a generator seeded from crypto/rand, for choices that
// need no reproducibility (a seller, the slots to repair).
func newRand() *mrand.Rand {
	var seed [32]byte
	_, _ = rand.Read(seed[:]) // crypto/rand.Read never fails
	return mrand.New(mrand.NewChaCha8(seed))
}
