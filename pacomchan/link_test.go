package pacomchan

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// linkPair returns two confirmed links a and b: handshake blocks have gone
// both ways until each side can seal data.
func linkPair(t testing.TB, cfg LinkConfig) (a, b *Link) {
	t.Helper()
	a, err := NewLink(rand.Reader, cfg)
	require.NoError(t, err)
	b, err = NewLink(rand.Reader, cfg)
	require.NoError(t, err)
	ha, carried, err := a.SealBlock(nil, []byte("too early"))
	require.NoError(t, err)
	require.False(t, carried, "a handshake block carries no data")
	for range 3 {
		seg, err := b.OpenBlock(nil, ha)
		require.NoError(t, err)
		require.Nil(t, seg)
		hb, _, err := b.SealBlock(nil, nil)
		require.NoError(t, err)
		seg, err = a.OpenBlock(nil, hb)
		require.NoError(t, err)
		require.Nil(t, seg)
		if a.Ready() && b.Ready() {
			return a, b
		}
		ha, _, err = a.SealBlock(nil, nil)
		require.NoError(t, err)
	}
	t.Fatal("links not confirmed after three rounds")
	return nil, nil
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
			require.Equal(t, uint64(2+1), st.DummyRecv, "two here, one confirming the handshake")
		})
	}
}

func fmtSize(n int) string {
	if n%1024 == 0 {
		return strconv.Itoa(n/1024) + "K"
	}
	return strconv.Itoa(n)
}

// TestLinkHandshake covers the handshake of Fig. 4 under every order: a
// side serves handshake blocks until the peer acknowledges its half, and
// only then carries data.
func TestLinkHandshake(t *testing.T) {
	a, err := NewLink(nil, LinkConfig{BlockSize: 256}) // nil: crypto/rand
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
	for _, blk := range fromA {
		seg, err := b.OpenBlock(nil, blk)
		require.NoError(t, err)
		require.Nil(t, seg)
	}
	require.False(t, b.Ready(), "b has a's half but a has not acknowledged b's")
	hb, carried, err := b.SealBlock(nil, []byte("data"))
	require.NoError(t, err)
	require.False(t, carried, "b's block is its half with an acknowledgement")
	_, err = a.OpenBlock(nil, hb)
	require.NoError(t, err)
	require.True(t, a.Ready(), "b acknowledged a's half")
	blk, carried, err := a.SealBlock(nil, []byte("queued"))
	require.NoError(t, err)
	require.True(t, carried)
	seg, err := b.OpenBlock(nil, blk)
	require.NoError(t, err)
	require.Equal(t, []byte("queued"), seg)
	require.True(t, b.Ready(), "a sealed block confirms")
	// Late and duplicated handshake blocks are dummies.
	for _, blk := range fromA {
		seg, err = b.OpenBlock(nil, blk)
		require.NoError(t, err)
		require.Nil(t, seg)
	}
	require.Equal(t, uint64(6), b.Stats().HelloRecv)
}

