package steg

import "errors"

// Errors returned by this package. Functions wrap them with %w and details;
// test for them with [errors.Is].
var (
	ErrKeySize       = errors.New("steg: wrong key size")
	ErrBlocks        = errors.New("steg: number of pieces out of range")
	ErrFunctions     = errors.New("steg: number of functions out of range")
	ErrWindow        = errors.New("steg: window out of range")
	ErrSymbol        = errors.New("steg: symbol out of range")
	ErrBlockRange    = errors.New("steg: piece index out of range")
	ErrDuplicate     = errors.New("steg: duplicate piece")
	ErrShortSequence = errors.New("steg: sequence shorter than the window")
	ErrMismatch      = errors.New("steg: family and picker disagree on the number of pieces")
	ErrComplete      = errors.New("steg: no piece is missing")
	ErrNoneAvailable = errors.New("steg: no missing piece is available")
	ErrStalled       = errors.New("steg: no piece of the hiding class is available")
	ErrNotReserved   = errors.New("steg: piece was not reserved by Next")
	ErrAvailability  = errors.New("steg: availability would become negative")
	ErrPayload       = errors.New("steg: frame payload size out of range")
	ErrFrame         = errors.New("steg: malformed frame")
	ErrSlot          = errors.New("steg: slot length out of range")
	ErrNil           = errors.New("steg: nil argument")

	ErrFrameLength = errors.New("steg: wrong message length")
	ErrUnknownID   = errors.New("steg: unknown message id")
	ErrTruncated   = errors.New("steg: truncated message")
	ErrSpareBits   = errors.New("steg: bitfield spare bits set")
	ErrTrailing    = errors.New("steg: trailing bytes after message")
	ErrTooLarge    = errors.New("steg: message too large")
)
