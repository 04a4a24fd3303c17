package marketsim

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/internal/des"
	"github.com/swarmblocks/swarmblocks/valuation"
)

// flow is one piece in transfer from one node to another at a rate that is
// the smaller of the uploader's and the downloader's fair shares.
type flow struct {
	from, to  *node
	t, piece  int
	remaining float64 // bytes
	rate      float64 // bytes/s
	last      time.Duration
	ev        des.Event
	fire      func()
}

type node struct {
	id     int
	seedOf int  // torrent a seed serves, or -1 for a client
	active bool // joined and not left
	// inbox and mkt share the first cache line with the fields above,
	// which is all that delivering a HAVE to a neighbour touches. mkt is
	// the client's valuation; read it through [world.market], which
	// first delivers the observations queued in inbox.
	inbox []note
	mkt   *valuation.Market

	upCap, downCap float64 // bytes/s
	joinAt         time.Duration
	native         int

	set      *valuation.ActiveSet
	unchoker *valuation.Unchoker

	nbr      []int
	wantTurn int // rotates the torrent named by the want requests
	// isNbr and unchokes are sets of node IDs: a bit per node, so that
	// the per-node state stays small as the marketplace grows (as []bool
	// and a []*flow by node ID, they took 10 KB a node at 1,000 clients,
	// a cache miss per lookup).
	isNbr    idSet
	unchokes idSet   // this node unchokes node x
	upFlows  []*flow // at most one per downloader: see [node.upTo]
	upIDs    []int32 // upIDs[i] = upFlows[i].to.id
	down     []*flow

	// bits holds, per torrent t from world.off[t], the pieces held and
	// then the pieces in transfer: one allocation, so that a lookup
	// touches few cache lines (see [world.have], [world.inflight]).
	bits      []uint64
	haveCount []int

	// metrics
	startAt, endAt []time.Duration // per torrent, -1 if never
	started        int
	downloaded     int64
	finishAt       time.Duration
	vol            [][]float64 // [slice][torrent] bytes received
	obs            []obsCell   // bytes uploaded, as an observer, by first upload
	obsFrom        int         // obs[obsFrom:] are the cells of the latest bucket
}

type world struct {
	cfg     Config
	rng     *rand.Rand
	sim     des.Sim
	nodes   []*node
	clients []*node
	sizes   []int64
	pieces  []int
	off     []int   // per torrent, its offset in node.bits; off[Torrents] is the length
	members [][]int // per torrent, nodes advertising it
	ids     []valuation.TorrentID
	left    int
	msgs    int64

	replacements, partialReplacements int
	lostBytes                         int64
	bytes                             int64
	err                               error
	eager                             bool // deliver notes at once (tests)
	scratch                           []valuation.PeerID
	scratch2                          []valuation.PeerID
	tscratch                          []valuation.TorrentID
}

// obsKey is a cell of what a client, as an observer, uploaded: per bucket
// of its own lifetime, target and torrent.
// obsKey packs them in a uint64 (slice, target and torrent in 20, 22 and
// 22 bits; [Config] validation keeps them in range), which maps hash
// fast: a struct key cost a generic hash and compare on every piece.
type obsKey uint64

func makeObsKey(slice, target, torrent int) obsKey {
	return obsKey(uint64(slice)<<44 | uint64(target)<<22 | uint64(torrent))
}

// obsCell is the bytes a client uploaded in one cell of its view as an
// observer. A client's cells are a slice in order of first upload, not a
// map: its buckets come in time order, so the cells of the bucket in
// progress are the last few, and a scan of them touches a line or two
// where a map's probe missed the cache (a map per client cost 7% of the
// run at 1,000 clients).
type obsCell struct {
	key   obsKey
	bytes float64
}

func (k obsKey) slice() int32   { return int32(k >> 44) }
func (k obsKey) target() int32  { return int32(k >> 22 & (1<<22 - 1)) }
func (k obsKey) torrent() int32 { return int32(k & (1<<22 - 1)) }

