package elgamal

import (
	"bytes"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
)

// TestElementUnmarshalRefuses feeds each group's element decoder encodings
// that are not points: each is refused with group.ErrUnmarshal and leaves
// the element it was decoded into unchanged.
func TestElementUnmarshalRefuses(t *testing.T) {
	notOnCurve := func(coord int) []byte { // 0x04 ‖ x = 0 ‖ y = 0
		return append([]byte{4}, make([]byte, 2*coord)...)
	}
	ff32 := bytes.Repeat([]byte{0xff}, 32)
	cases := []struct {
		name string
		g    group.Group
		data []byte
	}{
		{"ristretto255 non-canonical", Ristretto255, ff32},
		{"ristretto255 short", Ristretto255, make([]byte, 31)},
		{"ristretto255 empty", Ristretto255, nil},
		{"p256 not on curve", P256, notOnCurve(32)},
		{"p256 bad prefix", P256, append([]byte{5}, make([]byte, 32)...)},
		{"p256 short", P256, []byte{2, 1}},
		{"p384 not on curve", P384, notOnCurve(48)},
		{"p521 not on curve", P521, notOnCurve(66)},
		{"p521 empty", P521, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.g.NewElement().Set(c.g.Generator())
			require.ErrorIs(t, e.UnmarshalBinary(c.data), group.ErrUnmarshal)
			require.True(t, e.IsEqual(c.g.Generator()), "a refused decoding leaves the element unchanged")
		})
	}
}
