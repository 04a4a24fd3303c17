// Package pacomrealdemo runs a PACOM network on loopback TCP: six clients
// of package pacomchan/pacomnet in three PACOM swarms speaking BEP 3, one
// circuit through a lossy link, and what it measures on the real sockets:
// latency, cover ratio and each relay's input/output correlation
// (Theorem 1), beside a naive relay that forwards on arrival.
package pacomrealdemo

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/swarmblocks/swarmblocks/pacomchan"
	"github.com/swarmblocks/swarmblocks/pacomchan/pacomnet"
)

// Config sets the run.
type Config struct {
	Seed     uint64
	Duration time.Duration // how long the source sends
	Rate     float64       // messages per second on the circuit
	Loss     float64       // fraction of blocks lost on the lossy links
}

// DefaultConfig is the tour's run: a few seconds.
func DefaultConfig(seed uint64) Config {
	return Config{Seed: seed, Duration: 3 * time.Second, Rate: 20, Loss: 0.02}
}

// swarms: S1 = {0, 1, 4}, S2 = {1, 2, 5}, S3 = {2, 3}; clients 1 and 2 are
// on every circuit from 0 to 3.
var swarms = [][]int{{0, 1, 4}, {1, 2, 5}, {2, 3}}

const block = 1024

type network struct {
	clients []*pacomnet.Client
	files   []*pacomchan.FileInfo
	meter   *pacomnet.Meter
	lossy   []*pacomnet.Impaired
}

func start(cfg Config, naive bool) (*network, error) {
	nw := &network{meter: pacomnet.NewMeter(100 * time.Millisecond)}
	day := time.Now()
	for i := range swarms {
		f, err := pacomchan.NewFileInfo(i+1, netip.MustParseAddr("127.0.0.1"), day,
			pacomchan.FileSpec{Length: 8192*block + 100*int64(i), PieceLength: block})
		if err != nil {
			return nil, err
		}
		nw.files = append(nw.files, f)
	}
	var addrs []string
	for i := range 6 {
		pc := pacomnet.Config{
			Seed: cfg.Seed + uint64(i), RequestRate: 50, RequestTimeout: 400 * time.Millisecond, Naive: naive,
			Node: pacomchan.NodeConfig{Link: pacomchan.LinkConfig{BlockSize: block}},
		}
		if naive {
			pc.RequestTimeout = time.Minute
		}
		lossy := i == 1 && cfg.Loss > 0 && !naive // relay 1's links lose blocks
		pc.WrapConn = func(c net.Conn) net.Conn {
			c = nw.meter.Wrap(c)
			if lossy {
				ic := pacomnet.Impair(c, pacomnet.Impairment{Drop: cfg.Loss, Duplicate: cfg.Loss, Reorder: 0.05}, cfg.Seed+uint64(len(nw.lossy)))
				nw.lossy = append(nw.lossy, ic)
				c = ic
			}
			return c
		}
		c, err := pacomnet.NewClient(nil, pc)
		if err != nil {
			nw.close()
			return nil, err
		}
		nw.clients = append(nw.clients, c)
		a, err := c.Listen("127.0.0.1:0")
		if err != nil {
			nw.close()
			return nil, err
		}
		addrs = append(addrs, a.String())
	}
	for s, members := range swarms {
		for _, m := range members {
			rng := rand.New(rand.NewPCG(cfg.Seed+uint64(m), uint64(s)))
			if err := nw.clients[m].Join(nw.files[s], func(int) bool { return rng.IntN(2) == 0 }); err != nil {
				nw.close()
				return nil, err
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for s, members := range swarms {
		for a, i := range members {
			for _, j := range members[a+1:] {
				if err := nw.clients[i].Connect(ctx, addrs[j], nw.files[s].InfoHash()); err != nil {
					nw.close()
					return nil, err
				}
			}
		}
	}
	return nw, nil
}

func (nw *network) close() {
	for _, c := range nw.clients {
		c.Close()
	}
}

// link returns the PIECE counts of the link a → b in swarm s.
func (nw *network) link(s, a, b int, from, to int) []float64 {
	ih := nw.files[s].InfoHash()
	var k pacomnet.LinkKey
	k.From, _ = nw.clients[a].PeerID(ih)
	k.To, _ = nw.clients[b].PeerID(ih)
	k.InfoHash = ih
	c := nw.meter.Counts(k)
	return c[min(from, len(c)):min(to, len(c))]
}

type result struct {
	hops      int
	sent, got int
	latency   []time.Duration
	cover     []float64
	corr      map[int]float64 // relay → r
	lossStats pacomnet.ImpairStats
}

func run(cfg Config, naive bool) (result, error) {
	var res result
	nw, err := start(cfg, naive)
	if err != nil {
		return res, err
	}
	defer nw.close()
	src, dst := nw.clients[0], nw.clients[3]
	id, err := src.Build(dst.PublicKey())
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := src.WaitReady(ctx, id); err != nil {
		return res, fmt.Errorf("circuit not built: %w", err)
	}
	// The path: who has a built record.
	path := []int{0}
	for _, r := range []int{4, 1, 5, 2} {
		if rt, ok := nw.clients[r].Route(id); ok && rt.Built {
			path = append(path, r)
		}
	}
	path = append(path, 3)
	res.hops = len(path) - 1
	base := make([][2]uint64, 6)
	for i, c := range nw.clients {
		base[i][0], base[i][1] = c.ServedCounts()
	}
	bin0 := int(time.Since(nw.meter.Start()) / (100 * time.Millisecond))
	rng := rand.New(rand.NewPCG(cfg.Seed, 77))
	burst := 1
	if naive {
		burst = 8
	}
	// The target takes deliveries as they come, stamping their arrival.
	type arrival struct {
		data []byte
		at   time.Time
	}
	arrivals := make(chan arrival, 4096)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case d := <-dst.Deliveries():
				arrivals <- arrival{d.Data, time.Now()}
			case <-stop:
				return
			}
		}
	}()
	startT := time.Now()
	for next := startT; time.Since(startT) < cfg.Duration; {
		next = next.Add(time.Duration(rng.ExpFloat64() / (cfg.Rate / float64(burst)) * float64(time.Second)))
		time.Sleep(time.Until(next))
		for range burst {
			msg := binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))
			if err := src.Send(id, msg); err != nil {
				return res, err
			}
			res.sent++
		}
	}
	bin1 := int(time.Since(nw.meter.Start()) / (100 * time.Millisecond))
	deadline := time.After(20 * time.Second)
	for res.got < res.sent {
		select {
		case a := <-arrivals:
			res.got++
			res.latency = append(res.latency, time.Duration(a.at.UnixNano()-int64(binary.BigEndian.Uint64(a.data))))
		case <-deadline:
			return res, fmt.Errorf("%d of %d messages delivered", res.got, res.sent)
		}
	}
	for i, c := range nw.clients {
		data, cover := c.ServedCounts()
		data, cover = data-base[i][0], cover-base[i][1]
		if data+cover > 0 {
			res.cover = append(res.cover, float64(cover)/float64(data+cover))
		}
	}
	swarmOf := func(a, b int) int {
		for s, m := range swarms {
			if slices.Contains(m, a) && slices.Contains(m, b) {
				return s
			}
		}
		return -1
	}
	res.corr = map[int]float64{}
	for h := 1; h+1 < len(path); h++ {
		a, r, b := path[h-1], path[h], path[h+1]
		in := nw.link(swarmOf(a, r), a, r, bin0, bin1)
		out := nw.link(swarmOf(r, b), r, b, bin0, bin1)
		n := min(len(in), len(out))
		c := stat.Correlation(in[:n], out[:n], nil)
		if math.IsNaN(c) {
			c = 0
		}
		res.corr[r] = c
	}
	for _, ic := range nw.lossy {
		st := ic.Stats()
		res.lossStats.Pieces += st.Pieces
		res.lossStats.Dropped += st.Dropped
		res.lossStats.Duplicated += st.Duplicated
		res.lossStats.Reordered += st.Reordered
	}
	return res, nil
}

