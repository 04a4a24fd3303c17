package auction

import (
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"lukechampine.com/blake3"
)

var testKeyCache sync.Map // uint64 → *BidderKey

// testKey returns a deterministic bidder key for a small label, so that
// tests can name bidders 1, 2, 'A' and so on.
func testKey(label BidderID) *BidderKey {
	if k, ok := testKeyCache.Load(label); ok {
		return k.(*BidderKey)
	}
	seed := blake3.Sum256([]byte{byte(label >> 56), byte(label >> 48), byte(label >> 40), byte(label >> 32), byte(label >> 24), byte(label >> 16), byte(label >> 8), byte(label)})
	k, err := NewBidderKey(seed[:])
	if err != nil {
		panic(err)
	}
	testKeyCache.Store(label, k)
	return k
}

// bidder returns the identifier of the test bidder with the given label.
func bidder(label BidderID) BidderID { return testKey(label).ID() }

// bidders maps labels to identifiers, in increasing order of identifier.
func bidders(labels ...BidderID) []BidderID {
	out := make([]BidderID, len(labels))
	for i, l := range labels {
		out[i] = bidder(l)
	}
	slices.Sort(out)
	return out
}

// signedBid returns the sealed bid of commitment c in auction, signed by the
// test bidder with the given label.
func signedBid(t testing.TB, id AuctionID, label BidderID, c Commitment) SealedBid {
	t.Helper()
	sb, err := testKey(label).Sign(id, c)
	require.NoError(t, err)
	return sb
}
