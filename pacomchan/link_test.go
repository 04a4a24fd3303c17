package pacomchan

import (
	"bytes"
	"crypto/rand"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// linkPair returns two keyed links a and b: each has served its handshake
// block and received the other's.
func linkPair(t testing.TB, cfg LinkConfig) (a, b *Link) {
	t.Helper()
	a, err := NewLink(rand.Reader, cfg)
	require.NoError(t, err)
	b, err = NewLink(rand.Reader, cfg)
	require.NoError(t, err)
	ha, carried, err := a.SealBlock(nil, []byte("too early"))
	require.NoError(t, err)
	require.False(t, carried, "a handshake block carries no data")
	hb, _, err := b.SealBlock(nil, nil)
	require.NoError(t, err)
	seg, err := b.OpenBlock(nil, ha)
	require.NoError(t, err)
	require.Nil(t, seg)
	seg, err = a.OpenBlock(nil, hb)
	require.NoError(t, err)
	require.Nil(t, seg)
	require.True(t, a.Ready())
	require.True(t, b.Ready())
	return a, b
}

func TestLinkRoundTrip(t *testing.T) {
	for _, size := range []int{MinBlockSize, 1024, BlockSize, MaxBlockSize} {
		t.Run(fmtSize(size), func(t *testing.T) {
			a, b := linkPair(t, LinkConfig{BlockSize: size})
			segs := [][]byte{[]byte("x"), nil, bytes.Repeat([]byte{7}, a.MaxSegment()), {}, []byte("last")}
			for i, seg := range segs {
				blk, carried, err := a.SealBlock(nil, seg)
				require.NoError(t, err)
				require.Len(t, blk, size, "every block has the block size")
				require.Equal(t, len(seg) > 0, carried)
				got, err := b.OpenBlock(nil, blk)
				require.NoError(t, err, "block %d", i)
				if len(seg) == 0 {
					require.Nil(t, got, "a dummy block opens to nil")
				} else {
					require.Equal(t, seg, got)
				}
			}
			st := b.Stats()
			require.Equal(t, uint64(3), st.DataRecv)
			require.Equal(t, uint64(2), st.DummyRecv)
		})
	}
}

func fmtSize(n int) string {
	if n%1024 == 0 {
		return strconv.Itoa(n/1024) + "K"
	}
	return strconv.Itoa(n)
}

// TestLinkHelloBeforeKeys covers the order in which a side serves blocks
// before the peer's half has reached it: those blocks are repeated
// handshake blocks, accepted as dummies until the channel is confirmed.
func TestLinkHelloBeforeKeys(t *testing.T) {
	a, err := NewLink(rand.Reader, LinkConfig{BlockSize: 256})
	require.NoError(t, err)
	b, err := NewLink(rand.Reader, LinkConfig{BlockSize: 256})
	require.NoError(t, err)
	// a serves three blocks before b's half reaches it.
	var fromA [][]byte
	for range 3 {
		blk, carried, err := a.SealBlock(nil, []byte("queued"))
		require.NoError(t, err)
		require.False(t, carried)
		fromA = append(fromA, blk)
	}
	require.NotEqual(t, fromA[0], fromA[1], "repeated handshake blocks differ")
	hb, _, err := b.SealBlock(nil, nil)
	require.NoError(t, err)
	for _, blk := range fromA {
		seg, err := b.OpenBlock(nil, blk)
		require.NoError(t, err)
		require.Nil(t, seg)
	}
	_, err = a.OpenBlock(nil, hb)
	require.NoError(t, err)
	blk, carried, err := a.SealBlock(nil, []byte("queued"))
	require.NoError(t, err)
	require.True(t, carried)
	seg, err := b.OpenBlock(nil, blk)
	require.NoError(t, err)
	require.Equal(t, []byte("queued"), seg)
	// Once confirmed, a replayed handshake block is refused.
	_, err = b.OpenBlock(nil, fromA[0])
	require.ErrorIs(t, err, ErrLateHello)
	require.Equal(t, uint64(3), b.Stats().HelloRecv)
}

// TestLinkHelloFirst covers the other order: a side that already has the
// peer's half still serves its own half first.
func TestLinkHelloFirst(t *testing.T) {
	a, err := NewLink(rand.Reader, LinkConfig{BlockSize: 256})
	require.NoError(t, err)
	b, err := NewLink(rand.Reader, LinkConfig{BlockSize: 256})
	require.NoError(t, err)
	ha, _, err := a.SealBlock(nil, nil)
	require.NoError(t, err)
	_, err = b.OpenBlock(nil, ha)
	require.NoError(t, err)
	require.True(t, b.Ready())
	hb, carried, err := b.SealBlock(nil, []byte("data"))
	require.NoError(t, err)
	require.False(t, carried, "b's first block is its half, not data")
	_, err = a.OpenBlock(nil, hb)
	require.NoError(t, err)
	blk, carried, err := b.SealBlock(nil, []byte("data"))
	require.NoError(t, err)
	require.True(t, carried)
	seg, err := a.OpenBlock(nil, blk)
	require.NoError(t, err)
	require.Equal(t, "data", string(seg))
}

func TestLinkRejects(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 512})
	seal := func(s string) []byte {
		blk, _, err := a.SealBlock(nil, []byte(s))
		require.NoError(t, err)
		return blk
	}
	open := func(blk []byte) ([]byte, error) { return b.OpenBlock(nil, blk) }

	b1, b2, b3 := seal("one"), seal("two"), seal("three")

	_, err := open(b1[:511])
	require.ErrorIs(t, err, ErrBlockSize, "short")
	_, err = open(append(bytes.Clone(b1), 0))
	require.ErrorIs(t, err, ErrBlockSize, "oversized")
	_, err = open(b2)
	require.ErrorIs(t, err, ErrAuth, "reordered")
	for _, i := range []int{0, 100, 495, 511} {
		bad := bytes.Clone(b1)
		bad[i] ^= 1
		_, err = open(bad)
		require.ErrorIs(t, err, ErrAuth, "tampered at %d", i)
	}
	// None of the above changed the state: the genuine blocks still open.
	for i, blk := range [][]byte{b1, b2, b3} {
		got, err := open(blk)
		require.NoError(t, err)
		require.Equal(t, []string{"one", "two", "three"}[i], string(got))
	}
	_, err = open(b3)
	require.ErrorIs(t, err, ErrAuth, "replayed")
	// A block from the other direction does not open either.
	back, _, err := b.SealBlock(nil, []byte("reflected"))
	require.NoError(t, err)
	_, err = open(back)
	require.ErrorIs(t, err, ErrAuth)
	require.Equal(t, uint64(9), b.Stats().Rejected)

	_, _, err = a.SealBlock(nil, make([]byte, a.MaxSegment()+1))
	require.ErrorIs(t, err, ErrSegmentSize)
}

