// Package bittorrent adapts the reencrypt, steg and pacomchan packages to
// real BitTorrent clients built on github.com/anacrolix/torrent.
//
// Package [github.com/swarmblocks/swarmblocks/bittorrent/drm] carries the
// runtime re-encryption DRM of package reencrypt: sealed bodies as ordinary
// torrent data, per-downloader capsules in a BEP 10 extension message.
// Package [github.com/swarmblocks/swarmblocks/bittorrent/havesteg] carries
// the HAVE-order steganography of package steg: piece priorities steered by
// a steg plan (one symbol, bursts or a framed payload), HAVEs decoded per
// connection.
//
// The module pins github.com/anacrolix/torrent v1.61.0, the newest release
// that builds here: v1.62.0 needs a github.com/anacrolix/go-utp version the
// Go module proxy refuses.
//
// It is a nested module (github.com/swarmblocks/swarmblocks/bittorrent) so
// that importers of the core library never pull in anacrolix/torrent.
package bittorrent
