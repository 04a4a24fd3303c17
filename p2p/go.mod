module github.com/swarmblocks/swarmblocks/p2p

go 1.26.0

replace github.com/swarmblocks/swarmblocks => ../
