// Package loopback runs small BitTorrent swarms of in-process
// github.com/anacrolix/torrent clients on 127.0.0.1, for the tests and
// benchmarks of the bittorrent module: a client configuration bound to the
// loopback interface with every discovery and NAT feature off, a metainfo
// made from bytes, a seed and leechers connected to each other with
// [torrent.Torrent.AddPeers], and a bounded wait for completion.
//
// Nothing here listens on any other address: clients bind 127.0.0.1 on a
// port the kernel picks, over TCP only (no uTP, no IPv6), and learn of each
// other only through [Connect]. Each node keeps its data in a directory of
// its own, with piece completion held in memory, so a node restarted on the
// same directory re-hashes what it has.
package loopback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/anacrolix/torrent"
	"github.com/anacrolix/torrent/bencode"
	"github.com/anacrolix/torrent/metainfo"
	"github.com/anacrolix/torrent/storage"
)

// ClientConfig returns the configuration of a client that keeps its data in
// dir and talks only to peers it is told of on 127.0.0.1: it listens on
// 127.0.0.1 on a port the kernel picks, over TCP only, with DHT, trackers,
// PEX, uTP, IPv6, port forwarding (UPnP) and accept rate limiting off, and
// it seeds what it has. Its logs are discarded. Callers may change any
// field, e.g. to install callbacks, before [torrent.NewClient].
func ClientConfig(dir string) *torrent.ClientConfig {
	cfg := torrent.NewDefaultClientConfig()
	// Loopback peers never need a long dial, but a loaded machine (tests
	// under the race detector) can take seconds to finish a handshake: the
	// default 4 s limit drops such a peer, and nothing redials it.
	cfg.HandshakesTimeout, cfg.MinDialTimeout = 30*time.Second, 10*time.Second
	cfg.DataDir = dir
	cfg.DefaultStorage = storage.NewFileOpts(storage.NewFileClientOpts{
		ClientBaseDir:   dir,
		PieceCompletion: storage.NewMapPieceCompletion(),
	})
	cfg.ListenHost = func(string) string { return "127.0.0.1" }
	cfg.ListenPort = 0
	cfg.NoDHT = true
	cfg.DisableTrackers = true
	cfg.DisablePEX = true
	cfg.DisableUTP = true
	cfg.DisableIPv6 = true
	cfg.NoDefaultPortForwarding = true
	cfg.DisableAcceptRateLimiting = true
	cfg.DisableWebtorrent = true
	cfg.DisableWebseeds = true
	cfg.Seed = true
	cfg.Slogger = slog.New(slog.DiscardHandler)
	return cfg
}

// MetaInfo returns the metainfo of a single-file torrent named name holding
// data, cut into pieces of pieceLength bytes (the last may be shorter), with
// BitTorrent v1 (SHA-1) piece hashes. BitTorrent wants a power-of-two piece
// length of at least 16 KiB; MetaInfo only requires a positive one.
func MetaInfo(name string, data []byte, pieceLength int64) (*metainfo.MetaInfo, error) {
	if pieceLength <= 0 {
		return nil, fmt.Errorf("loopback: piece length %d", pieceLength)
	}
	if name == "" || name != filepath.Base(name) {
		return nil, fmt.Errorf("loopback: file name %q is not a plain name", name)
	}
	info := metainfo.Info{Name: name, PieceLength: pieceLength, Length: int64(len(data))}
	var err error
	if info.Pieces, err = metainfo.GeneratePieces(bytes.NewReader(data), pieceLength, nil); err != nil {
		return nil, fmt.Errorf("loopback: hashing pieces: %w", err)
	}
	mi := &metainfo.MetaInfo{}
	if mi.InfoBytes, err = bencode.Marshal(&info); err != nil {
		return nil, fmt.Errorf("loopback: encoding info: %w", err)
	}
	return mi, nil
}

// Node is one client of a swarm and its torrent.
type Node struct {
	Client  *torrent.Client
	Torrent *torrent.Torrent
	Dir     string

	mu   sync.Mutex
	told []torrent.PeerInfo // the peers Tell gave, re-given by Nudge
}

// Tell gives n the addresses of others to connect to, and remembers them
// so that [Nudge] can give them again.
func (n *Node) Tell(others ...*Node) {
	n.Torrent.AddPeers(n.remember(others))
}

// TellPeers gives n peer addresses to connect to, such as those of a
// client that is not a [Node], and remembers them so that [Nudge] can give
// them again.
func (n *Node) TellPeers(ps ...torrent.PeerInfo) {
	n.mu.Lock()
	n.told = append(n.told, ps...)
	n.mu.Unlock()
	n.Torrent.AddPeers(ps)
}

