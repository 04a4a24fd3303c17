package reencrypt

import (
	"bytes"
	"encoding"
	"errors"
	mrand "math/rand/v2"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// fuzzSwarm is a small fixed swarm shared by the fuzz targets. It is
// deterministic: the fuzzing engine runs each target's set-up again in
// every worker process, and the seeds made here must fit the swarm there.
func fuzzSwarm(f *testing.F) (*swarm, []byte, []byte, []byte, []byte) {
	rnd := mrand.NewChaCha8([32]byte{'f', 'u', 'z', 'z'})
	tr, err := NewTracker(elgamal.Default, rnd)
	require.NoError(f, err)
	pieces := [][]byte{make([]byte, 100), make([]byte, 37)}
	for _, p := range pieces {
		_, _ = rnd.Read(p)
	}
	s := newSwarmReader(f, tr, pieces, 2, rnd)
	a, b := s.peers[0], s.peers[1]
	uk, err := s.tr.UploadKey(0, s.seed.ID(), a.ID())
	require.NoError(f, err)
	ukb, _ := uk.MarshalBinary()
	pc, err := s.seed.PEnc(uk)
	require.NoError(f, err)
	pcb, _ := pc.MarshalBinary()
	rk, err := s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(f, err)
	rkb, _ := rk.MarshalBinary()
	lb, _ := a.licence.MarshalBinary()
	return s, ukb, pcb, rkb, lb
}

func addMutations(f *testing.F, b []byte) {
	f.Add(b)
	f.Add(b[:len(b)-1])
	f.Add(append(bytes.Clone(b), 0))
	flipped := bytes.Clone(b)
	flipped[len(b)/2] ^= 0xff
	f.Add(flipped)
	f.Add([]byte{})
}

// roundTrip checks the property every decoder's fuzz target asserts:
// bytes that parse re-encode to themselves, and bytes that do not are
// rejected with ErrMalformed. It returns the parsed value and whether
// parsing succeeded.
func roundTrip[T encoding.BinaryMarshaler](t *testing.T, data []byte, parse func(group.Group, []byte) (T, error)) (T, bool) {
	t.Helper()
	v, err := parse(elgamal.Default, data)
	if err != nil {
		require.ErrorIs(t, err, ErrMalformed)
		return v, false
	}
	out, err := v.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, data, out)
	return v, true
}

// FuzzParsePiece: a piece that parses re-encodes to the same bytes.
func FuzzParsePiece(f *testing.F) {
	_, _, pcb, _, _ := fuzzSwarm(f)
	addMutations(f, pcb)
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, ParsePiece)
	})
}

// FuzzReceive: a peer accepts exactly the genuine piece meant for it and
// nothing else; whatever it accepts decrypts.
func FuzzReceive(f *testing.F) {
	s, _, pcb, _, _ := fuzzSwarm(f)
	addMutations(f, pcb)
	a := s.peers[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		pc, err := a.Receive(data)
		if err != nil {
			return
		}
		require.Equal(t, pcb, data, "only the genuine piece passes verification")
		pt, err := a.Decrypt(pc, now)
		require.NoError(t, err)
		require.Equal(t, s.plain[pc.Index], pt)
	})
}

// FuzzParseUploadKey: decode then re-encode gives the same bytes.
func FuzzParseUploadKey(f *testing.F) {
	_, ukb, _, _, _ := fuzzSwarm(f)
	addMutations(f, ukb)
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, ParseUploadKey)
	})
}

// FuzzParseReKey: decode then re-encode gives the same bytes, and applying
// any re-key to a piece never panics.
func FuzzParseReKey(f *testing.F) {
	s, _, pcb, rkb, _ := fuzzSwarm(f)
	addMutations(f, rkb)
	pc, err := ParsePiece(elgamal.Default, pcb)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, ok := roundTrip(t, data, ParseReKey)
		if !ok {
			return
		}
		_, _ = s.peers[0].Transform(pc, k)
	})
}

// FuzzParseLicence: only the tracker's own licence verifies; anything else
// is an error, and a licence that parses re-encodes to the same bytes.
func FuzzParseLicence(f *testing.F) {
	s, _, _, _, lb := fuzzSwarm(f)
	addMutations(f, lb)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLicence(elgamal.Default, data, s.tr.LicenceKey())
		if err != nil {
			return
		}
		require.Equal(t, lb, data, "only the signed licence verifies")
		out, err := l.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
	})
}

