package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/swarmmodeldemo"
)

func init() {
	register(chapter{order: 80, name: "swarmmodel", title: "Torrent evolution and multi-torrent collaboration (paper 003, package swarmmodel)",
		run: func(w io.Writer, seed uint64) error { return swarmmodeldemo.Run(w, swarmmodeldemo.TourConfig(seed)) }})
}
