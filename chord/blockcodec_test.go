package chord_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

func testBlock(t testing.TB) chord.Block {
	tr, err := chord.NewTracker(nil)
	require.NoError(t, err)
	data := []byte("an encrypted chunk")
	tk := tr.SignBlock(chord.BlockKey(data), 1234)
	return chord.Block{Key: tk.Key, Data: data, Ticket: tk, Expires: -5}
}

func TestBlockEncoding(t *testing.T) {
	b := testBlock(t)
	enc, err := b.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, enc, 1+8+chord.TicketSize+len(b.Data))
	var got chord.Block
	require.NoError(t, got.UnmarshalBinary(enc))
	require.Equal(t, b, got)
	enc[len(enc)-1] ^= 1
	require.Equal(t, b.Data, got.Data, "the decoded block copies its data")

	bad := b
	bad.Key[0] ^= 1
	_, err = bad.MarshalBinary()
	require.ErrorIs(t, err, chord.ErrMalformed)
	bad = b
	bad.Data = nil
	_, err = bad.MarshalBinary()
	require.ErrorIs(t, err, chord.ErrMalformed)

	good, err := b.MarshalBinary()
	require.NoError(t, err)
	for _, in := range [][]byte{nil, good[:1+8+chord.TicketSize], good[:10], append([]byte{2}, good[1:]...)} {
		before := got
		require.ErrorIs(t, got.UnmarshalBinary(in), chord.ErrMalformed)
		require.Equal(t, before, got, "a failed decode leaves the block unchanged")
	}
}

// FuzzBlock decodes arbitrary bytes as a stored block: a decodable input
// re-encodes to the same bytes, and an error leaves the block unchanged.
func FuzzBlock(f *testing.F) {
	b := testBlock(f)
	enc, err := b.MarshalBinary()
	require.NoError(f, err)
	f.Add(enc)
	f.Add(enc[:40])
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, in []byte) {
		var got chord.Block
		if err := got.UnmarshalBinary(in); err != nil {
			require.ErrorIs(t, err, chord.ErrMalformed)
			require.Equal(t, chord.Block{}, got)
			return
		}
		out, err := got.MarshalBinary()
		require.NoError(t, err)
		require.True(t, bytes.Equal(in, out))
	})
}