func (w *world) fail(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func (w *world) pieceLen(t, i int) float64 {
	ps := int64(w.cfg.PieceSize)
	if i == w.pieces[t]-1 {
		return float64(w.sizes[t] - ps*int64(i))
	}
	return float64(ps)
}

func words(n int) int { return (n + 63) / 64 }

// have returns the bitset of the pieces of t that n holds.
func (w *world) have(n *node, t int) []uint64 {
	o := w.off[t]
	return n.bits[o : o+words(w.pieces[t])]
}

// inflight returns the bitset of the pieces of t that n is fetching.
func (w *world) inflight(n *node, t int) []uint64 {
	k := words(w.pieces[t])
	o := w.off[t] + k
	return n.bits[o : o+k]
}

func (n *node) isClient() bool { return n.seedOf < 0 }

// upTo returns the flow from n to node d, if any: n uploads to each downloader
// at most one piece at a time, and to few at once, so a scan of its
// uploads beats an array by node ID.
func (n *node) upTo(d int) *flow {
	for i, id := range n.upIDs {
		if int(id) == d {
			return n.upFlows[i]
		}
	}
	return nil
}

// idSet is a set of node IDs, a bit per node.
type idSet []uint64

func newIDSet(n int) idSet { return make(idSet, words(n)) }

func (s idSet) has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }
func (s idSet) set(i int)      { s[i>>6] |= 1 << (uint(i) & 63) }
func (s idSet) unset(i int)    { s[i>>6] &^= 1 << (uint(i) & 63) }

// serves reports whether n answers requests for t.
func (n *node) serves(t int) bool {
	if !n.active {
		return false
	}
	if n.seedOf >= 0 {
		return n.seedOf == t
	}
	return n.set.Serves(valuation.TorrentID(t))
}

func (n *node) downloading(t int) bool {
	return n.active && n.isClient() && n.set.Downloading(valuation.TorrentID(t))
}

// available returns the number of pieces of t that u holds, d lacks and d is
// not already fetching, and, if pick ≥ 0, the pick-th of them.
func (w *world) available(u, d *node, t, pick int) (count, piece int) {
	if u.haveCount[t] == 0 {
		return 0, -1
	}
	uh, dh, df := w.have(u, t), w.have(d, t), w.inflight(d, t)
	piece = -1
	for wi, x := range uh {
		x &^= dh[wi] | df[wi]
		c := bits.OnesCount64(x)
		if pick >= count && pick < count+c {
			for k := pick - count; k > 0; k-- {
				x &= x - 1
			}
			piece = wi*64 + bits.TrailingZeros64(x)
		}
		count += c
	}
	return count, piece
}

// interested reports whether d wants something u serves.
func (w *world) interested(u, d *node) bool {
	if !d.active || !d.isClient() {
		return false
	}
	for _, tid := range d.set.AppendMembers(w.tscratch[:0]) {
		t := int(tid)
		if u.serves(t) && d.downloading(t) {
			if c, _ := w.available(u, d, t, -1); c > 0 {
				return true
			}
		}
	}
	return false
}

// rate recomputes f's rate and reschedules its completion.
func (w *world) retime(f *flow) {
	now := w.sim.Now()
	if f.rate > 0 {
		f.remaining -= f.rate * (now - f.last).Seconds()
		if f.remaining < 0 {
			f.remaining = 0
		}
	}
	f.last = now
	r := math.Min(f.from.upCap/float64(len(f.from.upFlows)), f.to.downCap/float64(len(f.to.down)))
	if r == f.rate {
		return
	}
	f.rate = r
	at := now + time.Duration(math.Ceil(f.remaining/r*1e9))
	if ev, ok, _ := w.sim.Reschedule(f.ev, at); ok {
		f.ev = ev
	} else {
		f.ev, _ = w.sim.At(at, f.fire)
	}
}

func (w *world) retimeAll(u, d *node) {
	for _, f := range u.upFlows {
		w.retime(f)
	}
	for _, f := range d.down {
		if f.from != u {
			w.retime(f)
		}
	}
}

