package auction

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// seal seals and signs a bid of the test bidder with the given label.
func seal(t testing.TB, id AuctionID, label BidderID, a Amount) (SealedBid, Opening) {
	t.Helper()
	sb, o, err := testKey(label).Seal(rand.Reader, id, a)
	require.NoError(t, err)
	return sb, o
}

func TestSealedVector(t *testing.T) {
	id := NewAuctionID(1, ChunkID{1}, 0)
	s, err := NewSealed(rand.Reader, id, 100)
	require.NoError(t, err)
	var opens []Opening
	for _, b := range []Bid{{'A', 110}, {'A', 130}, {'C', 125}, {'D', 105}, {'D', 115}, {'D', 90}, {'E', 132}, {'E', 135}, {'E', 140}} {
		sb, o := seal(t, id, b.Bidder, b.Amount)
		require.NoError(t, s.Commit(sb))
		opens = append(opens, o)
	}
	require.ErrorIs(t, s.Reveal(opens[0]), ErrPhase, "reveal before close")
	_, err = s.Result()
	require.ErrorIs(t, err, ErrPhase, "no result before clearing")
	_, err = s.ReserveOpening()
	require.ErrorIs(t, err, ErrPhase, "the reserve stays sealed before clearing")
	require.Equal(t, "bidding", s.Phase().String())
	require.NoError(t, s.CloseBidding())
	sb, _ := seal(t, id, 'F', 500)
	require.ErrorIs(t, s.Commit(sb), ErrPhase, "late commitment")
	for _, o := range opens {
		require.NoError(t, s.Reveal(o))
	}
	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.True(t, r.Sold)
	require.Equal(t, bidder('E'), r.Winner)
	require.Equal(t, Amount(130), r.Price)
	require.Empty(t, r.Excluded)
	_, err = s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.ErrorIs(t, err, ErrPhase)
	got, err := s.Result()
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Equal(t, "cleared", s.Phase().String())

	ro, err := s.ReserveOpening()
	require.NoError(t, err)
	reserve, err := OpenReserve(id, s.ReserveCommitment(), ro)
	require.NoError(t, err)
	require.Equal(t, Amount(100), reserve)
	ro.Reserve = 90
	_, err = OpenReserve(id, s.ReserveCommitment(), ro)
	require.ErrorIs(t, err, ErrOpening, "a seller cannot claim another reserve")
	// Nor pass off the reserve commitment of another auction as this one's.
	other := ReserveOpening{Auction: AuctionID{0xee}, Reserve: 10}
	_, err = OpenReserve(id, other.Commitment(), other)
	require.ErrorIs(t, err, ErrWrongAuction, "a reserve opening binds its auction")
}

// TestSealedExclusions checks that a bidder who withholds a bid, or opens
// it inconsistently, is excluded and reported, even when its revealed bid
// would have won.
func TestSealedExclusions(t *testing.T) {
	id := NewAuctionID(9, ChunkID{2}, 3)
	s, err := NewSealed(rand.Reader, id, 10)
	require.NoError(t, err)
	aLow, aLowO := seal(t, id, 1, 20)
	aHigh, _ := seal(t, id, 1, 90) // never revealed
	b, bO := seal(t, id, 2, 50)
	c, cO := seal(t, id, 3, 40)
	for _, sb := range []SealedBid{aLow, aHigh, b, c} {
		require.NoError(t, s.Commit(sb))
	}
	require.ErrorIs(t, s.Commit(b), ErrDuplicate)
	other, _ := seal(t, NewAuctionID(9, ChunkID{2}, 4), 4, 10)
	require.ErrorIs(t, s.Commit(other), ErrWrongAuction)
	require.NoError(t, s.CloseBidding())
	require.NoError(t, s.Reveal(aLowO))
	require.NoError(t, s.Reveal(aLowO), "revealing twice is harmless")

	// Bidder 2 tries to raise its bid after seeing the others: the
	// commitment binds it.
	forged := bO
	forged.Amount = 95
	require.ErrorIs(t, s.Reveal(forged), ErrOpening)
	// Bidder 3 reveals correctly.
	require.NoError(t, s.Reveal(cO))
	wrong := cO
	wrong.Auction = NewAuctionID(9, ChunkID{2}, 4)
	require.ErrorIs(t, s.Reveal(wrong), ErrWrongAuction)

	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.True(t, r.Sold)
	require.Equal(t, bidder(3), r.Winner)
	require.Equal(t, Amount(10), r.Price, "the only remaining bidder pays the reserve")
	want := []Exclusion{
		{Bidder: bidder(1), Commitment: aLow.Commitment, Reason: ErrBidderExcluded},
		{Bidder: bidder(1), Commitment: aHigh.Commitment, Reason: ErrNotRevealed},
		{Bidder: bidder(2), Commitment: b.Commitment, Reason: ErrOpening},
	}
	require.Equal(t, want, r.Excluded)
}

