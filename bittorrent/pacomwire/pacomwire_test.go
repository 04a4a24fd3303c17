package pacomwire

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/metainfo"
	pp "github.com/anacrolix/torrent/peer_protocol"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/pacomchan/pacomnet"
	"github.com/swarmblocks/swarmblocks/peerwire"
)

// toAnacrolix converts a peerwire message to anacrolix's type.
func toAnacrolix(m *peerwire.Message) pp.Message {
	out := pp.Message{Keepalive: m.Keepalive, Type: pp.MessageType(m.Type),
		Index: pp.Integer(m.Index), Begin: pp.Integer(m.Begin), Length: pp.Integer(m.Length),
		Piece: m.Block, Port: m.Port, ExtendedID: pp.ExtensionNumber(m.ExtendedID), ExtendedPayload: m.Payload}
	if m.Type == peerwire.Bitfield && !m.Keepalive {
		out.Bitfield = make([]bool, 8*len(m.Bitfield))
		for i := range out.Bitfield {
			out.Bitfield[i] = m.Bitfield[i/8]&(0x80>>(i%8)) != 0
		}
	}
	return out
}

// TestMessagesByteForByte encodes every message type with peerwire and
// with anacrolix/torrent and compares the bytes, then decodes peerwire's
// bytes with anacrolix's decoder.
func TestMessagesByteForByte(t *testing.T) {
	block := bytes.Repeat([]byte{0xab}, 16<<10)
	for _, m := range []peerwire.Message{
		{Keepalive: true},
		{Type: peerwire.Choke}, {Type: peerwire.Unchoke}, {Type: peerwire.Interested}, {Type: peerwire.NotInterested},
		{Type: peerwire.Have, Index: 0}, {Type: peerwire.Have, Index: 0xfffffffe},
		{Type: peerwire.Bitfield, Bitfield: []byte{0xa0, 0x40}},
		{Type: peerwire.Request, Index: 3, Begin: 0x4000, Length: 0x4000},
		{Type: peerwire.Piece, Index: 3, Begin: 0x4000, Block: block},
		{Type: peerwire.Piece, Index: 9, Begin: 0, Block: []byte("short last block")},
		{Type: peerwire.Cancel, Index: 3, Begin: 0x4000, Length: 0x4000},
		{Type: peerwire.Port, Port: 6881},
		{Type: peerwire.Suggest, Index: 5}, {Type: peerwire.HaveAll}, {Type: peerwire.HaveNone},
		{Type: peerwire.Reject, Index: 1, Begin: 2, Length: 3}, {Type: peerwire.AllowedFast, Index: 7},
		{Type: peerwire.Extended, ExtendedID: 0, Payload: []byte("d1:md11:ut_metadatai3eee")},
	} {
		t.Run(fmt.Sprint(m.Type, m.Keepalive), func(t *testing.T) {
			ours, err := m.MarshalBinary()
			require.NoError(t, err)
			theirs, err := toAnacrolix(&m).MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, theirs, ours, "the same bytes")
			d := pp.Decoder{R: bufio.NewReader(bytes.NewReader(ours)), MaxLength: 1 << 20}
			var got pp.Message
			require.NoError(t, d.Decode(&got))
			again, err := got.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, ours, again)
		})
	}
	var h peerwire.Handshake
	h.InfoHash[0], h.PeerID[0] = 1, 2
	h.Reserved[5] = peerwire.ReservedExtended
	b, err := h.MarshalBinary()
	require.NoError(t, err)
	res, err := pp.Handshake(context.Background(), &rw{r: bytes.NewReader(b), w: io.Discard}, nil, [20]byte{}, pp.PeerExtensionBits{})
	require.NoError(t, err)
	require.Equal(t, h.InfoHash, [20]byte(res.Hash))
	require.Equal(t, h.PeerID, res.PeerID)
	require.True(t, res.SupportsExtended())
}

type rw struct {
	r io.Reader
	w io.Writer
}

func (x *rw) Read(p []byte) (int, error)  { return x.r.Read(p) }
func (x *rw) Write(p []byte) (int, error) { return x.w.Write(p) }

// capture records what a connection writes.
type capture struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *capture) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.out.Bytes())
}

