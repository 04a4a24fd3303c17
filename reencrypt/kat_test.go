package reencrypt

import (
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/elgamal"
	"lukechampine.com/blake3"
)

// TestIdentifiersKnownAnswers pins the derivations whose values leave the
// tracker: peer and seed identifiers and torrent identifiers appear in
// keys, licences and saved peers, and the §2.3 expected hashes are
// computed by the tracker (or a key server) and checked by the peer. Each
// is blake3 over a domain-separated layout, rebuilt here from its
// description, and its value for fixed inputs is fixed, so that saved
// licences and other implementations keep working across versions.
func TestIdentifiersKnownAnswers(t *testing.T) {
	g := elgamal.Default
	one := make([]byte, elgamal.ScalarSize(g))
	one[0] = 1
	sk, err := elgamal.ParsePrivateKey(g, one)
	require.NoError(t, err)
	gen := elgamal.AppendElement(nil, g.Generator())
	var tid TorrentID
	for i := range tid {
		tid[i] = byte(i)
	}
	var bodyHash [32]byte
	bodyHash[0] = 0xbb
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	ha, hnil := blake3.Sum256([]byte("a")), blake3.Sum256(nil)
	for _, tc := range []struct {
		name   string
		got    [32]byte
		layout []byte
		want   string
	}{
		{"PeerIDOf", PeerIDOf(sk.Public()),
			cat([]byte("swarmblocks/reencrypt peer id v1\x00ristretto255\x00"), gen),
			"fd267fec0725821482897031b54d3b242fa693abec13cce42352753865f2de53"},
		{"SeedIDOf", SeedIDOf(tid),
			cat([]byte("swarmblocks/reencrypt seed id v1\x00"), tid[:]),
			"43cd7c5eba3c18a5407a5e165f5b377f93ae9e88c0681d2b05a24fda6bc0d44f"},
		{"contentID", contentID([][]byte{[]byte("a"), nil}),
			cat([]byte("swarmblocks/reencrypt torrent id v1\x00"), ha[:], hnil[:]),
			"023b144fc0cf8f993992fcd42d3d526f16a2600e86394e14d2236d673b776986"},
		{"capsuleHash", capsuleHash(7, g.Generator(), bodyHash),
			cat([]byte("swarmblocks/reencrypt piece hash v1\x00"), binary.BigEndian.AppendUint32(nil, 7), gen, bodyHash[:]),
			"5597691d83fb6e06037ea6d998c0e7a161172be7ce09cec9c6f6de017e901070"},
	} {
		require.Equal(t, blake3.Sum256(tc.layout), tc.got, "%s: layout", tc.name)
		require.Equal(t, tc.want, hex.EncodeToString(tc.got[:]), tc.name)
	}
}

// TestKeyScheduleKnownAnswers pins TGen: a tracker restarted with its
// saved master key must derive the same TS keys r_ij and piece elements
// M_i, or the licences and capsules it issued before stop working.
func TestKeyScheduleKnownAnswers(t *testing.T) {
	g := elgamal.Default
	var master [32]byte
	master[0] = 0x42
	var tid TorrentID
	for i := range tid {
		tid[i] = byte(i)
	}
	ts := tsKeys{g: g, key: subkey(&master, tsKeyLabel), torrent: tid}
	r, err := ts.scalar(PeerID{1}, 3).MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, "97b78ae6c0aa08b8cb72f3359634e527c7e2b8451fbc348e498f387ee8a68709", hex.EncodeToString(r))
	pk := pieceKeys{g: g, key: subkey(&master, pieceKeyLabel), torrent: tid}
	require.Equal(t, "0ed2b2c18f13aa0f484a69975bcc62117ed1b6d663bcf389b28b5673aa66d84f",
		hex.EncodeToString(elgamal.AppendElement(nil, pk.element(3))))
}

// TestKeyScheduleSeparation: r_ij and M_i are unique to their torrent,
// peer and piece — the same master key over another torrent derives
// other keys — and the two subkeys are independent.
func TestKeyScheduleSeparation(t *testing.T) {
	g := elgamal.Default
	var master [32]byte
	master[0] = 0x42
	tid := TorrentID{1}
	other := TorrentID{2}
	ts := tsKeys{g: g, key: subkey(&master, tsKeyLabel), torrent: tid}
	tsOther := tsKeys{g: g, key: ts.key, torrent: other}
	pk := pieceKeys{g: g, key: subkey(&master, pieceKeyLabel), torrent: tid}
	pkOther := pieceKeys{g: g, key: pk.key, torrent: other}
	require.NotEqual(t, ts.key, pk.key)

	seen := map[string]string{}
	add := func(b []byte, what string) {
		require.NotContains(t, seen, string(b), "%s repeats %s", what, seen[string(b)])
		seen[string(b)] = what
	}
	for i := range uint32(3) {
		for _, p := range []PeerID{{1}, {2}} {
			for _, k := range []*tsKeys{&ts, &tsOther} {
				r, err := k.scalar(p, i).MarshalBinary()
				require.NoError(t, err)
				add(r, "r")
			}
		}
		for _, k := range []*pieceKeys{&pk, &pkOther} {
			add(elgamal.AppendElement(nil, k.element(i)), "M")
		}
	}
	require.Len(t, seen, 3*2*2+3*2)
}
