package drm

import (
	"crypto/rand"
	"encoding/binary"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// FuzzHandle feeds a downloader any sequence of messages from two peers,
// one of which was asked for piece 0's capsule: whatever arrives is
// handled exactly once — counted, answered, or queued for the key server —
// never a panic, never a capsule kept that fails the §2.3 check, never a
// refusal or capsule taken from a peer not asked.
func FuzzHandle(f *testing.F) {
	g := elgamal.Default
	tr, err := reencrypt.NewTracker(g, rand.Reader)
	require.NoError(f, err)
	const n = 4
	pieces, err := reencrypt.SplitPieces(make([]byte, n*1000), 1024)
	require.NoError(f, err)
	seed, tor, err := tr.Publish(pieces)
	require.NoError(f, err)
	p, err := reencrypt.NewPeer(tor, rand.Reader)
	require.NoError(f, err)
	_, err = tr.Subscribe(p.PublicKey())
	require.NoError(f, err)
	exp, err := tr.ExpectedHashes(p.ID())
	require.NoError(f, err)
	require.NoError(f, p.SetExpectedHashes(exp))

	uk, err := tr.UploadKey(0, seed.ID(), p.ID())
	require.NoError(f, err)
	good, err := seed.Capsule(uk)
	require.NoError(f, err)
	goodMsg, err := (&Message{Kind: KindCapsule, Capsule: good}).MarshalBinary()
	require.NoError(f, err)
	f.Add(goodMsg, goodMsg, false)
	f.Add(goodMsg, goodMsg, true)
	// A request for the piece whose capsule the first message delivered.
	f.Add(goodMsg, append([]byte{byte(KindRequest), 0, 0, 0, 0}, make([]byte, 32)...), false)
	rnd := elgamal.AppendElement(binary.BigEndian.AppendUint32([]byte{byte(KindCapsule)}, 0), g.RandomElement(rand.Reader))
	f.Add(rnd, []byte{byte(KindRefuse), 0, 0, 0, 0, 1}, false)
	f.Add([]byte{byte(KindRefuse), 0, 0, 0, 0, 2}, rnd, true)
	f.Add(append([]byte{byte(KindRequest), 0, 0, 0, 1}, make([]byte, 32)...), []byte{}, false)
	f.Fuzz(func(t *testing.T, a, b []byte, swap bool) {
		asked, other := &torrent.PeerConn{}, &torrent.PeerConn{}
		d := &Torrent{
			g: g, n: n, peer: p, opts: Options{}, done: make(chan struct{}),
			capsules: make([]*reencrypt.Capsule, n), pieces: make([]pieceState, n),
			asked: map[*torrent.PeerConn]int{asked: 1}, strikes: map[*torrent.PeerConn]int{},
			// Queues marked running start no worker: the requests they
			// collect are checked below, not answered.
			serving: map[*torrent.PeerConn]*serveQueue{asked: {running: true}, other: {running: true}},
		}
		d.opts.setDefaults()
		d.pieces[0] = pieceState{body: true, asked: asked, deadline: time.Now().Add(time.Hour)}
		d.pending = []int{0}
		from := [2]*torrent.PeerConn{asked, other}
		if swap {
			from = [2]*torrent.PeerConn{other, asked}
		}
		var out []outbound
		for k, msg := range [][]byte{a, b} {
			before := d.Stats()
			nOut := len(out)
			queued := len(d.serving[asked].items) + len(d.serving[other].items)
			out = d.handle(inbound{from[k], msg}, out)
			after := d.Stats()
			handled := after.Malformed - before.Malformed + after.Unsolicited - before.Unsolicited +
				after.RefusalsReceived - before.RefusalsReceived + after.CapsulesRejected - before.CapsulesRejected +
				after.CapsulesReceived - before.CapsulesReceived + int64(len(out)-nOut) +
				int64(len(d.serving[asked].items)+len(d.serving[other].items)-queued)
			require.Equal(t, int64(1), handled, "message %d (%x) handled once: %+v", k, msg, after)
		}
		for i, c := range d.capsules {
			if c != nil {
				require.NoError(t, p.VerifyCapsule(c), "kept capsule %d", i)
			}
		}
		s := d.Stats()
		require.LessOrEqual(t, s.CapsulesReceived+s.CapsulesRejected+s.RefusalsReceived, int64(1), "only the asked peer's first answer counts")
	})
}