// TestLinkHandshakeLossy runs the handshake over a channel that loses,
// duplicates and reorders blocks: both sides end up confirmed and every
// data block then opens once.
func TestLinkHandshakeLossy(t *testing.T) {
	for seed := range uint64(50) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := mrand.New(mrand.NewPCG(seed, 16))
			a, err := NewLink(rand.Reader, LinkConfig{BlockSize: 128})
			require.NoError(t, err)
			b, err := NewLink(rand.Reader, LinkConfig{BlockSize: 128})
			require.NoError(t, err)
			var toA, toB [][]byte
			deliver := func(q *[][]byte, to *Link) {
				for len(*q) > 0 {
					i := rng.IntN(len(*q))
					blk := (*q)[i]
					*q = slices.Delete(*q, i, i+1)
					if rng.IntN(3) == 0 {
						continue // lost
					}
					_, err := to.OpenBlock(nil, blk)
					require.NoError(t, err)
					if rng.IntN(4) == 0 {
						_, err := to.OpenBlock(nil, blk) // duplicated
						if err != nil {
							require.ErrorIs(t, err, ErrBlockReplay)
						}
					}
				}
			}
			for round := 0; !(a.Ready() && b.Ready()); round++ {
				require.Less(t, round, 200, "handshake did not finish")
				blk, _, err := a.SealBlock(nil, nil)
				require.NoError(t, err)
				toB = append(toB, blk)
				blk, _, err = b.SealBlock(nil, nil)
				require.NoError(t, err)
				toA = append(toA, blk)
				if rng.IntN(2) == 0 {
					deliver(&toB, b)
					deliver(&toA, a)
				}
			}
			for i := range 20 {
				blk, carried, err := a.SealBlock(nil, []byte{byte(i)})
				require.NoError(t, err)
				require.True(t, carried)
				got, err := b.OpenBlock(nil, blk)
				require.NoError(t, err)
				require.Equal(t, []byte{byte(i)}, got)
			}
		})
	}
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

	_, err := open(append(bytes.Clone(b1), 0))
	require.ErrorIs(t, err, ErrBlockSize, "oversized")
	_, err = open(b1[:511])
	require.ErrorIs(t, err, ErrAuth, "truncated")
	for _, i := range []int{0, 7, 8, 23, 100, 495, 511} {
		bad := bytes.Clone(b1)
		bad[i] ^= 1
		_, err = open(bad)
		require.ErrorIs(t, err, ErrAuth, "tampered at %d", i)
	}
	// None of the above changed the state; reordered blocks open.
	for i, blk := range [][]byte{b3, b1, b2} {
		got, err := open(blk)
		require.NoError(t, err)
		require.Equal(t, []string{"three", "one", "two"}[i], string(got))
	}
	for _, blk := range [][]byte{b1, b2, b3} {
		_, err = open(blk)
		require.ErrorIs(t, err, ErrBlockReplay, "replayed")
	}
	// A block from the other direction does not open either.
	back, _, err := b.SealBlock(nil, []byte("reflected"))
	require.NoError(t, err)
	_, err = open(back)
	require.ErrorIs(t, err, ErrAuth)
	st := b.Stats()
	require.Equal(t, uint64(13), st.Rejected, "one oversized, three replays, nine forgeries")
	require.Equal(t, uint64(3), st.Replays)
	require.Equal(t, uint64(9), st.Forgeries)
	require.Equal(t, uint64(3), st.DataRecv)

	_, _, err = a.SealBlock(nil, make([]byte, a.MaxSegment()+1))
	require.ErrorIs(t, err, ErrSegmentSize)
}

// TestLinkWindow covers loss, reordering and the edge of the replay window.
func TestLinkWindow(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 64})
	var blocks [][]byte
	for i := range 3 * ReplayWindow {
		blk, _, err := a.SealBlock(nil, binary.BigEndian.AppendUint32(nil, uint32(i)))
		require.NoError(t, err)
		blocks = append(blocks, blk)
	}
	open := func(i int) error {
		got, err := b.OpenBlock(nil, blocks[i])
		if err == nil {
			require.Equal(t, uint32(i), binary.BigEndian.Uint32(got))
		}
		return err
	}
	require.NoError(t, open(ReplayWindow+10), "a gap of lost blocks")
	require.NoError(t, open(11), "the oldest block in the window")
	require.ErrorIs(t, open(10), ErrBlockReplay, "one behind the window")
	require.ErrorIs(t, open(11), ErrBlockReplay)
	require.NoError(t, open(500))
	require.NoError(t, open(3*ReplayWindow-1), "a jump of more than a window")
	require.ErrorIs(t, open(ReplayWindow+10), ErrBlockReplay)
	require.NoError(t, open(2*ReplayWindow))
	require.ErrorIs(t, open(2*ReplayWindow-1), ErrBlockReplay)
}

