package pacomchan

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Block sizes. Every block a [Link] serves has the size of the block that
// was requested: [LinkConfig.BlockSize] in general, less for the last block
// of a file.
const (
	// BlockSize is the default block size: the 16 KiB block of BitTorrent.
	BlockSize = 16 << 10
	// MinBlockSize is the smallest block that carries anything. A shorter
	// block (the short last block of a file) is filler: random bytes that
	// carry nothing and that the receiver ignores.
	MinBlockSize = 64
	// MaxBlockSize is the largest block size a [Link] accepts (128 KiB, the
	// largest request most BitTorrent clients honour).
	MaxBlockSize = 128 << 10
	// BlockOverhead is the number of bytes of a sealed block that are not
	// payload: the 8-byte protected sequence number, the 4-byte length
	// prefix and the 16-byte AEAD tag.
	BlockOverhead = seqSize + lenPrefixSize + chacha20poly1305.Overhead
	// DefaultRotateAfter is the default number of blocks sealed under one
	// key before the key rotates: 2^16 blocks, 1 GiB at 16 KiB.
	DefaultRotateAfter = 1 << 16
	// MaxRotateAfter bounds [LinkConfig.RotateAfter]: a key never seals more
	// than 2^32 blocks.
	MaxRotateAfter = 1 << 32
	// MaxEpochJump is how many key rotations ahead of the newest opened
	// block a block may be: a gap of more than MaxEpochJump·RotateAfter
	// lost blocks cannot be crossed (2^18 blocks, 4 GiB, by default).
	MaxEpochJump = 4

	seqSize       = 8
	lenPrefixSize = 4
	helloKeySize  = 32
	helloAckSize  = 16
	sampleSize    = 16 // ciphertext bytes that mask the sequence number
)

// Errors returned by [Link]. No error of [Link.OpenBlock] changes the
// link's state, so after any refused block the next genuine one still
// opens; the exception is [ErrBadLength], whose block is authentic (only a
// broken peer holding the key sends one) and is consumed like any other.
var (
	ErrBlockSize    = errors.New("pacomchan: block has the wrong size")
	ErrSegmentSize  = errors.New("pacomchan: segment does not fit in a block")
	ErrEmptySegment = errors.New("pacomchan: empty data segment")
	ErrAuth         = errors.New("pacomchan: block failed authentication (forged, tampered or from another key)")
	ErrBlockReplay  = errors.New("pacomchan: block already received or older than the replay window")
	ErrBadHello     = errors.New("pacomchan: invalid Diffie–Hellman half")
	ErrReflectedKey = errors.New("pacomchan: peer sent our own Diffie–Hellman half")
	ErrBadLength    = errors.New("pacomchan: authenticated block with an impossible length field")
	ErrExhausted    = errors.New("pacomchan: block sequence numbers exhausted")
)

// LinkConfig parameterises a [Link]. The zero value selects the defaults.
type LinkConfig struct {
	// BlockSize is the size of a whole block, [BlockSize] if zero. Both
	// ends of a link must agree on it.
	BlockSize int
	// RotateAfter is the number of blocks each direction seals under one
	// key before the key is replaced by a one-way derivation of itself;
	// [DefaultRotateAfter] if zero, at most [MaxRotateAfter].
	RotateAfter uint64
}