var day = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// TestWholeConnectionDecodes runs two PACOM clients in one swarm, builds a
// circuit and sends data both ways, then decodes every byte each side
// wrote with anacrolix/torrent: the handshake with pp.Handshake, the rest
// with pp.Decoder, each message re-encoding to exactly its bytes.
func TestWholeConnectionDecodes(t *testing.T) {
	const block = 1024
	f, err := pacomchan.NewFileInfo(1, netip.MustParseAddr("127.0.0.1"), day,
		pacomchan.FileSpec{Length: 4096*block + 100, PieceLength: block})
	require.NoError(t, err)
	var mu sync.Mutex
	var caps []*capture
	newClient := func(seed uint64) *pacomnet.Client {
		c, err := pacomnet.NewClient(nil, pacomnet.Config{
			Seed: seed, RequestTimeout: 500 * time.Millisecond,
			Node: pacomchan.NodeConfig{Link: pacomchan.LinkConfig{BlockSize: block}},
			WrapConn: func(nc net.Conn) net.Conn {
				cp := &capture{Conn: nc}
				mu.Lock()
				caps = append(caps, cp)
				mu.Unlock()
				return cp
			},
		})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		rng := rand.New(rand.NewPCG(seed, 1))
		require.NoError(t, c.Join(f, func(int) bool { return rng.IntN(2) == 0 }))
		return c
	}
	a, b := newClient(1), newClient(2)
	addr, err := b.Listen("127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, a.Connect(ctx, addr.String(), f.InfoHash()))
	id, err := a.Build(b.PublicKey())
	require.NoError(t, err)
	require.NoError(t, a.WaitReady(ctx, id))
	require.NoError(t, b.WaitReady(ctx, id))
	require.NoError(t, a.Send(id, []byte("to b")))
	select {
	case d := <-b.Deliveries():
		require.Equal(t, "to b", string(d.Data))
	case <-ctx.Done():
		t.Fatal("no delivery")
	}
	require.NoError(t, b.Send(id, []byte("to a")))
	select {
	case d := <-a.Deliveries():
		require.Equal(t, "to a", string(d.Data))
	case <-ctx.Done():
		t.Fatal("no delivery")
	}
	time.Sleep(300 * time.Millisecond) // some cover traffic too
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, caps, 2, "one connection, both ends")
	for side, cp := range caps {
		stream := cp.bytes()
		res, err := pp.Handshake(context.Background(), &rw{r: bytes.NewReader(stream), w: io.Discard}, nil, [20]byte{}, pp.PeerExtensionBits{})
		require.NoError(t, err, "side %d", side)
		require.Equal(t, f.InfoHash(), pacomchan.InfoHash(res.Hash))
		rest := stream[peerwire.HandshakeSize:]
		br := bufio.NewReader(bytes.NewReader(rest))
		d := pp.Decoder{R: br, MaxLength: 1 << 20}
		counts := map[pp.MessageType]int{}
		off := 0
		for off < len(rest) {
			var m pp.Message
			require.NoError(t, d.Decode(&m), "side %d at byte %d", side, off)
			enc, err := m.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, rest[off:off+len(enc)], enc, "side %d: message %v re-encodes", side, m.Type)
			off += len(enc)
			if m.Keepalive {
				counts[255]++
			} else {
				counts[m.Type]++
			}
		}
		t.Logf("side %d: %d bytes, messages %v", side, len(stream), counts)
		require.Positive(t, counts[pp.Piece])
		require.Positive(t, counts[pp.Request])
		require.Positive(t, counts[pp.Have])
		require.Positive(t, counts[pp.Unchoke])
		require.Positive(t, counts[pp.Interested])
		require.Positive(t, counts[pp.Bitfield])
	}
}

// TestInfoDictParsesWithAnacrolix: a PACOM file's info dictionary is a
// valid single-file torrent for anacrolix's metainfo, whose info-hash is
// I_x, with the file's length and piece hashes.
func TestInfoDictParsesWithAnacrolix(t *testing.T) {
	f, err := pacomchan.NewFileInfo(7, netip.MustParseAddr("192.0.2.1"), day, pacomchan.FileSpec{Length: 5*16384 + 17})
	require.NoError(t, err)
	mi := metainfo.MetaInfo{InfoBytes: f.InfoDict()}
	require.Equal(t, f.InfoHash(), pacomchan.InfoHash(mi.HashInfoBytes()))
	info, err := mi.UnmarshalInfo()
	require.NoError(t, err)
	require.Equal(t, f.Length(), info.TotalLength())
	require.Equal(t, int64(f.PieceLength()), info.PieceLength)
	require.Equal(t, f.Pieces(), info.NumPieces())
	for i := range f.Pieces() {
		sum := sha1.Sum(f.AppendPiece(nil, i))
		require.Equal(t, sum[:], info.Piece(i).V1Hash().Value.Bytes(), "piece %d", i)
	}
}

