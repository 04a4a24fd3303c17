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
