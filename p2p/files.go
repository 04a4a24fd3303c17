package p2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"

	"github.com/swarmblocks/swarmblocks/chord"
)

// File limits.
const (
	// DefaultChunkSize is the chunk size of [PutFile]: BitTorrent's
	// common piece size.
	DefaultChunkSize = 256 << 10
	// MaxChunkSize is the largest chunk whose sealed form fits in a block.
	MaxChunkSize = chord.MaxBlockSize - chord.Overhead
	// manifestHeader is magic(8) size(8) chunkSize(4) count(4).
	manifestHeader = 24
	// DefaultParallel is the default of FileOptions.Parallel.
	DefaultParallel = 4
	// MaxManifestChunks bounds the chunks of one file: the manifest, a
	// chunk itself, lists their hashes (8 GiB at the default chunk size).
	MaxManifestChunks = (MaxChunkSize - manifestHeader) / 32
)

var manifestMagic = [8]byte{'b', 's', 't', 'o', 'r', 'e', 'm', '1'}

// File errors.
var (
	ErrFileTooLarge = errors.New("p2p: file has more chunks than a manifest lists")
	ErrManifest     = errors.New("p2p: not a BitStore file manifest")
	ErrChunkSize    = errors.New("p2p: chunk size out of range")
)

// FileOptions configures [PutFile] and [GetFile].
type FileOptions struct {
	// ChunkSize is the chunk size of PutFile (default DefaultChunkSize,
	// at most MaxChunkSize).
	ChunkSize int
	// Progress, if set, is called after each chunk with the bytes done and
	// the total, from one goroutine at a time.
	Progress func(done, total int64)
	// Parallel is how many chunks are stored or fetched at once (default
	// DefaultParallel): a chunk's replicas are stored concurrently, but
	// each is a lookup and a store that its storer checks with a call of
	// its own, so several chunks in flight keep the network busy.
	Parallel int
	// Rand draws mget's seller and repaired slots (GetFile); nil means a
	// generator seeded from crypto/rand.
	Rand *rand.Rand
	// Repair is mget's c (see [chord.MGetOptions]).
	Repair int
	// Owners caches the holders of replica slots across the file's
	// chunks, so most mputs and mgets go straight to the holders without
	// a lookup (see [chord.OwnerCache]). Nil means a new cache for each
	// PutFile or GetFile call; a caller that stores or fetches many files
	// can share one.
	Owners *chord.OwnerCache
}

func (o *FileOptions) owners() *chord.OwnerCache {
	if o.Owners == nil {
		return chord.NewOwnerCache(0)
	}
	return o.Owners
}

