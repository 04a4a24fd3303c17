package elgamal

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestErase: Erase leaves every group's element equal to the identity, in
// place, and for the mod-p groups clears every word the integer held.
func TestErase(t *testing.T) {
	for _, name := range Groups() {
		t.Run(name, func(t *testing.T) {
			g, err := GroupByName(name)
			require.NoError(t, err)
			e := g.RandomElement(rand.Reader)
			require.False(t, e.IsIdentity())
			var words []big.Word
			if m, ok := e.(*ModPElement); ok {
				words = m.x.Bits()
				words = words[:cap(words)]
				require.Greater(t, len(words), 1)
			}
			Erase(e)
			require.True(t, e.IsIdentity())
			for i, w := range words[min(1, len(words)):] {
				require.Zero(t, w, "word %d of the erased integer", i+1)
			}
		})
	}
	Erase(nil) // ignored
}
