package pacomnet

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecodeDict(t *testing.T) {
	d, n, err := decodeDict([]byte("d1:md11:ut_metadatai3ee13:metadata_sizei5140e1:vl1:xi2eee" + "tail"))
	require.NoError(t, err)
	require.Equal(t, len("d1:md11:ut_metadatai3ee13:metadata_sizei5140e1:vl1:xi2eee"), n)
	require.Equal(t, int64(3), d["m"].(map[string]any)["ut_metadata"])
	require.Equal(t, int64(5140), d["metadata_size"])
	for _, bad := range []string{"", "d", "di1ei2ee", "d1:a", "d1:ai12", "d3:abc", "l", "i", "ie", "d1:ad1:ad1:ad1:ad1:ai1eeeeee", "d99999999999:ae", "x"} {
		_, _, err := decodeDict([]byte(bad))
		require.ErrorIs(t, err, errBencode, "%q", bad)
	}
}

// FuzzDecodeDict: any bytes decode to an error or to a dictionary of at
// most the input's length, never a panic.
func FuzzDecodeDict(f *testing.F) {
	f.Add([]byte("d8:msg_typei0e5:piecei0ee"))
	f.Add([]byte("d1:md11:ut_metadatai3ee13:metadata_sizei5140ee"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, n, err := decodeDict(b)
		if err != nil {
			require.Nil(t, d)
			require.Zero(t, n)
			return
		}
		require.LessOrEqual(t, n, len(b))
	})
}
