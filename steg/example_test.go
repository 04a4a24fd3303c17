package steg_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/steg"
)

// A bootstrapping node hides swarm id 42 in the order it downloads a
// 1,024-piece file; a neighbour with the shared key decodes its HAVEs.
func Example() {
	key := make([]byte, steg.KeySize) // in PACOM: the secret all clients share
	copy(key, "pacom clients' shared secret....")
	fam, err := steg.NewFamily(key, 1024, steg.DefaultFunctions)
	if err != nil {
		panic(err)
	}

	// The bootstrapping node: a rarest-first picker hiding 42.
	var haves [][]byte
	{
		p, err := steg.NewPicker(1024, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			panic(err)
		}
		for b := range 1024 { // two seeds have everything
			_ = p.PeerHas(b)
			_ = p.PeerHas(b)
		}
		if err := p.Hide(fam, 42); err != nil {
			panic(err)
		}
		for range 64 {
			b, err := p.Next()
			if err != nil {
				panic(err)
			}
			_ = p.Downloaded(b)
			msg, _ := steg.AppendHave(nil, b)
			haves = append(haves, msg)
		}
	}

	// A joining node reads the HAVE messages off the wire.
	{
		dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
		if err != nil {
			panic(err)
		}
		for i, wire := range haves {
			msg, err := steg.UnmarshalMessage(wire, 1024)
			if err != nil {
				panic(err)
			}
			if x, ok, _ := dec.Consume(msg); ok {
				fmt.Printf("swarm id %d after %d HAVEs\n", x, i+1)
			}
		}
	}
	// Output:
	// swarm id 42 after 24 HAVEs
}

// A node announces more than log2(n) bits: a frame of bytes, one symbol
// per slot of downloads, checked by a keyed checksum.
func ExampleSender() {
	key := make([]byte, steg.KeySize)
	fam, _ := steg.NewFamily(key, 2048, steg.DefaultFunctions)
	p, _ := steg.NewPicker(2048, rand.New(rand.NewPCG(3, 4)))
	for b := range 2048 {
		_ = p.PeerHas(b)
	}
	snd, err := steg.NewSender(p, fam, []byte("swarm:7f3a"), 30)
	if err != nil {
		panic(err)
	}
	fmt.Println("symbols per frame:", steg.FrameLen(fam, 10))

	dec, _ := steg.NewFrameDecoder(fam, steg.DefaultWindow)
	for i := 1; ; i++ {
		b, err := snd.Next()
		if err != nil {
			panic(err)
		}
		_ = snd.Downloaded(b)
		if payload, ok, _ := dec.Push(b); ok {
			fmt.Printf("%q after %d HAVEs\n", payload, i)
			break
		}
	}
	// Output:
	// symbols per frame: 18
	// "swarm:7f3a" after 556 HAVEs
}

// Parsing peer-wire bytes: a HAVE for piece 9.
func ExampleParseMessage() {
	wire := []byte{0, 0, 0, 5, 4, 0, 0, 0, 9, 0, 0, 0, 0}
	msg, n, err := steg.ParseMessage(wire, 1024)
	fmt.Println(msg.ID == steg.IDHave, msg.Index, n, err)
	msg, n, err = steg.ParseMessage(wire[n:], 1024)
	fmt.Println(msg.KeepAlive, n, err)
	_, _, err = steg.ParseMessage([]byte{0, 0, 0, 5, 4, 0, 0}, 1024)
	fmt.Println(err)
	// Output:
	// true 9 9 <nil>
	// true 4 <nil>
	// steg: truncated message: peerwire: truncated message: length 5, 3 bytes present
}

// A host client that keeps its own piece picker (here: lowest index first
// among the wanted pieces, as anacrolix/torrent breaks ties) hides swarm
// id 42 by following a Plan's priorities; a neighbour decodes its HAVEs.
func ExamplePlan() {
	key := make([]byte, steg.KeySize)
	copy(key, "pacom clients' shared secret....")
	const pieces = 256
	fam, err := steg.NewFamily(key, pieces, steg.DefaultFunctions)
	if err != nil {
		panic(err)
	}

	// The hiding host: priorities from the plan, order of its own.
	var haves []int
	{
		plan, err := steg.NewPlan(fam, 42, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			panic(err)
		}
		wanted := make([]bool, pieces)
		done := make([]bool, pieces)
		apply := func() {
			for _, c := range plan.Changes(nil) {
				wanted[c.Piece] = c.Priority == steg.Want
			}
		}
		apply()
		for len(haves) < pieces {
			next := -1
			for b := range pieces {
				if wanted[b] && !done[b] {
					next = b
					break
				}
			}
			done[next] = true
			haves = append(haves, next) // verified: the host sends HAVE next
			if err := plan.Completed(next); err != nil {
				panic(err)
			}
			apply()
		}
	}

	// The neighbour with the key.
	{
		dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
		if err != nil {
			panic(err)
		}
		for i, b := range haves {
			if x, ok, _ := dec.Push(b); ok {
				fmt.Printf("swarm id %d after %d HAVEs\n", x, i+1)
			}
		}
	}
	// Output:
	// swarm id 42 after 24 HAVEs
}