// tryStart starts a piece transfer from u to d if u unchokes d, the link is
// idle and u has something d wants. d requests the piece of the torrent it
// values most among those u can serve.
func (w *world) tryStart(u, d *node) {
	if !u.active || !d.active || !u.unchokes.has(d.id) || u.upTo(d.id) != nil || !d.isClient() {
		return
	}
	now := w.sim.Now()
	best, bestVal, bestCount := -1, -1.0, 0
	w.tscratch = d.set.AppendMembers(w.tscratch[:0])
	for _, tid := range w.tscratch {
		t := int(tid)
		if !u.serves(t) || !d.downloading(t) {
			continue
		}
		c, _ := w.available(u, d, t, -1)
		if c == 0 {
			continue
		}
		v, err := w.market(d).Value(now, valuation.TorrentID(t))
		if err != nil {
			w.fail(err)
			return
		}
		if v > bestVal {
			best, bestVal, bestCount = t, v, c
		}
	}
	if best < 0 {
		return
	}
	t := best
	_, piece := w.available(u, d, t, w.rng.IntN(bestCount))
	w.inflight(d, t)[piece>>6] |= 1 << (uint(piece) & 63)
	if d.startAt[t] < 0 {
		d.started++
		d.startAt[t] = now
	}
	if u.isClient() {
		w.post(u, note{At: now, Peer: valuation.PeerID(d.id), Torrent: valuation.TorrentID(t), Piece: int32(piece), Request: true})
	}
	w.msgs++
	f := &flow{from: u, to: d, t: t, piece: piece, remaining: w.pieceLen(t, piece), last: now}
	f.fire = func() { w.finish(f) }
	u.upFlows = append(u.upFlows, f)
	u.upIDs = append(u.upIDs, int32(d.id))
	d.down = append(d.down, f)
	w.retime(f)
	w.retimeAll(u, d)
}

func removeFlow(s []*flow, f *flow) []*flow {
	i := slices.Index(s, f)
	return slices.Delete(s, i, i+1)
}

// detach removes f from its endpoints without completing it.
func (w *world) detach(f *flow) {
	w.sim.Cancel(f.ev)
	u, d := f.from, f.to
	i := slices.Index(u.upFlows, f)
	u.upFlows = slices.Delete(u.upFlows, i, i+1)
	u.upIDs = slices.Delete(u.upIDs, i, i+1)
	d.down = removeFlow(d.down, f)
	w.inflight(d, f.t)[f.piece>>6] &^= 1 << (uint(f.piece) & 63)
	w.retimeAll(u, d)
}

func (w *world) finish(f *flow) {
	if w.err != nil {
		return
	}
	now := w.sim.Now()
	u, d, t := f.from, f.to, f.t
	w.detach(f)
	n := w.pieceLen(t, f.piece)
	w.bytes += int64(n)
	d.downloaded += int64(n)
	w.account(u, d, t, n)
	w.have(d, t)[f.piece>>6] |= 1 << (uint(f.piece) & 63)
	d.haveCount[t]++
	tid := valuation.TorrentID(t)
	w.fail(w.market(d).SetOwnPieces(tid, d.haveCount[t]))
	w.fail(d.unchoker.Received(valuation.PeerID(u.id), tid, int64(n)))
	for _, x := range d.nbr {
		if xn := w.nodes[x]; xn.isClient() && xn.active {
			w.post(xn, note{At: now, Peer: valuation.PeerID(d.id), Torrent: tid, Piece: int32(f.piece)})
		}
		w.msgs++
	}
	if d.haveCount[t] == w.pieces[t] && d.set.Contains(tid) {
		ch, err := d.set.Complete(tid)
		w.fail(err)
		d.endAt[t] = now
		if ch.Swapped {
			w.swap(d, int(ch.Dropped), int(ch.Joined))
			if !d.active {
				return
			}
		}
		if d.set.Done() {
			w.leave(d)
			for _, x := range u.nbr {
				w.tryStart(u, w.nodes[x])
			}
			return
		}
	}
	w.tryStart(u, d)
	// d has a new piece: its idle unchoked neighbours may want it.
	for _, x := range d.nbr {
		if d.unchokes.has(x) && d.upTo(x) == nil {
			w.tryStart(d, w.nodes[x])
		}
	}
}

// account records n bytes of torrent t from u to d in d's buckets and in u's
// view as an observer.
func (w *world) account(u, d *node, t int, n float64) {
	slice := int((w.sim.Now() - d.joinAt) / w.cfg.Bucket)
	for len(d.vol) <= slice {
		d.vol = append(d.vol, make([]float64, w.cfg.Torrents))
	}
	d.vol[slice][t] += n
	if u.isClient() {
		slice := int((w.sim.Now() - u.joinAt) / w.cfg.Bucket)
		if slice >= maxBuckets {
			w.fail(fmt.Errorf("marketsim: bucket %d of client %d beyond the limit %d", slice, u.id, maxBuckets))
			return
		}
		key := makeObsKey(slice, d.id, t)
		if u.obsFrom < len(u.obs) && u.obs[u.obsFrom].key.slice() != int32(slice) {
			u.obsFrom = len(u.obs) // a new bucket
		}
		for i := len(u.obs) - 1; i >= u.obsFrom; i-- {
			if u.obs[i].key == key {
				u.obs[i].bytes += n
				return
			}
		}
		u.obs = append(u.obs, obsCell{key, n})
	}
}

