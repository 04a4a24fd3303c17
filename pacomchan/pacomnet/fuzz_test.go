package pacomnet

import (
	"crypto/rand"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// FuzzClientStream feeds arbitrary bytes after a valid handshake to a
// client, as a hostile PACOM peer could: the client never panics, and
// counts or drops what it cannot use. Seeds are real message sequences.
func FuzzClientStream(f *testing.F) {
	file, err := pacomchan.NewFileInfo(1, netip.MustParseAddr("127.0.0.1"), testDay, pacomchan.FileSpec{Length: 64*testBlock + 10, PieceLength: testBlock})
	require.NoError(f, err)
	add := func(ms ...peerwire.Message) {
		var b []byte
		for _, m := range ms {
			b, _ = m.AppendBinary(b)
		}
		f.Add(b)
	}
	add(peerwire.Message{Type: peerwire.Interested}, peerwire.Message{Type: peerwire.Request, Index: 1, Length: testBlock})
	add(peerwire.Message{Type: peerwire.Bitfield, Bitfield: make([]byte, 9)}, peerwire.Message{Type: peerwire.Unchoke})
	add(peerwire.Message{Type: peerwire.Piece, Index: 3, Block: make([]byte, testBlock)}, peerwire.Message{Type: peerwire.Have, Index: 63})
	add(peerwire.Message{Type: peerwire.Cancel, Index: 64, Length: 10}, peerwire.Message{Keepalive: true})
	f.Add([]byte{0, 0, 0, 5, 21, 1, 2, 3, 4}) // BEP 52 hash request
	add(peerwire.Message{Type: peerwire.Extended, ExtendedID: 0, Payload: []byte("d1:md11:ut_metadatai3eee")},
		peerwire.Message{Type: peerwire.Extended, ExtendedID: utMetadataID, Payload: []byte("d8:msg_typei0e5:piecei0ee")},
		peerwire.Message{Type: peerwire.Extended, ExtendedID: utMetadataID, Payload: []byte("d8:msg_typei0e5:piecei99ee")})
	f.Fuzz(func(t *testing.T, stream []byte) {
		cfg := fastConfig()
		cfg.Node.Link.BlockSize = testBlock
		c, err := NewClient(nil, cfg)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.Join(file, func(i int) bool { return i%2 == 0 }))
		srv, cli := net.Pipe()
		defer cli.Close()
		done := make(chan error, 1)
		go func() { done <- c.handshake(srv, nil) }()
		pid, err := newPeerID(rand.Reader, "-XX0000-", file.InfoHash())
		require.NoError(t, err)
		go func() {
			_ = peerwire.WriteHandshake(cli, &peerwire.Handshake{InfoHash: file.InfoHash(), PeerID: pid})
		}()
		_ = cli.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := peerwire.ReadHandshake(cli); err != nil {
			return
		}
		go func() { // drain what the client sends
			buf := make([]byte, 4096)
			for {
				if _, err := cli.Read(buf); err != nil {
					return
				}
			}
		}()
		if err := <-done; err != nil {
			return
		}
		_, _ = cli.Write(stream)
		time.Sleep(time.Millisecond)
		_ = c.Stats() // the client is still consistent
	})
}
