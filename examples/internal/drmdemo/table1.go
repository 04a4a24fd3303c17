package drmdemo

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// costs are the times of Table 1's per-piece columns, and the licence
// install's share per piece, which computes what PDec then reuses.
type costs struct {
	PEnc, PDec, ReKey, T time.Duration
	Install              time.Duration
}

// String formats c as the four Markdown cells PEnc | PDec | ReKey | T, the
// install's share beside PDec.
func (c costs) String() string {
	return fmt.Sprintf("%s | %s (+ %s install) | %s | %s", short(c.PEnc), short(c.PDec), short(c.Install), short(c.ReKey), short(c.T))
}

// short rounds d to three significant digits.
func short(d time.Duration) string {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit).String()
		}
	}
	return d.Round(time.Second).String()
}

// groupCosts are one group's measured costs: SGen (the tracker's set-up;
// the group is fixed, so it generates no prime), the per-piece costs of
// the hybrid scheme and, for a mod-p group, of the paper's exact scheme.
type groupCosts struct {
	sgen   time.Duration
	hybrid costs
	exact  *costs
	prime  time.Duration // generating an n-bit prime, if measured
}

// measureGroup times Table 1's operations in g on one piece of pieceSize
// random bytes (the exact scheme's costs depend on the content: an
// all-zero piece is much cheaper), taking stat (median or fastest) of
// rounds runs, and the generation of an n-bit prime over primeRounds runs
// if primeRounds > 0.
func measureGroup(g group.Group, pieceSize, rounds, primeRounds int, stat func(int, func() error) (time.Duration, error)) (*groupCosts, error) {
	if pieceSize < 1 {
		return nil, errors.New("drmdemo: a piece needs at least one byte")
	}
	var m groupCosts
	var err error
	if m.sgen, err = stat(rounds, func() error { _, err := reencrypt.NewTracker(g, rand.Reader); return err }); err != nil {
		return nil, err
	}
	tr, err := reencrypt.NewTracker(g, rand.Reader)
	if err != nil {
		return nil, err
	}
	piece := make([]byte, pieceSize)
	if _, err := rand.Read(piece); err != nil {
		return nil, err
	}
	seed, torrent, err := tr.Publish([][]byte{piece})
	if err != nil {
		return nil, err
	}
	a, err := reencrypt.NewPeer(torrent, rand.Reader)
	if err != nil {
		return nil, err
	}
	b, err := reencrypt.NewPeer(torrent, rand.Reader)
	if err != nil {
		return nil, err
	}
	for _, p := range []*reencrypt.Peer{a, b} {
		if _, err := tr.Subscribe(p.PublicKey()); err != nil {
			return nil, err
		}
	}
	l, err := tr.IssueLicence(a.ID(), reencrypt.Policy{})
	if err != nil {
		return nil, err
	}
	if err := a.InstallLicence(l); err != nil {
		return nil, err
	}
	uk, err := tr.UploadKey(0, seed.ID(), a.ID())
	if err != nil {
		return nil, err
	}
	pc, err := seed.PEnc(uk)
	if err != nil {
		return nil, err
	}
	rk, err := tr.ReKey(0, a.ID(), b.ID())
	if err != nil {
		return nil, err
	}
	// Installing the licence computes s·L_i for its one piece: PDec's share
	// of it, paid once per piece, not per decryption.
	install, err := stat(rounds, func() error { return a.InstallLicence(l) })
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, pieceSize+64)
	now := time.Now()
	run := func(ops [4]func() error) (costs, error) {
		var out [4]time.Duration
		for i, op := range ops {
			d, err := stat(rounds, op)
			if err != nil {
				return costs{}, err
			}
			out[i] = d
		}
		return costs{out[0], out[1], out[2], out[3], install}, nil
	}
	if m.hybrid, err = run([4]func() error{
		func() error { _, err := seed.AppendPEnc(buf, uk); return err },
		func() error { _, err := a.AppendDecrypt(buf[:0], pc, now); return err },
		func() error { _, err := tr.ReKey(0, a.ID(), b.ID()); return err },
		func() error { _, err := a.Transform(pc, rk); return err },
	}); err != nil {
		return nil, err
	}
	mg, isModP := g.(*elgamal.ModPGroup)
	if isModP {
		ct, err := seed.ExactPEnc(uk)
		if err != nil {
			return nil, err
		}
		exact, err := run([4]func() error{
			func() error { _, err := seed.ExactPEnc(uk); return err },
			func() error { _, err := a.ExactDecrypt(0, ct, now); return err },
			func() error { _, err := tr.ReKey(0, a.ID(), b.ID()); return err },
			func() error { _, err := reencrypt.ExactTransform(rk, ct); return err },
		})
		if err != nil {
			return nil, err
		}
		m.exact = &exact
		if primeRounds > 0 {
			bits := mg.P().BitLen()
			// Prime generation is a random search: its typical cost is the
			// median, not the luckiest run.
			if m.prime, err = median(primeRounds, func() error { _, err := rand.Prime(rand.Reader, bits); return err }); err != nil {
				return nil, err
			}
		}
	}
	return &m, nil
}

