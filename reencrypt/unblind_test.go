package reencrypt

import (
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
)

// TestUnblindKeys: installing a licence computes, for every piece, the
// unblinding key −s·L_i, which turns the capsule the seed made into the
// piece element (C + U_i = M_i = C − K for upload key K), and it is the
// same whether installed directly or by a restarted peer from saved bytes.
func TestUnblindKeys(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(8, 8, 8), 1)
		p := s.peers[0]
		require.Len(t, p.unblind, 3)
		key, err := p.MarshalBinary()
		require.NoError(t, err)
		lic, err := p.Licence().MarshalBinary()
		require.NoError(t, err)
		q, err := RestorePeer(s.torrent, key)
		require.NoError(t, err)
		require.Nil(t, q.unblind, "a restored peer has no licence yet")
		require.NoError(t, q.LoadLicence(lic, s.tr.LicenceKey()))
		for i := range uint32(3) {
			uk, err := s.tr.UploadKey(i, s.seed.ID(), p.ID())
			require.NoError(t, err)
			// U_i + K = −s·L_i + r_i·Y = 0.
			require.True(t, g.NewElement().Add(p.unblind[i], uk.key).IsIdentity(), "piece %d", i)
			require.True(t, q.unblind[i].IsEqual(p.unblind[i]), "restored, piece %d", i)
		}
	})
}

// TestInstallLicenceErasesOldKeys: the unblinding keys of a licence are
// secret, so installing another licence (or the same one again) overwrites
// the old keys in place, and a peer whose licence is uninstalled keeps none.
func TestInstallLicenceErasesOldKeys(t *testing.T) {
	forGroups(t, func(t *testing.T, g group.Group) {
		s := newSwarm(t, g, testPieces(8, 8), 1)
		p := s.peers[0]
		pc := s.fromSeed(t, 1, p)
		old := p.unblind
		for _, u := range old {
			require.False(t, u.IsIdentity())
		}
		require.NoError(t, p.InstallLicence(p.Licence()))
		for i, u := range old {
			require.True(t, u.IsIdentity(), "old key %d not erased", i)
			require.NotSame(t, u, p.unblind[i])
		}
		_, err := p.Decrypt(pc, now)
		require.NoError(t, err, "the new keys decrypt")

		kept := p.unblind
		p.setLicence(nil)
		require.Nil(t, p.unblind)
		for i, u := range kept {
			require.True(t, u.IsIdentity(), "key %d not erased on uninstall", i)
		}
		_, err = p.Decrypt(pc, now)
		require.ErrorIs(t, err, ErrNoLicence)
	})
}
