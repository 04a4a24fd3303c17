// Command bitstore runs a BitStore storage network on libp2p: storage
// nodes that form a Chord ring, and clients that store and fetch files
// through any node.
//
//	bitstore keygen --out DIR                  swarm key (tracker key, secret, q_s) and tracker public key
//	bitstore node --data DIR --trust PUB [--listen MA] [--join ADDR]...
//	bitstore put --swarm KEY --join ADDR FILE  prints the file's key
//	bitstore get --swarm KEY --join ADDR KEY -o FILE
//
// Every subcommand takes --help. See the p2p package documentation.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/p2p"
)

const usage = `bitstore runs a BitStore storage network (a Chord ring of storage nodes
over libp2p) and stores and fetches files in it.

Usage:
  bitstore keygen --out DIR [--replicas N]     write DIR/swarm.key and DIR/tracker.pub
  bitstore node --data DIR --trust FILE [--listen MULTIADDR] [--join ADDR]...
  bitstore put --swarm FILE --join ADDR FILE   store a file; prints its key
  bitstore get --swarm FILE --join ADDR KEY -o FILE

Run "bitstore COMMAND --help" for a command's flags.
`

// errUsage marks errors caused by the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "bitstore:", strings.TrimPrefix(err.Error(), "usage: "))
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "bitstore:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"keygen": keygen, "tracker-key": keygen, "node": node, "put": put, "get": get,
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// parse parses args with flags and positional arguments in any order and
// checks the positional count.
func parse(fs *flag.FlagSet, args []string, positional int, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s: %w", errUsage, fs.Name(), err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != positional {
		fs.Usage()
		return nil, fmt.Errorf("%w: %s takes %d argument(s), got %d", errUsage, fs.Name(), positional, len(pos))
	}
	return pos, nil
}

func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: bitstore %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func keygen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("keygen", "keygen --out DIR [--replicas N] [--force]\n\nWrites DIR/swarm.key (the tracker's signing key, the swarm secret and q_s:\ngive it to the swarm's members, who put and get files) and DIR/tracker.pub\n(the tracker's public key: give it to every storage node, --trust).")
	out := fs.String("out", "", "directory to write the key files to (required)")
	replicas := fs.Int("replicas", 4, "q_s, the replicas stored of each chunk")
	force := fs.Bool("force", false, "overwrite existing key files")
	if _, err := parse(fs, args, 0, stderr); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: keygen: --out is required", errUsage)
	}
	k, err := newSwarmKey(*replicas)
	if err != nil {
		return fmt.Errorf("%w: keygen: %w", errUsage, err)
	}
	if err := k.write(*out, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(*out, swarmKeyFile), filepath.Join(*out, trackerPubFile))
	return nil
}

