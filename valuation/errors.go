package valuation

import "errors"

// Errors returned for bad configuration or bad observations. Observations
// come from the network, so every malformed one is reported with one of
// these (wrapped with %w and the offending values), never a panic.
var (
	// ErrWeight is returned for a NaN, infinite or negative weight, for
	// weights that are all zero, and for such a value from a [Valuer].
	ErrWeight = errors.New("valuation: invalid weight")
	// ErrConfig is returned for an out-of-range configuration value other
	// than a weight (a negative half-life, k out of range, ...).
	ErrConfig = errors.New("valuation: invalid configuration")
	// ErrUnknownTorrent is returned for an observation or query about a
	// torrent that was never added with [Market.AddTorrent].
	ErrUnknownTorrent = errors.New("valuation: unknown torrent")
	// ErrUnknownPeer is returned for an observation about a peer that was
	// never added with [Market.AddPeer] (or was removed).
	ErrUnknownPeer = errors.New("valuation: unknown peer")
	// ErrDuplicate is returned when a torrent or peer is added twice.
	ErrDuplicate = errors.New("valuation: already present")
	// ErrPiece is returned for a piece index or piece count out of range.
	ErrPiece = errors.New("valuation: piece out of range")
	// ErrBitfield is returned for a bitfield of the wrong length or with a
	// spare bit set.
	ErrBitfield = errors.New("valuation: malformed bitfield")
	// ErrClockBackwards is returned when an observation or query carries a
	// time earlier than one already seen.
	ErrClockBackwards = errors.New("valuation: clock went backwards")
	// ErrNotMember is returned by [ActiveSet.Complete] for a torrent that is
	// not in the active set.
	ErrNotMember = errors.New("valuation: torrent not in the active set")
	// ErrBytes is returned for a negative byte count.
	ErrBytes = errors.New("valuation: negative byte count")
)
