package pacomchan_test

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/netip"
	"time"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

// Two neighbours set up their channel (Fig. 4): the first block each serves
// carries its Diffie–Hellman half; afterwards data and dummy blocks go out,
// all 16 KiB.
func ExampleLink() {
	alice, _ := pacomchan.NewLink(rand.Reader, pacomchan.LinkConfig{})
	bob, _ := pacomchan.NewLink(rand.Reader, pacomchan.LinkConfig{})

	// The handshake blocks.
	{
		b, _, _ := alice.SealBlock(nil, nil)
		bob.OpenBlock(nil, b)
		b, _, _ = bob.SealBlock(nil, nil)
		alice.OpenBlock(nil, b)
	}
	// Alice answers Bob's next two requests: one with data, one without.
	data, _, _ := alice.SealBlock(nil, []byte("meet at noon"))
	dummy, _, _ := alice.SealBlock(nil, nil)
	fmt.Println(len(data), len(dummy))

	seg, _ := bob.OpenBlock(nil, data)
	fmt.Printf("%q\n", seg)
	seg, _ = bob.OpenBlock(nil, dummy)
	fmt.Println(seg == nil)
	_, err := bob.OpenBlock(nil, data) // replayed
	fmt.Println(err != nil)
	// Output:
	// 16384 16384
	// "meet at noon"
	// true
	// true
}

// A source builds a circuit to a target two hops away and sends data. The
// routers are wired to each other directly here; in a client their
// messages travel inside blocks (see Node).
func ExampleRouter() {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var r [3]*pacomchan.Router
	for i := range r {
		r[i], _ = pacomchan.NewRouter(rand.Reader, mrand.New(mrand.NewPCG(uint64(i), 0)), pacomchan.RouterConfig{})
	}
	// The line 0 – 1 – 2.
	r[0].AddNeighbour(1)
	r[1].AddNeighbour(0)
	r[1].AddNeighbour(2)
	r[2].AddNeighbour(1)

	type msg struct {
		from, to pacomchan.PeerID
		b        []byte
	}
	var queue []msg
	post := func(from pacomchan.PeerID, res pacomchan.Result) {
		for _, o := range res.Out {
			queue = append(queue, msg{from, o.To, o.Msg})
		}
		for _, d := range res.Delivered {
			fmt.Printf("client %d got %q\n", from, d.Data)
		}
		if len(res.Accepted) > 0 {
			fmt.Printf("client %d accepted a circuit\n", from)
		}
		if len(res.Established) > 0 {
			fmt.Printf("client %d: circuit ready\n", from)
		}
	}
	run := func() {
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			res, err := r[m.to].Handle(now, m.from, m.b)
			if err != nil {
				fmt.Println(err)
			}
			post(m.to, res)
		}
	}

	// Client 0 knows client 2's public key.
	id, res, _ := r[0].Build(now, r[2].PublicKey())
	post(0, res)
	run()
	out, _ := r[0].Send(now, id, []byte("hello through a relay"))
	queue = append(queue, msg{0, out.To, out.Msg})
	run()
	// Output:
	// client 2 accepted a circuit
	// client 0: circuit ready
	// client 2 got "hello through a relay"
}

// printHider stands in for a covert carrier such as the steg package's.
type printHider struct{}

func (printHider) Hide(x int) error { fmt.Println("hiding swarm id", x); return nil }
func (printHider) Stop() error      { fmt.Println("case 1: every swarm full, stop"); return nil }

// A bootstrapping node shares its PACOM files and guides newcomers until
// its swarms are full.
func ExampleBootstrapper() {
	ip := netip.MustParseAddr("198.51.100.4")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	rng := mrand.New(mrand.NewPCG(1, 0))
	// Tiny caps (about 1) so that the example ends quickly.
	b, _ := pacomchan.NewBootstrapper(ip, day, rng, pacomchan.SwarmCap{Xm: 1, Alpha: 50}, printHider{})
	fmt.Println("files:", len(b.Files()))
	for b.Serving() {
		f, _ := b.Current()
		// A newcomer decodes f.X and computes the info-hash itself.
		if pacomchan.PACOMInfoHash(f.X, ip, day) == f.InfoHash() {
			b.Join(f.X)
		}
	}
	// Output:
	// hiding swarm id 1
	// files: 2
	// hiding swarm id 1
	// hiding swarm id 2
	// hiding swarm id 2
	// case 1: every swarm full, stop
}
