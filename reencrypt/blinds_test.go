package reencrypt

import (
	"fmt"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// untouched stands for a tracker whose cache was never resized.
const untouched = -1

// TestBlindCache: whether a blind r_ij·Y_j comes from the cache or is
// computed afresh, upload keys, re-keys and expected hashes are those of
// the paper's formulas, and the capsules they make still verify and open;
// using a key never alters a cached blind; the cache keeps its bound.
func TestBlindCache(t *testing.T) {
	for _, name := range []string{"ristretto255", "p256", "modp2048"} {
		t.Run(name, func(t *testing.T) {
			g, err := elgamal.GroupByName(name)
			require.NoError(t, err)
			s := newSwarm(t, g, testPieces(40, 50, 60), 3)
			tr := s.tr
			fresh := func(id PeerID, i uint32) group.Element {
				pks, err := tr.lookup(i, id)
				require.NoError(t, err)
				return g.NewElement().Mul(pks[0].Element(), tr.ts.scalar(id, i))
			}
			// 3 peers × 3 pieces: the blinds the swarm needs.
			const blinds = 9
			for _, entries := range []int{untouched, 2, 0, DefaultBlindCache} {
				if entries != untouched {
					before := tr.blinds.len()
					tr.SetBlindCache(entries)
					require.Equal(t, min(before, max(entries, 0)), tr.blinds.len(), "resized to %d", entries)
				}
				for round := range 2 { // the second round hits the cache
					for i := range uint32(3) {
						for _, k := range s.peers {
							uk, err := tr.UploadKey(i, s.seed.ID(), k.ID())
							require.NoError(t, err)
							require.True(t, fresh(k.ID(), i).IsEqual(uk.key), "upload key, cache %d, round %d", entries, round)
							c, err := s.seed.Capsule(uk) // adds into a new element, not into the key
							require.NoError(t, err)
							require.NoError(t, k.VerifyCapsule(c))
							// The key is the caller's own copy: spoiling it
							// leaves the cached blind intact.
							uk.key.Neg(uk.key)
							again, err := tr.UploadKey(i, s.seed.ID(), k.ID())
							require.NoError(t, err)
							require.True(t, fresh(k.ID(), i).IsEqual(again.key), "cache spoilt through an upload key")
							for _, j := range s.peers {
								if j == k {
									continue
								}
								rk, err := tr.ReKey(i, j.ID(), k.ID())
								require.NoError(t, err)
								want := g.NewElement().Add(
									g.NewElement().Mul(k.PublicKey().Element(), tr.ts.scalar(k.ID(), i)),
									g.NewElement().Neg(g.NewElement().Mul(j.PublicKey().Element(), tr.ts.scalar(j.ID(), i))))
								require.True(t, want.IsEqual(rk.delta), "re-key, cache %d, round %d", entries, round)
							}
						}
					}
					for _, k := range s.peers {
						h, err := tr.ExpectedHashes(k.ID())
						require.NoError(t, err)
						require.NoError(t, k.SetExpectedHashes(h))
					}
				}
				switch entries {
				case untouched, DefaultBlindCache:
					require.Equal(t, blinds, tr.blinds.len(), "every blind kept")
				default:
					require.Equal(t, max(entries, 0), tr.blinds.len(), "cache bound")
				}
			}
			// The whole protocol still works after all this.
			for _, k := range s.peers {
				for i := range uint32(3) {
					uk, err := tr.UploadKey(i, s.seed.ID(), k.ID())
					require.NoError(t, err)
					p, err := s.seed.PEnc(uk)
					require.NoError(t, err)
					require.NoError(t, k.Verify(p))
				}
			}
		})
	}
}

// BenchmarkTrackerReKey is the tracker's answer to one re-key request, the
// key server's work per capsule a peer uploads: two variable-base scalar
// multiplications without the blind cache, one subtraction with it.
func BenchmarkTrackerReKey(b *testing.B) {
	for _, name := range []string{"ristretto255", "p256", "modp2048"} {
		g, err := elgamal.GroupByName(name)
		require.NoError(b, err)
		s := newSwarm(b, g, testPieces(64), 2)
		j, k := s.peers[0].ID(), s.peers[1].ID()
		for _, cached := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/cache=%v", name, cached), func(b *testing.B) {
				if cached {
					s.tr.SetBlindCache(DefaultBlindCache)
				} else {
					s.tr.SetBlindCache(0)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.tr.ReKey(0, j, k); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
