package drm_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/drm"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

func messageSeeds(t testing.TB) [][]byte {
	g := elgamal.Default
	c, err := reencrypt.ParseCapsule(g, elgamal.AppendElement(binary.BigEndian.AppendUint32(nil, 3), g.RandomElement(rand.Reader)))
	require.NoError(t, err)
	var out [][]byte
	for _, m := range []drm.Message{
		{Kind: drm.KindRequest, Index: 7, To: reencrypt.PeerID{1, 2, 3}},
		{Kind: drm.KindCapsule, Capsule: c},
		{Kind: drm.KindRefuse, Index: 1, Reason: drm.ReasonUnavailable},
		{Kind: drm.KindRefuse, Index: 1 << 31, Reason: drm.ReasonKeys},
	} {
		b, err := m.MarshalBinary()
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

// FuzzParseMessage: any input either decodes to a message that encodes
// back to the same bytes, or is refused with ErrMessage; never a panic.
func FuzzParseMessage(f *testing.F) {
	for _, s := range messageSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Add([]byte{byte(drm.KindCapsule)})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := drm.ParseMessage(elgamal.Default, data)
		if err != nil {
			require.ErrorIs(t, err, drm.ErrMessage)
			require.Nil(t, m)
			return
		}
		b, err := m.MarshalBinary()
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, b), "re-encoding differs")
	})
}

func TestMessageCodec(t *testing.T) {
	g := elgamal.Default
	for _, b := range messageSeeds(t) {
		m, err := drm.ParseMessage(g, b)
		require.NoError(t, err)
		again, err := m.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, again)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"unknown kind", []byte{9, 0, 0, 0, 1}},
		{"short request", append([]byte{byte(drm.KindRequest)}, make([]byte, drm.RequestSize-1)...)},
		{"long request", append([]byte{byte(drm.KindRequest)}, make([]byte, drm.RequestSize+1)...)},
		{"identity capsule", append([]byte{byte(drm.KindCapsule)}, make([]byte, reencrypt.CapsuleSize(g))...)},
		{"short capsule", append([]byte{byte(drm.KindCapsule)}, make([]byte, 8)...)},
		{"unknown reason", []byte{byte(drm.KindRefuse), 0, 0, 0, 1, 0}},
		{"long refusal", []byte{byte(drm.KindRefuse), 0, 0, 0, 1, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := drm.ParseMessage(g, tc.data)
			require.ErrorIs(t, err, drm.ErrMessage)
		})
	}
	_, err := (&drm.Message{Kind: drm.KindCapsule}).MarshalBinary()
	require.ErrorIs(t, err, drm.ErrMessage)
	_, err = (&drm.Message{Kind: drm.KindRefuse, Index: 1}).MarshalBinary()
	require.ErrorIs(t, err, drm.ErrMessage)
}

func BenchmarkParseMessage(b *testing.B) {
	for _, data := range messageSeeds(b)[:3] {
		b.Run(drm.Kind(data[0]).String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := drm.ParseMessage(elgamal.Default, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
