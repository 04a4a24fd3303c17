module github.com/swarmblocks/swarmblocks/bittorrent

go 1.26.0

replace github.com/swarmblocks/swarmblocks => ../
