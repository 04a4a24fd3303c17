package anonymity

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// EventKind is the kind of an [Event] of a download log.
type EventKind uint8

const (
	// Start: Node starts downloading Torrent (its first request).
	Start EventKind = iota + 1
	// End: Node finishes (or abandons) Torrent.
	End
	// Transfer: Node receives Bytes of Torrent from Peer.
	Transfer
)

func (k EventKind) String() string {
	switch k {
	case Start:
		return "start"
	case End:
		return "end"
	case Transfer:
		return "transfer"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one line of a per-node download log of the Anonymity
// Marketplace [Marketplace §5.3]: when each torrent started and ended, and
// how many bytes arrived from which peer.
type Event struct {
	Kind    EventKind
	At      time.Duration // time since the start of the log
	Node    int           // the downloading node, ≥ 0
	Torrent int           // ≥ 0
	Peer    int           // Transfer only: the peer that sent the bytes (the observer), ≥ 0
	Bytes   int64         // Transfer only: bytes received, ≥ 0
}

// Interest names a node's native interest: the torrent it really wants, the
// others it downloads being cover traffic.
type Interest struct {
	Node, Torrent int
}

// MaxLogNodes bounds node, torrent and peer identifiers accepted by
// [NewIntentLog], so that hostile logs cannot blow up its tables.
const MaxLogNodes = 1 << 24

type nodeTorrent struct{ node, torrent int }

type download struct {
	start, end time.Duration
	ended      bool
	startRank  int
	endRank    int
	transfers  []transferRec
}

type transferRec struct {
	at    time.Duration
	peer  int
	bytes int64
}

type nodeRec struct {
	first     time.Duration
	downloads map[int]*download // by torrent
	started   int
	ended     int
}

// IntentLog is a validated download log with the native interests marked,
// from which the indistinguishability statistics of [Marketplace §5.3] are
// computed: start and end ranks, and download volumes per time bucket seen
// globally or by single observers.
type IntentLog struct {
	nodes  map[int]*nodeRec
	native map[nodeTorrent]bool
}

// NewIntentLog validates events and builds an [IntentLog]. events must be in
// non-decreasing time order ([ErrTimeBackwards]); a torrent is started at
// most once per node, before any transfer or end of it, transfers happen
// between its start and its end, and kinds are known ([ErrMalformedLog]);
// identifiers are in [0, MaxLogNodes) ([ErrParameter]) and byte counts
// non-negative ([ErrNegative]). native lists every node's native
// interest(s); all other torrents a node downloads are cover traffic.
func NewIntentLog(events []Event, native []Interest) (*IntentLog, error) {
	l := &IntentLog{nodes: make(map[int]*nodeRec), native: make(map[nodeTorrent]bool)}
	for _, in := range native {
		if in.Node < 0 || in.Node >= MaxLogNodes || in.Torrent < 0 || in.Torrent >= MaxLogNodes {
			return nil, fmt.Errorf("%w: native interest %+v", ErrParameter, in)
		}
		l.native[nodeTorrent{in.Node, in.Torrent}] = true
	}
	for i, e := range events {
		if i > 0 && e.At < events[i-1].At {
			return nil, fmt.Errorf("%w: event %d at %v after event %d at %v", ErrTimeBackwards, i, e.At, i-1, events[i-1].At)
		}
		if e.Node < 0 || e.Node >= MaxLogNodes || e.Torrent < 0 || e.Torrent >= MaxLogNodes {
			return nil, fmt.Errorf("%w: event %d names node %d torrent %d", ErrParameter, i, e.Node, e.Torrent)
		}
		n := l.nodes[e.Node]
		if n == nil {
			n = &nodeRec{first: e.At, downloads: make(map[int]*download)}
			l.nodes[e.Node] = n
		}
		d := n.downloads[e.Torrent]
		switch e.Kind {
		case Start:
			if d != nil {
				return nil, fmt.Errorf("%w: event %d: node %d starts torrent %d twice", ErrMalformedLog, i, e.Node, e.Torrent)
			}
			n.started++
			n.downloads[e.Torrent] = &download{start: e.At, startRank: n.started}
		case End:
			if d == nil || d.ended {
				return nil, fmt.Errorf("%w: event %d: node %d ends torrent %d that is not running", ErrMalformedLog, i, e.Node, e.Torrent)
			}
			n.ended++
			d.ended, d.end, d.endRank = true, e.At, n.ended
		case Transfer:
			if d == nil || d.ended {
				return nil, fmt.Errorf("%w: event %d: node %d receives torrent %d that is not running", ErrMalformedLog, i, e.Node, e.Torrent)
			}
			if e.Peer < 0 || e.Peer >= MaxLogNodes {
				return nil, fmt.Errorf("%w: event %d names peer %d", ErrParameter, i, e.Peer)
			}
			if e.Bytes < 0 {
				return nil, fmt.Errorf("%w: event %d carries %d bytes", ErrNegative, i, e.Bytes)
			}
			d.transfers = append(d.transfers, transferRec{e.At, e.Peer, e.Bytes})
		default:
			return nil, fmt.Errorf("%w: event %d has kind %v", ErrMalformedLog, i, e.Kind)
		}
	}
	return l, nil
}

// Nodes returns the number of nodes in the log.
func (l *IntentLog) Nodes() int { return len(l.nodes) }

// Ranks are integer ranks split by intent, as float64 samples ready for
// [Compare].
type Ranks struct {
	Native, Cover []float64
}

// StartRanks returns the start rank of every download: 1 for the first
// torrent a node requests, 2 for the second, and so on [Marketplace §5.3,
// Start Time], split into native interests and cover traffic. Nodes appear
// in increasing order, so the result is deterministic.
func (l *IntentLog) StartRanks() Ranks {
	return l.ranks(func(d *download) (int, bool) { return d.startRank, true })
}

// EndRanks returns the end rank of every finished download (1 for the
// first torrent a node finishes) [Marketplace §5.3, End Time], split by
// intent. Downloads without an End event are left out.
func (l *IntentLog) EndRanks() Ranks {
	return l.ranks(func(d *download) (int, bool) { return d.endRank, d.ended })
}

func (l *IntentLog) ranks(rank func(*download) (int, bool)) Ranks {
	var r Ranks
	for _, node := range sortedKeys(l.nodes) {
		n := l.nodes[node]
		for _, t := range sortedKeys(n.downloads) {
			k, ok := rank(n.downloads[t])
			if !ok {
				continue
			}
			if l.native[nodeTorrent{node, t}] {
				r.Native = append(r.Native, float64(k))
			} else {
				r.Cover = append(r.Cover, float64(k))
			}
		}
	}
	return r
}

// ObserverStartRanks returns the start ranks as single peers see them: for
// every peer P and node N, the torrents of N that P served, ranked by the
// time P first sent N a piece of each (1 for the earliest). A peer sees only
// the torrents it serves, so its ranks run over a subset.
func (l *IntentLog) ObserverStartRanks() Ranks { return l.observerRanks(false) }

// ObserverEndRanks returns the end ranks as single peers see them: the
// torrents of N that P served, ranked by the time P last sent N a piece of
// each.
func (l *IntentLog) ObserverEndRanks() Ranks { return l.observerRanks(true) }

func (l *IntentLog) observerRanks(byEnd bool) Ranks {
	var r Ranks
	type seen struct {
		torrent int
		at      time.Duration
	}
	for _, node := range sortedKeys(l.nodes) {
		n := l.nodes[node]
		views := make(map[int]map[int]time.Duration) // peer → torrent → time
		for t, d := range n.downloads {
			for _, tr := range d.transfers {
				v := views[tr.peer]
				if v == nil {
					v = make(map[int]time.Duration)
					views[tr.peer] = v
				}
				if at, ok := v[t]; !ok || (byEnd && tr.at > at) {
					v[t] = tr.at // transfers are in time order: the first is the earliest
				}
			}
		}
		for _, peer := range sortedKeys(views) {
			var order []seen
			for t, at := range views[peer] {
				order = append(order, seen{t, at})
			}
			slices.SortFunc(order, func(a, b seen) int {
				return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.torrent, b.torrent))
			})
			for k, o := range order {
				if l.native[nodeTorrent{node, o.torrent}] {
					r.Native = append(r.Native, float64(k+1))
				} else {
					r.Cover = append(r.Cover, float64(k+1))
				}
			}
		}
	}
	return r
}

