package reencrypt

import (
	"bytes"
	"encoding"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// fuzzSwarm is a small fixed swarm shared by the fuzz targets.
func fuzzSwarm(f *testing.F) (*swarm, []byte, []byte, []byte, []byte) {
	s := newSwarm(f, elgamal.Default, testPieces(100, 37), 2)
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
