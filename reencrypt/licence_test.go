package reencrypt

import (
	"crypto/ed25519"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// TestLicenceSignedMessage is a known answer for the message a licence
// signature covers: the context, the group's name and a zero byte, then the
// licence body. The group's name keeps a signature made for a torrent of
// one group from verifying as a licence of another group (a licence server
// may sign for many torrents with one key).
func TestLicenceSignedMessage(t *testing.T) {
	body := []byte("SBL1 body")
	for _, name := range elgamal.Groups() {
		g, err := elgamal.GroupByName(name)
		require.NoError(t, err)
		want := "swarmblocks/reencrypt licence v1\x00" + name + "\x00SBL1 body"
		require.Equal(t, want, string(licenceSigned(g, body)), name)
	}
}

// TestLicenceSignatureBindsGroup: a genuine licence signature of one group
// does not verify over the same body in any other group's context.
func TestLicenceSignatureBindsGroup(t *testing.T) {
	forGroups(t, func(t *testing.T, g1 group.Group) {
		s := newSwarm(t, g1, testPieces(8, 8), 1)
		raw, err := s.peers[0].Licence().MarshalBinary()
		require.NoError(t, err)
		body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
		require.True(t, ed25519.Verify(s.tr.LicenceKey(), licenceSigned(g1, body), sig))
		for _, name := range elgamal.Groups() {
			g2, err := elgamal.GroupByName(name)
			require.NoError(t, err)
			if name == elgamal.GroupName(g1) {
				continue
			}
			require.False(t, ed25519.Verify(s.tr.LicenceKey(), licenceSigned(g2, body), sig),
				"a %s licence signature verifies as %s", elgamal.GroupName(g1), name)
		}
	})
}
