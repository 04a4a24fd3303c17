package chord

// SealUnderHashForTest seals pt under the key and nonce of chunk hash ch,
// whatever pt's own hash: what a swarm member forging a replica can do.
func SealUnderHashForTest(s *Swarm, ch [32]byte, pt []byte) []byte {
	var nonce [12]byte
	return s.aead(ch).Seal([]byte{SealFormat}, nonce[:], pt, ch[:])
}
