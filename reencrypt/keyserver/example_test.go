package keyserver_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
	"github.com/swarmblocks/swarmblocks/reencrypt/keyserver"
)

// The tracker's role over HTTPS: the seed gets an upload key for Alice,
// Alice buys a licence and decrypts; Mallory, subscribed but unlicensed,
// asks for her own upload key and is refused.
func Example() {
	ctx := context.Background()
	var (
		srv     *httptest.Server
		torrent reencrypt.TorrentID
		seed    *reencrypt.Seed
		seedKey ed25519.PrivateKey
	)
	{ // The content owner: tracker, publication, key server.
		tracker, _ := reencrypt.NewTracker(elgamal.Default, nil)
		var t *reencrypt.Torrent
		seed, t, _ = tracker.Publish([][]byte{[]byte("a protected piece")})
		torrent = t.ID
		var seedPub ed25519.PublicKey
		seedPub, seedKey, _ = ed25519.GenerateKey(nil)
		ks, err := keyserver.NewServer(keyserver.Config{
			Tracker: tracker,
			SeedKey: seedPub,
			Licence: func(_ context.Context, id reencrypt.PeerID) (reencrypt.Policy, error) {
				return reencrypt.Policy{MaxPlays: 5}, nil // after checking a payment
			},
		})
		if err != nil {
			panic(err)
		}
		srv = httptest.NewTLSServer(ks) // on 127.0.0.1
		defer srv.Close()
	}
	join := func() (*reencrypt.Peer, *keyserver.Client) {
		_, key, _ := ed25519.GenerateKey(nil)
		c, _ := keyserver.NewClient(srv.URL, torrent, key, srv.Client())
		t, _ := c.Torrent(ctx)
		p, _ := reencrypt.NewPeer(t, nil)
		if _, err := c.Subscribe(ctx, p); err != nil {
			panic(err)
		}
		return p, c
	}
	alice, aliceC := join()
	mallory, malloryC := join()

	// The seed asks for Alice's upload key and sends her piece 0.
	seedC, _ := keyserver.NewClient(srv.URL, torrent, seedKey, srv.Client())
	uk, _ := seedC.UploadKeys(ctx, alice.ID(), 0)
	capsule, _ := seed.Capsule(uk[0])
	body, _ := seed.Body(0)

	// Alice gets her licence and decrypts.
	licence, _ := aliceC.Licence(ctx)
	_ = alice.InstallLicence(licence)
	piece, _ := reencrypt.NewPiece(capsule, body)
	plain, err := alice.Decrypt(piece, time.Now())
	fmt.Printf("Alice: %q %v\n", plain, err)

	// Mallory asks for her own upload key, to strip her capsule with it.
	_, err = malloryC.UploadKeys(ctx, mallory.ID(), 0)
	fmt.Println("Mallory forbidden:", errors.Is(err, keyserver.ErrForbidden))
	// Output:
	// Alice: "a protected piece" <nil>
	// Mallory forbidden: true
}
