package marketsim

import (
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
)

// Result holds the measurements of one run [Paper §5.3].
type Result struct {
	Config Config

	Finished int           // clients that completed their k downloads
	Makespan time.Duration // when the last client finished (or the run stopped)
	MeanDone time.Duration // mean time for a client to finish, from its arrival
	Bytes    int64         // bytes transferred in all
	Messages int64         // control messages (REQUEST, HAVE, BITFIELD, UNCHOKE...)
	Events   uint64        // discrete events executed
	Wall     time.Duration // wall-clock time of the run

	// Replacements counts active-set replacements; Partial those that
	// dropped a partly downloaded torrent, whose pieces (LostBytes) are
	// discarded.
	Replacements, Partial int
	LostBytes             int64
	Downloads             []float64 // per finished client: bytes downloaded over one torrent's size

	// Start and end ranks (1 = first) of the native interest and of the
	// cover torrents, per client. A start is the first REQUEST for a
	// torrent; ranks run over every torrent the client started. An end is
	// a completion; ranks run over the k completed downloads.
	NativeStart, CoverStart []float64
	NativeEnd, CoverEnd     []float64

	// Per torrent: how many clients have it as native interest, and the
	// start and end ranks it got from native and from cover clients.
	Popularity                  []int
	TorrentNativeStart          [][]float64
	TorrentCoverStart           [][]float64
	TorrentNativeEnd            [][]float64
	TorrentCoverEnd             [][]float64
	SliceNative, SliceCover     [][]float64 // [slice][client] global volume (bytes), cover per cover torrent
	ObsNative, ObsCover         [][]float64 // [slice][observer] mean volume per target as one observer sees it
	PoolNative, PoolCover       []float64   // every (client, slice) sample: native, each completed cover
	ObsPoolNative, ObsPoolCover []float64   // every (observer, target, slice) sample

	// The same samples grouped by client, native first (Marked = 1): the
	// clusters that [anonymity.StratifiedPermutationTest] respects. One
	// stratum per finished client for the ranks, one per client and
	// bucket for the global volumes.
	StrataStart, StrataEnd, StrataVolume []anonymity.Stratum
}

func (w *world) result() *Result {
	cfg := w.cfg
	r := &Result{
		Config:   cfg,
		Bytes:    w.bytes,
		Messages: w.msgs,
		Events:   w.sim.Executed(),
		Makespan: w.sim.Now(),

		Replacements: w.replacements,
		Partial:      w.partialReplacements,
		LostBytes:    w.lostBytes,
	}
	nt := cfg.Torrents
	r.Popularity = make([]int, nt)
	r.TorrentNativeStart = make([][]float64, nt)
	r.TorrentCoverStart = make([][]float64, nt)
	r.TorrentNativeEnd = make([][]float64, nt)
	r.TorrentCoverEnd = make([][]float64, nt)
	var doneSum time.Duration
	doneSets := make(map[int][]int)
	covers := float64(max(cfg.K-1, 1))
	for _, d := range w.clients {
		r.Popularity[d.native]++
		if d.finishAt < 0 {
			continue
		}
		r.Finished++
		doneSum += d.finishAt - d.joinAt
		// Downloads in units of one torrent: the mean size of the
		// client's completed torrents.
		var done []int
		var doneBytes int64
		for t := range nt {
			if d.haveCount[t] == w.pieces[t] && d.endAt[t] >= 0 {
				done = append(done, t)
				doneBytes += w.sizes[t]
			}
		}
		r.Downloads = append(r.Downloads, float64(d.downloaded)/(float64(doneBytes)/float64(len(done))))

		started := rankBy(d.startAt)
		st := anonymity.Stratum{Values: []float64{started[d.native]}, Marked: 1}
		for _, t := range sortedKeys(started) {
			if t != d.native {
				st.Values = append(st.Values, started[t])
			}
		}
		r.StrataStart = append(r.StrataStart, st)
		// In torrent order: ranging over the map would make the
		// samples' order, and so the Result, differ between runs.
		for _, t := range sortedKeys(started) {
			rank := started[t]
			if t == d.native {
				r.NativeStart = append(r.NativeStart, rank)
				r.TorrentNativeStart[t] = append(r.TorrentNativeStart[t], rank)
			} else {
				r.CoverStart = append(r.CoverStart, rank)
				r.TorrentCoverStart[t] = append(r.TorrentCoverStart[t], rank)
			}
		}
		ends := make([]time.Duration, nt)
		for t := range ends {
			ends[t] = -1
		}
		for _, t := range done {
			ends[t] = d.endAt[t]
		}
		endRanks := rankBy(ends)
		en := anonymity.Stratum{Values: []float64{endRanks[d.native]}, Marked: 1}
		for _, t := range sortedKeys(endRanks) {
			if t != d.native {
				en.Values = append(en.Values, endRanks[t])
			}
		}
		r.StrataEnd = append(r.StrataEnd, en)
		for _, t := range sortedKeys(endRanks) {
			rank := endRanks[t]
			if t == d.native {
				r.NativeEnd = append(r.NativeEnd, rank)
				r.TorrentNativeEnd[t] = append(r.TorrentNativeEnd[t], rank)
			} else {
				r.CoverEnd = append(r.CoverEnd, rank)
				r.TorrentCoverEnd[t] = append(r.TorrentCoverEnd[t], rank)
			}
		}
		// Global volumes over the client's lifetime.
		last := int((d.finishAt - d.joinAt) / cfg.Bucket)
		for s := 0; s <= last && s < len(d.vol); s++ {
			for len(r.SliceNative) <= s {
				r.SliceNative = append(r.SliceNative, nil)
				r.SliceCover = append(r.SliceCover, nil)
			}
			v := d.vol[s]
			cov := 0.0
			for t := range v {
				if t != d.native {
					cov += v[t]
				}
			}
			r.SliceNative[s] = append(r.SliceNative[s], v[d.native])
			r.SliceCover[s] = append(r.SliceCover[s], cov/covers)
			r.PoolNative = append(r.PoolNative, v[d.native])
			vs := anonymity.Stratum{Values: []float64{v[d.native]}, Marked: 1}
			for _, t := range done {
				if t != d.native {
					r.PoolCover = append(r.PoolCover, v[t])
					vs.Values = append(vs.Values, v[t])
				}
			}
			r.StrataVolume = append(r.StrataVolume, vs)
		}
		doneSets[d.id] = done
	}
	if r.Finished > 0 {
		r.MeanDone = doneSum / time.Duration(r.Finished)
	}
	w.observerView(r, covers, doneSets)
	return r
}

