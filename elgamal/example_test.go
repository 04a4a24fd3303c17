package elgamal_test

import (
	"crypto/rand"
	"fmt"

	"github.com/swarmblocks/swarmblocks/elgamal"
)

// Two encrypted tallies are added without decrypting them.
func Example_homomorphicTally() {
	sk, err := elgamal.GenerateKey(elgamal.Default, rand.Reader)
	if err != nil {
		panic(err)
	}
	a, _ := sk.Public().EncryptInt(rand.Reader, 1200)
	b, _ := sk.Public().EncryptInt(rand.Reader, 34)
	sum, _ := elgamal.Add(a, b)

	table, _ := elgamal.NewDLogTable(elgamal.Default, 1<<16)
	total, err := sk.DecryptInt(sum, table)
	if err != nil {
		panic(err)
	}
	fmt.Println(total)
	// Output: 1234
}

// Byte strings of any length are sealed to a public key.
func ExampleSeal() {
	g, _ := elgamal.GroupByName("modp2048") // the DRM paper's setting
	sk, _ := elgamal.GenerateKey(g, rand.Reader)

	ct, err := elgamal.Seal(rand.Reader, sk.Public(), []byte("piece 17"), nil)
	if err != nil {
		panic(err)
	}
	pt, err := elgamal.Open(sk, ct, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s, %d bytes on the wire\n", pt, len(ct))
	// Output: piece 17, 536 bytes on the wire
}

// Every supported group, with its encoding sizes.
func ExampleGroups() {
	for _, name := range elgamal.Groups() {
		g, _ := elgamal.GroupByName(name)
		fmt.Printf("%-12s element %3d B, scalar %3d B\n", name, elgamal.ElementSize(g), elgamal.ScalarSize(g))
	}
	// Output:
	// ristretto255 element  32 B, scalar  32 B
	// p256         element  33 B, scalar  32 B
	// p384         element  49 B, scalar  48 B
	// p521         element  67 B, scalar  66 B
	// modp512      element  64 B, scalar  64 B
	// modp768      element  96 B, scalar  96 B
	// modp1024     element 128 B, scalar 128 B
	// modp1536     element 192 B, scalar 192 B
	// modp2048     element 256 B, scalar 256 B
	// ristretto255-circl element  32 B, scalar  32 B
}