// remember records others for [Nudge] without dialling them now.
func (n *Node) remember(others []*Node) []torrent.PeerInfo {
	var ps []torrent.PeerInfo
	for _, o := range others {
		ps = append(ps, o.Addrs()...)
	}
	n.mu.Lock()
	n.told = append(n.told, ps...)
	n.mu.Unlock()
	return ps
}

// NewSeed starts a client with cfg, writes data into its data directory
// under the torrent's name, adds the torrent and verifies the data, so the
// node returns complete. cfg.DataDir must be set.
func NewSeed(cfg *torrent.ClientConfig, mi *metainfo.MetaInfo, data []byte) (*Node, error) {
	info, err := mi.UnmarshalInfo()
	if err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	if info.Length != int64(len(data)) || len(info.Files) != 0 {
		return nil, fmt.Errorf("loopback: data of %d bytes for a torrent of %d", len(data), info.Length)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, info.Name), data, 0o600); err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	n, err := NewNode(cfg, mi)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := n.Torrent.VerifyDataContext(ctx); err != nil {
		n.Close()
		return nil, fmt.Errorf("loopback: verifying the seed's data: %w", err)
	}
	for i := range n.Torrent.NumPieces() {
		if !n.Torrent.Piece(i).State().Complete {
			n.Close()
			return nil, fmt.Errorf("loopback: piece %d of the seed's data does not match the torrent", i)
		}
	}
	// The torrent's completion flag follows the pieces' asynchronously.
	select {
	case <-n.Torrent.Complete().On():
	case <-time.After(10 * time.Second):
		n.Close()
		return nil, errors.New("loopback: the seed's torrent did not complete")
	}
	return n, nil
}

// NewNode starts a client with cfg and adds the torrent mi to it. It does
// not ask for any piece: call [torrent.Torrent.DownloadAll] (or set piece
// priorities) to leech. cfg.DataDir must be set; whatever it already holds
// of the torrent is re-hashed.
func NewNode(cfg *torrent.ClientConfig, mi *metainfo.MetaInfo) (*Node, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("loopback: a node needs a data directory")
	}
	cl, err := torrent.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("loopback: starting client: %w", err)
	}
	t, err := cl.AddTorrent(mi)
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("loopback: adding torrent: %w", err)
	}
	return &Node{Client: cl, Torrent: t, Dir: cfg.DataDir}, nil
}

// Close closes the node's client, its connections and its storage.
func (n *Node) Close() {
	for _, err := range n.Client.Close() {
		_ = err // closing errors of a test client are of no use to anyone
	}
}

// Addrs returns the node's listen addresses as peer information.
func (n *Node) Addrs() []torrent.PeerInfo {
	var ps []torrent.PeerInfo
	for _, a := range n.Client.ListenAddrs() {
		ps = append(ps, torrent.PeerInfo{Addr: a, Trusted: true})
	}
	return ps
}

// Connect tells every node of every other, so that they connect to each
// other (a full mesh; duplicate connections are dropped by the clients).
func Connect(nodes ...*Node) {
	for i, a := range nodes {
		for _, b := range nodes[i+1:] {
			a.Tell(b)
			b.remember([]*Node{a}) // dialled only if a nudge finds b stalled
		}
	}
}

// WaitComplete waits until every node's torrent is complete, or ctx ends.
//
// A node whose download makes no progress for [StallAfter] is nudged: it
// reconnects to the peers it was told of ([Nudge]). anacrolix/torrent
// v1.61 now and then stops requesting from a connected seed on a loaded
// machine (seen under the race detector: a leecher stuck at 655,360 of
// 1,048,576 bytes with both connections open for a minute); a nudge is
// what a real client's churn of peers and re-announces would do.
func WaitComplete(ctx context.Context, nodes ...*Node) error {
	for i, n := range nodes {
		if err := Wait(ctx, n, func() bool { return n.Torrent.Complete().Bool() }); err != nil {
			return fmt.Errorf("loopback: node %d of %d: %w", i, len(nodes), err)
		}
	}
	return nil
}

