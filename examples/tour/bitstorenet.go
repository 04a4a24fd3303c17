package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/bitstorenetdemo"
)

func init() {
	register(chapter{order: 21, name: "bitstorenet", title: "BitStore on a real network: a Chord ring of libp2p hosts stores a file and survives crashes (paper 002 §4, package p2p)",
		run: func(w io.Writer, seed uint64) error { return bitstorenetdemo.Run(w, bitstorenetdemo.TourConfig(seed)) }})
}
