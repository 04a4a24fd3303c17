package pacomchan

import (
	"bytes"
	"crypto/sha1"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFileInfo checks the PACOM file of Eq. 4: the info dictionary is the
// canonical bencoding of a single-file torrent, every piece hashes to its
// entry in "pieces", the last piece is short, and I_x is the dictionary's
// SHA-1. (bittorrent/pacomwire parses the same dictionary with
// anacrolix/torrent's metainfo package.)
func TestFileInfo(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.7")
	day := time.Date(2026, 11, 21, 13, 0, 0, 0, time.UTC)
	const length = 5*BlockSize + 1000
	f, err := NewFileInfo(3, ip, day, FileSpec{Length: length})
	require.NoError(t, err)
	require.Equal(t, 6, f.Pieces())
	require.Equal(t, 1000, f.PieceSize(5))
	require.Equal(t, BlockSize, f.PieceSize(0))
	require.Zero(t, f.PieceSize(6))
	info := f.InfoDict()
	require.Equal(t, InfoHash(sha1.Sum(info)), f.InfoHash())
	prefix := "d6:lengthi" + strconv.Itoa(length) + "e4:name22:pacom-"
	require.True(t, bytes.HasPrefix(info, []byte(prefix)), "%q", info[:40])
	i := bytes.Index(info, []byte("6:pieces120:"))
	require.Positive(t, i)
	hashes := info[i+len("6:pieces120:") : len(info)-1]
	require.Len(t, hashes, 120)
	require.Equal(t, byte('e'), info[len(info)-1])
	var whole []byte
	for p := range f.Pieces() {
		piece := f.AppendPiece(nil, p)
		require.Len(t, piece, f.PieceSize(p))
		sum := sha1.Sum(piece)
		require.Equal(t, hashes[20*p:20*p+20], sum[:], "piece %d", p)
		whole = append(whole, piece...)
	}
	require.Len(t, whole, length)
	require.NotEqual(t, whole[:BlockSize], whole[BlockSize:2*BlockSize], "pieces differ")

	again, err := NewFileInfo(3, netip.MustParseAddr("::ffff:192.0.2.7"), day.Add(-13*time.Hour), FileSpec{Length: length})
	require.NoError(t, err)
	require.Equal(t, f.InfoHash(), again.InfoHash(), "same x, node and UTC date")
	other, err := NewFileInfo(4, ip, day, FileSpec{Length: length})
	require.NoError(t, err)
	require.NotEqual(t, f.InfoHash(), other.InfoHash())

	for _, bad := range []struct {
		x    int
		ip   netip.Addr
		spec FileSpec
	}{
		{0, ip, FileSpec{}}, {MaxFiles + 1, ip, FileSpec{}}, {1, netip.Addr{}, FileSpec{}},
		{1, ip, FileSpec{Length: -1}}, {1, ip, FileSpec{PieceLength: 100}},
		{1, ip, FileSpec{Length: MaxFileLength + 1}},
	} {
		_, err := NewFileInfo(bad.x, bad.ip, day, bad.spec)
		require.ErrorIs(t, err, ErrFileSpec, "%+v", bad)
	}
}
