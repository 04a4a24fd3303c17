package steg_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/steg"
)

// lowestWanted is a host client's own picker in these examples: it
// downloads the lowest-numbered wanted piece next, one at a time, applying
// the plan's priority changes after every HAVE, and returns its HAVE
// order.
func lowestWanted(pieces int, changes func() []steg.Change, completed func(int) error) []int {
	wanted := make([]bool, pieces)
	done := make([]bool, pieces)
	apply := func() {
		for _, c := range changes() {
			wanted[c.Piece] = c.Priority == steg.Want
		}
	}
	apply()
	var haves []int
	for len(haves) < pieces {
		next := -1
		for b := range pieces {
			if wanted[b] && !done[b] {
				next = b
				break
			}
		}
		done[next] = true
		haves = append(haves, next)
		if err := completed(next); err != nil {
			panic(err)
		}
		apply()
	}
	return haves
}

// A host client announces a payload through its HAVE order with a
// SenderPlan, keeping its own piece picker; a neighbour with the key reads
// the payload with a FrameDecoder.
func ExampleSenderPlan() {
	key := make([]byte, steg.KeySize)
	copy(key, "pacom clients' shared secret....")
	const pieces = 1024
	fam, err := steg.NewFamily(key, pieces, steg.DefaultFunctions)
	if err != nil {
		panic(err)
	}

	// The announcing host.
	var haves []int
	{
		plan, err := steg.NewSenderPlan(fam, []byte("hi"), 30, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			panic(err)
		}
		haves = lowestWanted(pieces, func() []steg.Change { return plan.Changes(nil) }, plan.Completed)
		fmt.Printf("frames sent: %d\n", plan.Frames())
	}

	// The neighbour with the key.
	{
		dec, err := steg.NewFrameDecoder(fam, steg.DefaultWindow)
		if err != nil {
			panic(err)
		}
		for i, b := range haves {
			if p, ok, _ := dec.Push(b); ok {
				fmt.Printf("payload %q after %d HAVEs\n", p, i+1)
				break
			}
		}
	}
	// Output:
	// frames sent: 4
	// payload "hi" after 234 HAVEs
}

// A host client hides swarm id 42 in bursts of 30 HAVEs between gaps of
// 60 in which its own picker rules; a neighbour that starts listening in
// a gap reads the id at the next burst.
func ExampleBeaconPlan() {
	key := make([]byte, steg.KeySize)
	copy(key, "pacom clients' shared secret....")
	const pieces = 512
	fam, err := steg.NewFamily(key, pieces, steg.DefaultFunctions)
	if err != nil {
		panic(err)
	}

	// The hiding host.
	var haves []int
	{
		plan, err := steg.NewBeaconPlan(fam, 42, 30, 60, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			panic(err)
		}
		haves = lowestWanted(pieces, func() []steg.Change { return plan.Changes(nil) }, plan.Completed)
		fmt.Printf("bursts: %d\n", plan.Bursts())
	}

	// A neighbour that connects after the first burst.
	{
		dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
		if err != nil {
			panic(err)
		}
		for i, b := range haves[40:] {
			if x, ok, _ := dec.Push(b); ok {
				fmt.Printf("swarm id %d after %d HAVEs\n", x, i+1)
				break
			}
		}
	}
	// Output:
	// bursts: 6
	// swarm id 42 after 73 HAVEs
}