// observerView turns what each client uploaded to each target into the
// per-observer series of Fig. 6: for each observer and slice, the mean over
// the targets it served of the native volume and of the per-cover-torrent
// volume. The pooled samples for the tests are, for each observer, slice and
// finished target, the target's native volume and the volume of each of its
// completed cover torrents, as that observer saw them.
func (w *world) observerView(r *Result, covers float64, done map[int][]int) {
	type os struct{ observer, slice, target int32 }
	agg := make(map[os][]float64)
	var order []os
	for _, u := range w.clients { // in id order
		first := len(order)
		for _, c := range u.obs {
			k, v := c.key, c.bytes
			key := os{int32(u.id), k.slice(), k.target()}
			a := agg[key]
			if a == nil {
				a = make([]float64, w.cfg.Torrents)
				agg[key] = a
				order = append(order, key)
			}
			a[k.torrent()] += v
		}
		slices.SortFunc(order[first:], func(a, b os) int {
			if a.slice != b.slice {
				return int(a.slice - b.slice)
			}
			return int(a.target - b.target)
		})
	}
	for i := 0; i < len(order); {
		j := i
		var nat, cov, n float64
		for ; j < len(order) && order[j].observer == order[i].observer && order[j].slice == order[i].slice; j++ {
			d := w.nodes[order[j].target]
			set, ok := done[d.id]
			if !ok {
				continue
			}
			v := agg[order[j]]
			c := 0.0
			for t := range v {
				if t != d.native {
					c += v[t]
				}
			}
			nat += v[d.native]
			cov += c / covers
			n++
			r.ObsPoolNative = append(r.ObsPoolNative, v[d.native])
			for _, t := range set {
				if t != d.native {
					r.ObsPoolCover = append(r.ObsPoolCover, v[t])
				}
			}
		}
		if n > 0 {
			s := int(order[i].slice)
			for len(r.ObsNative) <= s {
				r.ObsNative = append(r.ObsNative, nil)
				r.ObsCover = append(r.ObsCover, nil)
			}
			r.ObsNative[s] = append(r.ObsNative[s], nat/n)
			r.ObsCover[s] = append(r.ObsCover[s], cov/n)
		}
		i = j
	}
}

// rankBy ranks the torrents with a non-negative time by that time (1 =
// earliest; ties by torrent number) and returns torrent → rank.
func rankBy(at []time.Duration) map[int]float64 {
	var ts []int
	for t, a := range at {
		if a >= 0 {
			ts = append(ts, t)
		}
	}
	slices.SortStableFunc(ts, func(a, b int) int {
		switch {
		case at[a] < at[b]:
			return -1
		case at[a] > at[b]:
			return 1
		}
		return 0
	})
	out := make(map[int]float64, len(ts))
	for i, t := range ts {
		out[t] = float64(i + 1)
	}
	return out
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[int]float64) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