// leave takes a finished client out of the marketplace.
func (w *world) leave(d *node) {
	d.active = false
	d.inbox = nil // a client that left reads its Market no more
	d.finishAt = w.sim.Now()
	w.left++
	for _, f := range slices.Clone(d.down) {
		w.detach(f)
	}
	for _, f := range slices.Clone(d.upFlows) {
		w.detach(f)
		defer w.refill(f.to)
	}
	d.tscratch(w)
	for _, t := range w.tscratch {
		w.members[t] = deleteInt(w.members[t], d.id)
	}
	for _, x := range slices.Clone(d.nbr) {
		w.disconnect(d, w.nodes[x])
	}
}

// tscratch fills w.tscratch with the torrents d advertises.
func (d *node) tscratch(w *world) {
	w.tscratch = w.tscratch[:0]
	if d.seedOf >= 0 {
		w.tscratch = append(w.tscratch, valuation.TorrentID(d.seedOf))
		return
	}
	w.tscratch = d.set.AppendMembers(w.tscratch)
}

// refill tries every idle link into d.
func (w *world) refill(d *node) {
	for _, x := range d.nbr {
		w.tryStart(w.nodes[x], d)
	}
}

func deleteInt(s []int, v int) []int {
	if i := slices.Index(s, v); i >= 0 {
		return slices.Delete(s, i, i+1)
	}
	return s
}

func (w *world) connect(a, b *node) {
	if a == b || a.isNbr.has(b.id) {
		return
	}
	now := w.sim.Now()
	a.isNbr.set(b.id)
	b.isNbr.set(a.id)
	a.nbr = append(a.nbr, b.id)
	b.nbr = append(b.nbr, a.id)
	for _, p := range [][2]*node{{a, b}, {b, a}} {
		x, y := p[0], p[1] // x learns about y
		if !x.isClient() {
			continue
		}
		m := w.market(x)
		w.fail(m.AddPeer(valuation.PeerID(y.id)))
		y.tscratch(w)
		for _, t := range w.tscratch {
			w.fail(m.ObserveJoin(now, valuation.PeerID(y.id), t, y.haveCount[t]))
			w.msgs++
		}
	}
}

func (w *world) disconnect(a, b *node) {
	a.isNbr.unset(b.id)
	b.isNbr.unset(a.id)
	a.nbr = deleteInt(a.nbr, b.id)
	b.nbr = deleteInt(b.nbr, a.id)
	a.unchokes.unset(b.id)
	b.unchokes.unset(a.id)
	for _, p := range [][2]*node{{a, b}, {b, a}} {
		x, y := p[0], p[1]
		if f := x.upTo(y.id); f != nil {
			w.detach(f)
		}
		if x.isClient() && x.active {
			w.fail(w.market(x).RemovePeer(valuation.PeerID(y.id)))
			x.unchoker.Forget(valuation.PeerID(y.id))
		}
	}
}

// findNeighbours connects d to peers of its torrents from the DHT until it
// has cfg.Neighbours, preferring peers present in several of its torrents
// (or, with EvenSplit, taking them evenly from each torrent) [Paper §5.1,
// §6.1].
func (w *world) findNeighbours(d *node) {
	want := w.cfg.Neighbours - len(d.nbr)
	if want <= 0 {
		return
	}
	d.tscratch(w)
	lists := make([][]valuation.PeerID, len(w.tscratch))
	for i, t := range w.tscratch {
		m := w.members[t]
		for _, j := range w.rng.Perm(len(m)) {
			x := m[j]
			if x == d.id || d.isNbr.has(x) || len(w.nodes[x].nbr) >= w.cfg.MaxNeighbours {
				continue
			}
			lists[i] = append(lists[i], valuation.PeerID(x))
			if len(lists[i]) == w.cfg.PeersPerTorrent {
				break
			}
		}
	}
	order := valuation.SelectNeighbours(nil, lists, w.cfg.Torrents*w.cfg.PeersPerTorrent, w.cfg.EvenSplit, w.rng)
	for _, p := range order {
		if want == 0 {
			break
		}
		if x := int(p); !d.isNbr.has(x) && len(w.nodes[x].nbr) < w.cfg.MaxNeighbours {
			w.connect(d, w.nodes[x])
			want--
		}
	}
}

