package drm_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
)

// benchLeechers and benchContent fix the swarm of BenchmarkSwarm: an
// original seed and benchLeechers leechers sharing benchContent bytes.
const (
	benchLeechers = 4
	benchContent  = 4 << 20
)

// benchLink caps each client's upload, as the paper's experiment capped
// its seeds at 200 KB/s (§3.2): the swarm is then bound by its links, as
// on PlanetLab, not by the processor that here runs every client, the
// key server and the original seed at once. -swarm.link=0 lifts the cap.
var benchLink = flag.Int("swarm.link", 4<<20, "BenchmarkSwarm: upload cap of every client in bytes per second (0: none)")

var benchPieceLengths = []int{32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20}

// BenchmarkSwarm measures swarm throughput, the bytes delivered to all
// leechers per second (the MB/s column), for the same sealed content and
// the same swarm, plain and with the DRM carrier, over piece lengths from
// 32 KiB to 1 MiB, as the paper's §3.2 does. Plain is the bodies as an
// ordinary torrent; drm adds the capsule exchange, the key server (in
// process) and the §2.3 checks, and a leecher counts as done once it holds
// every capsule. Every client's upload is capped at -swarm.link bytes per
// second (see benchLink). Only the transfer is timed: from connecting the
// swarm until every leecher is done.
func BenchmarkSwarm(b *testing.B) {
	for _, mode := range []string{"plain", "drm"} {
		b.Run(mode, func(b *testing.B) {
			for _, pl := range benchPieceLengths {
				b.Run(fmt.Sprintf("piece=%dKiB", pl>>10), func(b *testing.B) {
					benchSwarm(b, mode == "drm", pl)
				})
			}
		})
	}
}

func benchSwarm(b *testing.B, protected bool, pieceLength int) {
	w := newWorld(b, benchContent, pieceLength)
	w.link = *benchLink
	b.ReportAllocs()
	b.SetBytes(int64(len(w.sealed)) * benchLeechers)
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		var nodes []*node
		if protected {
			nodes = append(nodes, w.startSeed(b, filepath.Join(dir, "seed")))
			for i := range benchLeechers {
				nodes = append(nodes, w.startPeer(b, filepath.Join(dir, fmt.Sprint(i)), w.join(b, true)))
			}
		} else {
			s, err := loopback.NewSeed(w.config(filepath.Join(dir, "seed")), w.rel.MetaInfo, w.sealed)
			require.NoError(b, err)
			nodes = append(nodes, &node{Node: s})
			for i := range benchLeechers {
				n, err := loopback.NewNode(w.config(filepath.Join(dir, fmt.Sprint(i))), w.rel.MetaInfo)
				require.NoError(b, err)
				n.Torrent.DownloadAll()
				nodes = append(nodes, &node{Node: n})
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		b.StartTimer()
		connect(nodes...)
		if protected {
			waitDone(b, ctx, nodes[1:]...)
		} else {
			ln := make([]*loopback.Node, 0, benchLeechers)
			for _, n := range nodes[1:] {
				ln = append(ln, n.Node)
			}
			require.NoError(b, loopback.WaitComplete(ctx, ln...))
		}
		b.StopTimer()
		cancel()
		for _, n := range nodes {
			if n.drm != nil {
				_ = n.drm.Close()
			}
			n.Close()
		}
		b.StartTimer()
	}
}
