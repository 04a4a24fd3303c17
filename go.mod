module github.com/swarmblocks/swarmblocks

go 1.26.0

require (
	filippo.io/nistec v0.0.4
	github.com/cloudflare/circl v1.6.5
	github.com/gtank/ristretto255 v0.2.0
	github.com/stretchr/testify v1.12.1
	github.com/zeebo/blake3 v0.2.4
	golang.org/x/crypto v0.58.0
	gonum.org/v1/gonum v0.17.0
	lukechampine.com/blake3 v1.4.1
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/bwesterb/go-ristretto v1.2.4 // indirect
	github.com/klauspost/cpuid/v2 v2.0.12 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