// Wait polls done until it reports true or ctx ends, nudging n (see
// [WaitComplete]) whenever its download makes no progress for
// [StallAfter].
func Wait(ctx context.Context, n *Node, done func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	last, since := n.Torrent.BytesCompleted(), time.Now()
	for !done() {
		select {
		case <-tick.C:
			if b := n.Torrent.BytesCompleted(); b != last {
				last, since = b, time.Now()
			} else if time.Since(since) >= StallAfter {
				Nudge(n)
				since = time.Now()
			}
		case <-ctx.Done():
			return fmt.Errorf("has %d of %d bytes (%d connections): %w",
				n.Torrent.BytesCompleted(), n.Torrent.Length(), len(n.Torrent.PeerConns()), ctx.Err())
		}
	}
	return nil
}

// StallAfter is how long [WaitComplete] lets a download make no progress
// before it nudges the node.
const StallAfter = 8 * time.Second

// Nudge closes a node's connections and gives it again the peers it was
// told of, so that it dials them afresh (a dropped connection is not
// redialled by itself). anacrolix/torrent v1.61's stalls are states of a
// connection: a new one requests afresh (seen in package pacomwire's
// tests, where a connection whose bitfield came before the info
// dictionary never grew interested and a reconnect cured it).
//
// Nudge does not toggle [torrent.Torrent.DisallowDataDownload]: while
// downloading is disallowed, v1.61's consistency check of pending pieces
// against its request order panics when it happens to run (it runs at
// exponentially spaced calls, from message handlers too).
func Nudge(n *Node) {
	n.mu.Lock()
	told := slices.Clone(n.told)
	n.mu.Unlock()
	for _, pc := range n.Torrent.PeerConns() {
		_ = pc.Close()
	}
	n.Torrent.AddPeers(told)
}

// Swarm is one seed and its leechers.
type Swarm struct {
	Seed     *Node
	Leechers []*Node
}

// Options configure [Start].
type Options struct {
	// Dir is the parent directory; each node gets a subdirectory of it.
	Dir string
	// Leechers is the number of leechers.
	Leechers int
	// Configure, if not nil, may change each node's configuration before
	// its client starts: node is -1 for the seed and 0, 1, … for leechers.
	Configure func(node int, cfg *torrent.ClientConfig)
	// NoDownload leaves the leechers idle instead of calling
	// [torrent.Torrent.DownloadAll], for callers that pick pieces
	// themselves.
	NoDownload bool
}

// Start starts a seed of data and o.Leechers leechers of mi, connects them
// all to each other and, unless o.NoDownload, has every leecher download
// everything. On error, whatever was started is closed.
func Start(mi *metainfo.MetaInfo, data []byte, o Options) (*Swarm, error) {
	if o.Dir == "" || o.Leechers < 0 {
		return nil, fmt.Errorf("loopback: directory %q and %d leechers", o.Dir, o.Leechers)
	}
	config := func(node int, name string) *torrent.ClientConfig {
		cfg := ClientConfig(filepath.Join(o.Dir, name))
		if o.Configure != nil {
			o.Configure(node, cfg)
		}
		return cfg
	}
	s := &Swarm{}
	var err error
	if s.Seed, err = NewSeed(config(-1, "seed"), mi, data); err != nil {
		return nil, err
	}
	for i := range o.Leechers {
		n, err := NewNode(config(i, fmt.Sprintf("leecher%d", i)), mi)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.Leechers = append(s.Leechers, n)
	}
	Connect(s.Nodes()...)
	if !o.NoDownload {
		for _, n := range s.Leechers {
			n.Torrent.DownloadAll()
		}
	}
	return s, nil
}

// Nodes returns the seed followed by the leechers.
func (s *Swarm) Nodes() []*Node { return append([]*Node{s.Seed}, s.Leechers...) }

// WaitComplete waits until every leecher is complete, or ctx ends.
func (s *Swarm) WaitComplete(ctx context.Context) error { return WaitComplete(ctx, s.Leechers...) }

// Close closes every node.
func (s *Swarm) Close() {
	for _, n := range s.Nodes() {
		if n != nil {
			n.Close()
		}
	}
}

// ReadAll reads the whole torrent from the node's storage.
func (n *Node) ReadAll(ctx context.Context) ([]byte, error) {
	r := n.Torrent.NewReader()
	defer r.Close()
	r.SetResponsive()
	out := make([]byte, n.Torrent.Length())
	if _, err := io.ReadFull(readerCtx{ctx, r}, out); err != nil {
		return nil, fmt.Errorf("loopback: reading torrent: %w", err)
	}
	return out, nil
}

type readerCtx struct {
	ctx context.Context
	r   torrent.Reader
}

func (r readerCtx) Read(b []byte) (int, error) { return r.r.ReadContext(r.ctx, b) }
