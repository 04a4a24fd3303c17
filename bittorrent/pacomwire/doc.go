// Package pacomwire holds the independent-implementation tests of the
// BitTorrent side of PACOM: the BEP 3 codec of package peerwire against
// github.com/anacrolix/torrent's peer_protocol, byte for byte; every byte
// a PACOM client of package pacomchan/pacomnet sends, both directions of a
// whole connection, decoded by anacrolix's decoder; a PACOM file's info
// dictionary parsed by anacrolix's metainfo; and an ordinary anacrolix
// BitTorrent client joining a PACOM swarm, which downloads and verifies
// the file while the PACOM circuit through the same clients keeps working.
//
// The package has no API: it is a nested-module home for tests that need
// anacrolix/torrent, which the core module does not import.
package pacomwire
