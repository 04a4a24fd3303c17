package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/auctiondemo"
)

func init() {
	register(chapter{order: 30, name: "auction", title: "BitStore's chunk market: second-price auctions and blind-signature tokens (paper 002, package auction)",
		run: func(w io.Writer, seed uint64) error { return auctiondemo.Run(w, auctiondemo.TourConfig(seed)) }})
}
