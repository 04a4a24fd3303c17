package valuation

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchMarket is a node of the paper's marketplace: 40 torrents of 477
// pieces, neighbours each advertising k = 5 of them, with HAVE and REQUEST
// history.
func benchMarket(b *testing.B, torrents, neighbours int) *Market {
	m, err := NewMarket(Config{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for t := range torrents {
		if err := m.AddTorrent(TorrentID(t), 477); err != nil {
			b.Fatal(err)
		}
		_ = m.SetOwnPieces(TorrentID(t), rng.IntN(477))
	}
	for p := range neighbours {
		_ = m.AddPeer(PeerID(p))
		for range 5 {
			t := TorrentID(rng.IntN(torrents))
			_ = m.ObserveJoin(0, PeerID(p), t, rng.IntN(477))
			_ = m.ObserveHave(time.Second, PeerID(p), t, rng.IntN(477))
			_ = m.ObserveRequest(time.Second, PeerID(p), t, rng.IntN(477))
		}
	}
	return m
}

// BenchmarkValue measures one torrent valuation; the target is ≥ 1,000,000
// per second (≤ 1 µs each).
func BenchmarkValue(b *testing.B) {
	for _, size := range []struct{ torrents, neighbours int }{{40, 50}} {
		b.Run(fmt.Sprintf("torrents=%d/neighbours=%d", size.torrents, size.neighbours), func(b *testing.B) {
			m := benchMarket(b, size.torrents, size.neighbours)
			b.ReportAllocs()
			i := 0
			var sink float64
			for b.Loop() {
				v, err := m.Value(2*time.Second, TorrentID(i%size.torrents))
				if err != nil {
					b.Fatal(err)
				}
				sink += v
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "valuations/s")
			_ = sink
		})
	}
}

// BenchmarkActiveSetUpdate measures one active-set update of a k = 5 set
// against 40 advertised torrents.
func BenchmarkActiveSetUpdate(b *testing.B) {
	m := benchMarket(b, 40, 50)
	all := make([]TorrentID, 40)
	for i := range all {
		all[i] = TorrentID(i)
	}
	a, err := NewActiveSet(ActiveSetConfig{K: 5, MinInterval: time.Nanosecond}, 0, all, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	now := 2 * time.Second
	for b.Loop() {
		now += time.Second
		if _, err := a.Update(now, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnchokeRound measures one unchoke round of a k = 5 node over 50
// interested peers that each uploaded a piece of two of its five torrents
// since the last round (the 100 credits are part of the measured work); the
// target is ≤ 20 µs.
func BenchmarkUnchokeRound(b *testing.B) {
	for _, peers := range []int{50} {
		b.Run(fmt.Sprintf("peers=%d", peers), func(b *testing.B) {
			m := benchMarket(b, 40, peers)
			u, err := NewUnchoker(UnchokeConfig{}, rand.New(rand.NewPCG(5, 6)))
			if err != nil {
				b.Fatal(err)
			}
			interested := make([]PeerID, peers)
			for i := range interested {
				interested[i] = PeerID(i)
			}
			dst := make([]PeerID, 0, 8)
			b.ReportAllocs()
			now := 2 * time.Second
			for b.Loop() {
				for i, p := range interested {
					_ = u.Received(p, TorrentID(i%5), 262144)
					_ = u.Received(p, TorrentID((i+2)%5), 262144)
				}
				now += 10 * time.Second
				var err error
				if dst, err = u.Round(now, m, interested, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkObserve delivers batches of 20 HAVEs and REQUESTs from
// different neighbours to one of 2,000 Markets in turn (40 torrents of 477
// pieces and 30 neighbours each advertising 5 of them, some 20 MB in all:
// out of cache, as the Markets of a simulation of 1,000 clients are),
// through [Market.Observe] and through one call per observation; ns/obs is
// the time per observation.
func BenchmarkObserve(b *testing.B) {
	const markets, batchLen, neighbours, torrents, k = 2000, 20, 30, 40, 5
	ms := make([]*Market, markets)
	for i := range ms {
		m, err := NewMarket(Config{})
		if err != nil {
			b.Fatal(err)
		}
		for t := range torrents {
			if err := m.AddTorrent(TorrentID(t), 477); err != nil {
				b.Fatal(err)
			}
		}
		for p := range neighbours {
			if err := m.AddPeer(PeerID(p)); err != nil {
				b.Fatal(err)
			}
			for j := range k {
				if err := m.ObserveJoin(0, PeerID(p), TorrentID((p+j)%torrents), 0); err != nil {
					b.Fatal(err)
				}
			}
		}
		ms[i] = m
	}
	rng := rand.New(rand.NewPCG(5, 6))
	batches := make([][]Observation, 64)
	for i := range batches {
		for range batchLen {
			p := rng.IntN(neighbours)
			batches[i] = append(batches[i], Observation{
				Peer:    PeerID(p),
				Torrent: TorrentID((p + rng.IntN(k)) % torrents),
				Piece:   int32(rng.IntN(477)),
				Request: rng.IntN(10) == 0,
			})
		}
	}
	now, i := time.Second, 0
	for _, mode := range []string{"batch", "one-by-one"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				now += time.Millisecond
				batch := batches[i%len(batches)]
				for j := range batch {
					batch[j].At = now
				}
				m := ms[(i*7919)%markets]
				i++
				var err error
				if mode == "batch" {
					err = m.Observe(batch)
				} else {
					err = observeOneByOne(m, batch)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchLen), "ns/obs")
		})
	}
}