// VolumeProfile is a download pattern in time buckets [Marketplace §5.3,
// Download Rates Over Time]. Bucket s covers [s·Width, (s+1)·Width) after
// the node's first logged event. Native[s] holds one sample per viewpoint
// (a node, or an observer–node pair) that has a native interest: the native
// bytes in bucket s; Cover[s] holds one sample per viewpoint and cover
// torrent: its bytes in bucket s. The paper plots the average cover volume;
// [VolumeProfile.Summary] gives it, and keeping one sample per cover
// download (rather than each node's average over its k−1 cover torrents)
// makes native and cover samples follow the same law when intent is
// hidden, so that the two-sample tests compare like with like.
type VolumeProfile struct {
	Width         time.Duration
	Native, Cover [][]float64
}

// Buckets returns the number of time buckets.
func (p *VolumeProfile) Buckets() int { return len(p.Native) }

// Pooled returns every bucket's samples concatenated, for a single
// [Compare] of native against cover volumes.
func (p *VolumeProfile) Pooled() (native, cover []float64) {
	for s := range p.Native {
		native = append(native, p.Native[s]...)
		cover = append(cover, p.Cover[s]...)
	}
	return native, cover
}

// Summary returns the means and standard deviations of bucket s, the
// curves with error bars of the paper's Figures 5 and 6 (NaN for an empty
// side).
func (p *VolumeProfile) Summary(s int) (nativeMean, nativeSD, coverMean, coverSD float64) {
	nativeMean, nativeSD = meanSD(p.Native[s])
	coverMean, coverSD = meanSD(p.Cover[s])
	return
}

