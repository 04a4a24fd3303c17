package p2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

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
	// the total.
	Progress func(done, total int64)
	// Rand draws mget's seller and repaired slots (GetFile); nil means a
	// generator seeded from crypto/rand.
	Rand *rand.Rand
	// Repair is mget's c (see [chord.MGetOptions]).
	Repair int
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
	buf := make([]byte, cs)
	var done int64
	for i := range count {
		c := buf[:min(int64(cs), size-done)]
		if _, err := io.ReadFull(r, c); err != nil {
			return [32]byte{}, fmt.Errorf("p2p: read chunk %d: %w", i, err)
		}
		res, err := n.MPut(ctx, sw, issuer, c)
		if err != nil {
			return [32]byte{}, fmt.Errorf("p2p: chunk %d: %w", i, err)
		}
		m = append(m, res.ChunkHash[:]...)
		done += int64(len(c))
		if opts.Progress != nil {
			opts.Progress(done, size)
		}
	}
	res, err := n.MPut(ctx, sw, issuer, m)
	if err != nil {
		return [32]byte{}, fmt.Errorf("p2p: manifest: %w", err)
	}
	return res.ChunkHash, nil
}

// GetFile fetches the file whose key [PutFile] returned and writes it to w,
// each chunk with [chord.Node.MGet] (which verifies it against its hash
// and lazily repairs its replicas). It returns the bytes written.
func GetFile(ctx context.Context, n *chord.Node, sw *chord.Swarm, issuer chord.TicketIssuer, key [32]byte, w io.Writer, opts FileOptions) (int64, error) {
	rng := opts.Rand
	if rng == nil {
		rng = newRand()
	}
	mo := chord.MGetOptions{Rand: rng, Repair: opts.Repair}
	mres, err := n.MGet(ctx, sw, issuer, key, mo)
	if err != nil {
		return 0, fmt.Errorf("p2p: manifest: %w", err)
	}
	size, cs, hashes, err := parseManifest(mres.Chunk)
	if err != nil {
		return 0, err
	}
	var done int64
	for i, h := range hashes {
		res, err := n.MGet(ctx, sw, issuer, h, mo)
		if err != nil {
			return done, fmt.Errorf("p2p: chunk %d: %w", i, err)
		}
		want := min(int64(cs), size-done)
		if int64(len(res.Chunk)) != want {
			return done, fmt.Errorf("%w: chunk %d has %d bytes, want %d", ErrManifest, i, len(res.Chunk), want)
		}
		if _, err := w.Write(res.Chunk); err != nil {
			return done, fmt.Errorf("p2p: write: %w", err)
		}
		done += want
		if opts.Progress != nil {
			opts.Progress(done, size)
		}
	}
	return done, nil
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
