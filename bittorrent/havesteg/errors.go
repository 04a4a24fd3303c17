package havesteg

import "errors"

// Errors returned by this package. Functions wrap them with %w and details;
// test for them with [errors.Is].
var (
	ErrNil      = errors.New("havesteg: nil argument")
	ErrNoInfo   = errors.New("havesteg: torrent info not known yet")
	ErrMismatch = errors.New("havesteg: family and torrent disagree on the number of pieces")
	ErrConfig   = errors.New("havesteg: configuration out of range")
)