func meanSD(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	if len(x) == 1 {
		return m, 0
	}
	return m, math.Sqrt(ss / float64(len(x)-1))
}

// MaxBuckets bounds the number of buckets of a [VolumeProfile], and
// MaxProfileSamples its total number of samples, so that a hostile log
// cannot make [IntentLog.Volumes] allocate without limit.
const (
	MaxBuckets        = 1 << 16
	MaxProfileSamples = 1 << 26
)

// Volumes returns the global view: each node's download volume per bucket
// of the given width, all peers' transfers added up.
func (l *IntentLog) Volumes(width time.Duration) (*VolumeProfile, error) {
	return l.volumes(width, false)
}

// ObserverVolumes returns the per-observer view: for every peer P that sent
// anything to node N, only the bytes P itself sent to N (what P sees
// directly), with one cover sample per cover torrent of N that P served.
// This is the weaker observer of the paper's Figure 6.
func (l *IntentLog) ObserverVolumes(width time.Duration) (*VolumeProfile, error) {
	return l.volumes(width, true)
}

func (l *IntentLog) volumes(width time.Duration, perObserver bool) (*VolumeProfile, error) {
	if width <= 0 {
		return nil, fmt.Errorf("%w: bucket width %v", ErrParameter, width)
	}
	if n, err := l.profileSize(width, perObserver); err != nil {
		return nil, err
	} else if n > MaxProfileSamples {
		return nil, fmt.Errorf("%w: a profile of width %v would hold %d samples, more than %d", ErrParameter, width, n, MaxProfileSamples)
	}
	p := &VolumeProfile{Width: width}
	grow := func(s int) {
		for len(p.Native) <= s {
			p.Native = append(p.Native, nil)
			p.Cover = append(p.Cover, nil)
		}
	}
	for _, node := range sortedKeys(l.nodes) {
		n := l.nodes[node]
		// views[observer][torrent][bucket] bytes; observer −1 is global.
		type series map[int]map[int]float64
		views := make(map[int]series)
		for t, d := range n.downloads {
			for _, tr := range d.transfers {
				s := bucketOf(tr.at, n.first, width)
				if s >= MaxBuckets {
					return nil, fmt.Errorf("%w: bucket %d of width %v exceeds %d buckets", ErrParameter, s, width, MaxBuckets)
				}
				obs := -1
				if perObserver {
					obs = tr.peer
				}
				v := views[obs]
				if v == nil {
					v = make(series)
					views[obs] = v
				}
				if v[t] == nil {
					v[t] = make(map[int]float64)
				}
				v[t][int(s)] += float64(tr.bytes)
			}
		}
		// The global view covers every torrent the node downloads, even
		// those with no bytes; an observer sees only what it served.
		if !perObserver && views[-1] == nil {
			views[-1] = make(series)
		}
		if !perObserver {
			for t := range n.downloads {
				if views[-1][t] == nil {
					views[-1][t] = map[int]float64{}
				}
			}
		}
		last, err := n.lastBucket(node, width)
		if err != nil {
			return nil, err
		}
		grow(last)
		for _, obs := range sortedKeys(views) {
			v := views[obs]
			var nativeT []int
			var coverT []int
			for _, t := range sortedKeys(v) {
				if l.native[nodeTorrent{node, t}] {
					nativeT = append(nativeT, t)
				} else {
					coverT = append(coverT, t)
				}
			}
			for s := 0; s <= last; s++ {
				if len(nativeT) > 0 {
					sum := 0.0
					for _, t := range nativeT {
						sum += v[t][s]
					}
					p.Native[s] = append(p.Native[s], sum)
				}
				for _, t := range coverT {
					p.Cover[s] = append(p.Cover[s], v[t][s])
				}
			}
		}
	}
	return p, nil
}

