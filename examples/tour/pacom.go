package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/pacomdemo"
)

func init() {
	register(chapter{order: 50, name: "pacom", title: "PACOM: covert channels, circuits and bootstrapping in BitTorrent traffic",
		run: func(w io.Writer, seed uint64) error { return pacomdemo.Run(w, pacomdemo.TourConfig(seed)) }})
}
