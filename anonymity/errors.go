package anonymity

import "errors"

// Errors returned for bad input. Functions wrap them with %w and detail, so
// test with [errors.Is].
var (
	// ErrEmpty is returned for an empty distribution, sample or pattern.
	ErrEmpty = errors.New("anonymity: empty input")
	// ErrNegative is returned for a negative probability, weight or count.
	ErrNegative = errors.New("anonymity: negative value")
	// ErrNonFinite is returned for a NaN or infinite value.
	ErrNonFinite = errors.New("anonymity: NaN or infinite value")
	// ErrNotNormalisable is returned for weights that sum to zero (or whose
	// sum overflows), which no scaling turns into a distribution.
	ErrNotNormalisable = errors.New("anonymity: distribution not normalisable")
	// ErrLengthMismatch is returned when vectors that must have equal
	// lengths do not.
	ErrLengthMismatch = errors.New("anonymity: length mismatch")
	// ErrParameter is returned for an out-of-range parameter.
	ErrParameter = errors.New("anonymity: parameter out of range")
	// ErrTimeBackwards is returned for a trace or log whose timestamps go
	// backwards, or an interval that ends before it starts.
	ErrTimeBackwards = errors.New("anonymity: time goes backwards")
	// ErrMalformedLog is returned for an event log that is inconsistent
	// (an end without a start, a torrent started twice, an unknown kind).
	ErrMalformedLog = errors.New("anonymity: malformed event log")
)