// lastBucket returns the last bucket of width that node n's downloads
// reach, or an error beyond MaxBuckets.
func (n *nodeRec) lastBucket(node int, width time.Duration) (int, error) {
	last := int64(0)
	for _, d := range n.downloads {
		end := d.start
		if len(d.transfers) > 0 {
			end = max(end, d.transfers[len(d.transfers)-1].at)
		}
		if d.ended {
			end = max(end, d.end)
		}
		last = max(last, bucketOf(end, n.first, width))
	}
	if last >= MaxBuckets {
		return 0, fmt.Errorf("%w: node %d spans bucket %d of width %v, beyond %d buckets", ErrParameter, node, last, width, MaxBuckets)
	}
	return int(last), nil
}

// bucketOf returns the bucket of width that time at falls in, counting from
// first ≤ at. The offset at − first can exceed the largest Duration; as an
// unsigned difference it is exact, and the result saturates at MaxInt64.
func bucketOf(at, first, width time.Duration) int64 {
	return int64(min(uint64(at-first)/uint64(width), math.MaxInt64))
}

// profileSize returns the number of samples a volume profile of the given
// width would hold, without building it.
func (l *IntentLog) profileSize(width time.Duration, perObserver bool) (int, error) {
	total := 0
	for node, n := range l.nodes {
		last, err := n.lastBucket(node, width)
		if err != nil {
			return 0, err
		}
		perBucket := 0
		if !perObserver {
			native := false
			for t := range n.downloads {
				if l.native[nodeTorrent{node, t}] {
					native = true
				} else {
					perBucket++
				}
			}
			if native {
				perBucket++
			}
		} else {
			type pt struct{ peer, torrent int }
			seen := make(map[pt]bool)
			nativePeers := make(map[int]bool)
			for t, d := range n.downloads {
				for _, tr := range d.transfers {
					if seen[pt{tr.peer, t}] {
						continue
					}
					seen[pt{tr.peer, t}] = true
					if l.native[nodeTorrent{node, t}] {
						nativePeers[tr.peer] = true
					} else {
						perBucket++
					}
				}
			}
			perBucket += len(nativePeers)
		}
		total += perBucket * (last + 1)
		if total > MaxProfileSamples {
			return total, nil
		}
	}
	return total, nil
}

