package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/p2p"
)

// buildCommand compiles bitstore into a temporary directory.
func buildCommand(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build bitstore with")
	}
	bin := filepath.Join(t.TempDir(), "bitstore")
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// proc is one bitstore node process.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	data   string
	listen string
	stderr *bytes.Buffer
}

func startNode(t *testing.T, bin, pub, data, listen string, join ...string) *proc {
	t.Helper()
	args := []string{"node", "--data", data, "--trust", pub,
		"--stabilize", "100ms", "--fix-fingers", "50ms", "--check-predecessor", "200ms"}
	if listen != "" {
		args = append(args, "--listen", listen)
	}
	for _, j := range join {
		args = append(args, "--join", j)
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &proc{cmd: cmd, data: data, stderr: new(bytes.Buffer)}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { p.kill() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		for sc.Scan() {
		}
	}()
	select {
	case l, ok := <-line:
		require.True(t, ok && strings.HasPrefix(l, "node "), "node did not start: %q, stderr: %s", l, p.stderr)
		p.addr = strings.TrimPrefix(l, "node ")
	case <-time.After(60 * time.Second):
		t.Fatalf("node did not start within 60 s; stderr: %s", p.stderr)
	}
	ai, err := p2p.ParseAddr(p.addr)
	require.NoError(t, err)
	p.listen = ai.Addrs[0].String()
	return p
}

// kill sends SIGKILL: the node crashes without leaving the ring.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// probe is an in-process libp2p client that inspects the nodes.
type probe struct {
	t *testing.T
	s *p2p.Service
}

func newProbe(t *testing.T) *probe {
	s, err := p2p.NewService(p2p.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return &probe{t: t, s: s}
}

func (pr *probe) call(addr string, req chord.Request) (chord.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req.From = pr.s.Info()
	var resp chord.Response
	err := pr.s.Transport().Call(ctx, addr, &req, &resp)
	return resp, err
}

// waitStable polls the nodes' pointers until they form the ideal ring.
func (pr *probe) waitStable(nodes []*proc) {
	pr.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var states []chord.State
		for _, p := range nodes {
			ai, _ := p2p.ParseAddr(p.addr)
			resp, cerr := pr.call(p.addr, chord.Request{Kind: chord.KindGetState})
			if cerr != nil {
				err = cerr
				break
			}
			states = append(states, chord.State{Self: chord.NodeInfo{ID: p2p.RingID(ai.ID), Addr: p.addr}, Pred: resp.Node, Successors: resp.Nodes})
		}
		if len(states) == len(nodes) {
			if err = chord.CheckStable(states, chord.DefaultSuccessors); err == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	pr.t.Fatalf("ring of %d processes not stable within 60 s: %v", len(nodes), err)
}

// held returns the replica keys among keys that the node holds.
func (pr *probe) held(p *proc, keys []chord.ID) []chord.ID {
	var out []chord.ID
	for _, k := range keys {
		resp, err := pr.call(p.addr, chord.Request{Kind: chord.KindHas, Key: k})
		require.NoError(pr.t, err)
		if resp.Found {
			out = append(out, k)
		}
	}
	return out
}

func runCmd(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "bitstore %v: %s", args, stderr.String())
	return stdout.String()
}

// TestProcesses runs six bitstore node processes on loopback, stores a
// file through one of them, kills two nodes with SIGKILL and fetches the
// identical file; then restarts one killed node on its data directory and
// address: it rejoins the ring and serves every block it held.
func TestProcesses(t *testing.T) {
	bin := buildCommand(t)
	dir := t.TempDir()
	runCmd(t, bin, "keygen", "--out", filepath.Join(dir, "keys"), "--replicas", "3")
	pub := filepath.Join(dir, "keys", trackerPubFile)
	swarmFile := filepath.Join(dir, "keys", swarmKeyFile)

	var nodes []*proc
	for i := range 6 {
		var join []string
		if i > 0 {
			join = []string{nodes[0].addr}
		}
		nodes = append(nodes, startNode(t, bin, pub, filepath.Join(dir, fmt.Sprint("node", i)), "/ip4/127.0.0.1/tcp/0", join...))
	}
	pr := newProbe(t)
	pr.waitStable(nodes)

	const chunkSize = 64 << 10
	file := make([]byte, 20*chunkSize+777)
	_, _ = rand.Read(file)
	in := filepath.Join(dir, "in.bin")
	require.NoError(t, os.WriteFile(in, file, 0o600))
	keyHex := strings.TrimSpace(runCmd(t, bin, "put", "--swarm", swarmFile, "--join", nodes[0].addr, "--chunk-size", fmt.Sprint(chunkSize), in))
	key, err := hex.DecodeString(keyHex)
	require.NoError(t, err)

	// Every replica key of the file: its chunks and its manifest.
	sk, err := readSwarmKey(swarmFile)
	require.NoError(t, err)
	sw, err := sk.swarm()
	require.NoError(t, err)
	replicaKeys := map[[32]byte][]chord.ID{[32]byte(key): sw.ReplicaKeys(nil, [32]byte(key))}
	for off := 0; off < len(file); off += chunkSize {
		h := chord.ChunkHash(file[off:min(off+chunkSize, len(file))])
		replicaKeys[h] = sw.ReplicaKeys(nil, h)
	}
	var all []chord.ID
	for _, ks := range replicaKeys {
		all = append(all, ks...)
	}
	holds := make([][]chord.ID, len(nodes))
	for i, p := range nodes {
		holds[i] = pr.held(p, all)
	}
	// Kill two nodes (not the one clients join through) chosen so that
	// every chunk keeps a replica: the property under test is that get
	// finds the survivors, not the odds of losing all three replicas.
	victims := pickVictims(t, replicaKeys, holds)
	t.Logf("killing nodes %v holding %d and %d replicas", victims, len(holds[victims[0]]), len(holds[victims[1]]))
	for _, v := range victims {
		nodes[v].kill()
	}
	out := filepath.Join(dir, "out.bin")
	runCmd(t, bin, "get", "--swarm", swarmFile, "--join", nodes[0].addr, keyHex, "-o", out)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.Equal(file, got), "the fetched file is identical")

	// Restart the first victim on its data directory alone: it listens
	// where it did before.
	v := victims[0]
	before := nodes[v].addr
	nodes[v] = startNode(t, bin, pub, nodes[v].data, "", nodes[0].addr)
	require.Equal(t, before, nodes[v].addr, "same identity, same address")
	var live []*proc
	for i, p := range nodes {
		if i != victims[1] {
			live = append(live, p)
		}
	}
	pr.waitStable(live)
	require.ElementsMatch(t, holds[v], pr.held(nodes[v], holds[v]), "the restarted node holds its blocks")
	for _, k := range holds[v] {
		resp, err := pr.call(nodes[v].addr, chord.Request{Kind: chord.KindFetch, Key: k})
		require.NoError(t, err)
		require.Equal(t, chord.StatusOK, resp.Status)
		require.NotEmpty(t, resp.Data)
	}
	require.NoError(t, os.Remove(out))
	runCmd(t, bin, "get", "--swarm", swarmFile, "--join", nodes[v].addr, keyHex, "-o", out)
	got, err = os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.Equal(file, got))
}

