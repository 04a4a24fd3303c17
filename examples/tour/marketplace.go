package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/internal/marketsim"
)

func init() {
	register(chapter{order: 70, name: "marketplace", title: "The BitTorrent Anonymity Marketplace: valuation, active sets and cover traffic (paper 000, package valuation)",
		run: func(w io.Writer, seed uint64) error { return marketsim.Tour(w, seed) }})
}
