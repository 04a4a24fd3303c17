package main

import (
	"io"

	"github.com/swarmblocks/swarmblocks/examples/internal/pacomrealdemo"
)

func init() {
	register(chapter{order: 51, name: "pacom-real", title: "PACOM on real sockets: BEP 3 over loopback TCP, a circuit through a lossy link",
		run: func(w io.Writer, seed uint64) error { return pacomrealdemo.Run(w, pacomrealdemo.DefaultConfig(seed)) }})
}
