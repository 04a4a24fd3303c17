package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/realswarmdemo"
)

func init() {
	register(chapter{order: 15, name: "realswarm", title: "A real swarm: the DRM in BitTorrent clients (paper 004, package bittorrent/drm)",
		run: func(w io.Writer, _ uint64) error { return realswarmdemo.Run(w, realswarmdemo.TourConfig()) }})
}
