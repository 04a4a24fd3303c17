package drm_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/bittorrent/internal/loopback"
)

// benchLeechers and benchContent fix the swarm of the benchmarks: an
// original seed and benchLeechers leechers sharing benchContent bytes, or
// benchLongContent with SWARMBLOCKS_LONG=1 (the measurement's form: the
// seed's upload of the content then outweighs the last piece's way
// through the swarm, which at 1 MiB pieces is a quarter second either way).
const (
	benchLeechers    = 4
	benchContent     = 2 << 20
	benchLongContent = 8 << 20
)

// benchLink caps each client's upload, as the paper's experiment capped
// its seeds at 200 KB/s (§3.2): the swarm is then bound by its links, as
// on PlanetLab, not by the processor that here runs every client, the
// key server and the original seed at once. -swarm.link=0 lifts the cap.
var benchLink = flag.Int("swarm.link", 4<<20, "BenchmarkSwarm: upload cap of every client in bytes per second (0: none)")

// benchTrace logs every iteration of BenchmarkSwarmLoss: its order, the
// three transfer times and the two paired losses.
var benchTrace = flag.Bool("swarm.trace", false, "BenchmarkSwarmLoss: log every iteration")

// benchSpread has each leecher prefer its own share of the pieces (see
// spreadRequests).
var benchSpread = flag.Bool("swarm.spread", true, "BenchmarkSwarm, BenchmarkSwarmLoss: leechers prefer pieces of their own share first")

var benchPieceLengths = []int{32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20}

