// Package stegdemo is the walkthrough of package steg shared by
// examples/steg (full scale, flags) and the tour (reduced scale): a PACOM
// bootstrapping node hides swarm id 42 in the order it downloads a
// 1,024-block file, a joining node recovers 42 from the HAVE messages on
// the wire, an observer without the key finds nothing unusual in the HAVE
// order, an eavesdropper who also sees the swarm's availability does, and
// a framed payload carries more than one number.
package stegdemo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/swarmblocks/swarmblocks/internal/swarmsim"
	"github.com/swarmblocks/swarmblocks/steg"
)

// Config sets the scale of the walkthrough.
type Config struct {
	Seed     uint64
	Blocks   int // m, blocks of the carrier file
	Symbol   int // the swarm id hidden, 1 … 100
	Leechers int // neighbours of the node besides the seeds
	Seeds    int
	Runs     int     // plain and encoding nodes compared by the observers
	Watched  float64 // fraction of the neighbours the eavesdropper also watches
	Payload  string  // framed payload, 1 … steg.MaxFramePayload bytes
	Slot     int     // HAVEs per symbol of the frame
}

// TourConfig is the reduced scale of the tour chapter.
func TourConfig(seed uint64) Config {
	c := FullConfig(seed)
	c.Runs = 30
	return c
}

// FullConfig is the scale of examples/steg.
func FullConfig(seed uint64) Config {
	return Config{Seed: seed, Blocks: 1024, Symbol: 42, Leechers: 30, Seeds: 2, Runs: 200, Watched: 0.5, Payload: "42@10.0.0.7", Slot: 28}
}

// Run prints the walkthrough to w.
func Run(w io.Writer, cfg Config) error {
	if cfg.Blocks < 64 || cfg.Runs < 2 || cfg.Leechers < 1 || cfg.Slot < steg.DefaultWindow {
		return fmt.Errorf("stegdemo: configuration out of range: %+v", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x57e9))
	fmt.Fprintf(w, "seed %d; carrier file of m = %d blocks, n = %d hash functions, window c = %d\n",
		cfg.Seed, cfg.Blocks, steg.DefaultFunctions, steg.DefaultWindow)

	// The secret every PACOM client holds. A real deployment draws it from
	// crypto/rand once; the walkthrough derives it from the seed so that
	// every run prints the same figures.
	key := make([]byte, steg.KeySize)
	for i := range key {
		key[i] = byte(rng.Uint32())
	}
	fam, err := steg.NewFamily(key, cfg.Blocks, steg.DefaultFunctions)
	if err != nil {
		return err
	}

	seq, err := hideAndRecover(w, cfg, fam, rng)
	if err != nil {
		return err
	}
	if err := keyless(w, cfg, seq, rng); err != nil {
		return err
	}
	if err := observers(w, cfg, fam, rng); err != nil {
		return err
	}
	return frames(w, cfg, fam, rng)
}

// node is one downloading node in a fresh swarm.
type node struct {
	p *steg.Picker
	s *swarmsim.Swarm
}

func newNode(cfg Config, fam *steg.Family, rng *rand.Rand, hide int) (*node, error) {
	p, err := steg.NewPicker(cfg.Blocks, rng)
	if err != nil {
		return nil, err
	}
	// The eavesdropper picks its peers as they join and requests complete
	// one at a time, in order: the draw order the printed figures come from.
	s, err := swarmsim.New(p, rng, swarmsim.Config{
		Seeds: cfg.Seeds, Leechers: cfg.Leechers,
		WatchOnJoin: true, Watched: cfg.Watched, InOrder: true,
	})
	if err != nil {
		return nil, err
	}
	if hide > 0 {
		if err := p.Hide(fam, hide); err != nil {
			return nil, err
		}
	}
	return &node{p: p, s: s}, nil
}