// Link is one end of the neighbour-to-neighbour channel of PACOM §3.4
// between two PACOM clients that exchange blocks of a PACOM file over one
// BitTorrent connection. Use one Link per connection: BitTorrent opens one
// connection per torrent, so two clients sharing two swarms have two links.
//
// # Handshake
//
// Until the channel is confirmed, every block a Link serves is a handshake
// block: its X25519 half g^x (top bit randomised), then — once the peer's
// half g^y has arrived — a 16-byte acknowledgement derived from g^xy, then
// random bytes. A side is confirmed when it receives the peer's
// acknowledgement of its half, or a sealed block that opens; only then does
// it seal data. Handshake blocks may be lost, reordered and duplicated: a
// side keeps serving them until confirmed.
//
// # Sealed blocks
//
// A sealed block of n bytes is
//
//	seq ⊕ AES_hp(sample)[:8] ‖ ChaCha20-Poly1305_k(nonce = seq; len ‖ data ‖ zero padding)
//
// with seq the direction's 64-bit block sequence number, k the direction's
// current key and sample the first 16 ciphertext bytes (the header
// protection of RFC 9001 §5.4 and RFC 9147 §4.2.3): the sequence number is
// explicit, bound into the AEAD through the nonce, and hidden from
// observers, so every byte of a block looks random. Every
// [LinkConfig.RotateAfter] sequence numbers the direction's key is replaced
// by a BLAKE3 derivation of itself.
//
// # What is tolerated
//
// The receiver accepts each sequence number once within a sliding window of
// [ReplayWindow] numbers behind the highest opened, so blocks may be lost
// (any number, up to [MaxEpochJump] key rotations in a row), reordered by
// fewer than [ReplayWindow] positions and across at most one key rotation,
// and duplicated: a duplicate or a block behind the window is refused with
// [ErrBlockReplay], a forged or tampered block with [ErrAuth]; both are
// counted in [LinkStats] and neither changes the link. Blocks shorter than
// [MinBlockSize] are filler and are ignored. A Link is not safe for
// concurrent use.
type Link struct {
	blockSize   int
	rotateAfter uint64
	rnd         io.Reader

	priv  *ecdh.PrivateKey
	hello [helloKeySize]byte // our public key, canonical (top bit clear)

	peerHello [helloKeySize]byte
	haveHello bool // the peer's half has arrived: keys are set
	confirmed bool // the peer has our half: we may seal

	ack, peerAck [helloAckSize]byte // our acknowledgement, the peer's

	send    sendDirection
	recv    recvDirection
	scratch scratch

	stats LinkStats
}

// LinkStats counts the blocks a [Link] has served and received.
type LinkStats struct {
	HelloSent, DataSent, DummySent, FillerSent uint64
	HelloRecv, DataRecv, DummyRecv, FillerRecv uint64
	// Rejected counts every block OpenBlock refused; Replays and Forgeries
	// count the duplicates (and blocks behind the window) and the blocks
	// that failed authentication among them.
	Rejected, Replays, Forgeries uint64
	Rotations                    uint64 // key rotations, both directions
}

