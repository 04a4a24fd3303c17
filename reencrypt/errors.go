package reencrypt

import "errors"

var (
	// ErrMalformed is returned for an encoding of the wrong length or shape.
	ErrMalformed = errors.New("reencrypt: malformed message")
	// ErrPieceRange is returned for a piece index outside the torrent.
	ErrPieceRange = errors.New("reencrypt: piece index out of range")
	// ErrUnknownPeer is returned when the tracker has no such subscriber.
	ErrUnknownPeer = errors.New("reencrypt: unknown peer")
	// ErrWrongTorrent is returned for a message about another torrent.
	ErrWrongTorrent = errors.New("reencrypt: message for another torrent")
	// ErrWrongPeer is returned for a message, key or licence meant for
	// another peer.
	ErrWrongPeer = errors.New("reencrypt: addressed to another peer")
	// ErrSamePeer is returned when a re-key from a peer to itself is asked.
	ErrSamePeer = errors.New("reencrypt: uploader and downloader are the same peer")
	// ErrBadSignature is returned for a licence the tracker did not sign.
	ErrBadSignature = errors.New("reencrypt: licence signature invalid")
	// ErrNoLicence is returned when a peer decrypts before installing a licence.
	ErrNoLicence = errors.New("reencrypt: no licence installed")
	// ErrPolicy is returned when a licence's usage policy forbids the use.
	ErrPolicy = errors.New("reencrypt: usage policy forbids this")
	// ErrDecrypt is returned when a piece does not decrypt: a tampered body
	// or capsule, or a capsule for another peer.
	ErrDecrypt = errors.New("reencrypt: piece does not decrypt")
	// ErrPolluted is returned when a received piece does not match the hash
	// the torrent or the tracker says it must have (§2.3).
	ErrPolluted = errors.New("reencrypt: piece does not match its expected hash")
	// ErrPublished is returned by a second [Tracker.Publish].
	ErrPublished = errors.New("reencrypt: torrent already published")
	// ErrNotPublished is returned when the tracker has no content yet.
	ErrNotPublished = errors.New("reencrypt: torrent not published")
	// ErrGroup is returned for a key of another group than the torrent's.
	ErrGroup = errors.New("reencrypt: key of another group")
	// ErrForbidden is returned when a caller asks for a key it may not
	// have: an upload key asked by anyone but the original seed.
	ErrForbidden = errors.New("reencrypt: caller not authorised")
	// ErrExactGroup is returned when the exact scheme is used outside a
	// mod-p group.
	ErrExactGroup = errors.New("reencrypt: the exact scheme needs a mod-p group")
)