func node(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("node", "node --data DIR --trust FILE [--listen MULTIADDR] [--join ADDR]...\n\nRuns a storage node until interrupted (SIGINT or SIGTERM: it leaves the ring,\nhanding its blocks to its successor). Prints \"node ADDR\" once it has joined:\nADDR is what other nodes and clients pass to --join. Restarted on the same\n--data, the node has the same identity, serves the blocks it held and listens\nwhere it listened before.")
	data := fs.String("data", "", "data directory: identity key and blocks (required)")
	var trust, join stringsFlag
	fs.Var(&trust, "trust", "tracker public key file whose tickets the node accepts (repeatable; required)")
	fs.Var(&join, "join", "address of a ring member to join through (repeatable; none: start a new ring)")
	listen := fs.String("listen", "", "multiaddr to listen on (default: the address the node last listened on in --data if free, else "+p2p.DefaultListen+")")
	announce := fs.String("announce", "", "multiaddr other nodes dial (default: the listen address)")
	quota := fs.Int64("quota", chord.DefaultQuota, "bytes of blocks the node stores for others")
	stabilize := fs.Duration("stabilize", p2p.DefaultStabilizeInterval, "stabilize interval")
	fixFingers := fs.Duration("fix-fingers", p2p.DefaultFixFingersInterval, "fix-fingers interval")
	checkPred := fs.Duration("check-predecessor", p2p.DefaultCheckPredecessorInterval, "check-predecessor interval")
	verbose := fs.Bool("v", false, "log ring events")
	if _, err := parse(fs, args, 0, stderr); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("%w: node: --data is required", errUsage)
	}
	if len(trust) == 0 {
		return fmt.Errorf("%w: node: --trust is required (the tracker.pub written by bitstore keygen)", errUsage)
	}
	if *quota <= 0 || *stabilize <= 0 || *fixFingers <= 0 || *checkPred <= 0 {
		return fmt.Errorf("%w: node: --quota and the intervals must be positive", errUsage)
	}
	var keys []ed25519.PublicKey
	for _, f := range trust {
		pk, err := readTrackerPub(f)
		if err != nil {
			return err
		}
		keys = append(keys, pk)
	}
	cfg := p2p.Config{
		Announce: *announce, DataDir: *data, Bootstrap: join,
		Chord:             chord.Config{TrustedTrackers: keys, Quota: *quota},
		StabilizeInterval: *stabilize, FixFingersInterval: *fixFingers, CheckPredecessorInterval: *checkPred,
	}
	if *listen != "" {
		cfg.Listen = []string{*listen}
	}
	if *verbose {
		cfg.Events = func(ev chord.Event) {
			fmt.Fprintf(stderr, "bitstore: %v %v (%d keys)\n", ev.Kind, ev.Node, len(ev.Keys))
		}
	}
	s, err := p2p.NewService(cfg)
	if err != nil {
		return fmt.Errorf("%w: node: %w", errUsage, err)
	}
	defer s.Close()
	sctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	jctx, cancel := context.WithTimeout(sctx, 30*time.Second)
	err = s.Start(jctx)
	cancel()
	if err != nil {
		return err
	}
	st := s.Node().State()
	fmt.Fprintf(stdout, "node %s\n", s.Info().Addr)
	fmt.Fprintf(stderr, "bitstore: node %v holds %d blocks (%d bytes)\n", s.Info().ID, st.Blocks, st.BlockBytes)
	<-sctx.Done()
	fmt.Fprintln(stderr, "bitstore: leaving the ring")
	lctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Node().Leave(lctx); err != nil {
		fmt.Fprintln(stderr, "bitstore: leave:", err)
	}
	return nil
}

// clientFlags are the flags put and get share.
type clientFlags struct {
	swarm   *string
	join    stringsFlag
	timeout *time.Duration
}

func addClientFlags(fs *flag.FlagSet) *clientFlags {
	c := &clientFlags{}
	c.swarm = fs.String("swarm", "", "swarm key file written by bitstore keygen (required)")
	fs.Var(&c.join, "join", "address of a storage node (repeatable; required)")
	c.timeout = fs.Duration("timeout", 10*time.Minute, "give up after this long")
	return c
}

// check validates the shared flags.
func (c *clientFlags) check(cmd string) error {
	if *c.swarm == "" {
		return fmt.Errorf("%w: %s: --swarm is required", errUsage, cmd)
	}
	if len(c.join) == 0 {
		return fmt.Errorf("%w: %s: --join is required (the address a node printed)", errUsage, cmd)
	}
	if *c.timeout <= 0 {
		return fmt.Errorf("%w: %s: --timeout must be positive", errUsage, cmd)
	}
	for _, j := range c.join {
		if _, err := p2p.ParseAddr(j); err != nil {
			return fmt.Errorf("%w: %s: --join: %w", errUsage, cmd, err)
		}
	}
	return nil
}

// load reads the swarm key file.
func (c *clientFlags) load() (*chord.Swarm, *chord.Tracker, error) {
	k, err := readSwarmKey(*c.swarm)
	if err != nil {
		return nil, nil, err
	}
	tr, err := k.tracker()
	if err != nil {
		return nil, nil, err
	}
	sw, err := k.swarm()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", *c.swarm, err)
	}
	return sw, tr, nil
}

