package drm

import "errors"

var (
	// ErrMessage is returned for an extension message that does not decode.
	ErrMessage = errors.New("drm: malformed extension message")
	// ErrRelease is returned for a release whose metainfo and protected
	// torrent do not describe the same sealed data.
	ErrRelease = errors.New("drm: metainfo does not match the protected torrent")
	// ErrIncomplete is returned when the content is read before every body
	// and capsule has arrived.
	ErrIncomplete = errors.New("drm: download incomplete")
	// ErrCapsuleFile is returned for a capsule file that does not decode.
	ErrCapsuleFile = errors.New("drm: malformed capsule file")
	// ErrRegistered is returned when a torrent is added to a carrier twice.
	ErrRegistered = errors.New("drm: torrent already added to this carrier")
)