func TestLinkBadHello(t *testing.T) {
	a, err := NewLink(rand.Reader, LinkConfig{BlockSize: 128})
	require.NoError(t, err)
	own, _, err := a.SealBlock(nil, nil)
	require.NoError(t, err)
	_, err = a.OpenBlock(nil, own)
	require.ErrorIs(t, err, ErrReflectedKey)
	lowOrder := make([]byte, 128) // the point 0
	_, err = a.OpenBlock(nil, lowOrder)
	require.ErrorIs(t, err, ErrBadHello)
	require.False(t, a.Ready())
}

func TestLinkRotation(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 128, RotateAfter: 3})
	var blocks [][]byte
	for i := range 10 {
		blk, _, err := a.SealBlock(nil, []byte{byte(i)})
		require.NoError(t, err)
		blocks = append(blocks, blk)
	}
	require.Equal(t, uint64(3), a.Stats().Rotations)
	// Block 3 is the first under the rotated key: it fails as block 0.
	_, err := b.OpenBlock(nil, blocks[3])
	require.ErrorIs(t, err, ErrAuth)
	for i, blk := range blocks {
		got, err := b.OpenBlock(nil, blk)
		require.NoError(t, err, "block %d", i)
		require.Equal(t, []byte{byte(i)}, got)
	}
	require.Equal(t, uint64(3), b.Stats().Rotations)
	require.NotEqual(t, a.send.key, [32]byte{}, "key set")
	_, err = NewLink(rand.Reader, LinkConfig{RotateAfter: MaxRotateAfter + 1})
	require.Error(t, err)
	_, err = NewLink(rand.Reader, LinkConfig{BlockSize: MinBlockSize - 1})
	require.Error(t, err)
}

// TestLinkIndistinguishable checks what an observer without the key sees:
// dummy and data blocks have the same size, never repeat, and have the byte
// statistics of uniform noise (a chi-square test over the byte values).
func TestLinkIndistinguishable(t *testing.T) {
	a, _ := linkPair(t, LinkConfig{BlockSize: 4096})
	zeros := make([]byte, a.MaxSegment()) // the most regular data there is
	seen := map[string]bool{}
	for i := range 64 {
		seg := zeros
		if i%2 == 1 {
			seg = nil
		}
		blk, _, err := a.SealBlock(nil, seg)
		require.NoError(t, err)
		require.Len(t, blk, 4096)
		require.False(t, seen[string(blk)], "a block repeated: nonce reuse")
		seen[string(blk)] = true
		var counts [256]float64
		for _, c := range blk {
			counts[c]++
		}
		chi := 0.0
		exp := 4096.0 / 256
		for _, c := range counts {
			chi += (c - exp) * (c - exp) / exp
		}
		// 255 degrees of freedom: mean 255, sd 22.6; 400 is beyond 6 sd.
		require.Less(t, chi, 400.0, "block %d does not look random", i)
	}
}
