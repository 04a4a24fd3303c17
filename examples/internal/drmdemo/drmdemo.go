// Package drmdemo is the walkthrough of package reencrypt shared by
// examples/drm and the tour: an original seed, a tracker and three peers;
// a piece travels seed → A → B → C, re-encrypted at every hop; each peer
// decrypts with its licence; a collusion attempt and a polluted piece fail;
// and the costs of the paper's Table 1 are measured.
package drmdemo

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// Config sets the scale of the walkthrough.
type Config struct {
	Group     string   // the group of the protected torrent
	Pieces    int      // pieces in the torrent
	PieceSize int      // bytes per piece
	Measure   []string // groups whose Table 1 costs are measured
	Rounds    int      // timing rounds per measured operation
}

// Default is the full walkthrough of examples/drm.
func Default() Config {
	return Config{Group: "ristretto255", Pieces: 8, PieceSize: 256 << 10,
		Measure: []string{"ristretto255", "p256", "modp1024", "modp2048"}, Rounds: 20}
}

// TourConfig is the reduced walkthrough of the tour.
func TourConfig() Config {
	return Config{Group: "ristretto255", Pieces: 4, PieceSize: 256 << 10,
		Measure: []string{"ristretto255", "modp2048"}, Rounds: 5}
}

// Run prints the walkthrough to w.
func Run(w io.Writer, cfg Config) error {
	g, err := elgamal.GroupByName(cfg.Group)
	if err != nil {
		return err
	}
	if cfg.Pieces < 1 || cfg.PieceSize < 1 {
		return errors.New("drmdemo: need at least one piece of at least one byte")
	}
	tracker, err := reencrypt.NewTracker(g, rand.Reader)
	if err != nil {
		return err
	}
	content := make([][]byte, cfg.Pieces)
	for i := range content {
		content[i] = make([]byte, cfg.PieceSize)
		_, _ = rand.Read(content[i])
	}
	seed, torrent, err := tracker.Publish(content)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The owner publishes torrent %v on a tracker over %s: %d pieces of %d KiB.\n",
		torrent.ID, cfg.Group, torrent.Pieces(), cfg.PieceSize>>10)
	fmt.Fprintf(w, "The tracker keeps a 32-byte master key; the paper's table of TS keys would need %d bytes for 3 peers.\n",
		3*torrent.Pieces()*elgamal.ScalarSize(g))

	names := []string{"A", "B", "C"}
	peers := make([]*reencrypt.Peer, len(names))
	for i := range peers {
		if peers[i], err = reencrypt.NewPeer(torrent, rand.Reader); err != nil {
			return err
		}
		if _, err := tracker.Subscribe(peers[i].PublicKey()); err != nil {
			return err
		}
		h, err := tracker.ExpectedHashes(peers[i].ID())
		if err != nil {
			return err
		}
		if err := peers[i].SetExpectedHashes(h); err != nil {
			return err
		}
		fmt.Fprintf(w, "Peer %s subscribes as %v and receives its expected piece hashes (§2.3).\n", names[i], peers[i].ID())
	}

	// Piece 0 travels seed → A → B → C.
	const idx = 0
	uk, err := tracker.UploadKey(idx, seed.ID(), peers[0].ID())
	if err != nil {
		return err
	}
	pc, err := seed.PEnc(uk)
	if err != nil {
		return err
	}
	wire, _ := pc.MarshalBinary()
	copies := make([]*reencrypt.Piece, len(peers))
	if copies[0], err = peers[0].Receive(wire); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAlgorithm 1: the seed blinds piece %d for A (%d bytes on the wire); A verifies it.\n", idx, len(wire))
	for i := 1; i < len(peers); i++ {
		rk, err := tracker.ReKey(idx, peers[i-1].ID(), peers[i].ID())
		if err != nil {
			return err
		}
		out, err := peers[i-1].Transform(copies[i-1], rk)
		if err != nil {
			return err
		}
		wire, _ = out.MarshalBinary()
		if copies[i], err = peers[i].Receive(wire); err != nil {
			return err
		}
		fmt.Fprintf(w, "Algorithm 2: %s re-encrypts it for %s with the tracker's re-key; %s verifies it.\n", names[i-1], names[i], names[i])
	}

	fmt.Fprintln(w, "\nAlgorithm 3: each peer gets its licence and decrypts its own copy:")
	for i, p := range peers {
		l, err := tracker.IssueLicence(p.ID(), reencrypt.Policy{NotAfter: time.Now().Add(24 * time.Hour)})
		if err != nil {
			return err
		}
		if err := p.InstallLicence(l); err != nil {
			return err
		}
		pt, err := p.Decrypt(copies[i], time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s: %d bytes, equal to the original: %v\n", names[i], len(pt), bytes.Equal(pt, content[idx]))
	}
	_, err = peers[2].Decrypt(copies[1], time.Now())
	fmt.Fprintf(w, "C decrypting B's copy: %v\n", err)

	// Collusion: C uses A's licence.
	la, _ := tracker.IssueLicence(peers[0].ID(), reencrypt.Policy{})
	fmt.Fprintf(w, "\nCollusion: C installs A's licence: %v\n", peers[2].InstallLicence(la))
	_, err = peers[0].Decrypt(copies[2], time.Now())
	fmt.Fprintf(w, "Collusion: A, with its own licence and private key, opens C's copy: %v\n", err)

	// Pollution: a flipped bit in the body is refused at arrival.
	bad := slices.Clone(wire)
	bad[len(bad)-1] ^= 1
	_, err = peers[2].Receive(bad)
	fmt.Fprintf(w, "Pollution: a piece with one flipped bit: %v\n", err)

	if len(cfg.Measure) > 0 {
		fmt.Fprintf(w, "\nTable 1, measured here (median of %d rounds, one %d KiB piece of random content; the paper: 1024-bit, Pentium 4):\n", cfg.Rounds, cfg.PieceSize>>10)
		fmt.Fprintf(w, "  %-14s %10s %10s %10s %10s\n", "group", "PEnc", "PDec", "ReKey", "T")
		for _, name := range cfg.Measure {
			if err := measure(w, name, cfg); err != nil {
				return err
			}
		}
		fmt.Fprintln(w, "  paper, 1024 bits  10.657 s   12.350 s    0.251 s    0.043 s")
	}
	return nil
}

// measure times the four per-piece operations in group name, on a piece
// of random content, and prints them as a row of the walkthrough's table.
func measure(w io.Writer, name string, cfg Config) error {
	g, err := elgamal.GroupByName(name)
	if err != nil {
		return err
	}
	m, err := measureGroup(g, cfg.PieceSize, cfg.Rounds, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %-14s", name)
	for _, d := range []time.Duration{m.hybrid.PEnc, m.hybrid.PDec, m.hybrid.ReKey, m.hybrid.T} {
		fmt.Fprintf(w, " %10v", d)
	}
	fmt.Fprintln(w)
	if m.exact != nil {
		fmt.Fprintf(w, "  %-14s", name+" exact")
		for _, d := range []time.Duration{m.exact.PEnc, m.exact.PDec, m.exact.ReKey, m.exact.T} {
			fmt.Fprintf(w, " %10v", d)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func median(rounds int, op func() error) (time.Duration, error) {
	ds := make([]time.Duration, max(rounds, 1))
	for i := range ds {
		t0 := time.Now()
		if err := op(); err != nil {
			return 0, err
		}
		ds[i] = time.Since(t0)
	}
	slices.Sort(ds)
	return ds[len(ds)/2].Round(time.Microsecond / 10), nil
}