// TestLinkLossyChannel is the property the scheduler relies on: over a
// channel that drops 5 %, duplicates 5 % and reorders within 16 blocks,
// every block that arrives opens exactly once, duplicates are refused and
// counted, and no block is ever misread.
func TestLinkLossyChannel(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 7))
	a, b := linkPair(t, LinkConfig{BlockSize: 96, RotateAfter: 50})
	got := map[uint32]int{}
	dups := 0
	var chunk [][]byte
	flush := func() {
		rng.Shuffle(len(chunk), func(i, j int) { chunk[i], chunk[j] = chunk[j], chunk[i] })
		for _, blk := range chunk {
			seg, err := b.OpenBlock(nil, blk)
			require.NoError(t, err)
			got[binary.BigEndian.Uint32(seg)]++
			if rng.Float64() < 0.05 {
				_, err := b.OpenBlock(nil, blk)
				require.ErrorIs(t, err, ErrBlockReplay)
				dups++
			}
		}
		chunk = chunk[:0]
	}
	const n = 3000
	for i := range n {
		blk, carried, err := a.SealBlock(nil, binary.BigEndian.AppendUint32(nil, uint32(i)))
		require.NoError(t, err)
		require.True(t, carried)
		if rng.Float64() >= 0.05 {
			chunk = append(chunk, blk)
		}
		if len(chunk) == 16 {
			flush()
		}
	}
	flush()
	for v, k := range got {
		require.Equal(t, 1, k, "block %d opened %d times", v, k)
		require.Less(t, int(v), n)
	}
	require.InDelta(t, 0.95*n, float64(len(got)), 60)
	st := b.Stats()
	require.Equal(t, uint64(dups), st.Replays)
	require.NotZero(t, dups)
	require.Zero(t, st.Forgeries)
	require.InDelta(t, n/50, float64(st.Rotations), 1, "3000 blocks at 50 per key")
}

// TestLinkShortBlocks covers the short last block of a file: a block of at
// least MinBlockSize bytes is sealed with a smaller capacity, a shorter one
// is filler that carries nothing.
func TestLinkShortBlocks(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 1024})
	for _, size := range []int{1, 17, MinBlockSize - 1, MinBlockSize, 100, 1023, 1024} {
		seg := bytes.Repeat([]byte{0xa5}, max(0, min(size-BlockOverhead, 40)))
		blk, carried, err := a.SealBlockSize(nil, seg, size)
		require.NoError(t, err, "size %d", size)
		require.Len(t, blk, size)
		require.Equal(t, size >= MinBlockSize, carried, "size %d", size)
		got, err := b.OpenBlock(nil, blk)
		require.NoError(t, err)
		if carried {
			require.Equal(t, seg, got)
		} else {
			require.Nil(t, got)
		}
	}
	_, _, err := a.SealBlockSize(nil, make([]byte, 100-BlockOverhead+1), 100)
	require.ErrorIs(t, err, ErrSegmentSize)
	for _, size := range []int{0, -1, 1025} {
		_, _, err = a.SealBlockSize(nil, nil, size)
		require.ErrorIs(t, err, ErrBlockSize)
	}
	require.Equal(t, uint64(3), b.Stats().FillerRecv)
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
	// After linkPair a's next sequence number is 1: block i has number i+1
	// and epoch (i+1)/3.
	for i := range 11 {
		blk, _, err := a.SealBlock(nil, []byte{byte(i)})
		require.NoError(t, err)
		blocks = append(blocks, blk)
	}
	require.Equal(t, uint64(3), a.Stats().Rotations)
	require.NotEqual(t, a.send.key, [32]byte{}, "key set")
	open := func(i int) error {
		got, err := b.OpenBlock(nil, blocks[i])
		if err == nil {
			require.Equal(t, []byte{byte(i)}, got)
		}
		return err
	}
	// Reordered across one rotation, and a gap of two rotations.
	require.NoError(t, open(4))
	require.NoError(t, open(1))
	require.NoError(t, open(10), "two epochs ahead")
	require.Equal(t, uint64(3), b.Stats().Rotations)
	require.NoError(t, open(7), "the previous epoch's key is kept")
	require.ErrorIs(t, open(3), ErrBlockReplay, "older keys are gone")
	require.ErrorIs(t, open(4), ErrBlockReplay)

	_, err := NewLink(rand.Reader, LinkConfig{RotateAfter: MaxRotateAfter + 1})
	require.Error(t, err)
	_, err = NewLink(rand.Reader, LinkConfig{BlockSize: MinBlockSize - 1})
	require.Error(t, err)
}

// TestLinkEpochJump: a block more than MaxEpochJump rotations ahead is
// refused as a forgery, without deriving keys.
func TestLinkEpochJump(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 64, RotateAfter: 1})
	var last []byte
	for range MaxEpochJump + 2 {
		var err error
		last, _, err = a.SealBlock(nil, nil)
		require.NoError(t, err)
	}
	_, err := b.OpenBlock(nil, last)
	require.ErrorIs(t, err, ErrAuth)
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

