package pacomchan

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzOpenBlock feeds arbitrary bytes to a keyed link. Whatever they are, a
// forged block is refused without a panic and leaves the link in its state:
// the next genuine block still opens to what was sealed.
func FuzzOpenBlock(f *testing.F) {
	a, b := linkPair(f, LinkConfig{BlockSize: 128})
	genuine, _, err := a.SealBlock(nil, []byte("genuine"))
	require.NoError(f, err)
	f.Add(genuine[:10])
	f.Add(bytes.Repeat([]byte{0}, 128))
	f.Add(bytes.Clone(genuine))
	f.Fuzz(func(t *testing.T, blk []byte) {
		before, beforeStats := b.recv, b.stats
		seg, err := b.OpenBlock(nil, blk)
		if err == nil {
			// Only the genuine block (or a handshake-looking block before
			// confirmation) opens; then there is nothing more to check.
			if bytes.Equal(blk, genuine) {
				require.Equal(t, "genuine", string(seg))
				b.recv = before // rewind for the next input
			}
			return
		}
		require.Equal(t, before.window, b.recv.window, "a refused block moved the window")
		require.Equal(t, before.cur.epoch, b.recv.cur.epoch, "a refused block rotated the key")
		require.Equal(t, beforeStats.Rejected+1, b.stats.Rejected, "a refused block is counted")
		got, err := b.OpenBlock(nil, genuine)
		require.NoError(t, err)
		require.Equal(t, "genuine", string(got))
		b.recv = before
	})
}

// FuzzSealOpen checks the round trip of any segment and block size.
func FuzzSealOpen(f *testing.F) {
	f.Add([]byte("hello"), uint16(64))
	f.Add([]byte{}, uint16(1024))
	f.Add(bytes.Repeat([]byte{0xff}, 300), uint16(320))
	f.Fuzz(func(t *testing.T, seg []byte, size uint16) {
		bs := MinBlockSize + int(size)%2048
		a, b := linkPair(t, LinkConfig{BlockSize: bs, RotateAfter: 2})
		for range 3 {
			blk, carried, err := a.SealBlock(nil, seg)
			if len(seg) > a.MaxSegment() {
				require.ErrorIs(t, err, ErrSegmentSize)
				return
			}
			require.NoError(t, err)
			require.Len(t, blk, bs)
			require.Equal(t, len(seg) > 0, carried)
			got, err := b.OpenBlock(nil, blk)
			require.NoError(t, err)
			require.Equal(t, len(seg), len(got))
			require.True(t, bytes.Equal(seg, got))
		}
	})
}
