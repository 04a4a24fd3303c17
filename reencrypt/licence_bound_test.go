package reencrypt

import (
	"crypto/ed25519"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/elgamal"
)

// TestParseLicenceMaxPiecesInclusive: a licence may carry exactly
// MaxPieces keys (the bound is inclusive, like a torrent's); one more is
// malformed. The signature is checked only after the length, so a licence
// of MaxPieces keys under a wrong signature fails on the signature.
func TestParseLicenceMaxPiecesInclusive(t *testing.T) {
	g := elgamal.Default
	n := elgamal.ElementSize(g)
	blob := func(count int) []byte {
		data := make([]byte, 84+count*n+ed25519.SignatureSize)
		copy(data, licenceMagic)
		binary.BigEndian.PutUint32(data[80:84], uint32(count))
		return data
	}
	trackerKey, _, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	_, err = ParseLicence(g, blob(MaxPieces), trackerKey)
	require.ErrorIs(t, err, ErrBadSignature, "a licence of MaxPieces keys was refused for its length")
	_, err = ParseLicence(g, blob(MaxPieces+1), trackerKey)
	require.ErrorIs(t, err, ErrMalformed)
}
