package drm_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"syscall"
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
// ordinary torrent; drm adds the capsule exchange, the key server (a
// tracker in process, [drm.LocalKeys]) and the §2.3 checks, and a leecher
// counts as done once it holds every capsule. Every client's upload is
// capped at -swarm.link bytes per second (see benchLink). Only the
// transfer is timed: from connecting the swarm until every leecher is done.
//
// plain and drm run apart, minutes from each other on a shared machine:
// compare them with BenchmarkSwarmLoss, which interleaves them.
func BenchmarkSwarm(b *testing.B) {
	for _, mode := range []string{"plain", "drm"} {
		b.Run(mode, func(b *testing.B) {
			for _, pl := range benchPieceLengths {
				b.Run(fmt.Sprintf("piece=%dKiB", pl>>10), func(b *testing.B) {
					w := newWorld(b, benchContent, pl)
					w.link = *benchLink
					b.ReportAllocs()
					b.SetBytes(int64(len(w.sealed)) * benchLeechers)
					for b.Loop() {
						b.StopTimer()
						s := w.newBenchSwarm(b, mode == "drm")
						b.StartTimer()
						s.run(b)
						b.StopTimer()
						s.close()
						b.StartTimer()
					}
				})
			}
		})
	}
}

// BenchmarkSwarmLoss measures what the DRM costs a swarm, robustly on a
// loaded machine: each iteration runs the same swarm over the same
// content twice, plain and with the carrier, in alternating order, so
// that both see the same load. It reports each mode's throughput (the
// median transfer time over the iterations), loss-% = 1 − drm/plain
// throughput from those medians, the spread of the per-pair losses
// (loss-q1-% and loss-q3-%, the quartiles over the iterations: run
// enough, -benchtime 10x or more, for them to mean something), and
// tail-ms, the median time a DRM swarm's last leecher waited for its last
// capsules after its bodies were complete: the latency the carrier adds.
// plain-cpu-ms and drm-cpu-ms are the median processor time the whole
// process (every client, the key server) spent on one transfer: what the
// carrier costs in work, which a loaded machine turns into time.
//
// keys=local asks a tracker in process ([drm.LocalKeys]); keys=http asks
// the HTTP key server of package reencrypt/keyserver on 127.0.0.1, every
// node with its own signing key, as a real swarm would (over plain HTTP:
// TLS would add a handshake per connection, not per request).
func BenchmarkSwarmLoss(b *testing.B) {
	for _, keys := range []string{"local", "http"} {
		for _, pl := range benchPieceLengths {
			b.Run(fmt.Sprintf("keys=%s/piece=%dKiB", keys, pl>>10), func(b *testing.B) {
				w := newWorld(b, benchContent, pl)
				w.link = *benchLink
				if keys == "http" {
					w.serveKeys(b)
				}
				var plain, protected, losses, tails, plainCPU, drmCPU []float64
				for n := 0; b.Loop(); n++ {
					for k := range 2 {
						drm := (n+k)%2 == 1
						b.StopTimer()
						s := w.newBenchSwarm(b, drm)
						cpu := cpuTime()
						b.StartTimer()
						d, tail := s.run(b)
						b.StopTimer()
						cpu = cpuTime() - cpu
						s.close()
						b.StartTimer()
						if drm {
							protected = append(protected, d.Seconds())
							tails = append(tails, tail.Seconds())
							drmCPU = append(drmCPU, cpu.Seconds())
						} else {
							plain = append(plain, d.Seconds())
							plainCPU = append(plainCPU, cpu.Seconds())
						}
					}
					losses = append(losses, 100*(1-plain[n]/protected[n]))
				}
				bytes := float64(len(w.sealed)) * benchLeechers / 1e6
				b.ReportMetric(bytes/median(plain), "plain-MB/s")
				b.ReportMetric(bytes/median(protected), "drm-MB/s")
				b.ReportMetric(100*(1-median(plain)/median(protected)), "loss-%")
				b.ReportMetric(quantile(losses, 0.25), "loss-q1-%")
				b.ReportMetric(quantile(losses, 0.75), "loss-q3-%")
				b.ReportMetric(1000*median(tails), "tail-ms")
				b.ReportMetric(1000*median(plainCPU), "plain-cpu-ms")
				b.ReportMetric(1000*median(drmCPU), "drm-cpu-ms")
			})
		}
	}
}

// benchSwarm is one swarm of the benchmarks, ready to connect.
type benchSwarm struct {
	nodes []*node
	drm   bool
}

func (w *world) newBenchSwarm(b *testing.B, protected bool) *benchSwarm {
	dir := b.TempDir()
	s := &benchSwarm{drm: protected}
	if protected {
		s.nodes = append(s.nodes, w.startSeed(b, filepath.Join(dir, "seed")))
		for i := range benchLeechers {
			s.nodes = append(s.nodes, w.startPeer(b, filepath.Join(dir, fmt.Sprint(i)), w.join(b, true)))
		}
		return s
	}
	seed, err := loopback.NewSeed(w.config(filepath.Join(dir, "seed")), w.rel.MetaInfo, w.sealed)
	require.NoError(b, err)
	s.nodes = append(s.nodes, &node{Node: seed})
	for i := range benchLeechers {
		n, err := loopback.NewNode(w.config(filepath.Join(dir, fmt.Sprint(i))), w.rel.MetaInfo)
		require.NoError(b, err)
		n.Torrent.DownloadAll()
		s.nodes = append(s.nodes, &node{Node: n})
	}
	return s
}

// run connects the swarm and waits until every leecher is done. It
// returns how long that took and, with the DRM, how long after the last
// leecher's bodies were complete its last capsule came.
func (s *benchSwarm) run(b *testing.B) (elapsed, tail time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	connect(s.nodes...)
	leechers := s.nodes[1:]
	var bodies time.Time
	for _, n := range leechers {
		select {
		case <-n.Torrent.Complete().On():
		case <-ctx.Done():
			require.FailNowf(b, "timeout", "%d of %d bytes", n.Torrent.BytesCompleted(), n.Torrent.Length())
		}
	}
	bodies = time.Now()
	if s.drm {
		waitDone(b, ctx, leechers...)
	}
	end := time.Now()
	return end.Sub(start), end.Sub(bodies)
}

func (s *benchSwarm) close() {
	for _, n := range s.nodes {
		if n.drm != nil {
			_ = n.drm.Close()
		}
		n.Close()
	}
}

// cpuTime returns the processor time, user and system, the process has
// used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs (linear interpolation between
// order statistics), sorting xs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	pos := q * float64(len(xs)-1)
	lo := int(pos)
	if lo+1 >= len(xs) {
		return xs[lo]
	}
	return xs[lo] + (pos-float64(lo))*(xs[lo+1]-xs[lo])
}