// BenchmarkSwarm measures swarm throughput, the bytes delivered to all
// leechers per second (the MB/s column), for the same sealed content and
// the same swarm, plain and with the DRM carrier, over piece lengths from
// 32 KiB to 1 MiB, as the paper's §3.2 does. Plain is the bodies as an
// ordinary torrent; drm adds the capsule exchange, the key server (a
// tracker in process, [drm.LocalKeys]) and the §2.3 checks, and a leecher
// counts as done once it holds every capsule. Every client's upload is
// capped at -swarm.link bytes per second (see benchLink), and the
// leechers stagger their first requests (spreadRequests). Only the
// transfer is timed: from connecting the swarm until every leecher is
// done; see BenchmarkSwarmLoss for what else is kept out.
//
// plain and drm run apart, minutes from each other on a shared machine:
// compare them with BenchmarkSwarmLoss, which interleaves them.
func BenchmarkSwarm(b *testing.B) {
	for _, mode := range []string{"plain", "drm"} {
		b.Run(mode, func(b *testing.B) {
			for _, pl := range benchPieceLengths {
				b.Run(fmt.Sprintf("piece=%dKiB", pl>>10), func(b *testing.B) {
					w := newWorld(b, benchContentSize(), pl)
					w.link = *benchLink
					w.spread = *benchSpread
					b.ReportAllocs()
					b.SetBytes(int64(len(w.sealed)) * benchLeechers)
					for b.Loop() {
						b.StopTimer()
						s := w.newBenchSwarm(b, mode == "drm")
						runtime.GC()
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
// loaded machine, with an A/A control beside it. Each iteration runs three
// swarms of the same content one after the other: plain, protected (drm)
// and plain again (aa), in one of the six orders, taken in turn, so that
// over every six iterations each swarm runs in each position equally
// often and a slow first or last run biases neither comparison. From each
// iteration come two paired losses: loss = 1 − drm/plain throughput (that
// is, 1 − T_plain/T_drm with T the transfer times) and the A/A loss
// 1 − T_plain/T_aa, a comparison of plain with itself under the same
// design: its spread is the noise floor, and it must be centred on 0.
//
// It reports loss-% and aa-%, the medians of the paired losses, and, from
// six iterations on, their distribution-free 95% confidence intervals
// (loss-lo-%…loss-hi-%, aa-lo-%…aa-hi-%; order statistics, see
// medianCI); order-% is the median of 1 − T_first/T_second over the two
// plain swarms of each iteration, which is 0 unless running earlier or
// later in an iteration changes a swarm's speed. plain-MB/s and drm-MB/s
// are the bytes delivered to all leechers over the median transfer time;
// tail-ms is the median time a DRM swarm's last leecher waited for its
// last capsules after its bodies were complete: the latency the carrier
// adds. plain-cpu-ms and drm-cpu-ms are the median processor time the
// whole process (every client, the key server) spent on one transfer:
// what the carrier costs in work, which a loaded machine turns into time.
// Run a multiple of six iterations: -benchtime 12x or more.
//
// What is not the experiment is kept out. The garbage collector runs
// before each transfer, so that no swarm pays for its predecessor's
// garbage. The clock starts when the nodes are told of each other; a
// connection a client turns away is not redialled by anacrolix, so until
// every connection and extended handshake is up (mesh-ms, about 10 ms)
// the nodes are told of each other again every 100 ms, and every swarm
// runs with all its links. The leechers prefer pieces of their own share
// first (spreadRequests), so that the original seed, whose upload bounds
// the swarm, does not send the same piece to several leechers by chance:
// without it, anacrolix's deterministic order has every leecher ask the
// seed for the same pieces, and at 1 MiB pieces transfer times spread by
// 40%. The content is
// benchContent bytes (2 MiB, for CI's single iteration), or with
// SWARMBLOCKS_LONG=1 benchLongContent (8 MiB, for measurements).
//
// keys=local asks a tracker in process ([drm.LocalKeys]); keys=http asks
// the HTTP key server of package reencrypt/keyserver on 127.0.0.1, every
// node with its own signing key, as a real swarm would (over plain HTTP:
// TLS would add a handshake per connection, not per request).
func BenchmarkSwarmLoss(b *testing.B) {
	orders := swarmOrders
	content := benchContentSize()
	for _, keys := range []string{"local", "http"} {
		for _, pl := range benchPieceLengths {
			b.Run(fmt.Sprintf("keys=%s/piece=%dKiB", keys, pl>>10), func(b *testing.B) {
				w := newWorld(b, content, pl)
				w.link = *benchLink
				w.spread = *benchSpread
				if keys == "http" {
					w.serveKeys(b)
				}
				var plain, protected, losses, aas, order, meshes, tails, plainCPU, drmCPU []float64
				for n := 0; b.Loop(); n++ {
					var took, cpu [3]time.Duration
					for _, role := range orders[n%len(orders)] {
						b.StopTimer()
						s := w.newBenchSwarm(b, role == drmRole)
						runtime.GC()
						c := cpuTime()
						b.StartTimer()
						d, mesh, tail := s.run(b)
						b.StopTimer()
						cpu[role] = cpuTime() - c
						s.close()
						b.StartTimer()
						took[role] = d
						meshes = append(meshes, mesh.Seconds())
						if role == drmRole {
							tails = append(tails, tail.Seconds())
						}
					}
					tp, td, ta := took[plainRole].Seconds(), took[drmRole].Seconds(), took[aaRole].Seconds()
					plain = append(plain, tp, ta)
					protected = append(protected, td)
					losses = append(losses, 100*(1-tp/td))
					aas = append(aas, 100*(1-tp/ta))
					first, second := tp, ta
					if slices.Index(orders[n%len(orders)][:], aaRole) < slices.Index(orders[n%len(orders)][:], plainRole) {
						first, second = ta, tp
					}
					order = append(order, 100*(1-first/second))
					if *benchTrace { // to standard error: a benchmark's log keeps only its first lines
						fmt.Fprintf(os.Stderr, "%s: order %v: plain %.3fs drm %.3fs aa %.3fs: loss %+.1f%% aa %+.1f%%\n",
							b.Name(), orders[n%len(orders)], tp, td, ta, losses[n], aas[n])
					}
					plainCPU = append(plainCPU, cpu[plainRole].Seconds(), cpu[aaRole].Seconds())
					drmCPU = append(drmCPU, cpu[drmRole].Seconds())
				}
				bytes := float64(len(w.sealed)) * benchLeechers / 1e6
				b.ReportMetric(bytes/median(plain), "plain-MB/s")
				b.ReportMetric(bytes/median(protected), "drm-MB/s")
				reportMedian(b, losses, "loss")
				reportMedian(b, aas, "aa")
				b.ReportMetric(median(order), "order-%")
				b.ReportMetric(1000*median(meshes), "mesh-ms")
				b.ReportMetric(1000*median(tails), "tail-ms")
				b.ReportMetric(1000*median(plainCPU), "plain-cpu-ms")
				b.ReportMetric(1000*median(drmCPU), "drm-cpu-ms")
			})
		}
	}
}

// The three swarms of an iteration of BenchmarkSwarmLoss.
const (
	plainRole = iota
	drmRole
	aaRole
)

// swarmOrders are the six orders of the three roles, one per iteration in
// turn: over six iterations every role runs in every position twice, and
// each of the two compared pairs (plain, drm) and (plain, aa) runs in
// either order three times.
var swarmOrders = [6][3]int{
	{plainRole, drmRole, aaRole}, {plainRole, aaRole, drmRole},
	{drmRole, plainRole, aaRole}, {drmRole, aaRole, plainRole},
	{aaRole, plainRole, drmRole}, {aaRole, drmRole, plainRole},
}

// reportMedian reports the median of xs, in percent, as name-% and, when
// there are enough samples, its 95% confidence interval as name-lo-% and
// name-hi-%.
func reportMedian(b *testing.B, xs []float64, name string) {
	med, lo, hi, ok := medianCI(xs, 0.95)
	b.ReportMetric(med, name+"-%")
	if ok {
		b.ReportMetric(lo, name+"-lo-%")
		b.ReportMetric(hi, name+"-hi-%")
	}
}

// benchContentSize returns the size of the benchmarks' content:
// benchContent, or benchLongContent with SWARMBLOCKS_LONG=1.
func benchContentSize() int {
	if os.Getenv("SWARMBLOCKS_LONG") == "1" {
		return benchLongContent
	}
	return benchContent
}

// benchSwarm is one swarm of the benchmarks, ready to connect.
type benchSwarm struct {
	nodes      []*node
	drm        bool
	dir        string       // the nodes' data, removed by close
	handshakes atomic.Int64 // extended handshakes read by its clients
}

// newBenchSwarm starts a swarm of an original seed and benchLeechers
// leechers, plain or protected, unconnected and with downloading held.
func (w *world) newBenchSwarm(b *testing.B, protected bool) *benchSwarm {
	dir := b.TempDir()
	s := &benchSwarm{drm: protected, dir: dir}
	w.handshake = func() { s.handshakes.Add(1) }
	defer func() { w.handshake = nil }()
	if protected {
		s.nodes = append(s.nodes, w.startSeed(b, filepath.Join(dir, "seed")))
		for i := range benchLeechers {
			s.nodes = append(s.nodes, w.startPeer(b, filepath.Join(dir, fmt.Sprint(i)), w.join(b, true)))
		}
	} else {
		seed, err := loopback.NewSeed(w.config(filepath.Join(dir, "seed")), w.rel.MetaInfo, w.sealed)
		require.NoError(b, err)
		s.nodes = append(s.nodes, &node{Node: seed})
		for i := range benchLeechers {
			n, err := loopback.NewNode(w.config(filepath.Join(dir, fmt.Sprint(i))), w.rel.MetaInfo)
			require.NoError(b, err)
			n.Torrent.DownloadAll()
			s.nodes = append(s.nodes, &node{Node: n})
		}
	}
	if w.spread {
		spreadRequests(s.nodes[1:])
	}
	return s
}

// spreadRequests has leecher k of n prefer pieces k, k+n, k+2n, … (a high
// priority), and take the others afterwards, in the client's own order.
// anacrolix orders requests by priority, then partial pieces, then
// availability, then index, with no random tie-break as BEP 3's
// rarest-first has: leechers that start together all ask the seed for
// piece 0, then 1, and the seed's upload, the swarm's bottleneck, goes
// to the same pieces several times, by a chance that varies from run to
// run. Staggered shares are what random tie-breaks give on average, the
// same for plain and DRM swarms; the carrier does not choose pieces.
func spreadRequests(leechers []*node) {
	for k, n := range leechers {
		for i := k; i < n.Torrent.NumPieces(); i += len(leechers) {
			n.Torrent.Piece(i).SetPriority(torrent.PiecePriorityHigh)
		}
	}
}

// meshed reports whether every node of the swarm is connected to every
// other and every connection's extended handshakes have been read both
// ways.
func (s *benchSwarm) meshed() bool {
	n := len(s.nodes)
	if s.handshakes.Load() < int64(n*(n-1)) {
		return false
	}
	for _, nd := range s.nodes {
		if len(nd.Torrent.PeerConns()) != n-1 {
			return false
		}
	}
	return true
}

// run connects the swarm, every node to every other, and waits until
// every leecher is done. It returns how long that took, how long the
// connections took to form, and, with the DRM, how long after the last
// leecher's bodies were complete its last capsule came.
//
// A client whose torrent is not yet ready (its piece states still being
// read) turns connections away, and nothing redials them: until the mesh
// is complete, run tells the nodes of each other again every 100 ms, so
// that every swarm runs with all its links.
func (s *benchSwarm) run(b *testing.B) (elapsed, mesh, tail time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	start := time.Now()
	connect(s.nodes...)
	told := start
	leechers := s.nodes[1:]
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-tick.C:
		case <-ctx.Done():
			for _, n := range leechers {
				require.Truef(b, n.Torrent.Complete().Bool(), "timeout: %d of %d bytes, %d connections",
					n.Torrent.BytesCompleted(), n.Torrent.Length(), len(n.Torrent.PeerConns()))
			}
		}
		if mesh == 0 {
			if s.meshed() {
				mesh = time.Since(start)
			} else if time.Since(told) >= 100*time.Millisecond {
				connect(s.nodes...)
				told = time.Now()
			}
		}
		done = true
		for _, n := range leechers {
			done = done && n.Torrent.Complete().Bool()
		}
	}
	bodies := time.Now()
	if s.drm {
		waitDone(b, ctx, leechers...)
	}
	end := time.Now()
	return end.Sub(start), mesh, end.Sub(bodies)
}

// close closes the swarm's clients and removes their data at once, rather
// than at the end of the benchmark: a run of twelve iterations writes
// 1.5 GB, and the kernel's writing back of earlier swarms' files would
// compete with later transfers.
func (s *benchSwarm) close() {
	for _, n := range s.nodes {
		if n.drm != nil {
			_ = n.drm.Close()
		}
		n.Close()
	}
	_ = os.RemoveAll(s.dir)
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
