package reencrypt_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// A BitTorrent carrier: content cut so that sealed bodies fill 32 KiB
// torrent pieces, bodies sent as ordinary torrent data, and capsules alone
// in a side message, re-encrypted by each uploader.
func Example_carrier() {
	const pieceLength = 32 << 10
	content := make([]byte, 100_000)
	_, _ = rand.Read(content)

	tracker, _ := reencrypt.NewTracker(elgamal.Default, nil)
	plain, _ := reencrypt.SplitPieces(content, pieceLength)
	seed, torrent, _ := tracker.Publish(plain)

	// The seed's torrent data: every body sealed once, at publication.
	var data bytes.Buffer
	_, _ = seed.WriteTo(&data)
	fmt.Printf("%d pieces of %d plain bytes; torrent data %d bytes = %d full pieces + %d\n",
		len(plain), len(plain[0]), data.Len(), data.Len()/pieceLength, data.Len()%pieceLength)

	a, _ := reencrypt.NewPeer(torrent, nil)
	b, _ := reencrypt.NewPeer(torrent, nil)
	for _, p := range []*reencrypt.Peer{a, b} {
		_, _ = tracker.Subscribe(p.PublicKey())
		h, _ := tracker.ExpectedHashes(p.ID())
		_ = p.SetExpectedHashes(h)
	}

	// Seed → A: a capsule of reencrypt.CapsuleSize bytes for piece 1.
	uk, _ := tracker.UploadKey(1, seed.ID(), a.ID())
	capsule, _ := seed.Capsule(uk)
	wire, _ := capsule.MarshalBinary()
	fmt.Println("capsule bytes:", len(wire))

	// A → B: A checks the capsule, re-encrypts it alone, and sends it on.
	atA, _ := reencrypt.ParseCapsule(elgamal.Default, wire)
	fmt.Println("A accepts its capsule:", a.VerifyCapsule(atA) == nil)
	rk, _ := tracker.ReKey(1, a.ID(), b.ID())
	forB, _ := a.TransformCapsule(atA, rk)
	fmt.Println("B accepts its capsule:", b.VerifyCapsule(forB) == nil)

	// B assembles the piece from the capsule and the torrent data.
	body := data.Bytes()[1*pieceLength : 2*pieceLength]
	piece, _ := reencrypt.NewPiece(forB, body)
	licence, _ := tracker.IssueLicence(b.ID(), reencrypt.Policy{})
	_ = b.InstallLicence(licence)
	got, err := b.Decrypt(piece, time.Now())
	fmt.Println("B decrypts piece 1:", err == nil && bytes.Equal(got, plain[1]))
	// Output:
	// 4 pieces of 32752 plain bytes; torrent data 100064 bytes = 3 full pieces + 1760
	// capsule bytes: 36
	// A accepts its capsule: true
	// B accepts its capsule: true
	// B decrypts piece 1: true
}

// A restarted client restores its peer and licence from the bytes it saved.
func ExampleRestorePeer() {
	tracker, _ := reencrypt.NewTracker(elgamal.Default, nil)
	seed, torrent, _ := tracker.Publish([][]byte{[]byte("kept across restarts")})
	p, _ := reencrypt.NewPeer(torrent, nil)
	_, _ = tracker.Subscribe(p.PublicKey())
	uk, _ := tracker.UploadKey(0, seed.ID(), p.ID())
	piece, _ := seed.PEnc(uk)
	licence, _ := tracker.IssueLicence(p.ID(), reencrypt.Policy{})
	_ = p.InstallLicence(licence)

	// Before shutting down: save the key, the licence and the description.
	savedKey, _ := p.MarshalBinary()
	savedLicence, _ := p.Licence().MarshalBinary()
	savedTorrent, _ := torrent.MarshalBinary()

	// After the restart.
	t, _ := reencrypt.ParseTorrent(savedTorrent)
	q, err := reencrypt.RestorePeer(t, savedKey)
	if err != nil {
		panic(err)
	}
	if err := q.LoadLicence(savedLicence, tracker.LicenceKey()); err != nil {
		panic(err)
	}
	plain, err := q.Decrypt(piece, time.Now())
	fmt.Printf("%d-byte key, same peer: %v, %q %v\n", len(savedKey), q.ID() == p.ID(), plain, err)
	// Output:
	// 68-byte key, same peer: true, "kept across restarts" <nil>
}

// Plain piece sizes whose sealed bodies fill power-of-two torrent pieces.
func ExamplePlainPieceSize() {
	for _, l := range []int{32 << 10, 256 << 10, 1 << 20} {
		n, _ := reencrypt.PlainPieceSize(l)
		fmt.Printf("%7d-byte torrent pieces carry %7d plain bytes (+%d)\n", l, n, reencrypt.BodyOverhead)
	}
	_, err := reencrypt.PlainPieceSize(1000)
	fmt.Println(err)
	// Output:
	//   32768-byte torrent pieces carry   32752 plain bytes (+16)
	//  262144-byte torrent pieces carry  262128 plain bytes (+16)
	// 1048576-byte torrent pieces carry 1048560 plain bytes (+16)
	// reencrypt: malformed message: piece length 1000 is not a power of two in [32, 16777216]
}
