package auction

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	mrand "math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzOpening checks the opening decoder: any input either fails, leaving
// the destination unchanged, or re-encodes to itself with a valid amount.
func FuzzOpening(f *testing.F) {
	_, o, err := Seal(rand.Reader, NewAuctionID(1, ChunkID{1}, 2), 3, 130)
	require.NoError(f, err)
	good, err := o.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[:OpeningSize-1])
	f.Add(make([]byte, OpeningSize))
	f.Add(bytes.Repeat([]byte{0xff}, OpeningSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		sentinel := Opening{Bidder: 99, Amount: 99}
		got := sentinel
		if err := got.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			require.Equal(t, sentinel, got, "a failed decode left a half-built value")
			return
		}
		require.NoError(t, checkBid(got.Amount))
		enc, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, enc)
	})
}

// FuzzSealedBid checks the sealed-bid decoder and its authentication: any
// input either fails to decode, leaving the destination unchanged, or
// re-encodes to itself; a decoded bid that verifies is one some key
// signed, and the genuine bid stops verifying if any byte of it changes.
// A sealed auction accepts a decoded bid only if it verifies, and a
// rejected bid leaves the auction unchanged.
func FuzzSealedBid(f *testing.F) {
	id := NewAuctionID(1, ChunkID{1}, 2)
	sb, err := testKey(3).Sign(id, Commitment{4})
	require.NoError(f, err)
	good, err := sb.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add(good[1:])
	for _, i := range []int{0, 35, 40, 72, 104, SealedBidSize - 1} {
		bad := bytes.Clone(good)
		bad[i] ^= 1
		f.Add(bad)
	}
	unsigned := SealedBid{Auction: id, Bidder: 3, Commitment: Commitment{4}}
	raw, err := unsigned.MarshalBinary()
	require.NoError(f, err)
	f.Add(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		var got SealedBid
		if err := got.UnmarshalBinary(b); err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			require.Equal(t, SealedBid{}, got)
			return
		}
		enc, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, enc)
		verr := got.Verify()
		if !bytes.Equal(b, good) && got.PublicKey == sb.PublicKey && got.Bidder == sb.Bidder {
			require.ErrorIs(t, verr, ErrUnauthenticated, "a changed bid verified under the genuine key")
		}
		s, err := NewSealed(rand.Reader, got.Auction, 0)
		require.NoError(t, err)
		cerr := s.Commit(got)
		if verr != nil {
			require.ErrorIs(t, cerr, ErrUnauthenticated)
			require.Zero(t, s.Commitments())
		} else {
			require.NoError(t, cerr)
			require.Equal(t, 1, s.Commitments())
		}
	})
}

// FuzzReveal presents fuzzer-made openings to a sealed auction holding
// genuine commitments: an opening is accepted only if it is one of the
// genuine ones (a commitment never opens to anything else), and a
// rejected opening changes nothing about the result.
func FuzzReveal(f *testing.F) {
	id := NewAuctionID(7, ChunkID{7}, 7)
	var genuine []Opening
	var sealed []SealedBid
	for i, a := range []Amount{110, 130, 125} {
		sb, o, err := testKey(BidderID(i)).Seal(mrand.NewChaCha8([32]byte{byte(i)}), id, a)
		require.NoError(f, err)
		genuine = append(genuine, o)
		sealed = append(sealed, sb)
	}
	for _, o := range genuine {
		b, err := o.MarshalBinary()
		require.NoError(f, err)
		f.Add(b)
		b[45] ^= 1 // another amount
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Opening
		if o.UnmarshalBinary(b) != nil {
			return
		}
		s, err := NewSealed(rand.Reader, id, 100)
		require.NoError(t, err)
		for _, sb := range sealed {
			require.NoError(t, s.Commit(sb))
		}
		require.NoError(t, s.CloseBidding())
		err = s.Reveal(o)
		isGenuine := false
		for _, g := range genuine {
			isGenuine = isGenuine || g == o
		}
		if !isGenuine {
			require.Error(t, err, "a commitment opened to a forged opening")
		} else {
			require.NoError(t, err)
		}
		for _, g := range genuine {
			require.NoError(t, s.Reveal(g))
		}
		r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
		require.NoError(t, err)
		require.True(t, r.Sold)
		require.Equal(t, bidder(1), r.Winner)
		require.Equal(t, Amount(125), r.Price)
		require.Empty(t, r.Excluded)
	})
}

// FuzzClear decodes fuzzer bytes into a reserve and bids (amounts may be
// invalid) and checks Clear against the reference rule: invalid input is
// an error and no result; otherwise the same sale, price and tie set.
func FuzzClear(f *testing.F) {
	vector := []byte{0, 0, 0, 100}
	for _, b := range []Bid{{'A', 110}, {'A', 130}, {'C', 125}, {'D', 105}, {'D', 115}, {'D', 90}, {'E', 132}, {'E', 135}, {'E', 140}} {
		vector = append(vector, byte(b.Bidder))
		vector = binary.BigEndian.AppendUint32(vector, uint32(b.Amount))
	}
	f.Add(vector)
	f.Add([]byte{0, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1, 0x80, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		// Signed 32-bit fields, scaled so that negative, zero and
		// out-of-range amounts all occur.
		reserve := Amount(int32(binary.BigEndian.Uint32(data))) << 17
		if data[0]&1 == 0 {
			reserve >>= 17
		}
		var bids []Bid
		valid := checkReserve(reserve) == nil
		for rest := data[4:]; len(rest) >= 5; rest = rest[5:] {
			a := Amount(int32(binary.BigEndian.Uint32(rest[1:5])))
			if rest[0]&0x80 != 0 {
				a <<= 17
			}
			bids = append(bids, Bid{BidderID(rest[0] & 0x0f), a})
			valid = valid && checkBid(a) == nil
		}
		r, err := Clear(reserve, bids, mrand.New(mrand.NewPCG(1, 1)))
		if !valid {
			require.Error(t, err)
			require.Equal(t, Result{}, r)
			return
		}
		require.NoError(t, err)
		sold, price, top := referenceClear(reserve, bids)
		require.Equal(t, sold, r.Sold)
		if sold {
			require.Equal(t, price, r.Price)
			require.Contains(t, top, r.Winner)
			require.LessOrEqual(t, r.Price, r.High)
			require.GreaterOrEqual(t, r.Price, reserve)
		}
	})
}

// FuzzBidderKey checks the bidder-key decoder: a seed of the right size
// gives a key whose encoding is the seed and whose id is its public key's;
// any other input is refused with ErrMalformed.
func FuzzBidderKey(f *testing.F) {
	f.Add(make([]byte, BidderKeySeedSize))
	f.Add(bytes.Repeat([]byte{0xff}, BidderKeySeedSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, seed []byte) {
		k, err := NewBidderKey(seed)
		if len(seed) != BidderKeySeedSize {
			require.ErrorIs(t, err, ErrMalformed)
			require.Nil(t, k)
			return
		}
		require.NoError(t, err)
		enc, err := k.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, seed, enc)
		require.Equal(t, BidderIDOf(k.PublicKey()), k.ID())
		sb, err := k.Sign(AuctionID{1}, Commitment{2})
		require.NoError(t, err)
		require.NoError(t, sb.Verify())
	})
}
