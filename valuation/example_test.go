package valuation_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/valuation"
)

// A node values the torrents its neighbourhood trades. With the default
// weights the bias toward finishing what it started dominates; requests
// received come next; demand over supply only informs (its default weight
// is 0).
func ExampleMarket() {
	m, err := valuation.NewMarket(valuation.Config{}) // default weights
	if err != nil {
		panic(err)
	}
	const pieces = 500
	for t := range valuation.TorrentID(3) {
		_ = m.AddTorrent(t, pieces)
	}
	for p := range valuation.PeerID(4) {
		_ = m.AddPeer(p)
		_ = m.ObserveJoin(0, p, 2, 0) // every neighbour wants torrent 2
	}
	_ = m.SetOwnPieces(1, 400)       // the node has 80% of torrent 1
	_ = m.ObserveRequest(0, 0, 0, 7) // and is asked for torrent 0
	_ = m.ObserveRequest(0, 1, 0, 9)

	now := 10 * time.Second
	for t := range valuation.TorrentID(3) {
		f, _ := m.Factors(now, t)
		v, _ := m.Value(now, t)
		fmt.Printf("torrent %d: completeness %.2f demand/supply %.2f request %.2f -> value %.2f\n",
			t, f.Completeness, f.DemandSupply, f.Request, v)
	}
	// Output:
	// torrent 0: completeness 0.00 demand/supply 0.00 request 0.64 -> value 0.64
	// torrent 1: completeness 0.80 demand/supply 0.00 request 0.00 -> value 0.80
	// torrent 2: completeness 0.00 demand/supply 0.80 request 0.00 -> value 0.60
}

// A node joins with its native interest and k−1 random torrents, then swaps
// the least valuable for a more valuable torrent its neighbours advertise.
func ExampleActiveSet() {
	rng := rand.New(rand.NewPCG(1, 2))
	all := []valuation.TorrentID{0, 1, 2, 3, 4, 5, 6, 7}
	m, _ := valuation.NewMarket(valuation.Config{})
	for _, t := range all {
		_ = m.AddTorrent(t, 100)
	}
	set, err := valuation.NewActiveSet(valuation.ActiveSetConfig{K: 3}, 0, all, rng)
	if err != nil {
		panic(err)
	}
	fmt.Println("joined:", set.AppendMembers(nil))

	// A neighbour advertises torrent 7 and keeps requesting it.
	_ = m.AddPeer(1)
	_ = m.ObserveJoin(0, 1, 7, 0)
	for i := range 10 {
		_ = m.ObserveRequest(0, 1, 7, i)
	}
	ch, _ := set.Update(time.Minute, m)
	fmt.Printf("dropped %d for %d: %v\n", ch.Dropped, ch.Joined, set.AppendMembers(nil))
	// Output:
	// joined: [6 0 4]
	// dropped 6 for 7: [7 0 4]
}

// Each round the node unchokes the peers whose uploads were worth the most.
func ExampleUnchoker() {
	m, _ := valuation.NewMarket(valuation.Config{})
	_ = m.AddTorrent(0, 100) // in demand
	_ = m.AddTorrent(1, 100) // complete: worthless to the node
	_ = m.AddPeer(9)
	for i := range 5 {
		_ = m.ObserveRequest(0, 9, 0, i)
	}
	_ = m.SetOwnPieces(1, 100)

	u, _ := valuation.NewUnchoker(valuation.UnchokeConfig{Regular: 2, Optimistic: -1}, rand.New(rand.NewPCG(1, 1)))
	_ = u.Received(1, 1, 8<<20) // 8 MiB of the worthless torrent
	_ = u.Received(2, 0, 1<<20) // 1 MiB of the valuable one
	_ = u.Received(3, 0, 2<<20)
	unchoked, _ := u.Round(10*time.Second, m, []valuation.PeerID{1, 2, 3}, nil)
	fmt.Println("unchoked:", unchoked)
	// Output:
	// unchoked: [3 2]
}

// The DHT returned peers for each of the node's torrents. By default the
// node prefers peers that trade several of them (§5.1); with even split it
// takes them from each torrent in turn (§6.1).
func ExampleSelectNeighbours() {
	lists := [][]valuation.PeerID{
		{1, 2, 3}, // peers of torrent a
		{4, 1, 5}, // of torrent b
		{6, 1, 4}, // of torrent c
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fmt.Println("preferring overlap:", valuation.SelectNeighbours(nil, lists, 2, false, rng))
	even := valuation.SelectNeighbours(nil, lists, 3, true, rng)
	slices.Sort(even)
	fmt.Println("even split:", even)
	// Output:
	// preferring overlap: [1 4]
	// even split: [1 4 6]
}
