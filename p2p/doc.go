// Package p2p runs the chord package's Chord ring and BitStore storage on a
// real network of go-libp2p hosts.
//
// It is a nested module (github.com/swarmblocks/swarmblocks/p2p) so that
// importers of the core library never pull in go-libp2p.
package p2p
