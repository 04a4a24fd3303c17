package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/stegdemo"
)

func init() {
	register(chapter{order: 40, name: "steg", title: "Hiding a swarm id in the HAVE order (paper 001 Appendix A, package steg)",
		run: func(w io.Writer, seed uint64) error { return stegdemo.Run(w, stegdemo.TourConfig(seed)) }})
}
