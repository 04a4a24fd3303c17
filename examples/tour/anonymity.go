package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/anonymitydemo"
)

func init() {
	register(chapter{order: 60, name: "anonymity", title: "Anonymity metrics and traffic-analysis attacks (papers 000 and 001, package anonymity)",
		run: func(w io.Writer, seed uint64) error { return anonymitydemo.Run(w, anonymitydemo.TourConfig(seed)) }})
}
