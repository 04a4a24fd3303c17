package auction

import (
	"crypto/rand"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestRandomnessFailure: a failing random source is an error from every
// function that draws from it, never a key, commitment or auction built
// from missing bytes (a bid nonce of zeros would not hide the bid), and a
// market whose reader fails opens no auction for the request.
func TestRandomnessFailure(t *testing.T) {
	k, err := GenerateBidderKey(errReader{})
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.Nil(t, k)

	c, o, err := Seal(errReader{}, AuctionID{1}, 7, 10)
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.Equal(t, Commitment{}, c)
	require.Equal(t, Opening{}, o)

	sb, o, err := testKey(1).Seal(errReader{}, AuctionID{1}, 10)
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.Equal(t, SealedBid{}, sb)
	require.Equal(t, Opening{}, o)

	s, err := NewSealed(errReader{}, AuctionID{1}, 5)
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.Nil(t, s)

	m, err := NewMarket(errReader{}, MarketConfig{Capacity: 1})
	require.NoError(t, err)
	chunk := ChunkID{9}
	require.NoError(t, m.Offer(chunk, 1))
	bid, _, err := testKey(1).Seal(rand.Reader, m.AuctionID(chunk), 10)
	require.NoError(t, err)
	require.ErrorIs(t, m.Request(chunk, bid), io.ErrClosedPipe)
	require.Empty(t, m.Requested(), "no auction is opened")
}
