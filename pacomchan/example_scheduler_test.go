package pacomchan_test

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

// Algorithm 1 as a state machine: the caller turns the scheduler's
// requests and responses into BitTorrent messages and feeds back what
// arrives. Here a seed and a downloader of one PACOM file exchange blocks;
// the seed has one segment to send, so the first block after its key half
// carries it and the rest are cover, all of one size.
func ExampleScheduler() {
	seedLink, _ := pacomchan.NewLink(rand.Reader, pacomchan.LinkConfig{BlockSize: 1024})
	leechLink, _ := pacomchan.NewLink(rand.Reader, pacomchan.LinkConfig{BlockSize: 1024})
	seed, _ := pacomchan.NewScheduler(pacomchan.SchedulerConfig{}, mrand.New(mrand.NewPCG(1, 1)))
	leech, _ := pacomchan.NewScheduler(pacomchan.SchedulerConfig{}, mrand.New(mrand.NewPCG(2, 2)))
	const swarm, blocks = 1, 6
	{
		seed.JoinSwarm(swarm, blocks, true)
		seed.AddPeer(2, pacomchan.PACOMPeer, seedLink)
		seed.Connect(2, swarm)
		seed.Enqueue(2, []byte("segment for the next hop"))
	}
	{
		leech.JoinSwarm(swarm, blocks, false)
		leech.AddPeer(1, pacomchan.PACOMPeer, leechLink)
		leech.Connect(1, swarm)
		leech.HaveAll(1, swarm) // the seed's BITFIELD
	}
	// The seed needs the leech's half and its acknowledgement of the
	// seed's half, which come in the blocks the leech serves (not shown:
	// the leech has nothing to serve here, so they are handed over
	// directly). The leech's first block from the seed is the seed's key
	// half.
	leechServes := func() {
		blk, _, _ := leechLink.SealBlock(nil, nil)
		seedLink.OpenBlock(nil, blk)
	}
	leechServes()

	for !leech.Complete(swarm) {
		for _, r := range leech.Requests(nil) { // lines 1–6
			hellos := leechLink.Stats().HelloRecv
			resp, _ := seed.OnRequest(2, r.Swarm, r.Index, nil)           // lines 20–28
			rec, _ := leech.OnBlock(1, r.Swarm, r.Index, resp.Block, nil) // lines 8–18
			switch {
			case leechLink.Stats().HelloRecv > hellos:
				fmt.Printf("block of %d bytes: the seed's key half\n", len(resp.Block))
				leechServes()
			case rec.Segment != nil:
				fmt.Printf("block of %d bytes: %q\n", len(resp.Block), rec.Segment)
			default:
				fmt.Printf("block of %d bytes: cover\n", len(resp.Block))
			}
			if rec.Completed {
				fmt.Println("file complete: rejoin another PACOM swarm")
			}
		}
	}
	// Output:
	// block of 1024 bytes: the seed's key half
	// block of 1024 bytes: "segment for the next hop"
	// block of 1024 bytes: cover
	// block of 1024 bytes: cover
	// block of 1024 bytes: cover
	// block of 1024 bytes: cover
	// file complete: rejoin another PACOM swarm
}