// sealRaw seals plaintext pt (length prefix included) into a block of size
// bytes under l's send key and next sequence number, exactly as
// [Link.SealBlockSize] frames it: what a peer holding the key but running
// broken code would send.
func sealRaw(t *testing.T, l *Link, pt []byte, size int) []byte {
	t.Helper()
	require.Equal(t, size-BlockOverhead+lenPrefixSize, len(pt))
	d := &l.send
	b := make([]byte, size)
	copy(b[seqSize:], pt)
	var nonce [12]byte
	binary.BigEndian.PutUint64(nonce[4:], d.seq)
	d.aead.Seal(b[seqSize:seqSize], nonce[:], b[seqSize:size-16], nil)
	var mask [16]byte
	d.hp.Encrypt(mask[:], b[seqSize:seqSize+sampleSize])
	binary.BigEndian.PutUint64(b, d.seq^binary.BigEndian.Uint64(mask[:]))
	d.seq++
	return b
}

// TestLinkBadLength: an authentic block whose length field exceeds the
// block is refused with ErrBadLength, never read past its end; it is
// consumed (a replay of it is a replay) and the link carries on.
func TestLinkBadLength(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 128})
	for _, n := range []uint32{128 - BlockOverhead + 1, 1 << 31, ^uint32(0)} {
		pt := make([]byte, 128-BlockOverhead+lenPrefixSize)
		binary.BigEndian.PutUint32(pt, n)
		blk := sealRaw(t, a, pt, 128)
		var seg []byte
		var err error
		require.NotPanics(t, func() { seg, err = b.OpenBlock(nil, blk) })
		require.ErrorIs(t, err, ErrBadLength, "length %d", n)
		require.Nil(t, seg)
		_, err = b.OpenBlock(nil, blk)
		require.ErrorIs(t, err, ErrBlockReplay, "consumed")
	}
	// The largest length that fits opens.
	pt := make([]byte, 128-BlockOverhead+lenPrefixSize)
	binary.BigEndian.PutUint32(pt, 128-BlockOverhead)
	pt[len(pt)-1] = 7
	seg, err := b.OpenBlock(nil, sealRaw(t, a, pt, 128))
	require.NoError(t, err)
	require.Len(t, seg, 128-BlockOverhead)
	require.Equal(t, byte(7), seg[len(seg)-1])
	blk, _, err := a.SealBlock(nil, []byte("after"))
	require.NoError(t, err)
	seg, err = b.OpenBlock(nil, blk)
	require.NoError(t, err)
	require.Equal(t, "after", string(seg))
}

// TestLinkDummyBlocks: a confirmed link seals a nil or empty segment as a
// dummy block of full size that opens to a nil segment and is counted as a
// dummy, not as data.
func TestLinkDummyBlocks(t *testing.T) {
	a, b := linkPair(t, LinkConfig{BlockSize: 256})
	sent, recv := a.Stats(), b.Stats()
	for _, seg := range [][]byte{nil, {}} {
		blk, carried, err := a.SealBlock(nil, seg)
		require.NoError(t, err)
		require.False(t, carried)
		require.Len(t, blk, 256)
		got, err := b.OpenBlock(nil, blk)
		require.NoError(t, err)
		require.Nil(t, got)
	}
	require.Equal(t, sent.DummySent+2, a.Stats().DummySent)
	require.Equal(t, sent.DataSent, a.Stats().DataSent)
	require.Equal(t, recv.DummyRecv+2, b.Stats().DummyRecv)
	require.Equal(t, recv.DataRecv, b.Stats().DataRecv)
}

// TestLinkExhausted: a direction never seals under sequence number
// 2^64 − 1 (the receiver's window cannot take it) and never wraps to 0,
// which would reuse a nonce.
func TestLinkExhausted(t *testing.T) {
	a, _ := linkPair(t, LinkConfig{BlockSize: 128, RotateAfter: MaxRotateAfter})
	// Skip to the end of the sequence space (the key's epoch moved with
	// it, so no rotation is due).
	last := ^uint64(0) - 1
	a.send.seq, a.send.epoch = last, last/MaxRotateAfter
	blk, carried, err := a.SealBlock(nil, []byte("last"))
	require.NoError(t, err)
	require.True(t, carried)
	require.Len(t, blk, 128)
	for range 3 {
		dst := []byte("unchanged")
		out, carried, err := a.SealBlock(dst, []byte("one too many"))
		require.ErrorIs(t, err, ErrExhausted)
		require.False(t, carried)
		require.Equal(t, "unchanged", string(out))
	}
	require.Equal(t, ^uint64(0), a.send.seq, "no wrap")
}