// paperRow is a row of the DRM paper's Table 1, in seconds: 256 KB
// pieces, a Pentium 4 (the paper, §3.1).
type paperRow struct {
	bits                       int
	sgen, penc, pdec, rekey, t float64
}

var paperTable1 = []paperRow{
	{512, 0.029, 5.526, 8.862, 0.0516, 0.029},
	{768, 0.047, 7.993, 10.931, 0.105, 0.037},
	{1024, 0.081, 10.657, 12.350, 0.251, 0.043},
	{1536, 0.195, 16.995, 17.473, 0.371, 0.055},
	{2048, 0.381, 22.985, 21.763, 0.442, 0.062},
}

// Table1Config sets the measurements of [Table1].
type Table1Config struct {
	PieceSize   int      // bytes per piece; the paper's is 256 KiB
	Rounds      int      // timing rounds per operation (the fastest is shown); the paper ran 10
	PrimeRounds int      // rounds of n-bit prime generation per size; 0 skips it
	Curves      []string // groups measured after the paper's sizes, e.g. ristretto255
}

// DefaultTable1 is the configuration of examples/table1.
func DefaultTable1() Table1Config {
	return Table1Config{PieceSize: 256 << 10, Rounds: 10, PrimeRounds: 3, Curves: []string{"ristretto255", "p256"}}
}

// Table1 prints the DRM paper's Table 1 beside this library's figures, as
// a Markdown table: for each key size of the paper (512 to 2048 bits, the
// mod-p groups modp512 … modp2048), the paper's row, the paper's exact
// scheme as package reencrypt implements it, and the hybrid scheme the
// package uses by default; then the hybrid scheme on the curves of
// cfg.Curves. Every row times one piece of random content.
func Table1(w io.Writer, cfg Table1Config) error {
	if cfg.PieceSize < 1 || cfg.Rounds < 1 || cfg.PrimeRounds < 0 {
		return errors.New("drmdemo: Table1 needs a piece size and rounds of at least 1")
	}
	fmt.Fprintf(w, "Per-piece costs on one %d KiB piece of random content, fastest of %d runs (the least disturbed on a shared machine); the paper's on 256 KB pieces, Pentium 4, 10 runs.\n\n",
		cfg.PieceSize>>10, cfg.Rounds)
	fmt.Fprintln(w, "| bits | implementation | SGen | PEnc | PDec | ReKey (Tracker) | T |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|")
	sec := func(s float64) string { return strconv.FormatFloat(s, 'g', -1, 64) + " s" }
	for _, row := range paperTable1 {
		name := fmt.Sprintf("modp%d", row.bits)
		g, err := elgamal.GroupByName(name)
		if err != nil {
			return err
		}
		m, err := measureGroup(g, cfg.PieceSize, cfg.Rounds, cfg.PrimeRounds, fastest)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(w, "| %d | paper (Java, Pentium 4) | %s | %s | %s | %s | %s |\n",
			row.bits, sec(row.sgen), sec(row.penc), sec(row.pdec), sec(row.rekey), sec(row.t))
		sgen := short(m.sgen)
		if cfg.PrimeRounds > 0 {
			sgen = fmt.Sprintf("%s (+ %s for an n-bit prime)", short(m.sgen), short(m.prime))
		}
		fmt.Fprintf(w, "| %d | ours, the paper's exact scheme (%s) | %s | %s |\n", row.bits, name, sgen, m.exact)
		fmt.Fprintf(w, "| %d | ours, hybrid (%s) | %s | %s |\n", row.bits, name, short(m.sgen), m.hybrid)
	}
	for _, name := range cfg.Curves {
		g, err := elgamal.GroupByName(name)
		if err != nil {
			return err
		}
		m, err := measureGroup(g, cfg.PieceSize, cfg.Rounds, 0, fastest)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(w, "| curve | ours, hybrid (%s) | %s | %s |\n", name, short(m.sgen), m.hybrid)
	}
	fmt.Fprintln(w, `
SGen is the tracker's set-up (its master and signing keys). The groups are fixed published
primes (RFC 2409, RFC 3526, and modp512 built the same way), so no prime is generated; the
figure in parentheses is what generating one n-bit prime costs here (crypto/rand.Prime, the
median of -prime-rounds runs), the
paper's parameter generation (a plain prime; a safe prime, as the groups use, costs far more).
The exact scheme multiplies every n-bit block of the piece by an ElGamal mask. The hybrid
scheme encrypts the piece once with XChaCha20-Poly1305 under a key hidden in one group
element: its PEnc does not depend on n, and its PDec is the AEAD open plus one group
addition and a key derivation. In both schemes PDec's exponentiation s·L_i is done once per
piece when the peer installs its licence; its cost is shown in parentheses (the first
decryption of a piece costs PDec plus that share, later ones PDec alone). ReKey (the
paper's "Tracker" column) and T do not touch the piece body in either scheme.`)
	return nil
}