func TestSealedLimits(t *testing.T) {
	id := NewAuctionID(1, ChunkID{}, 0)
	_, err := NewSealed(rand.Reader, id, -1)
	require.ErrorIs(t, err, ErrInvalidReserve)
	s, err := NewSealed(rand.Reader, id, 0)
	require.NoError(t, err)
	for range MaxBidsPerBidder {
		sb, _ := seal(t, id, 5, 1)
		require.NoError(t, s.Commit(sb))
	}
	sb, _ := seal(t, id, 5, 1)
	require.ErrorIs(t, s.Commit(sb), ErrTooManyBids)
	_, _, err = Seal(rand.Reader, id, 5, 0)
	require.ErrorIs(t, err, ErrInvalidBid)

	// A correct opening of an invalid amount (made by hand: Seal refuses
	// it) excludes its bidder.
	s, err = NewSealed(rand.Reader, id, 0)
	require.NoError(t, err)
	bad := Opening{Auction: id, Bidder: bidder(8), Amount: -3}
	require.NoError(t, s.Commit(signedBid(t, id, 8, bad.Commitment())))
	require.NoError(t, s.CloseBidding())
	require.ErrorIs(t, s.Reveal(bad), ErrInvalidBid)
	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.False(t, r.Sold)
	require.Equal(t, []Exclusion{{Bidder: bidder(8), Commitment: bad.Commitment(), Reason: ErrInvalidBid}}, r.Excluded)
}

func TestOpeningEncoding(t *testing.T) {
	id := NewAuctionID(1, ChunkID{3}, 7)
	_, o, err := Seal(rand.Reader, id, 42, 1234)
	require.NoError(t, err)
	b, err := o.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, OpeningSize)
	var got Opening
	require.NoError(t, got.UnmarshalBinary(b))
	require.Equal(t, o, got)

	require.ErrorIs(t, got.UnmarshalBinary(b[:OpeningSize-1]), ErrMalformed)
	require.ErrorIs(t, got.UnmarshalBinary(append(b, 0)), ErrMalformed)
	zero := append([]byte(nil), b...)
	clear(zero[40:48])
	require.ErrorIs(t, got.UnmarshalBinary(zero), ErrInvalidBid)
	require.Equal(t, o, got, "a failed decode leaves the value unchanged")

	sb := signedBid(t, id, 42, o.Commitment())
	require.NoError(t, sb.Verify())
	sbb, err := sb.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, sbb, SealedBidSize)
	var sb2 SealedBid
	require.NoError(t, sb2.UnmarshalBinary(sbb))
	require.Equal(t, sb, sb2)
	require.NoError(t, sb2.Verify())
	require.ErrorIs(t, sb2.UnmarshalBinary(sbb[1:]), ErrMalformed)
}

// TestCommitmentHiding checks the commitment's basic hiding and binding
// behaviour: equal bids under fresh nonces give unrelated commitments, and
// changing any field of the opening changes the commitment.
func TestCommitmentHiding(t *testing.T) {
	id := NewAuctionID(1, ChunkID{}, 0)
	c1, o, err := Seal(rand.Reader, id, 1, 100)
	require.NoError(t, err)
	c2, _, err := Seal(rand.Reader, id, 1, 100)
	require.NoError(t, err)
	require.NotEqual(t, c1, c2)
	require.True(t, o.Opens(c1))
	for i, mut := range []func(*Opening){
		func(o *Opening) { o.Amount++ },
		func(o *Opening) { o.Bidder++ },
		func(o *Opening) { o.Auction[0] ^= 1 },
		func(o *Opening) { o.Nonce[31] ^= 0x80 },
	} {
		m := o
		mut(&m)
		require.False(t, m.Opens(c1), "mutation %d", i)
	}
}

