package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/drmdemo"
)

func init() {
	register(chapter{order: 10, name: "drm", title: "Runtime re-encryption DRM (paper 004, package reencrypt)",
		run: func(w io.Writer, _ uint64) error { return drmdemo.Run(w, drmdemo.TourConfig()) }})
}
