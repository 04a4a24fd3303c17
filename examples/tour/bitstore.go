package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/bitstoredemo"
)

func init() {
	register(chapter{order: 20, name: "bitstore", title: "BitStore's storage network: Chord, replicas, mput/mget under failures (paper 002 §4, package chord)",
		run: func(w io.Writer, seed uint64) error { return bitstoredemo.Run(w, bitstoredemo.TourConfig(seed)) }})
}