// unchokeRound runs node u's periodic unchoke decision.
func (w *world) unchokeRound(u *node) {
	if !u.active || w.err != nil {
		return
	}
	now := w.sim.Now()
	interested := w.scratch[:0]
	for _, x := range u.nbr {
		if w.interested(u, w.nodes[x]) {
			interested = append(interested, valuation.PeerID(x))
		}
	}
	w.scratch = interested
	var chosen []valuation.PeerID
	if u.isClient() {
		var err error
		chosen, err = u.unchoker.Round(now, w.market(u), interested, w.scratch2[:0])
		if err != nil {
			w.fail(err)
			return
		}
	} else {
		// A seed has no service to rank: it rotates its slots at random.
		chosen = w.scratch2[:0]
		slots := w.seedSlots()
		for _, i := range w.rng.Perm(len(interested)) {
			if len(chosen) == slots {
				break
			}
			chosen = append(chosen, interested[i])
		}
	}
	w.scratch2 = chosen
	for _, x := range u.nbr {
		u.unchokes.unset(x)
	}
	for _, p := range chosen {
		u.unchokes.set(int(p))
		w.msgs++
	}
	for _, p := range chosen {
		w.tryStart(u, w.nodes[p])
	}
	w.sim.After(w.cfg.UnchokeInterval, func() { w.unchokeRound(u) })
}

func (w *world) seedSlots() int {
	c := w.cfg.Unchoke
	r, o := c.Regular, c.Optimistic
	if r == 0 {
		r = valuation.DefaultRegularUnchokes
	}
	if o == 0 {
		o = valuation.DefaultOptimistic
	} else if o < 0 {
		o = 0
	}
	return r + o
}

// updateRound runs client d's periodic active-set update and neighbourhood
// upkeep.
func (w *world) updateRound(d *node) {
	if !d.active || w.err != nil {
		return
	}
	now := w.sim.Now()
	ch, err := d.set.Update(now, w.market(d))
	if err != nil {
		w.fail(err)
		return
	}
	if ch.Swapped {
		w.swap(d, int(ch.Dropped), int(ch.Joined))
		if !d.active {
			return
		}
	}
	if len(d.nbr) < w.cfg.Neighbours {
		w.findNeighbours(d)
		w.refill(d)
	}
	w.upkeep(d)
	if !w.cfg.NoWants {
		w.sendWants(d)
	}
	w.sim.After(w.cfg.UpdateInterval, func() { w.updateRound(d) })
}

// sendWants sends, to each neighbour of d that serves none of the torrents
// d still downloads, a REQUEST for one of them (d's incomplete members in
// turn, a piece d lacks): the demand signal by which a neighbour learns
// that a torrent it does not serve is wanted.
func (w *world) sendWants(d *node) {
	now := w.sim.Now()
	var want []int
	for _, tid := range d.set.AppendMembers(w.tscratch[:0]) {
		if t := int(tid); d.downloading(t) {
			want = append(want, t)
		}
	}
	if len(want) == 0 {
		return
	}
	for _, x := range d.nbr {
		xn := w.nodes[x]
		if !xn.isClient() || !xn.active {
			continue
		}
		serves := false
		for _, t := range want {
			if xn.serves(t) {
				serves = true
				break
			}
		}
		if serves {
			continue
		}
		d.wantTurn++
		t := want[d.wantTurn%len(want)]
		piece := w.missingPiece(d, t)
		w.post(xn, note{At: now, Peer: valuation.PeerID(d.id), Torrent: valuation.TorrentID(t), Piece: int32(piece), Request: true})
		w.msgs++
	}
}

// missingPiece returns the first piece of t that d lacks.
func (w *world) missingPiece(d *node, t int) int {
	pieces := w.pieces[t]
	if d.haveCount[t] == 0 {
		return 0
	}
	h := w.have(d, t)
	for wi, x := range h {
		if x != ^uint64(0) {
			if p := wi*64 + bits.TrailingZeros64(^x); p < pieces {
				return p
			}
		}
	}
	return 0
}

