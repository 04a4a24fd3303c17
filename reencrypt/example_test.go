package reencrypt_test

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// A piece travels from the original seed to peer A, is re-encrypted by A
// for B, and B decrypts it with its licence.
func Example() {
	var (
		tracker *reencrypt.Tracker
		seed    *reencrypt.Seed
		torrent *reencrypt.Torrent
	)
	{ // The content owner sets up the tracker and publishes.
		var err error
		tracker, err = reencrypt.NewTracker(elgamal.Default, rand.Reader)
		if err != nil {
			panic(err)
		}
		seed, torrent, err = tracker.Publish([][]byte{[]byte("the first piece"), []byte("the second piece")})
		if err != nil {
			panic(err)
		}
	}
	// Two peers join: PGen, then subscription.
	a, _ := reencrypt.NewPeer(torrent, rand.Reader)
	b, _ := reencrypt.NewPeer(torrent, rand.Reader)
	tracker.Subscribe(a.PublicKey())
	tracker.Subscribe(b.PublicKey())

	{ // Algorithm 1: the seed uploads piece 1 to A.
		uk, _ := tracker.UploadKey(1, seed.ID(), a.ID())
		piece, _ := seed.PEnc(uk)
		wire, _ := piece.MarshalBinary()

		// A receives it and, in Algorithm 2, re-encrypts it for B.
		got, err := a.Receive(wire)
		if err != nil {
			panic(err)
		}
		rk, _ := tracker.ReKey(1, a.ID(), b.ID())
		forB, _ := a.Transform(got, rk)
		wire, _ = forB.MarshalBinary()

		// Algorithm 3: B gets its licence and decrypts.
		atB, _ := b.Receive(wire)
		licence, _ := tracker.IssueLicence(b.ID(), reencrypt.Policy{})
		if err := b.InstallLicence(licence); err != nil {
			panic(err)
		}
		plain, err := b.Decrypt(atB, time.Now())
		fmt.Printf("%s %v\n", plain, err)

		// A holds no licence: it forwarded the piece without reading it.
		_, err = a.Decrypt(got, time.Now())
		fmt.Println(err)
	}
	// Output:
	// the second piece <nil>
	// reencrypt: no licence installed
}

// A licence issued to one peer is refused by another.
func ExamplePeer_InstallLicence() {
	tracker, _ := reencrypt.NewTracker(elgamal.Default, rand.Reader)
	_, torrent, _ := tracker.Publish([][]byte{[]byte("piece")})
	alice, _ := reencrypt.NewPeer(torrent, rand.Reader)
	mallory, _ := reencrypt.NewPeer(torrent, rand.Reader)
	tracker.Subscribe(alice.PublicKey())
	tracker.Subscribe(mallory.PublicKey())

	licence, _ := tracker.IssueLicence(alice.ID(), reencrypt.Policy{MaxPlays: 3})
	raw, _ := licence.MarshalBinary()

	// Mallory copies Alice's licence file.
	copied, err := reencrypt.ParseLicence(elgamal.Default, raw, tracker.LicenceKey())
	fmt.Println("signature valid:", err == nil)
	fmt.Println(mallory.InstallLicence(copied) != nil)
	// Output:
	// signature valid: true
	// true
}
