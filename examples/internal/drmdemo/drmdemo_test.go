package drmdemo

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	cfg := Config{Group: "ristretto255", Pieces: 2, PieceSize: 4096, Measure: []string{"modp1024"}, Rounds: 1}
	require.NoError(t, Run(&out, cfg))
	s := out.String()
	require.Equal(t, 3, strings.Count(s, "equal to the original: true"), s)
	require.Contains(t, s, "C decrypting B's copy: reencrypt: piece does not decrypt")
	require.Contains(t, s, "C installs A's licence: reencrypt: addressed to another peer")
	require.Contains(t, s, "opens C's copy: reencrypt: piece does not decrypt")
	require.Contains(t, s, "one flipped bit: reencrypt: piece does not match its expected hash")
	require.Contains(t, s, "modp1024 exact")

	require.Error(t, Run(&out, Config{Group: "p192", Pieces: 1, PieceSize: 1}))
	require.Error(t, Run(&out, Config{Group: "ristretto255"}))
}

// TestTable1 checks the table's shape: the paper's five sizes, each with
// the paper's row, the exact scheme and the hybrid scheme, and a row per
// curve; every measured cell is a duration, PDec with the licence
// install's share beside it.
func TestTable1(t *testing.T) {
	var out bytes.Buffer
	cfg := Table1Config{PieceSize: 4096, Rounds: 1, PrimeRounds: 1, Curves: []string{"ristretto255"}}
	require.NoError(t, Table1(&out, cfg))
	s := out.String()
	for _, bits := range []string{"512", "768", "1024", "1536", "2048"} {
		require.Contains(t, s, "| "+bits+" | paper (Java, Pentium 4) |")
		require.Contains(t, s, "| "+bits+" | ours, the paper's exact scheme (modp"+bits+") |")
		require.Contains(t, s, "| "+bits+" | ours, hybrid (modp"+bits+") |")
	}
	require.Contains(t, s, "| 2048 | paper (Java, Pentium 4) | 0.381 s | 22.985 s | 21.763 s | 0.442 s | 0.062 s |")
	require.Contains(t, s, "| curve | ours, hybrid (ristretto255) |")
	require.Equal(t, 2+5*3+1, strings.Count(s, "\n|"), s)
	require.Equal(t, 5, strings.Count(s, "for an n-bit prime"))
	require.Equal(t, 5*2+1, strings.Count(s, " install) | "), "every measured PDec shows the licence install's share")

	require.Error(t, Table1(&out, Table1Config{PieceSize: 0, Rounds: 1}))
	require.Error(t, Table1(&out, Table1Config{PieceSize: 1, Rounds: 1, Curves: []string{"p192"}}))
}