// FuzzExact: the exact scheme's transform and decryption reject malformed
// cipher pieces with errors and never panic.
func FuzzExact(f *testing.F) {
	s := newSwarm(f, elgamal.ModP1024, testPieces(300), 2)
	a, b := s.peers[0], s.peers[1]
	uk, err := s.tr.UploadKey(0, s.seed.ID(), a.ID())
	require.NoError(f, err)
	ct, err := s.seed.ExactPEnc(uk)
	require.NoError(f, err)
	rk, err := s.tr.ReKey(0, a.ID(), b.ID())
	require.NoError(f, err)
	addMutations(f, ct)
	f.Fuzz(func(t *testing.T, data []byte) {
		if out, err := ExactTransform(rk, data); err == nil {
			require.Len(t, out, len(data))
		}
		pt, err := a.ExactDecrypt(0, data, now)
		if err == nil {
			require.Len(t, pt, 300)
		}
	})
}

// fuzzCapsule returns the fuzz swarm, the seed's capsule of piece 0 for
// the first peer and its encoding, and seeds f with the encoding and its
// mutations.
func fuzzCapsule(f *testing.F) (*swarm, *Capsule, []byte) {
	s, ukb, _, _, _ := fuzzSwarm(f)
	uk, err := ParseUploadKey(elgamal.Default, ukb)
	require.NoError(f, err)
	c, err := s.seed.Capsule(uk)
	require.NoError(f, err)
	cb, err := c.MarshalBinary()
	require.NoError(f, err)
	addMutations(f, cb)
	return s, c, cb
}

// FuzzParseCapsule: a capsule that parses re-encodes to the same bytes; a
// failed UnmarshalBinary leaves the capsule as it was.
func FuzzParseCapsule(f *testing.F) {
	_, c, _ := fuzzCapsule(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, ParseCapsule)
		d := c.clone()
		if err := d.UnmarshalBinary(data); err != nil {
			require.True(t, d.Equal(c), "a failed decoding changed the capsule")
		}
	})
}

// FuzzVerifyCapsule: with expected hashes, a peer accepts exactly the
// capsule blinded for it.
func FuzzVerifyCapsule(f *testing.F) {
	s, _, cb := fuzzCapsule(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCapsule(elgamal.Default, data)
		if err != nil {
			return
		}
		if s.peers[0].VerifyCapsule(c) == nil {
			require.Equal(t, cb, data)
		}
	})
}

// FuzzParseTorrent: a description that parses re-encodes to the same bytes
// and is one a peer can join.
func FuzzParseTorrent(f *testing.F) {
	s, _, _, _, _ := fuzzSwarm(f)
	tb, err := s.torrent.MarshalBinary()
	require.NoError(f, err)
	addMutations(f, tb)
	f.Fuzz(func(t *testing.T, data []byte) {
		tor, err := ParseTorrent(data)
		if err != nil {
			return
		}
		out, err := tor.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
		_, err = NewPeer(tor, nil)
		require.NoError(t, err)
	})
}

// FuzzRestorePeer: a saved key that loads saves back to the same bytes.
func FuzzRestorePeer(f *testing.F) {
	s, _, _, _, _ := fuzzSwarm(f)
	kb, err := s.peers[0].MarshalBinary()
	require.NoError(f, err)
	addMutations(f, kb)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := RestorePeer(s.torrent, data)
		if err != nil {
			if !errors.Is(err, ErrWrongTorrent) {
				require.ErrorIs(t, err, ErrMalformed)
			}
			return
		}
		out, err := p.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
	})
}

// FuzzVerifyKeyProof: a proof that verifies is bound to its key and its
// context. (Proofs are randomised, and circl draws ristretto255's nonce
// from crypto/rand, so the seed proof is not the only valid one.)
func FuzzVerifyKeyProof(f *testing.F) {
	s, _, _, _, _ := fuzzSwarm(f)
	a, b := s.peers[0], s.peers[1]
	pf, err := a.ProveKey(nil, []byte("fuzz"))
	require.NoError(f, err)
	addMutations(f, pf)
	f.Fuzz(func(t *testing.T, data []byte) {
		if VerifyKeyProof(a.PublicKey(), data, []byte("fuzz")) != nil {
			return
		}
		require.Error(t, VerifyKeyProof(a.PublicKey(), data, []byte("fuzZ")))
		require.Error(t, VerifyKeyProof(b.PublicKey(), data, []byte("fuzz")))
	})
}