// hideAndRecover: the bootstrapping node downloads the whole file while
// hiding cfg.Symbol; its HAVEs go on the wire; a joining node decodes them.
func hideAndRecover(w io.Writer, cfg Config, fam *steg.Family, rng *rand.Rand) ([]int, error) {
	fmt.Fprintf(w, "\n1. A bootstrapping node hides swarm id %d while it downloads the file rarest-first\n", cfg.Symbol)
	n, err := newNode(cfg, fam, rng, cfg.Symbol)
	if err != nil {
		return nil, err
	}
	seq, _, err := n.s.Download(cfg.Blocks, 1, n.p.Next, n.p.Downloaded)
	if err != nil {
		return nil, err
	}
	var wire []byte
	for _, b := range seq {
		if wire, err = steg.AppendHave(wire, b); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(w, "   it sent %d HAVE messages (%d bytes of BEP 3 peer wire); first ten blocks: %v\n", len(seq), len(wire), seq[:10])
	fmt.Fprintf(w, "   (Algorithm 2: the blocks of class %d of H_%d first, rarest first inside the class; %d picks off-class)\n",
		n.p.ActiveClass(), cfg.Symbol, n.p.OffClass())

	dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
	if err != nil {
		return nil, err
	}
	r := steg.NewReader(bytes.NewReader(wire), cfg.Blocks)
	for i := 1; ; i++ {
		msg, err := r.ReadMessage()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("stegdemo: the joining node decoded nothing")
		}
		if err != nil {
			return nil, err
		}
		x, ok, err := dec.Consume(msg)
		if err != nil {
			return nil, err
		}
		if ok {
			fmt.Fprintf(w, "   a joining node reading those bytes recovers swarm id %d after %d HAVEs (Algorithm 3, streaming)\n", x, i)
			if x != cfg.Symbol {
				return nil, fmt.Errorf("stegdemo: decoded %d, hid %d", x, cfg.Symbol)
			}
			return seq, nil
		}
	}
}

// observe runs the keyless observer's three tests on a HAVE order, each
// against random classes of the observer's own: chi-square over 4 classes
// in 8 segments, the runs test and KS on positions over 2 classes. It
// returns their p-values.
func observe(cfg Config, seq []int, rng *rand.Rand) (cs, rt, ks float64, err error) {
	o4, err := steg.NewObserver(cfg.Blocks, 4, rng)
	if err != nil {
		return 0, 0, 0, err
	}
	o2, err := steg.NewObserver(cfg.Blocks, 2, rng)
	if err != nil {
		return 0, 0, 0, err
	}
	c, err := o4.ChiSquare(seq, 8)
	if err != nil {
		return 0, 0, 0, err
	}
	r, err := o2.Runs(seq)
	if err != nil {
		return 0, 0, 0, err
	}
	k, err := o2.PositionKS(seq)
	if err != nil {
		return 0, 0, 0, err
	}
	return c.P, r.P, k.P, nil
}

// keyless runs the keyless observer's tests on the bootstrapping node's
// HAVE order.
func keyless(w io.Writer, cfg Config, seq []int, rng *rand.Rand) error {
	cs, rt, ks, err := observe(cfg, seq, rng)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   an observer without the key tests that HAVE order against random classes of its own:\n")
	fmt.Fprintf(w, "   chi-square p = %.3f, runs test p = %.3f, KS p = %.3f: nothing unusual\n", cs, rt, ks)
	return nil
}

// Bursts of the Beacon shown in the walkthrough.
const (
	burst = 32
	gap   = 224
)