// PutFile stores the size bytes read from r in the swarm: each chunk is
// sealed under the swarm secret and stored as q_s replicas with
// [chord.Node.MPut], under tickets from issuer; then a manifest (the file
// size, the chunk size and every chunk's hash) is stored the same way.
// The manifest's chunk hash is the file's key, all a swarm member needs to
// fetch it with [GetFile].
func PutFile(ctx context.Context, n *chord.Node, sw *chord.Swarm, issuer chord.TicketIssuer, r io.Reader, size int64, opts FileOptions) ([32]byte, error) {
	cs := opts.ChunkSize
	if cs == 0 {
		cs = DefaultChunkSize
	}
	if cs < 1 || cs > MaxChunkSize {
		return [32]byte{}, fmt.Errorf("%w: %d not in [1, %d]", ErrChunkSize, cs, MaxChunkSize)
	}
	if size < 0 {
		return [32]byte{}, fmt.Errorf("p2p: negative file size %d", size)
	}
	count := (size + int64(cs) - 1) / int64(cs)
	if count > MaxManifestChunks {
		return [32]byte{}, fmt.Errorf("%w: %d chunks of %d bytes, limit %d", ErrFileTooLarge, count, cs, MaxManifestChunks)
	}
	m := make([]byte, manifestHeader, manifestHeader+32*count)
	copy(m, manifestMagic[:])
	binary.BigEndian.PutUint64(m[8:], uint64(size))
	binary.BigEndian.PutUint32(m[16:], uint32(cs))
	binary.BigEndian.PutUint32(m[20:], uint32(count))
	hashes := make([][32]byte, count)
	owners := opts.owners()
	var (
		mu       sync.Mutex
		firstErr error
		done     int64
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	sem := make(chan struct{}, parallel(opts.Parallel))
	var off int64
	// Each chunk in flight has a buffer for the chunk and one for its
	// sealed form, reused by later chunks (and pooled across files at the
	// default chunk size): the storers copy what they keep.
	free := make(chan [2][]byte, cap(sem))
	defer func() {
		for {
			select {
			case b := <-free:
				putChunkBuf(b[0])
				putChunkBuf(b[1])
			default:
				return
			}
		}
	}()
	for i := range count {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		var bufs [2][]byte
		select {
		case bufs = <-free:
		default:
			bufs = [2][]byte{getChunkBuf(cs), getChunkBuf(cs)}
		}
		c := bufs[0][:min(int64(cs), size-off)]
		off += int64(len(c))
		if _, err := io.ReadFull(r, c); err != nil {
			<-sem
			fail(fmt.Errorf("p2p: read chunk %d: %w", i, err))
			break
		}
		wg.Go(func() {
			defer func() {
				free <- bufs
				<-sem
			}()
			res, err := n.MPutWith(ctx, sw, issuer, c, chord.MPutOptions{Owners: owners, Buffer: bufs[1]})
			if err != nil {
				fail(fmt.Errorf("p2p: chunk %d: %w", i, err))
				return
			}
			mu.Lock()
			defer mu.Unlock()
			hashes[i] = res.ChunkHash
			done += int64(len(c))
			if opts.Progress != nil {
				opts.Progress(done, size)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return [32]byte{}, firstErr
	}
	if err := ctx.Err(); err != nil {
		return [32]byte{}, err
	}
	for _, h := range hashes {
		m = append(m, h[:]...)
	}
	res, err := n.MPutWith(ctx, sw, issuer, m, chord.MPutOptions{Owners: owners})
	if err != nil {
		return [32]byte{}, fmt.Errorf("p2p: manifest: %w", err)
	}
	return res.ChunkHash, nil
}

// GetFile fetches the file whose key [PutFile] returned and writes it to w,
// each chunk with [chord.Node.MGet] (which verifies it against its hash
// and lazily repairs its replicas). It returns the bytes written. The
// chunks are fetched directly ([chord.MGetOptions].Direct): from the
// holder of one replica slot after another, found through the file's
// owner cache, with no search among holders and no auction.
func GetFile(ctx context.Context, n *chord.Node, sw *chord.Swarm, issuer chord.TicketIssuer, key [32]byte, w io.Writer, opts FileOptions) (int64, error) {
	rng := opts.Rand
	if rng == nil {
		rng = newRand()
	}
	mo := chord.MGetOptions{Rand: rng, Repair: opts.Repair, Owners: opts.owners(), Direct: true}
	mres, err := n.MGet(ctx, sw, issuer, key, mo)
	if err != nil {
		return 0, fmt.Errorf("p2p: manifest: %w", err)
	}
	size, cs, hashes, err := parseManifest(mres.Chunk)
	if err != nil {
		return 0, err
	}
	// Each fetch draws from its own generator (*rand.Rand is not safe for
	// concurrent use), seeded in chunk order, so the draws do not depend
	// on the goroutines' schedule.
	seeds := make([][2]uint64, len(hashes))
	for i := range seeds {
		seeds[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	fetch := func(ctx context.Context, i int, buf []byte) ([]byte, error) {
		o := mo
		o.Rand = rand.New(rand.NewPCG(seeds[i][0], seeds[i][1]))
		o.Buffer = buf
		res, err := n.MGet(ctx, sw, issuer, hashes[i], o)
		return res.Chunk, err
	}
	return getChunks(ctx, len(hashes), fetch, size, cs, w, opts)
}

// getChunks fetches the chunks of a file with up to opts.Parallel of them
// in flight, and writes them to w in order. The window slides: a new fetch
// starts as soon as the oldest chunk has been written, not when a whole
// batch is done, so one slow chunk delays only itself (an earlier version
// waited for the slowest of each batch, and its four fetches in flight
// were slower than one). At most Parallel chunks are held in memory, and
// their buffers are reused: fetch gets a buffer of cs + chord.Overhead
// bytes that it may return the chunk in, and that buffer goes to a later
// fetch once the chunk has been written.
func getChunks(ctx context.Context, count int, fetch func(ctx context.Context, i int, buf []byte) ([]byte, error), size int64, cs int, w io.Writer, opts FileOptions) (int64, error) {
	type fetched struct {
		chunk, buf []byte
		err        error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	results := make([]chan fetched, count)
	for i := range results {
		results[i] = make(chan fetched, 1) // a fetch never waits for the writer
	}
	sem := make(chan struct{}, parallel(opts.Parallel))
	free := make(chan []byte, parallel(opts.Parallel))
	wg.Go(func() {
		for i := range count {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			var buf []byte
			select {
			case buf = <-free:
			default:
				buf = getChunkBuf(cs)
			}
			wg.Go(func() {
				c, err := fetch(ctx, i, buf)
				results[i] <- fetched{c, buf, err}
			})
		}
	})
	defer func() {
		for {
			select {
			case b := <-free:
				putChunkBuf(b)
			default:
				return
			}
		}
	}()
	var done int64
	for i := range count {
		var f fetched
		select {
		case f = <-results[i]:
		case <-ctx.Done():
			return done, ctx.Err()
		}
		if f.err != nil {
			return done, fmt.Errorf("p2p: chunk %d: %w", i, f.err)
		}
		want := min(int64(cs), size-done)
		if int64(len(f.chunk)) != want {
			return done, fmt.Errorf("%w: chunk %d has %d bytes, want %d", ErrManifest, i, len(f.chunk), want)
		}
		if _, err := w.Write(f.chunk); err != nil {
			return done, fmt.Errorf("p2p: write: %w", err)
		}
		// The buffer goes back before the slot: the next fetch finds it.
		free <- f.buf
		<-sem
		done += want
		if opts.Progress != nil {
			opts.Progress(done, size)
		}
	}
	return done, nil
}

// chunkBufs pools the chunk buffers of GetFile at the default chunk size,
// so that fetching many files does not allocate Parallel buffers each.
var chunkBufs = sync.Pool{New: func() any { b := make([]byte, 0, DefaultChunkSize+chord.Overhead); return &b }}

// getChunkBuf returns an empty buffer with room for a sealed chunk of
// size cs.
func getChunkBuf(cs int) []byte {
	if cs == DefaultChunkSize {
		return (*chunkBufs.Get().(*[]byte))[:0]
	}
	return make([]byte, 0, cs+chord.Overhead)
}

func putChunkBuf(b []byte) {
	if cap(b) == DefaultChunkSize+chord.Overhead {
		chunkBufs.Put(&b)
	}
}

func parallel(p int) int {
	if p <= 0 {
		return DefaultParallel
	}
	return p
}

func parseManifest(m []byte) (size int64, chunkSize int, hashes [][32]byte, err error) {
	if len(m) < manifestHeader || !bytes.Equal(m[:8], manifestMagic[:]) {
		return 0, 0, nil, ErrManifest
	}
	u := binary.BigEndian.Uint64(m[8:])
	cs := int(binary.BigEndian.Uint32(m[16:]))
	count := int(binary.BigEndian.Uint32(m[20:]))
	if cs < 1 || cs > MaxChunkSize || count > MaxManifestChunks || len(m) != manifestHeader+32*count ||
		u > uint64(count)*uint64(cs) || (count > 0 && u <= uint64(count-1)*uint64(cs)) {
		return 0, 0, nil, fmt.Errorf("%w: inconsistent header", ErrManifest)
	}
	hashes = make([][32]byte, count)
	for i := range hashes {
		copy(hashes[i][:], m[manifestHeader+32*i:])
	}
	return int64(u), cs, hashes, nil
}