// connect joins the ring as a client.
func (c *clientFlags) connect(ctx context.Context, cmd string) (*p2p.Service, error) {
	s, err := p2p.NewService(p2p.Config{Bootstrap: c.join})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errUsage, cmd, err)
	}
	if err := s.StartClient(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// progress returns a progress printer for files of at least 1 MiB: a line
// rewritten in place on a terminal, a line per tenth otherwise.
func progress(stderr io.Writer, verb string, size int64) func(done, total int64) {
	if size < 1<<20 {
		return nil
	}
	tty := false
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	start, last := time.Now(), int64(-1)
	return func(done, total int64) {
		tenth := done * 10 / max(total, 1)
		if !tty && tenth == last && done != total {
			return
		}
		last = tenth
		rate := float64(done) / max(time.Since(start).Seconds(), 1e-3) / (1 << 20)
		line := fmt.Sprintf("%s: %.1f of %.1f MiB (%3d%%, %.1f MiB/s)", verb, float64(done)/(1<<20), float64(total)/(1<<20), done*100/max(total, 1), rate)
		if tty {
			fmt.Fprintf(stderr, "\r%s", line)
			if done == total {
				fmt.Fprintln(stderr)
			}
		} else {
			fmt.Fprintln(stderr, line)
		}
	}
}

func put(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("put", "put --swarm FILE --join ADDR [--chunk-size N] FILE\n\nStores FILE: each chunk encrypted under the swarm secret and stored as q_s\nreplicas under tickets signed with the swarm key's tracker key. Prints the\nfile's key (64 hex digits), which bitstore get takes.")
	c := addClientFlags(fs)
	chunkSize := fs.Int("chunk-size", p2p.DefaultChunkSize, "chunk size in bytes")
	pos, err := parse(fs, args, 1, stderr)
	if err != nil {
		return err
	}
	if err := c.check("put"); err != nil {
		return err
	}
	if *chunkSize < 1 || *chunkSize > p2p.MaxChunkSize {
		return fmt.Errorf("%w: put: --chunk-size %d not in [1, %d]", errUsage, *chunkSize, p2p.MaxChunkSize)
	}
	sw, tr, err := c.load()
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", pos[0])
	}
	ctx, cancel := context.WithTimeout(ctx, *c.timeout)
	defer cancel()
	s, err := c.connect(ctx, "put")
	if err != nil {
		return err
	}
	defer s.Close()
	key, err := p2p.PutFile(ctx, s.Node(), sw, tr, f, fi.Size(), p2p.FileOptions{ChunkSize: *chunkSize, Progress: progress(stderr, "put", fi.Size())})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%x\n", key)
	return nil
}

func get(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("get", "get --swarm FILE --join ADDR KEY -o FILE\n\nFetches the file whose key bitstore put printed, checking every chunk, and\nre-stores a few replicas of each chunk (lazy repair). Writes FILE only once\nthe whole file has arrived.")
	c := addClientFlags(fs)
	out := fs.String("o", "", "output file (required)")
	repair := fs.Int("repair", chord.DefaultRepair, "replica slots re-stored per chunk fetched (c; negative: none)")
	pos, err := parse(fs, args, 1, stderr)
	if err != nil {
		return err
	}
	if err := c.check("get"); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: get: -o is required", errUsage)
	}
	kb, err := hex.DecodeString(pos[0])
	if err != nil || len(kb) != 32 {
		return fmt.Errorf("%w: get: key %q is not 64 hex digits", errUsage, pos[0])
	}
	sw, tr, err := c.load()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *c.timeout)
	defer cancel()
	s, err := c.connect(ctx, "get")
	if err != nil {
		return err
	}
	defer s.Close()
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".bitstore-get-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	var prog func(done, total int64)
	opts := p2p.FileOptions{Repair: *repair, Progress: func(done, total int64) {
		if prog == nil {
			prog = progress(stderr, "get", total)
			if prog == nil {
				prog = func(int64, int64) {}
			}
		}
		prog(done, total)
	}}
	if _, err := p2p.GetFile(ctx, s.Node(), sw, tr, [32]byte(kb), tmp, opts); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}
