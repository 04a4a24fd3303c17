package chord_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/simnet"
)

// Intervals on the ring wrap around: (250, 10] contains 0 and 5.
func ExampleBetweenRightIncl() {
	u := chord.IDFromUint64
	fmt.Println(chord.BetweenRightIncl(u(5), u(250), u(10)))
	fmt.Println(chord.BetweenRightIncl(u(100), u(250), u(10)))
	fmt.Println(chord.Between(u(10), u(250), u(10)))
	// Output:
	// true
	// false
	// false
}

// A ring of simulated nodes: every lookup finds the key's owner.
func ExampleNode_Lookup() {
	c := simnet.NewCluster(simnet.ClusterConfig{}, 1)
	if err := c.Grow(64); err != nil {
		panic(err)
	}
	key := chord.HashID([]byte("some key"))
	res, err := c.Random().Lookup(context.Background(), key)
	if err != nil {
		panic(err)
	}
	fmt.Println("found the owner:", res.Node == c.Owner(key))
	fmt.Println("ring is ideal:", c.CheckStable() == nil)
	// Output:
	// found the owner: true
	// ring is ideal: true
}

// A departing seeder stores a chunk's replicas; a leecher of the same
// swarm, knowing only the chunk hash and the swarm secret, finds the
// holders, picks a seller and gets the chunk back.
func ExampleNode_MGet() {
	tracker, err := chord.NewTracker(rand.Reader)
	if err != nil {
		panic(err)
	}
	c := simnet.NewCluster(simnet.ClusterConfig{TrustedTrackers: []ed25519.PublicKey{tracker.PublicKey()}}, 1)
	tracker.SetClock(c.Sim.Now, chord.DefaultTicketValidity)
	if err := c.Grow(100); err != nil {
		panic(err)
	}
	swarm, err := chord.NewSwarm([]byte("per-torrent secret from tracker"), 10)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	{ // the departing seeder
		put, err := c.Random().MPut(ctx, swarm, tracker, []byte("chunk 7 of some file"))
		if err != nil {
			panic(err)
		}
		fmt.Println("replicas stored:", put.Stored)
	}
	{ // a blocked leecher
		chunkHash := chord.ChunkHash([]byte("chunk 7 of some file")) // from the .torrent
		pickFirst := chord.PickSellerFunc(func(_ context.Context, _ [32]byte, holders []chord.NodeInfo) (int, error) {
			return 0, nil // an auction would run here
		})
		got, err := c.Random().MGet(ctx, swarm, tracker, chunkHash, chord.MGetOptions{
			Picker: pickFirst, Rand: mrand.New(mrand.NewPCG(1, 2)),
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("got %q from one of %d slots\n", got.Chunk, got.Slots)
	}
	// Output:
	// replicas stored: 10
	// got "chunk 7 of some file" from one of 10 slots
}

// Appendix A's estimate and the lazy-repair model of Appendix B.
func ExampleNewLazyRepairModel() {
	perUser, _ := chord.DiskEstimate(chord.MininovaTorrents, chord.MininovaUsers, chord.MininovaFileBytes, 10)
	fmt.Printf("disk per user: %d MB\n", perUser/1e6)
	full, _ := chord.FullReplicationLoss(10, 0.1)
	fmt.Printf("loss per interval, all 10 replicas refreshed: %.0e\n", full)
	m, _ := chord.NewLazyRepairModel(10, 3, 0.1)
	loss, mean := m.StationaryLoss()
	fmt.Printf("loss per interval, c = 3 slots refreshed: %.1e (%.1f replicas on average)\n", loss, mean)
	// Output:
	// disk per user: 241 MB
	// loss per interval, all 10 replicas refreshed: 1e-10
	// loss per interval, c = 3 slots refreshed: 4.0e-07 (8.1 replicas on average)
}