// Run starts the loopback network, sends messages along one circuit whose
// relay 1 has lossy links, and prints what was measured; then does the
// same with naive relays.
func Run(w io.Writer, cfg Config) error {
	fmt.Fprintf(w, "Six PACOM clients on 127.0.0.1 in three swarms %v, BEP 3 over TCP, %d-byte blocks, 50 requests/s per connection.\n", swarms, block)
	res, err := run(cfg, false)
	if err != nil {
		return err
	}
	slices.Sort(res.latency)
	fmt.Fprintf(w, "PACOM: a %d-hop circuit from client 0 to client 3; relay 1's links drop %.0f %% of blocks, duplicate %.0f %% and reorder 5 %%\n",
		res.hops, 100*cfg.Loss, 100*cfg.Loss)
	fmt.Fprintf(w, "  lossy links: %d blocks, %d dropped, %d duplicated, %d reordered\n",
		res.lossStats.Pieces, res.lossStats.Dropped, res.lossStats.Duplicated, res.lossStats.Reordered)
	fmt.Fprintf(w, "  %d of %d messages delivered, in order, once; latency median %v, 90th percentile %v\n",
		res.got, res.sent, res.latency[len(res.latency)/2].Round(time.Millisecond), res.latency[len(res.latency)*9/10].Round(time.Millisecond))
	fmt.Fprintf(w, "  cover ratio (dummy blocks / blocks served) per client: %.2f (mean %.2f)\n", res.cover, stat.Mean(res.cover, nil))
	naive, err := run(cfg, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "relay input/output correlation of PIECE counts on the wire (100 ms bins):\n")
	for _, r := range []int{4, 1, 5, 2} {
		p, okP := res.corr[r]
		n, okN := naive.corr[r]
		switch {
		case okP && okN:
			fmt.Fprintf(w, "  relay %d: PACOM %+.2f   naive relay %+.2f\n", r, p, n)
		case okP:
			fmt.Fprintf(w, "  relay %d: PACOM %+.2f\n", r, p)
		case okN:
			fmt.Fprintf(w, "  relay %d: naive relay %+.2f\n", r, n)
		}
	}
	fmt.Fprintf(w, "(Theorem 1: near 0 for PACOM, whose blocks follow the requests; near 1 for the naive relay, whose output follows its input.)\n")
	return nil
}