// upkeep keeps client d supplied, as a re-announce to the DHT would: for
// each torrent d is downloading that no neighbour can serve, it connects to
// a random DHT peer of that torrent that can (above MaxNeighbours if need
// be); then, while it has more than Neighbours neighbours, it drops those
// that share no torrent with it.
func (w *world) upkeep(d *node) {
	d.tscratch(w)
	mine := slices.Clone(w.tscratch)
	for _, tid := range mine {
		t := int(tid)
		if !d.downloading(t) {
			continue
		}
		served := false
		for _, x := range d.nbr {
			if xn := w.nodes[x]; xn.serves(t) {
				if c, _ := w.available(xn, d, t, -1); c > 0 {
					served = true
					break
				}
			}
		}
		if served {
			continue
		}
		var cands []int
		for _, x := range w.members[t] {
			if xn := w.nodes[x]; x != d.id && !d.isNbr.has(x) && xn.serves(t) {
				if c, _ := w.available(xn, d, t, -1); c > 0 {
					cands = append(cands, x)
				}
			}
		}
		if len(cands) > 0 {
			x := w.nodes[cands[w.rng.IntN(len(cands))]]
			w.connect(d, x)
			w.tryStart(x, d)
		}
	}
	for i := len(d.nbr) - 1; i >= 0 && len(d.nbr) > w.cfg.Neighbours; i-- {
		x := w.nodes[d.nbr[i]]
		x.tscratch(w)
		shared := false
		for _, t := range w.tscratch {
			if slices.Contains(mine, t) {
				shared = true
				break
			}
		}
		if !shared {
			w.disconnect(d, x)
		}
	}
}

// swap applies an active-set replacement: d withdraws dropped and
// advertises joined to its neighbours and the DHT.
func (w *world) swap(d *node, dropped, joined int) {
	now := w.sim.Now()
	if d.startAt[dropped] >= 0 && d.haveCount[dropped] < w.pieces[dropped] {
		d.endAt[dropped] = now
	}
	w.replacements++
	if c := d.haveCount[dropped]; c > 0 && c < w.pieces[dropped] {
		// The partial download is lost, as the paper's overhead
		// implies (§5.3: 5.71 torrents downloaded for k = 5).
		w.partialReplacements++
		w.lostBytes += int64(c) * int64(w.cfg.PieceSize)
		clear(w.have(d, dropped))
		d.haveCount[dropped] = 0
		w.fail(w.market(d).SetOwnPieces(valuation.TorrentID(dropped), 0))
	}
	w.members[dropped] = deleteInt(w.members[dropped], d.id)
	w.members[joined] = append(w.members[joined], d.id)
	for _, x := range d.nbr {
		xn := w.nodes[x]
		w.msgs += 2
		if xn.isClient() && xn.active {
			m := w.market(xn)
			w.fail(m.ObserveWithdraw(now, valuation.PeerID(d.id), valuation.TorrentID(dropped)))
			w.fail(m.ObserveJoin(now, valuation.PeerID(d.id), valuation.TorrentID(joined), d.haveCount[joined]))
		}
	}
	// Meet a few peers of the new torrent if none of the neighbours has it.
	has := false
	for _, x := range d.nbr {
		if slices.Contains(w.members[joined], x) {
			has = true
			break
		}
	}
	if !has {
		for _, j := range w.rng.Perm(len(w.members[joined])) {
			x := w.nodes[w.members[joined][j]]
			if x != d && len(x.nbr) < w.cfg.MaxNeighbours {
				w.connect(d, x)
				break
			}
		}
	}
	// A torrent completed by transfers that finished after it was dropped
	// is complete on rejoining.
	if d.haveCount[joined] == w.pieces[joined] {
		ch, err := d.set.Complete(valuation.TorrentID(joined))
		w.fail(err)
		d.endAt[joined] = now
		if ch.Swapped {
			w.swap(d, int(ch.Dropped), int(ch.Joined))
			return
		}
		if d.set.Done() {
			w.leave(d)
			return
		}
	}
	w.refill(d)
	for _, x := range d.nbr {
		if d.unchokes.has(x) {
			w.tryStart(d, w.nodes[x])
		}
	}
}

func (w *world) join(d *node) {
	d.active = true
	d.tscratch(w)
	for _, t := range w.tscratch {
		w.members[t] = append(w.members[t], d.id)
	}
}

func newNode(w *world, id, n int) *node {
	nt := w.cfg.Torrents
	d := &node{
		id: id, seedOf: -1, native: -1,
		isNbr: newIDSet(n), unchokes: newIDSet(n),
		bits: make([]uint64, w.off[nt]), haveCount: make([]int, nt),
		startAt: make([]time.Duration, nt), endAt: make([]time.Duration, nt),
		finishAt: -1,
	}
	for t := range nt {
		d.startAt[t], d.endAt[t] = -1, -1
	}
	return d
}
