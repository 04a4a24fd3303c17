package marketsim

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/swarmblocks/swarmblocks/valuation"
)

// ErrConfig is returned by [Run] for an invalid [Config].
var ErrConfig = errors.New("marketsim: invalid configuration")

// BandwidthClass is a share of the clients with the given link speeds, in
// bits per second.
type BandwidthClass struct {
	Share    float64
	Up, Down int64
}

// Config describes one marketplace run. [PaperConfig] returns the paper's
// setup [Paper §5.2]; the fields after Bucket go beyond the paper.
type Config struct {
	Seed uint64 // seed of the run's *rand.Rand

	K        int   // anonymity level
	Torrents int   // torrents in the marketplace, one seed each
	Clients  int   // clients (the seeds come on top)
	FileSize int64 // bytes per torrent
	// PieceSize is the piece length in bytes; the last piece of a
	// torrent may be shorter.
	PieceSize int
	Bandwidth int64 // up and down link speed of everyone, bits/s

	// PopularTorrents is the fraction of torrents that are the native
	// interest of PopularClients, the fraction of clients; the other
	// clients pick their native interest uniformly among the rest.
	PopularTorrents, PopularClients float64

	Valuation valuation.Config          // weights and decay of the valuation
	ActiveSet valuation.ActiveSetConfig // K is overridden by K
	Unchoke   valuation.UnchokeConfig

	Neighbours      int  // neighbours a client connects to
	MaxNeighbours   int  // connections a node accepts in total
	PeersPerTorrent int  // peers the DHT returns per torrent
	EvenSplit       bool // §6.1: pick neighbours evenly per torrent
	// NoWants turns off the want requests: by default, at each active-set
	// update a client sends each neighbour that serves none of the
	// torrents it still needs a REQUEST for one of them (in turn), so
	// that a neighbour learns of demand for torrents it does not yet
	// serve — the only way the paper's strongest demand signal can draw
	// a torrent into an active set (see the package doc).
	NoWants         bool
	UnchokeInterval time.Duration // period of unchoke rounds
	UpdateInterval  time.Duration // period of active-set updates
	Bucket          time.Duration // width of the volume buckets (500 s)
	MaxTime         time.Duration // the run stops here if clients remain

	// SizeSpread, if positive, draws each torrent's size uniformly from
	// FileSize·[1−SizeSpread, 1+SizeSpread].
	SizeSpread float64
	// Classes, if set, draws each client's link speeds from these
	// classes by share (seeds keep Bandwidth).
	Classes []BandwidthClass
	// ArrivalTau, if positive, makes clients arrive following paper 003's
	// model λ(t) = λ0·e^(−t/τ) with τ = ArrivalTau and λ0 = Clients/τ,
	// instead of all at time zero.
	ArrivalTau time.Duration
}

// PaperConfig returns the paper's evaluation setup [Paper §5.2]: k = 5, 40
// torrents of 125 MB in 256 KiB pieces, 100 clients and 40 seeds, 1 Mbps up
// and down for everyone, everyone starting at once, 10% of the torrents the
// native interest of 50% of the clients, the package's default weights.
func PaperConfig(seed uint64) Config {
	return Config{
		Seed:            seed,
		K:               5,
		Torrents:        40,
		Clients:         100,
		FileSize:        125_000_000,
		PieceSize:       256 << 10,
		Bandwidth:       1_000_000,
		PopularTorrents: 0.1,
		PopularClients:  0.5,
		Valuation:       valuation.Config{Weights: valuation.DefaultWeights()},
		Neighbours:      30,
		MaxNeighbours:   60,
		PeersPerTorrent: 20,
		UnchokeInterval: 10 * time.Second,
		UpdateInterval:  30 * time.Second,
		Bucket:          500 * time.Second,
		MaxTime:         24 * time.Hour,
	}
}

// SmallConfig returns a reduced marketplace that runs in a fraction of a
// second: k = 3, 12 torrents of 8 MB, 30 clients and 12 seeds, the paper's
// proportions otherwise. Tests, benchmarks and the tour use it.
func SmallConfig(seed uint64) Config {
	c := PaperConfig(seed)
	c.K = 3
	c.Torrents = 12
	c.Clients = 30
	c.FileSize = 8_000_000
	c.Neighbours = 15
	c.MaxNeighbours = 30
	c.PeersPerTorrent = 10
	c.Bucket = 50 * time.Second
	c.PopularTorrents = 2.0 / 12
	return c
}

// Limits of a run's size, from the packing of the observer volumes
// (obsKey): node and torrent indices in 22 bits, buckets in 20 (half of
// them for MaxTime, the rest for the events a run executes past it).
const (
	maxNodes   = 1 << 22
	maxBuckets = 1 << 20
)

func (c Config) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.K < 1 || c.K > valuation.MaxK:
		return bad("k = %d", c.K)
	case c.Torrents < c.K:
		return bad("%d torrents for k = %d", c.Torrents, c.K)
	case c.Clients < 1:
		return bad("%d clients", c.Clients)
	case c.PieceSize < 1 || c.FileSize < int64(c.PieceSize) || c.FileSize/int64(c.PieceSize) >= valuation.MaxPieces:
		return bad("file size %d, piece size %d", c.FileSize, c.PieceSize)
	case c.Bandwidth <= 0:
		return bad("bandwidth %d", c.Bandwidth)
	case !(c.PopularTorrents >= 0 && c.PopularTorrents <= 1 && c.PopularClients >= 0 && c.PopularClients <= 1):
		return bad("popularity %v of torrents for %v of clients", c.PopularTorrents, c.PopularClients)
	case c.PopularClients > 0 && int(math.Round(c.PopularTorrents*float64(c.Torrents))) < 1:
		return bad("popular clients but no popular torrent")
	case c.Neighbours < 1 || c.MaxNeighbours < c.Neighbours || c.PeersPerTorrent < 1:
		return bad("neighbours %d, max %d, peers per torrent %d", c.Neighbours, c.MaxNeighbours, c.PeersPerTorrent)
	case c.UnchokeInterval <= 0 || c.UpdateInterval <= 0 || c.Bucket <= 0 || c.MaxTime <= 0:
		return bad("non-positive interval")
	case !(c.SizeSpread >= 0 && c.SizeSpread < 1):
		return bad("size spread %v", c.SizeSpread)
	case c.ArrivalTau < 0:
		return bad("arrival tau %v", c.ArrivalTau)
	case c.Torrents+c.Clients >= maxNodes:
		return bad("%d torrents and %d clients, at most %d nodes", c.Torrents, c.Clients, maxNodes-1)
	case c.MaxTime/c.Bucket >= maxBuckets/2:
		return bad("%v buckets over %v: at most %d", c.Bucket, c.MaxTime, maxBuckets/2-1)
	}
	total := 0.0
	for _, b := range c.Classes {
		if !(b.Share > 0) || math.IsInf(b.Share, 0) || b.Up <= 0 || b.Down <= 0 {
			return bad("bandwidth class %+v", b)
		}
		total += b.Share
	}
	return nil
}