// shortReader yields n bytes of randomness, then fails.
type shortReader struct{ n int }

func (r *shortReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("entropy exhausted")
	}
	k := min(r.n, len(p))
	r.n -= k
	return rand.Read(p[:k])
}

// TestLinkRandomnessFailure: when the randomness source fails, a handshake
// or filler block is an error, never a block of predictable bytes, and dst
// comes back as it was.
func TestLinkRandomnessFailure(t *testing.T) {
	l, err := NewLink(&shortReader{n: 32}, LinkConfig{BlockSize: 128})
	require.NoError(t, err)
	for _, size := range []int{128, MinBlockSize, MinBlockSize - 1, 1} {
		dst := []byte("unchanged")
		out, carried, err := l.SealBlockSize(dst, nil, size)
		require.Error(t, err, "size %d", size)
		require.False(t, carried)
		require.Equal(t, "unchanged", string(out))
	}
}

// TestLinkEpochJumpLimit: a block exactly MaxEpochJump rotations ahead of
// the receiver opens; one more is refused.
func TestLinkEpochJumpLimit(t *testing.T) {
	for _, jump := range []uint64{MaxEpochJump, MaxEpochJump + 1} {
		a, b := linkPair(t, LinkConfig{BlockSize: 64, RotateAfter: 1})
		target := b.recv.cur.epoch + jump // RotateAfter 1: epoch = seq
		require.Less(t, a.send.seq, target)
		var blk []byte
		for a.send.seq <= target {
			var err error
			blk, _, err = a.SealBlock(nil, nil)
			require.NoError(t, err)
		}
		_, err := b.OpenBlock(nil, blk)
		if jump <= MaxEpochJump {
			require.NoError(t, err, "jump %d", jump)
			require.Equal(t, target, b.recv.cur.epoch)
		} else {
			require.ErrorIs(t, err, ErrAuth, "jump %d", jump)
		}
	}
}

// TestDeriveLinkKeysAgree: both ends derive matching keys whichever byte
// their halves differ in (the halves are ordered as little-endian
// numbers), and the two directions never share a key.
func TestDeriveLinkKeysAgree(t *testing.T) {
	shared := bytes.Repeat([]byte{9}, 32)
	for _, i := range []int{0, 1, 15, 30, 31} {
		mine, theirs := bytes.Repeat([]byte{0x40}, 32), bytes.Repeat([]byte{0x40}, 32)
		theirs[i] = 0x41
		for _, swap := range []bool{false, true} {
			x, y := mine, theirs
			if swap {
				x, y = y, x
			}
			k1, k2 := deriveLinkKeys(shared, x, y), deriveLinkKeys(shared, y, x)
			require.Equal(t, k1.send, k2.recv, "byte %d", i)
			require.Equal(t, k1.recv, k2.send, "byte %d", i)
			require.Equal(t, k1.hpSend, k2.hpRecv, "byte %d", i)
			require.Equal(t, k1.ack, k2.peerAck, "byte %d", i)
			require.NotEqual(t, k1.send, k1.recv, "byte %d", i)
			require.NotEqual(t, k1.ack, k1.peerAck, "byte %d", i)
		}
	}
}

// TestLinkBlockSizeLimits: MinBlockSize and MaxBlockSize are both
// accepted as a link's block size, and nothing outside them.
func TestLinkBlockSizeLimits(t *testing.T) {
	for size, ok := range map[int]bool{MinBlockSize - 1: false, MinBlockSize: true, MaxBlockSize: true, MaxBlockSize + 1: false} {
		l, err := NewLink(nil, LinkConfig{BlockSize: size})
		if !ok {
			require.Error(t, err, "size %d", size)
			continue
		}
		require.NoError(t, err, "size %d", size)
		require.Equal(t, size, l.BlockSize())
	}
}
