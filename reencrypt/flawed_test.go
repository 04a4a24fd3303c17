package reencrypt

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// The three alternative designs of §2.4, reproduced by replacing the
// tracker's TS-key schedule, each with the attack that breaks it, and the
// same attack run against the real schedule (one r per peer and piece).

// scheme1: one TS key per peer for all pieces, r_ik = r_k.
func scheme1(tr *Tracker) func(PeerID, uint32) group.Scalar {
	return func(p PeerID, _ uint32) group.Scalar { return tr.ts.scalar(p, 0) }
}

// scheme2: one TS key per piece for all peers, r_ik = r_i.
func scheme2(tr *Tracker) func(PeerID, uint32) group.Scalar {
	return func(_ PeerID, i uint32) group.Scalar { return tr.ts.scalar(PeerID{}, i) }
}

// flawedSwarm publishes pieces on a tracker whose schedule is set by mk
// (nil: the real one).
func flawedSwarm(t *testing.T, g group.Group, mk func(*Tracker) func(PeerID, uint32) group.Scalar, pieces [][]byte, peers int) *swarm {
	tr, err := NewTracker(g, rand.Reader)
	require.NoError(t, err)
	// Publish sets tr.ts; install the flawed schedule right after.
	s := newSwarmWith(t, tr, pieces, 0)
	if mk != nil {
		tr.tsKey = mk(tr)
	}
	for range peers {
		p, err := NewPeer(s.torrent, rand.Reader)
		require.NoError(t, err)
		_, err = tr.Subscribe(p.PublicKey())
		require.NoError(t, err)
		l, err := tr.IssueLicence(p.ID(), Policy{})
		require.NoError(t, err)
		require.NoError(t, p.InstallLicence(l))
		s.peers = append(s.peers, p)
	}
	return s
}

// Scheme 1 in the paper's own setting: with one mask per peer, the ratio of
// two cipher pieces is the ratio of the plain pieces, so one known plain
// piece reveals every other.
func TestScheme1LinkablePieces(t *testing.T) {
	g := elgamal.ModP1024
	k := elgamal.ElementSize(g) - 1 // one block per piece
	attack := func(s *swarm) bool {
		p := s.peers[0]
		c := make([]*big.Int, 2)
		for i := range c {
			uk, err := s.tr.UploadKey(uint32(i), s.seed.ID(), p.ID())
			require.NoError(t, err)
			ct, err := s.seed.ExactPEnc(uk)
			require.NoError(t, err)
			c[i] = new(big.Int).SetBytes(ct[4:])
		}
		// Known plain piece 0 → m1 = c1 · m0 / c0.
		P := g.P()
		m0 := new(big.Int).SetBytes(s.plain[0])
		m0.Add(m0, big.NewInt(1))
		m1 := new(big.Int).ModInverse(c[0], P)
		m1.Mul(m1, c[1]).Mul(m1, m0).Mod(m1, P)
		m1.Sub(m1, big.NewInt(1))
		return m1.Cmp(new(big.Int).SetBytes(s.plain[1])) == 0
	}
	pieces := testPieces(k, k)
	require.True(t, attack(flawedSwarm(t, g, scheme1, pieces, 1)), "scheme 1 must fall to the ratio attack")
	require.False(t, attack(flawedSwarm(t, g, nil, pieces, 1)), "the real scheme must resist it")
}

// Scheme 1 with capsules: knowing one piece element gives every other,
// because the capsules of one peer differ only by M_i − M_i'.
func TestScheme1LinkableCapsules(t *testing.T) {
	g := elgamal.Default
	attack := func(s *swarm) bool {
		p := s.peers[0]
		pc0, pc1 := s.fromSeedNoCheck(t, 0, p), s.fromSeedNoCheck(t, 1, p)
		m0 := s.seed.keys.element(0) // leaked, e.g. from a hacked player
		m1 := g.NewElement().Neg(pc0.capsule)
		m1.Add(m1, pc1.capsule).Add(m1, m0)
		_, err := openBody(nil, s.torrent.ID, 1, m1, pc1.body)
		return err == nil
	}
	pieces := testPieces(64, 64)
	require.True(t, attack(flawedSwarm(t, g, scheme1, pieces, 1)))
	require.False(t, attack(flawedSwarm(t, g, nil, pieces, 1)))
}

// Scheme 2: with one TS key per piece, all licences hold the same keys, so
// one bought licence serves every peer.
func TestScheme2SharedLicence(t *testing.T) {
	for _, name := range []string{"ristretto255", "modp1024"} {
		t.Run(name, func(t *testing.T) {
			g, err := elgamal.GroupByName(name)
			require.NoError(t, err)
			attack := func(s *swarm) bool {
				payer, freeloader := s.peers[0], s.peers[1]
				pc := s.fromSeedNoCheck(t, 0, freeloader)
				freeloader.setLicence(payer.licence) // the shared licence file
				_, err := freeloader.Decrypt(pc, now)
				return err == nil
			}
			pieces := testPieces(64)
			require.True(t, attack(flawedSwarm(t, g, scheme2, pieces, 2)))
			require.False(t, attack(flawedSwarm(t, g, nil, pieces, 2)))
		})
	}
}

// Scheme 3: the key for P_j of piece i is r_i·Y_j; colluding P_j and P_k,
// who know s_j and s_k, turn it into P_k's key r_i·Y_k = (s_k/s_j)·(r_i·Y_j)
// and decrypt P_k's copies with P_j's licence.
func TestScheme3Collusion(t *testing.T) {
	g := elgamal.Default
	attack := func(s *swarm) bool {
		j, k := s.peers[0], s.peers[1]
		ukj, err := s.tr.UploadKey(0, s.seed.ID(), j.ID()) // what j can see as a downloader
		require.NoError(t, err)
		sj, _ := j.sk.MarshalBinary()
		sk, _ := k.sk.MarshalBinary()
		ssj, _ := elgamal.DecodeScalar(g, sj)
		ssk, _ := elgamal.DecodeScalar(g, sk)
		ratio := g.NewScalar().Inv(ssj)
		ratio.Mul(ratio, ssk)
		derived := g.NewElement().Mul(ukj.key, ratio) // claimed r_i·Y_k

		pc := s.fromSeedNoCheck(t, 0, k)
		m := g.NewElement().Neg(derived)
		m.Add(m, pc.capsule)
		_, err = openBody(nil, s.torrent.ID, 0, m, pc.body)
		return err == nil
	}
	pieces := testPieces(64)
	require.True(t, attack(flawedSwarm(t, g, scheme2, pieces, 2)), "scheme 3 keys are scheme 2's r_i")
	require.False(t, attack(flawedSwarm(t, g, nil, pieces, 2)))
}

// fromSeedNoCheck is fromSeed without §2.3 verification (flawed swarms have
// no expected hashes).
func (s *swarm) fromSeedNoCheck(t *testing.T, i uint32, p *Peer) *Piece {
	uk, err := s.tr.UploadKey(i, s.seed.ID(), p.ID())
	require.NoError(t, err)
	pc, err := s.seed.PEnc(uk)
	require.NoError(t, err)
	require.NoError(t, p.Verify(pc))
	return pc
}
