package elgamal

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/stretchr/testify/require"
)

// fuzzGroups are the groups the decoders are fuzzed over: every group the
// package supports.
var fuzzGroups = []group.Group{Ristretto255, group.P256, group.P384, group.P521, ModP1024, ModP1536, ModP2048, ModP512, ModP768, group.Ristretto255}

// seedEncodings adds valid and invalid encodings of every fuzz group.
func seedEncodings(f *testing.F, enc func(g group.Group, sk *PrivateKey) []byte) {
	for i, g := range fuzzGroups {
		sk, err := GenerateKey(g, detRand("fuzz seed"))
		require.NoError(f, err)
		b := enc(g, sk)
		f.Add(uint8(i), b)
		f.Add(uint8(i), b[:len(b)-1])
		f.Add(uint8(i), bytes.Repeat([]byte{0xff}, len(b)))
		f.Add(uint8(i), make([]byte, len(b)))
	}
}

// FuzzParsePublicKey: a key that parses re-encodes to the same bytes and is
// never the identity.
func FuzzParsePublicKey(f *testing.F) {
	seedEncodings(f, func(g group.Group, sk *PrivateKey) []byte { b, _ := sk.Public().MarshalBinary(); return b })
	f.Fuzz(func(t *testing.T, gi uint8, data []byte) {
		g := fuzzGroups[int(gi)%len(fuzzGroups)]
		pk, err := ParsePublicKey(g, data)
		if err != nil {
			require.Nil(t, pk)
			return
		}
		require.False(t, pk.Element().IsIdentity())
		out, err := pk.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
	})
}

// FuzzParsePrivateKey: a key that parses re-encodes to the same bytes and
// its public key round-trips.
func FuzzParsePrivateKey(f *testing.F) {
	seedEncodings(f, func(g group.Group, sk *PrivateKey) []byte { b, _ := sk.MarshalBinary(); return b })
	f.Fuzz(func(t *testing.T, gi uint8, data []byte) {
		g := fuzzGroups[int(gi)%len(fuzzGroups)]
		sk, err := ParsePrivateKey(g, data)
		if err != nil {
			require.Nil(t, sk)
			return
		}
		out, err := sk.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
		pkb, _ := sk.Public().MarshalBinary()
		_, err = ParsePublicKey(g, pkb)
		require.NoError(t, err)
	})
}

// FuzzParseCiphertext: a ciphertext that parses re-encodes to the same
// bytes, and decrypting it and re-encrypting the result works.
func FuzzParseCiphertext(f *testing.F) {
	seedEncodings(f, func(g group.Group, sk *PrivateKey) []byte {
		ct, _ := sk.Public().EncryptInt(detRand("ct"), 7)
		b, _ := ct.MarshalBinary()
		return b
	})
	f.Fuzz(func(t *testing.T, gi uint8, data []byte) {
		g := fuzzGroups[int(gi)%len(fuzzGroups)]
		ct, err := ParseCiphertext(g, data)
		if err != nil {
			require.Nil(t, ct)
			return
		}
		out, err := ct.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, data, out)
	})
}

// FuzzOpen: Open never panics on arbitrary bytes and only accepts what Seal
// made; sealing then opening any message round-trips.
func FuzzOpen(f *testing.F) {
	sk, err := GenerateKey(Default, detRand("open"))
	require.NoError(f, err)
	ct, err := Seal(detRand("seal"), sk.Public(), []byte("hello"), nil)
	require.NoError(f, err)
	f.Add(ct, []byte("hello"))
	f.Add(ct[:CiphertextSize(Default)], []byte{})
	f.Add([]byte{}, []byte("x"))
	f.Fuzz(func(t *testing.T, data, msg []byte) {
		if _, err := Open(sk, data, nil); err == nil {
			// Only a genuine ciphertext opens: the seed is the one we made.
			require.Equal(t, ct, data)
		}
		sealed, err := Seal(rand.Reader, sk.Public(), msg, data)
		require.NoError(t, err)
		pt, err := Open(sk, sealed, data)
		require.NoError(t, err)
		require.Equal(t, msg, pt)
	})
}

// FuzzJacobi checks the binary Jacobi symbol that mod-p decoding uses
// against math/big's, for any x and odd n.
func FuzzJacobi(f *testing.F) {
	f.Add([]byte{5}, []byte{7})
	f.Add(ModP1024.P().Bytes(), ModP1024.P().Bytes())
	f.Add([]byte{0xff, 0xfe}, ModP512.P().Bytes())
	f.Fuzz(func(t *testing.T, xb, nb []byte) {
		x, n := new(big.Int).SetBytes(xb), new(big.Int).SetBytes(nb)
		n.SetBit(n, 0, 1) // odd, positive
		require.Equal(t, big.Jacobi(x, n), jacobi(x, n), "(%v / %v)", x, n)
	})
}