// TestSealedFrontRunning checks that a bidder who copies another's
// commitment before it arrives neither locks the owner out nor gains
// anything: the copy cannot be opened under the copier's id, so the
// copier is excluded and the owner's bid counts.
func TestSealedFrontRunning(t *testing.T) {
	id := NewAuctionID(3, ChunkID{3}, 3)
	s, err := NewSealed(rand.Reader, id, 10)
	require.NoError(t, err)
	victim, victimO := seal(t, id, 1, 80)
	copied := signedBid(t, id, 2, victim.Commitment)
	require.NoError(t, s.Commit(copied), "the copy arrives first")
	require.NoError(t, s.Commit(victim), "the owner is not locked out")
	require.NoError(t, s.CloseBidding())
	require.NoError(t, s.Reveal(victimO))
	stolen := victimO
	stolen.Bidder = bidder(2)
	require.ErrorIs(t, s.Reveal(stolen), ErrOpening, "the copier cannot open the copy")
	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.Equal(t, bidder(1), r.Winner)
	require.Equal(t, Amount(10), r.Price)
	require.Equal(t, []Exclusion{{Bidder: bidder(2), Commitment: victim.Commitment, Reason: ErrOpening}}, r.Excluded)
}

// TestForgedSealedBid reproduces the impersonation attack on sealed bids:
// an attacker sends sealed bids under its victim's bidder id that the
// victim cannot open. Were they accepted, the victim's unopened
// "commitments" would exclude all its bids (its honest 500 among them) and
// the attacker would win at the reserve of 10. Every forgery is refused
// and the victim wins, paying the attacker's bid.
func TestForgedSealedBid(t *testing.T) {
	id := NewAuctionID(5, ChunkID{5}, 5)
	s, err := NewSealed(rand.Reader, id, 10)
	require.NoError(t, err)
	victim, attacker := testKey('V'), testKey('M')
	honest, honestO := seal(t, id, 'V', 500)
	mine, mineO := seal(t, id, 'M', 11)
	require.NoError(t, s.Commit(honest))
	require.NoError(t, s.Commit(mine))

	junk := Commitment{0xba, 0xd}
	byAttacker, err := attacker.Sign(id, junk) // the attacker's own key and id
	require.NoError(t, err)
	otherAuction, err := victim.Sign(NewAuctionID(5, ChunkID{5}, 4), junk)
	require.NoError(t, err)
	forgeries := map[string]SealedBid{
		"unsigned":                     {Auction: id, Bidder: victim.ID(), Commitment: junk},
		"attacker's key, victim's id":  {Auction: id, Bidder: victim.ID(), Commitment: junk, PublicKey: attacker.PublicKey(), Signature: byAttacker.Signature},
		"victim's key, bad signature":  {Auction: id, Bidder: victim.ID(), Commitment: junk, PublicKey: victim.PublicKey(), Signature: byAttacker.Signature},
		"victim's signature, other C":  {Auction: id, Bidder: victim.ID(), Commitment: junk, PublicKey: victim.PublicKey(), Signature: honest.Signature},
		"victim's other-auction bid":   {Auction: id, Bidder: victim.ID(), Commitment: junk, PublicKey: victim.PublicKey(), Signature: otherAuction.Signature},
		"victim's signature, other id": {Auction: id, Bidder: attacker.ID(), Commitment: honest.Commitment, PublicKey: victim.PublicKey(), Signature: honest.Signature},
	}
	for name, f := range forgeries {
		require.ErrorIs(t, s.Commit(f), ErrUnauthenticated, name)
	}
	require.Equal(t, 2, s.Commitments(), "forgeries leave no trace")
	require.ErrorIs(t, s.Commit(honest), ErrDuplicate, "a replay of the victim's own bid is only a duplicate")

	require.NoError(t, s.CloseBidding())
	require.NoError(t, s.Reveal(honestO))
	require.NoError(t, s.Reveal(mineO))
	r, err := s.Clear(mrand.New(mrand.NewPCG(1, 1)))
	require.NoError(t, err)
	require.Empty(t, r.Excluded)
	require.Equal(t, victim.ID(), r.Winner)
	require.Equal(t, Amount(11), r.Price)
}

// TestBidderKey checks the key's encoding and identifier: the seed round
// trips, the id is the public key's, and a key drawn from the same bytes is
// the same key.
func TestBidderKey(t *testing.T) {
	k, err := GenerateBidderKey(rand.Reader)
	require.NoError(t, err)
	seed, err := k.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, seed, BidderKeySeedSize)
	k2, err := NewBidderKey(seed)
	require.NoError(t, err)
	require.Equal(t, k.PublicKey(), k2.PublicKey())
	require.Equal(t, k.ID(), k2.ID())
	require.Equal(t, BidderIDOf(k.PublicKey()), k.ID())
	_, err = NewBidderKey(seed[1:])
	require.ErrorIs(t, err, ErrMalformed)
	other, err := GenerateBidderKey(rand.Reader)
	require.NoError(t, err)
	require.NotEqual(t, k.ID(), other.ID())
}
