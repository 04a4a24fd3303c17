// Package bittorrent adapts the reencrypt, steg and pacomchan packages to
// real BitTorrent clients built on github.com/anacrolix/torrent.
//
// It is a nested module (github.com/swarmblocks/swarmblocks/bittorrent) so
// that importers of the core library never pull in anacrolix/torrent.
package bittorrent
