package pacomchan

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"golang.org/x/crypto/chacha20"
	"lukechampine.com/blake3"
)

// Defaults of a PACOM file. One piece is one block, so that a BitTorrent
// HAVE acknowledges exactly one block (the client of package
// pacomchan/pacomnet relies on it), and the file is small enough that its
// info-hash costs about a millisecond.
const (
	DefaultFileLength = 1 << 20
	// MaxFileLength bounds [FileSpec.Length]: 2^24 pieces of 16 KiB.
	MaxFileLength  = 1 << 38
	kdfContextFile = "swarmblocks.dev pacomchan v2 PACOM file content"
)

// ErrFileSpec is returned for a PACOM file specification out of range.
var ErrFileSpec = errors.New("pacomchan: invalid PACOM file specification")

// FileSpec sets the size of a PACOM file; zero fields take the defaults
// ([DefaultFileLength], pieces of [BlockSize]).
type FileSpec struct {
	Length      int64
	PieceLength int
}

// FileInfo is the x-th PACOM file of a bootstrapping node on a given date
// (Eq. 4 of [PACOM §3.3]): a real single-file torrent that every client
// derives alike from (x, IP(P_b), d). Its content is the ChaCha20 key
// stream under a key derived with BLAKE3 from (x, IP(P_b), d), its info
// dictionary is
//
//	d6:lengthi<L>e4:name<n>:pacom-<hex>12:piece lengthi<P>e6:pieces<20·N>:<SHA-1 of each piece>e
//
// in canonical bencoding (keys sorted), and I_x is the SHA-1 of that
// dictionary, so a client finds the swarm with the DHT's get_peers(I_x)
// (BEP 5) and can fetch and check the metadata with BEP 9 like any other
// torrent's. Ordinary BitTorrent clients that download it get genuine,
// verifiable pieces (Algorithm 1, lines 21–22).
//
// Warning: anyone who knows (x, IP(P_b), d) — x is at most 100, the
// address and the date are easy to guess — can recompute the file, and so
// recognise a PACOM swarm and tell a sealed block from a genuine piece.
type FileInfo struct {
	x           int
	ip          netip.Addr
	day         string
	length      int64
	pieceLength int
	key         [32]byte
	info        []byte
	hash        InfoHash
	pieces      int
}

// NewFileInfo derives the x-th PACOM file of the bootstrapping node at ip
// on the UTC date of day. It generates the content once to hash its pieces.
func NewFileInfo(x int, ip netip.Addr, day time.Time, spec FileSpec) (*FileInfo, error) {
	if spec.Length == 0 {
		spec.Length = DefaultFileLength
	}
	if spec.PieceLength == 0 {
		spec.PieceLength = BlockSize
	}
	switch {
	case !ip.IsValid():
		return nil, fmt.Errorf("%w: invalid address", ErrFileSpec)
	case x < 1 || x > MaxFiles:
		return nil, fmt.Errorf("%w: x = %d not in [1, %d]", ErrFileSpec, x, MaxFiles)
	case spec.Length < 1 || spec.Length > MaxFileLength:
		return nil, fmt.Errorf("%w: length %d", ErrFileSpec, spec.Length)
	case spec.PieceLength < MinBlockSize || spec.PieceLength > MaxBlockSize || spec.PieceLength%64 != 0:
		return nil, fmt.Errorf("%w: piece length %d", ErrFileSpec, spec.PieceLength)
	case (spec.Length+int64(spec.PieceLength)-1)/int64(spec.PieceLength) > maxSwarmBlocks:
		return nil, fmt.Errorf("%w: more than %d pieces", ErrFileSpec, maxSwarmBlocks)
	}
	f := &FileInfo{x: x, ip: ip.Unmap(), day: day.UTC().Format(time.DateOnly), length: spec.Length, pieceLength: spec.PieceLength}
	f.pieces = int((spec.Length + int64(spec.PieceLength) - 1) / int64(spec.PieceLength))
	var ikm []byte
	ikm = binary.BigEndian.AppendUint32(ikm, uint32(x))
	a := f.ip.As16()
	ikm = append(ikm, a[:]...)
	ikm = append(ikm, f.day...)
	blake3.DeriveKey(f.key[:], kdfContextFile, ikm)

	name := fmt.Sprintf("pacom-%x", blake3.Sum256(append(f.key[:], "name"...))) // opaque, stable
	name = name[:6+16]
	info := []byte("d6:lengthi")
	info = strconv.AppendInt(info, spec.Length, 10)
	info = append(info, "e4:name"...)
	info = strconv.AppendInt(info, int64(len(name)), 10)
	info = append(info, ':')
	info = append(info, name...)
	info = append(info, "12:piece lengthi"...)
	info = strconv.AppendInt(info, int64(spec.PieceLength), 10)
	info = append(info, "e6:pieces"...)
	info = strconv.AppendInt(info, int64(20*f.pieces), 10)
	info = append(info, ':')
	buf := make([]byte, 0, spec.PieceLength)
	for i := range f.pieces {
		buf = f.AppendPiece(buf[:0], i)
		sum := sha1.Sum(buf)
		info = append(info, sum[:]...)
	}
	info = append(info, 'e')
	f.info = info
	f.hash = sha1.Sum(info)
	return f, nil
}

// InfoHash returns I_x, the SHA-1 of the info dictionary.
func (f *FileInfo) InfoHash() InfoHash { return f.hash }

// InfoDict returns a copy of the bencoded info dictionary: the metadata a
// BEP 9 peer serves.
func (f *FileInfo) InfoDict() []byte { return append([]byte(nil), f.info...) }

// X returns the file's local id x.
func (f *FileInfo) X() int { return f.x }

// Length returns the file's length in bytes.
func (f *FileInfo) Length() int64 { return f.length }

// PieceLength returns the length of every piece but the last.
func (f *FileInfo) PieceLength() int { return f.pieceLength }

// Pieces returns the number of pieces.
func (f *FileInfo) Pieces() int { return f.pieces }

// PieceSize returns the length of piece i (the last may be shorter), or 0
// if i is out of range.
func (f *FileInfo) PieceSize(i int) int {
	if i < 0 || i >= f.pieces {
		return 0
	}
	if i == f.pieces-1 {
		return int(f.length - int64(i)*int64(f.pieceLength))
	}
	return f.pieceLength
}

// AppendPiece appends the genuine content of piece i to dst (nothing if i
// is out of range).
func (f *FileInfo) AppendPiece(dst []byte, i int) []byte {
	n := f.PieceSize(i)
	// mutation: equivalent — with n = 0 the rest grows dst by nothing and XORs no bytes, so dst comes back as it was.
	if n == 0 {
		return dst
	}
	start := len(dst)
	dst = grow(dst, n)
	out := dst[start:]
	clear(out)
	var nonce [chacha20.NonceSize]byte
	c, err := chacha20.NewUnauthenticatedCipher(f.key[:], nonce[:])
	if err != nil {
		panic(err) // fixed sizes: cannot happen
	}
	c.SetCounter(uint32(int64(i) * int64(f.pieceLength) / 64))
	c.XORKeyStream(out, out)
	return dst
}