// observers compares plain and encoding nodes through the eyes of a
// keyless observer, of an eavesdropper who also sees availability, and of
// a keyed one.
func observers(w io.Writer, cfg Config, fam *steg.Family, rng *rand.Rand) error {
	fmt.Fprintf(w, "\n2. What others see: %d plain rarest-first nodes against %d nodes hiding a random id\n", cfg.Runs, cfg.Runs)
	type tally struct {
		chi, runs, ks []float64
		rank          []float64
		keyed         int
	}
	var t [3]tally // plain, hiding, beacon
	for run := range 3 * cfg.Runs {
		enc := run % 3
		x := 0
		if enc > 0 {
			x = 1 + rng.IntN(steg.DefaultFunctions)
		}
		n, err := newNode(cfg, fam, rng, 0)
		if err != nil {
			return err
		}
		next, done := n.p.Next, n.p.Downloaded
		switch enc {
		case 1:
			if err := n.p.Hide(fam, x); err != nil {
				return err
			}
		case 2:
			bc, err := steg.NewBeacon(n.p, fam, x, burst, gap)
			if err != nil {
				return err
			}
			next, done = bc.Next, bc.Downloaded
		}
		seq, rank, err := n.s.Download(cfg.Blocks, 1, next, done)
		if err != nil {
			return err
		}
		cs, rt, ks, err := observe(cfg, seq, rng)
		if err != nil {
			return err
		}
		t[enc].chi = append(t[enc].chi, cs)
		t[enc].runs = append(t[enc].runs, rt)
		t[enc].ks = append(t[enc].ks, ks)
		t[enc].rank = append(t[enc].rank, rank)
		dec, err := steg.NewStreamDecoder(fam, steg.DefaultWindow)
		if err != nil {
			return err
		}
		for _, b := range seq {
			y, ok, err := dec.Push(b)
			if err != nil {
				return err
			}
			if ok {
				if enc == 0 || y == x {
					t[enc].keyed++
				}
				break
			}
		}
	}
	fmt.Fprintf(w, "   %-34s %14s %14s %16s\n", "keyless test (own random classes)", "plain p<0.05", "hiding p<0.05", "plain vs hiding")
	for _, row := range []struct {
		name  string
		a, b  []float64
		pvals bool
	}{
		{"chi-square, 4 classes x 8 segments", t[0].chi, t[1].chi, true},
		{"runs test, 2 classes", t[0].runs, t[1].runs, true},
		{"KS on positions, 2 classes", t[0].ks, t[1].ks, true},
	} {
		fmt.Fprintf(w, "   %-34s %14.2f %14.2f %16s\n", row.name, below(row.a, 0.05), below(row.b, 0.05),
			fmt.Sprintf("KS p = %.3f", steg.KSTwoSample(row.a, row.b).P))
	}
	fmt.Fprintf(w, "   -> without the key the HAVE order of a hiding node looks like any rarest-first client's\n")
	fmt.Fprintf(w, "   keyed observer: found the id in %d of %d hiding nodes, reported an id for %d of %d plain nodes\n",
		t[1].keyed, cfg.Runs, t[0].keyed, cfg.Runs)
	fmt.Fprintf(w, "   limit: an eavesdropper watching %.0f%% of the node's neighbours sees how rare each chosen block was:\n", 100*cfg.Watched)
	fmt.Fprintf(w, "   mean rarity rank %.3f for plain nodes, %.3f for hiding nodes (KS p = %.2g): Algorithm 2 leaves\n",
		mean(t[0].rank), mean(t[1].rank), steg.KSTwoSample(t[0].rank, t[1].rank).P)
	fmt.Fprintf(w, "   rarest-first whenever the rarest blocks fall in the other class (see the package documentation)\n")
	fmt.Fprintf(w, "   a Beacon hiding the id in bursts of %d HAVEs every %d: mean rarity rank %.3f (KS p = %.2g against plain),\n",
		burst, burst+gap, mean(t[2].rank), steg.KSTwoSample(t[0].rank, t[2].rank).P)
	fmt.Fprintf(w, "   keyed observer found the id in %d of %d beacons\n", t[2].keyed, cfg.Runs)
	return nil
}

// frames announces a payload of several symbols with a Sender and decodes
// it with a FrameDecoder.
func frames(w io.Writer, cfg Config, fam *steg.Family, rng *rand.Rand) error {
	payload := []byte(cfg.Payload)
	fmt.Fprintf(w, "\n3. More than log2(n) bits: the %d-byte payload %q in a frame of %d symbols + 1, %d HAVEs each\n",
		len(payload), payload, steg.FrameLen(fam, len(payload)), cfg.Slot)
	n, err := newNode(cfg, fam, rng, 0)
	if err != nil {
		return err
	}
	snd, err := steg.NewSender(n.p, fam, payload, cfg.Slot)
	if err != nil {
		return err
	}
	seq, _, err := n.s.Download(cfg.Blocks, 1, snd.Next, snd.Downloaded)
	if err != nil {
		return err
	}
	dec, err := steg.NewFrameDecoder(fam, steg.DefaultWindow)
	if err != nil {
		return err
	}
	got := 0
	for i, b := range seq {
		p, ok, err := dec.Push(b)
		if err != nil {
			return err
		}
		if ok {
			got++
			if got == 1 {
				fmt.Fprintf(w, "   the watcher decodes %q after %d HAVEs (checksum verified)\n", p, i+1)
			}
			if !bytes.Equal(p, payload) {
				return fmt.Errorf("stegdemo: frame decoded to %q", p)
			}
		}
	}
	if got == 0 {
		fmt.Fprintf(w, "   no frame completed within the %d HAVEs of this download (a longer file carries more)\n", len(seq))
	}
	fmt.Fprintf(w, "   frames sent during the download: %d; decoded: %d\n", snd.Frames(), got)
	return nil
}

func below(x []float64, thr float64) float64 {
	n := 0
	for _, v := range x {
		if v < thr {
			n++
		}
	}
	return float64(n) / float64(len(x))
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
