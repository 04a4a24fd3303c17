package anonymity

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// IntentModel generates synthetic Anonymity Marketplace download logs for
// exercising the indistinguishability statistics when no marketplace
// simulation is at hand: Nodes nodes each download K of Torrents torrents,
// one of them their native interest, the rest cover traffic, sharing their
// bandwidth equally between running downloads. Torrent sizes vary
// uniformly in [½, 3⁄2]·Size, so that downloads do not finish in the order
// they started. Bias leaks intent: with
// probability Bias the native torrent is started first, and it downloads
// (1+Bias) times faster. Bias 0 is the ideal marketplace, where native and
// cover downloads follow the same law.
type IntentModel struct {
	Nodes, Torrents, K int
	Peers              int           // distinct peers serving pieces (the observers)
	Size               int64         // bytes per torrent
	Rate               int64         // a node's download rate, bytes per second
	Tick               time.Duration // granularity of the transfer events
	MeanGap            time.Duration // mean time between a node's successive starts
	Bias               float64       // in [0, 1]
}

// PaperIntentModel returns the §5.2 setting of [Marketplace]: 100 nodes,
// 40 torrents, k = 5, 125 MB files, 1 Mbps, scaled by size (a fraction of
// the 125 MB) to keep logs small, with the given bias.
func PaperIntentModel(size float64, bias float64) IntentModel {
	return IntentModel{
		Nodes: 100, Torrents: 40, K: 5, Peers: 140,
		Size: int64(size * 125e6), Rate: 125_000, Tick: 10 * time.Second,
		MeanGap: 5 * time.Minute, Bias: bias,
	}
}

func (m IntentModel) validate() error {
	switch {
	case m.Nodes < 1 || m.Nodes > 1<<16 || m.K < 2 || m.Torrents < m.K || m.Torrents > 1<<16:
		return fmt.Errorf("%w: %d nodes, %d of %d torrents", ErrParameter, m.Nodes, m.K, m.Torrents)
	case m.Peers < 1 || m.Peers > MaxLogNodes || m.Size < 1 || m.Rate < 1 || m.Tick <= 0 || m.MeanGap < 0:
		return fmt.Errorf("%w: peers %d, size %d, rate %d, tick %v, gap %v", ErrParameter, m.Peers, m.Size, m.Rate, m.Tick, m.MeanGap)
	case !(m.Bias >= 0 && m.Bias <= 1):
		return fmt.Errorf("%w: bias %v", ErrParameter, m.Bias)
	case m.Size/max(1, m.Rate*int64(m.Tick/time.Second+1)/int64(m.K)) > 1<<15:
		return fmt.Errorf("%w: %d-byte torrents at %d B/s take too many ticks", ErrParameter, m.Size, m.Rate)
	}
	return nil
}

// SimulateIntentLog draws a download log from the model, in time order,
// with the native interests. Reproducible from rng.
func SimulateIntentLog(rng *rand.Rand, m IntentModel) ([]Event, []Interest, error) {
	if rng == nil {
		return nil, nil, fmt.Errorf("%w: nil *rand.Rand", ErrParameter)
	}
	if err := m.validate(); err != nil {
		return nil, nil, err
	}
	var events []Event
	var native []Interest
	sizes := make([]int64, m.Torrents)
	for i := range sizes {
		sizes[i] = max(1, int64(float64(m.Size)*(0.5+rng.Float64())))
	}
	for node := range m.Nodes {
		picks := rng.Perm(m.Torrents)[:m.K]
		nat := picks[0] // the native interest; the order is shuffled below
		native = append(native, Interest{node, nat})
		rng.Shuffle(len(picks), func(i, j int) { picks[i], picks[j] = picks[j], picks[i] })
		if rng.Float64() < m.Bias {
			i := slices.Index(picks, nat)
			picks[0], picks[i] = picks[i], picks[0]
		}
		type dl struct {
			torrent int
			start   time.Duration
			left    int64
			boost   float64
		}
		t := time.Duration(rng.Int64N(int64(time.Hour)))
		var dls []*dl
		for _, tor := range picks {
			boost := 1.0
			if tor == nat {
				boost += m.Bias
			}
			dls = append(dls, &dl{tor, t, sizes[tor], boost})
			events = append(events, Event{Kind: Start, At: t, Node: node, Torrent: tor})
			t += time.Duration(rng.ExpFloat64() * float64(m.MeanGap))
		}
		// Tick by tick, the running downloads share the node's rate in
		// proportion to their boost.
		now := dls[0].start
		for done := 0; done < len(dls); now += m.Tick {
			var weight float64
			for _, d := range dls {
				if d.start <= now && d.left > 0 {
					weight += d.boost
				}
			}
			if weight == 0 {
				continue
			}
			budget := float64(m.Rate) * m.Tick.Seconds() * (0.5 + rng.Float64())
			for _, d := range dls {
				if d.start > now || d.left <= 0 {
					continue
				}
				b := min(d.left, int64(budget*d.boost/weight)+1)
				d.left -= b
				at := now + time.Duration(rng.Int64N(int64(m.Tick)))
				events = append(events, Event{Kind: Transfer, At: at, Node: node, Torrent: d.torrent, Peer: rng.IntN(m.Peers), Bytes: b})
				if d.left == 0 {
					events = append(events, Event{Kind: End, At: now + m.Tick, Node: node, Torrent: d.torrent})
					done++
				}
			}
		}
	}
	// Sort by time; at equal times a start precedes transfers and an end
	// follows them, as a real log would have it.
	rank := map[EventKind]int{Start: 0, Transfer: 1, End: 2}
	slices.SortStableFunc(events, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(rank[a.Kind], rank[b.Kind]))
	})
	return events, native, nil
}
