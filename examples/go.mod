module github.com/swarmblocks/swarmblocks/examples

go 1.26.0

replace (
	github.com/swarmblocks/swarmblocks => ../
	github.com/swarmblocks/swarmblocks/bittorrent => ../bittorrent
	github.com/swarmblocks/swarmblocks/p2p => ../p2p
)

require (
	github.com/cloudflare/circl v1.6.5
	github.com/stretchr/testify v1.12.1
	github.com/swarmblocks/swarmblocks v0.0.0-00010101000000-000000000000
	gonum.org/v1/gonum v0.17.0
	gonum.org/v1/plot v0.17.0
	lukechampine.com/blake3 v1.4.1
)

require (
	codeberg.org/go-fonts/liberation v0.5.0 // indirect
	codeberg.org/go-latex/latex v0.2.0 // indirect
	codeberg.org/go-pdf/fpdf v0.11.1 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	filippo.io/nistec v0.0.4 // indirect
	git.sr.ht/~sbinet/gg v0.7.0 // indirect
	github.com/ajstarks/svgo v0.0.0-20211024235047-1546f124cd8b // indirect
	github.com/bwesterb/go-ristretto v1.2.4 // indirect
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0 // indirect
	github.com/gtank/ristretto255 v0.2.0 // indirect
	github.com/klauspost/cpuid/v2 v2.0.9 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/image v0.30.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