// pickVictims returns two nodes other than node 0, holding replicas
// between them, whose loss leaves every chunk a replica.
func pickVictims(t *testing.T, replicaKeys map[[32]byte][]chord.ID, holds [][]chord.ID) [2]int {
	best, bestHeld := [2]int{}, -1
	for a := 1; a < len(holds); a++ {
		for b := a + 1; b < len(holds); b++ {
			ok := true
			for _, ks := range replicaKeys {
				survives := false
				for i, h := range holds {
					if i != a && i != b && slices.ContainsFunc(ks, func(k chord.ID) bool { return slices.Contains(h, k) }) {
						survives = true
						break
					}
				}
				ok = ok && survives
			}
			if n := len(holds[a]) + len(holds[b]); ok && n > bestHeld {
				best, bestHeld = [2]int{a, b}, n
			}
		}
	}
	require.Positive(t, bestHeld, "no pair of nodes can fail without losing a chunk")
	return best
}

// TestCommandErrors checks the messages and exit paths for bad command
// lines, without a network.
func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"node", "--bogus"}, "flag provided but not defined"},
		{[]string{"node", "--trust", "x"}, "--data is required"},
		{[]string{"node", "--data", dir}, "--trust is required"},
		{[]string{"node", "--data", dir, "--trust", filepath.Join(dir, "none.pub")}, "tracker public key file"},
		{[]string{"put", "f"}, "--swarm is required"},
		{[]string{"put", "--swarm", "s", "f"}, "--join is required"},
		{[]string{"put", "--swarm", filepath.Join(dir, "none.key"), "--join", anAddr, "/dev/null"}, "swarm key file"},
		{[]string{"get", "--swarm", "s", "--join", "j", "k", "-o", "x"}, "must be a multiaddr"},
		{[]string{"get", "--swarm", "s", "--join", anAddr, "abcd", "-o", "x"}, "not 64 hex digits"},
		{[]string{"get", "--swarm", "s", "--join", anAddr, strings.Repeat("ab", 32)}, "-o is required"},
		{[]string{"keygen"}, "--out is required"},
		{[]string{"keygen", "--out", dir, "--replicas", "0"}, "--replicas 0"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, &stdout, &stderr)
		require.Error(t, err, "%v", c.args)
		require.Contains(t, err.Error(), c.want, "%v", c.args)
	}
	require.NoError(t, run(context.Background(), []string{"keygen", "--out", dir}, new(bytes.Buffer), new(bytes.Buffer)))
	err := run(context.Background(), []string{"keygen", "--out", dir}, new(bytes.Buffer), new(bytes.Buffer))
	require.ErrorContains(t, err, "exists")
	// A bootstrap node that does not answer.
	err = run(context.Background(), []string{"put", "--swarm", filepath.Join(dir, swarmKeyFile), "--join",
		anAddr, "--timeout", "20s", filepath.Join(dir, trackerPubFile)},
		new(bytes.Buffer), new(bytes.Buffer))
	require.ErrorIs(t, err, p2p.ErrBootstrap)
	for _, sub := range []string{"keygen", "node", "put", "get"} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{sub, "--help"}, new(bytes.Buffer), &stderr)
		require.ErrorIs(t, err, flagErrHelp)
		require.Contains(t, stderr.String(), "Usage: bitstore "+sub)
	}
}

var flagErrHelp = flag.ErrHelp

// anAddr is a node address where nothing listens.
const anAddr = "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWMwm5p3RHVdMhNRx9P9oGJNqzhofKFyabL7TU1AcVmP2W"
