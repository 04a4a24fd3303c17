package pacomnet

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// recorder keeps what a connection wrote.
type recorder struct {
	net.Conn
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (r recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.buf.Write(p)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

// TestReplayAfterReconnect: an eavesdropper records everything client 0
// sent to client 1 while a circuit carried "pay 10 tokens", the
// connection drops, and the eavesdropper connects to client 1 as a PACOM
// peer and replays the recording. Nothing is delivered again: the
// replayed PIECEs answer no request, and the new connection's link has
// new keys.
func TestReplayAfterReconnect(t *testing.T) {
	var mu sync.Mutex
	var rec bytes.Buffer
	f, err := pacomchan.NewFileInfo(1, netip.MustParseAddr("127.0.0.1"), testDay, pacomchan.FileSpec{Length: testPieces * testBlock, PieceLength: testBlock})
	require.NoError(t, err)
	mk := func(seed uint64, wrap bool) (*Client, string) {
		cfg := fastConfig()
		cfg.Seed = seed
		cfg.Node.Link.BlockSize = testBlock
		if wrap {
			cfg.WrapConn = func(c net.Conn) net.Conn { return recorder{c, &mu, &rec} }
		}
		c, err := NewClient(nil, cfg)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		require.NoError(t, c.Join(f, func(i int) bool { return (i*7+int(seed))%3 == 0 }))
		a, err := c.Listen("127.0.0.1:0")
		require.NoError(t, err)
		return c, a.String()
	}
	a, _ := mk(1, true)
	b, bAddr := mk(2, false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, a.Connect(ctx, bAddr, f.InfoHash()))
	id, err := a.Build(b.PublicKey())
	require.NoError(t, err)
	require.NoError(t, a.WaitReady(ctx, id))
	require.NoError(t, a.Send(id, []byte("pay 10 tokens")))
	select {
	case d := <-b.Deliveries():
		require.Equal(t, "pay 10 tokens", string(d.Data))
	case <-ctx.Done():
		t.Fatal("not delivered")
	}
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, a.Close()) // the connection drops
	mu.Lock()
	stream := bytes.Clone(rec.Bytes())
	mu.Unlock()

	// The eavesdropper knows the info-hash, so it can make a PACOM peer id.
	pid, err := newPeerID(rand.Reader, "-XX0000-", f.InfoHash())
	require.NoError(t, err)
	nc, err := net.Dial("tcp", bAddr)
	require.NoError(t, err)
	defer nc.Close()
	require.NoError(t, peerwire.WriteHandshake(nc, &peerwire.Handshake{InfoHash: f.InfoHash(), PeerID: pid}))
	_, err = peerwire.ReadHandshake(nc)
	require.NoError(t, err)
	before := b.Stats()
	_, err = nc.Write(stream[peerwire.HandshakeSize:])
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond)
	after := b.Stats()
	require.Empty(t, b.Deliveries(), "nothing delivered twice")
	require.Equal(t, before.Router.DataDelivered, after.Router.DataDelivered)
	require.Greater(t, after.Unrequested, before.Unrequested, "the replayed PIECEs were refused")
	require.Equal(t, before.Router.CircuitsAccepted, after.Router.CircuitsAccepted)
}