// TestOrdinaryClientJoins is item 4 of the issue: an ordinary BitTorrent
// client (anacrolix/torrent) that found a PACOM swarm joins it knowing only
// I_x. It sees a normal torrent: it fetches the metadata with BEP 9,
// downloads the whole file from the PACOM clients and
// every piece passes its SHA-1 check, so it was never sent a sealed block.
// Meanwhile the PACOM clients' circuit keeps working.
func TestOrdinaryClientJoins(t *testing.T) {
	const block = 16 << 10
	f, err := pacomchan.NewFileInfo(2, netip.MustParseAddr("127.0.0.1"), day,
		pacomchan.FileSpec{Length: 256*block + 1000, PieceLength: block})
	require.NoError(t, err)
	newClient := func(seed uint64, all bool) (*pacomnet.Client, string) {
		c, err := pacomnet.NewClient(nil, pacomnet.Config{Seed: seed, RequestTimeout: time.Second})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		rng := rand.New(rand.NewPCG(seed, 1))
		require.NoError(t, c.Join(f, func(int) bool { return all || rng.IntN(2) == 0 }))
		addr, err := c.Listen("127.0.0.1:0")
		require.NoError(t, err)
		return c, addr.String()
	}
	// The bootstrapping node seeds its file; two members hold halves. A
	// seed cannot receive data in its swarm (nobody serves it blocks), so
	// the circuit runs between the members.
	seed, seedAddr := newClient(1, true)
	a, aAddr := newClient(2, false)
	b, _ := newClient(3, false)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, a.Connect(ctx, seedAddr, f.InfoHash()))
	require.NoError(t, b.Connect(ctx, seedAddr, f.InfoHash()))
	require.NoError(t, b.Connect(ctx, aAddr, f.InfoHash()))

	cfg := loopback.ClientConfig(t.TempDir())
	cfg.HeaderObfuscationPolicy = torrent.HeaderObfuscationPolicy{}
	cl, err := torrent.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { cl.Close() })
	// Like a client that found I_x with get_peers: it knows only the
	// info-hash and fetches the info dictionary with BEP 9.
	tor, _ := cl.AddTorrentInfoHash(metainfo.Hash(f.InfoHash()))
	seedPeer := torrent.PeerInfo{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: mustPort(t, seedAddr)}, Trusted: true}
	node := &loopback.Node{Client: cl, Torrent: tor}
	node.TellPeers(seedPeer) // remembered, so that a stalled download can reconnect
	select {
	case <-tor.GotInfo():
	case <-ctx.Done():
		t.Fatal("no metadata over BEP 9")
	}
	require.Equal(t, f.InfoDict(), []byte(tor.Metainfo().InfoBytes), "the metadata fetched with BEP 9")
	tor.DownloadAll()

	// A circuit between the PACOM clients, while the download runs.
	id, err := a.Build(b.PublicKey())
	require.NoError(t, err)
	require.NoError(t, a.WaitReady(ctx, id))
	require.NoError(t, a.Send(id, []byte("still private")))
	select {
	case d := <-b.Deliveries():
		require.Equal(t, "still private", string(d.Data))
	case <-ctx.Done():
		t.Fatal("circuit stalled")
	}

	// anacrolix/torrent v1.61 now and then never grows interested in a
	// peer whose bitfield came before the info dictionary (seen under
	// load: the seed's connection open, every piece wanted, not interested
	// for a minute; a DisallowDataDownload/AllowDataDownload nudge did not
	// help). A connection made after the info dictionary does not have the
	// defect (12 of 12 runs completed, 3 after a reconnect), so a download
	// that stalls reconnects to the seed (loopback.Wait and Nudge).
	if err := loopback.Wait(ctx, node, func() bool { return tor.Complete().Bool() }); err != nil {
		var status strings.Builder
		cl.WriteStatus(&status)
		t.Logf("the anacrolix client:\n%s", status.String())
		t.Logf("the seed: %+v", seed.Stats())
		t.Fatalf("download incomplete: %v", err)
	}
	r := tor.NewReader()
	defer r.Close()
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	var want []byte
	for i := range f.Pieces() {
		want = f.AppendPiece(want, i)
	}
	require.Equal(t, want, got, "the ordinary client got the genuine file")
	st := seed.Stats()
	require.Positive(t, st.Scheduler.PlainServed, "plain pieces went to the ordinary client")
	require.Zero(t, st.BadPlain)
	t.Logf("seed served %d plain pieces, %d PACOM blocks (%d data)", st.Scheduler.PlainServed,
		st.Scheduler.DataServed+st.Scheduler.DummyServed, st.Scheduler.DataServed)
}

func mustPort(t *testing.T, addr string) int {
	ap, err := netip.ParseAddrPort(addr)
	require.NoError(t, err)
	return int(ap.Port())
}