// VolumeComparison compares native and cover download volumes, pooled
// over all buckets and bucket by bucket (the per-slice view of the paper's
// Figures 5 and 6).
type VolumeComparison struct {
	Pooled Comparison
	// Buckets[s] compares bucket s; Tested[s] is false (and Buckets[s]
	// zero) where a side has fewer than MinBucketSamples samples.
	Buckets []Comparison
	Tested  []bool
	// MinP is the smallest per-bucket KS p-value times the number of
	// buckets tested (Bonferroni), capped at 1: a single p-value for "some
	// time slice gives intent away".
	MinP float64
	// MaxAdvantage is the largest per-bucket distinguisher advantage.
	MaxAdvantage float64
}

// MinBucketSamples is the fewest samples per side for which
// [CompareVolumes] tests a bucket: the last buckets, where only a few slow
// nodes are still downloading, would otherwise report advantages of ½ from
// two or three samples.
const MinBucketSamples = 10

// CompareVolumes compares the native and cover samples of p, pooled and
// per bucket.
//
// The samples of a per-observer profile are clustered: one node's traffic
// appears once per peer that served it, so its samples are not
// independent and the p-values of such a profile are anti-conservative
// (too small). Read the per-observer view through its advantages, or
// compare one observer at a time.
func CompareVolumes(p *VolumeProfile) (VolumeComparison, error) {
	var vc VolumeComparison
	n, c := p.Pooled()
	var err error
	if vc.Pooled, err = Compare(n, c); err != nil {
		return vc, err
	}
	vc.Buckets = make([]Comparison, p.Buckets())
	vc.Tested = make([]bool, p.Buckets())
	vc.MinP = 1
	tested := 0
	for s := range vc.Buckets {
		if len(p.Native[s]) < MinBucketSamples || len(p.Cover[s]) < MinBucketSamples {
			continue
		}
		if vc.Buckets[s], err = Compare(p.Native[s], p.Cover[s]); err != nil {
			return vc, fmt.Errorf("bucket %d: %w", s, err)
		}
		vc.Tested[s] = true
		tested++
		vc.MinP = min(vc.MinP, vc.Buckets[s].KS.PValue)
		vc.MaxAdvantage = max(vc.MaxAdvantage, vc.Buckets[s].Best.Advantage())
	}
	vc.MinP = min(1, vc.MinP*float64(tested))
	return vc, nil
}

// IntentReport compares native interests with cover traffic on every
// behaviour [Marketplace §5.3] examines.
type IntentReport struct {
	StartRank, EndRank                 Comparison
	ObserverStartRank, ObserverEndRank Comparison
	Global, PerObserver                VolumeComparison
}

// Report runs [Compare] on start and end ranks, global and per observer,
// and [CompareVolumes] on the global and per-observer volumes in buckets of
// the given width (the paper uses 500 s). It fails if a side of a pooled
// comparison is empty.
func (l *IntentLog) Report(width time.Duration) (IntentReport, error) {
	var r IntentReport
	var err error
	sr := l.StartRanks()
	if r.StartRank, err = Compare(sr.Native, sr.Cover); err != nil {
		return r, fmt.Errorf("start ranks: %w", err)
	}
	er := l.EndRanks()
	if r.EndRank, err = Compare(er.Native, er.Cover); err != nil {
		return r, fmt.Errorf("end ranks: %w", err)
	}
	osr := l.ObserverStartRanks()
	if r.ObserverStartRank, err = Compare(osr.Native, osr.Cover); err != nil {
		return r, fmt.Errorf("per-observer start ranks: %w", err)
	}
	oer := l.ObserverEndRanks()
	if r.ObserverEndRank, err = Compare(oer.Native, oer.Cover); err != nil {
		return r, fmt.Errorf("per-observer end ranks: %w", err)
	}
	g, err := l.Volumes(width)
	if err != nil {
		return r, err
	}
	if r.Global, err = CompareVolumes(g); err != nil {
		return r, fmt.Errorf("global volumes: %w", err)
	}
	o, err := l.ObserverVolumes(width)
	if err != nil {
		return r, err
	}
	if r.PerObserver, err = CompareVolumes(o); err != nil {
		return r, fmt.Errorf("per-observer volumes: %w", err)
	}
	return r, nil
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
