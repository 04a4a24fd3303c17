package reencrypt

import (
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// BodyOverhead is what sealing adds to a plain piece: the 16-byte Poly1305
// tag of XChaCha20-Poly1305. The nonce is derived, not stored, so a sealed
// body is exactly the plain length plus BodyOverhead, and nothing else.
const BodyOverhead = chacha20poly1305.Overhead

// MinPieceLength is the smallest sealed piece length [PlainPieceSize]
// accepts: twice [BodyOverhead], so that a piece carries more content than
// tag.
const MinPieceLength = 2 * BodyOverhead

// SealedSize returns the length of the sealed body of a plain piece of n
// bytes: n + [BodyOverhead].
func SealedSize(n int) int { return n + BodyOverhead }

// PlainPieceSize returns the plain piece size whose sealed bodies exactly
// fill BitTorrent pieces of pieceLength bytes: pieceLength − [BodyOverhead].
// pieceLength must be a power of two from [MinPieceLength] to
// [MaxPieceSize]; BitTorrent (BEP 3) and its clients use powers of two.
// Content split at this size ([SplitPieces]) and published gives sealed
// bodies that, concatenated, form a torrent of pieceLength-byte pieces whose
// last piece is shorter, as in any torrent: a carrier then sends the bodies
// as ordinary torrent data under ordinary piece hashes.
func PlainPieceSize(pieceLength int) (int, error) {
	if pieceLength < MinPieceLength || pieceLength > MaxPieceSize || pieceLength&(pieceLength-1) != 0 {
		return 0, fmt.Errorf("%w: piece length %d is not a power of two in [%d, %d]", ErrMalformed, pieceLength, MinPieceLength, MaxPieceSize)
	}
	return pieceLength - BodyOverhead, nil
}

// SplitPieces cuts content into plain pieces of [PlainPieceSize](pieceLength)
// bytes, the last one shorter, ready for [Tracker.Publish]. The pieces are
// sub-slices of content, not copies. Empty content, a bad piece length and
// more than [MaxPieces] pieces are errors.
func SplitPieces(content []byte, pieceLength int) ([][]byte, error) {
	n, err := PlainPieceSize(pieceLength)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, fmt.Errorf("%w: empty content", ErrMalformed)
	}
	count := (len(content) + n - 1) / n
	if count > MaxPieces {
		return nil, fmt.Errorf("%w: %d pieces of %d bytes (at most %d)", ErrPieceRange, count, pieceLength, MaxPieces)
	}
	pieces := make([][]byte, 0, count)
	for off := 0; off < len(content); off += n {
		end := min(off+n, len(content))
		pieces = append(pieces, content[off:end:end])
	}
	return pieces, nil
}