// NewLink returns a Link with a fresh X25519 key drawn from rnd; a nil rnd
// means crypto/rand.Reader. The same reader fills the random part of
// handshake and filler blocks.
func NewLink(rnd io.Reader, cfg LinkConfig) (*Link, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if cfg.BlockSize == 0 {
		cfg.BlockSize = BlockSize
	}
	if cfg.RotateAfter == 0 {
		cfg.RotateAfter = DefaultRotateAfter
	}
	if cfg.BlockSize < MinBlockSize || cfg.BlockSize > MaxBlockSize {
		return nil, fmt.Errorf("pacomchan: block size %d outside [%d, %d]", cfg.BlockSize, MinBlockSize, MaxBlockSize)
	}
	if cfg.RotateAfter > MaxRotateAfter {
		return nil, fmt.Errorf("pacomchan: RotateAfter %d above %d", cfg.RotateAfter, uint64(MaxRotateAfter))
	}
	var seed [32]byte
	if _, err := io.ReadFull(rnd, seed[:]); err != nil {
		return nil, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	priv, err := ecdh.X25519().NewPrivateKey(seed[:])
	clear(seed[:])
	// mutation: unreachable — X25519 refuses only a seed that is not 32 bytes.
	if err != nil {
		return nil, fmt.Errorf("pacomchan: %w", err)
	}
	l := &Link{blockSize: cfg.BlockSize, rotateAfter: cfg.RotateAfter, rnd: rnd, priv: priv}
	copy(l.hello[:], priv.PublicKey().Bytes())
	return l, nil
}

// BlockSize returns the size of a whole block.
func (l *Link) BlockSize() int { return l.blockSize }

// MaxSegment returns the largest segment a whole block carries:
// BlockSize − [BlockOverhead].
func (l *Link) MaxSegment() int { return l.blockSize - BlockOverhead }

// Ready reports whether the channel is confirmed, so that
// [Link.SealBlock] carries data.
func (l *Link) Ready() bool { return l.confirmed }

// Stats returns the link's counters.
func (l *Link) Stats() LinkStats { return l.stats }

// SealBlock appends to dst the next whole block to serve to the peer; see
// [Link.SealBlockSize].
func (l *Link) SealBlock(dst, seg []byte) (block []byte, carried bool, err error) {
	return l.SealBlockSize(dst, seg, l.blockSize)
}

// SealBlockSize appends to dst the next block of size bytes to serve to the
// peer and returns the extended slice; size is the length the peer
// requested, at most [Link.BlockSize]. If the channel is confirmed, the
// block is E_k{len(seg), seg} when seg is non-empty and E_k{0, pad} when seg
// is nil or empty, and carried reports whether seg went out. Before
// confirmation the block is a handshake block, and a block shorter than
// [MinBlockSize] is filler; in both cases carried is false and the caller
// keeps seg queued. A segment longer than size − [BlockOverhead] is an
// error.
func (l *Link) SealBlockSize(dst, seg []byte, size int) (block []byte, carried bool, err error) {
	if size <= 0 || size > l.blockSize {
		return dst, false, fmt.Errorf("%w: %d bytes, want 1 to %d", ErrBlockSize, size, l.blockSize)
	}
	if size < MinBlockSize {
		l.stats.FillerSent++
		return l.randomBlock(dst, size)
	}
	if len(seg) > size-BlockOverhead {
		return dst, false, fmt.Errorf("%w: %d bytes, at most %d", ErrSegmentSize, len(seg), size-BlockOverhead)
	}
	if !l.confirmed {
		l.stats.HelloSent++
		return l.helloBlock(dst, size)
	}
	block, err = l.seal(dst, seg, size)
	if err != nil {
		return dst, false, err
	}
	if len(seg) == 0 {
		l.stats.DummySent++
		return block, false, nil
	}
	l.stats.DataSent++
	return block, true, nil
}

// OpenBlock authenticates and decrypts a block received from the peer. It
// uses the spare capacity of buf as scratch space (block itself is not
// modified) and returns the carried segment, which aliases that space, or a
// nil segment for a dummy, handshake or filler block. A refused block
// returns an error and leaves the link unchanged.
func (l *Link) OpenBlock(buf, block []byte) (seg []byte, err error) {
	if len(block) > l.blockSize || len(block) == 0 {
		l.stats.Rejected++
		return nil, fmt.Errorf("%w: %d bytes, want 1 to %d", ErrBlockSize, len(block), l.blockSize)
	}
	if len(block) < MinBlockSize {
		l.stats.FillerRecv++
		return nil, nil
	}
	if !l.haveHello {
		// The peer cannot seal before it has our half, and we send our
		// acknowledgement only once we have its half: the first block of
		// the peer that reaches us is a handshake block.
		if err := l.acceptHello(block); err != nil {
			l.stats.Rejected++
			return nil, err
		}
		l.stats.HelloRecv++
		return nil, nil
	}
	if l.isPeerHello(block) {
		// A repeated, late or duplicated handshake block.
		if !l.confirmed && l.checkAck(block) {
			l.confirmed = true
		}
		l.stats.HelloRecv++
		return nil, nil
	}
	seg, err = l.open(buf[:0], block)
	if err != nil {
		l.stats.Rejected++
		switch {
		case errors.Is(err, ErrBlockReplay):
			l.stats.Replays++
		case errors.Is(err, ErrAuth):
			l.stats.Forgeries++
		}
		return nil, err
	}
	l.confirmed = true
	if seg == nil {
		l.stats.DummyRecv++
	} else {
		l.stats.DataRecv++
	}
	return seg, nil
}

// scratch holds the nonce and mask of one block, kept in the link so that
// passing them to the ciphers' interfaces does not allocate.
type scratch struct {
	nonce [chacha20poly1305.NonceSize]byte
	mask  [16]byte
}

// setNonce writes the 12-byte nonce of sequence number seq: four zero
// bytes, then seq big-endian.
func (s *scratch) setNonce(seq uint64) []byte {
	binary.BigEndian.PutUint64(s.nonce[4:], seq)
	return s.nonce[:]
}

// seal appends a sealed block of size bytes carrying seg to dst.
func (l *Link) seal(dst, seg []byte, size int) ([]byte, error) {
	d := &l.send
	if d.seq == ^uint64(0) {
		return dst, ErrExhausted
	}
	if e := d.seq / l.rotateAfter; e != d.epoch {
		// mutation: unreachable — rotate fails only as newDirKey does, never on a 32-byte key.
		if err := d.rotate(); err != nil {
			return dst, err
		}
		l.stats.Rotations++
	}
	start := len(dst)
	dst = grow(dst, size)
	b := dst[start:]
	pt := b[seqSize : size-chacha20poly1305.Overhead]
	binary.BigEndian.PutUint32(pt, uint32(len(seg)))
	copy(pt[lenPrefixSize:], seg)
	clear(pt[lenPrefixSize+len(seg):])
	sc := &l.scratch
	d.aead.Seal(pt[:0], sc.setNonce(d.seq), pt, nil)
	d.hp.Encrypt(sc.mask[:], b[seqSize:seqSize+sampleSize])
	binary.BigEndian.PutUint64(b, d.seq^binary.BigEndian.Uint64(sc.mask[:]))
	d.seq++
	return dst, nil
}

// open authenticates a sealed block, appending its plaintext to dst, and
// returns the segment; the receive state changes only if the block opens.
func (l *Link) open(dst, block []byte) ([]byte, error) {
	d := &l.recv
	sc := &l.scratch
	d.hp.Encrypt(sc.mask[:], block[seqSize:seqSize+sampleSize])
	seq := binary.BigEndian.Uint64(block) ^ binary.BigEndian.Uint64(sc.mask[:])
	verdict := d.window.check(seq)
	epoch := seq / l.rotateAfter
	aead, next, err := d.keyFor(epoch)
	if err != nil {
		// mutation: equivalent — refused either way; only the counter differs, and only for seq 2^64 − 1.
		if verdict != windowNew {
			return nil, ErrBlockReplay
		}
		return nil, err
	}
	start := len(dst)
	out, err := aead.Open(dst, sc.setNonce(seq), block[seqSize:], nil)
	if err != nil {
		return nil, ErrAuth
	}
	if verdict != windowNew {
		return nil, fmt.Errorf("%w: sequence number %d", ErrBlockReplay, seq)
	}
	d.window.mark(seq)
	if next != nil {
		l.stats.Rotations += next.cur.epoch - d.cur.epoch
		d.prev, d.havePrev = next.prev, true
		d.cur = next.cur
	}
	pt := out[start:]
	size := int(binary.BigEndian.Uint32(pt))
	if size > len(pt)-lenPrefixSize {
		// Authentic, so the peer is broken; the block is consumed.
		return nil, fmt.Errorf("%w: %d", ErrBadLength, size)
	}
	if size == 0 {
		return nil, nil
	}
	return pt[lenPrefixSize : lenPrefixSize+size], nil
}

// grow extends dst by n bytes, reallocating only if needed.
func grow(dst []byte, n int) []byte {
	// mutation: equivalent — it saves an allocation; the bytes returned are the same.
	if cap(dst)-len(dst) >= n {
		return dst[:len(dst)+n]
	}
	out := make([]byte, len(dst)+n)
	copy(out, dst)
	return out
}

// randomBlock appends size random bytes to dst.
func (l *Link) randomBlock(dst []byte, size int) ([]byte, bool, error) {
	start := len(dst)
	dst = grow(dst, size)
	if _, err := io.ReadFull(l.rnd, dst[start:]); err != nil {
		return dst[:start], false, fmt.Errorf("pacomchan: reading randomness: %w", err)
	}
	return dst, false, nil
}
