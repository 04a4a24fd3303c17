package chord

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var ring = new(big.Int).Lsh(big.NewInt(1), IDBits)

func bigOf(a ID) *big.Int { return new(big.Int).SetBytes(a[:]) }

// distBig is the clockwise distance from a to b computed with math/big.
func distBig(a, b ID) *big.Int {
	d := new(big.Int).Sub(bigOf(b), bigOf(a))
	return d.Mod(d, ring)
}

func maxID() ID {
	var m ID
	for i := range m {
		m[i] = 0xff
	}
	return m
}

func TestBetween(t *testing.T) {
	u := IDFromUint64
	top := maxID()
	tests := []struct {
		name       string
		x, a, b    ID
		open, incl bool
	}{
		{"inside", u(5), u(1), u(10), true, true},
		{"left end", u(1), u(1), u(10), false, false},
		{"right end", u(10), u(1), u(10), false, true},
		{"outside", u(11), u(1), u(10), false, false},
		{"wrap inside high", top, u(10), u(1), true, true},
		{"wrap inside zero", ID{}, u(10), u(1), true, true},
		{"wrap inside low", u(0), top, u(3), true, true},
		{"wrap outside", u(5), u(10), u(1), false, false},
		{"wrap right end", u(1), u(10), u(1), false, true},
		{"a == b, x elsewhere", u(3), u(7), u(7), true, true},
		{"a == b == x", u(7), u(7), u(7), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.open, Between(tt.x, tt.a, tt.b))
			require.Equal(t, tt.incl, BetweenRightIncl(tt.x, tt.a, tt.b))
		})
	}
}

func TestArithmetic(t *testing.T) {
	top := maxID()
	require.Equal(t, ID{}, top.Add(IDFromUint64(1)), "wraps to zero")
	require.Equal(t, top, ID{}.Sub(IDFromUint64(1)))
	for i := range IDBits {
		p := ID{}.AddPow2(i)
		require.Equal(t, new(big.Int).Lsh(big.NewInt(1), uint(i)), bigOf(p))
		require.Equal(t, byte(1), p.bit(i))
	}
	require.Panics(t, func() { ID{}.AddPow2(IDBits) })
	require.InDelta(t, 0.5, ID{}.AddPow2(IDBits-1).Float(), 1e-12)
}

func TestIDEncoding(t *testing.T) {
	id := HashID([]byte("node"))
	txt, err := id.MarshalText()
	require.NoError(t, err)
	var back ID
	require.NoError(t, back.UnmarshalText(txt))
	require.Equal(t, id, back)
	require.ErrorIs(t, back.UnmarshalText(txt[:10]), ErrIDLength)
	require.Error(t, back.UnmarshalText(append([]byte("zz"), txt[2:]...)))
	_, err = IDFromBytes(id[:31])
	require.ErrorIs(t, err, ErrIDLength)
	got, err := IDFromBytes(id[:])
	require.NoError(t, err)
	require.Equal(t, id, got)
	require.Len(t, id.String(), 8)
}

// FuzzInterval checks the ring interval arithmetic against math/big,
// wrap-around included.
func FuzzInterval(f *testing.F) {
	top := maxID()
	f.Add(IDFromUint64(5).Bytes(), IDFromUint64(1).Bytes(), IDFromUint64(10).Bytes())
	f.Add(top.Bytes(), IDFromUint64(10).Bytes(), IDFromUint64(1).Bytes())
	f.Add(ID{}.Bytes(), ID{}.Bytes(), ID{}.Bytes())
	f.Fuzz(func(t *testing.T, xb, ab, bb []byte) {
		var x, a, b ID
		copy(x[:], xb)
		copy(a[:], ab)
		copy(b[:], bb)
		dx, db := distBig(a, x), distBig(a, b)
		wantOpen := dx.Sign() > 0 && (dx.Cmp(db) < 0 || db.Sign() == 0)
		wantIncl := (dx.Sign() > 0 && dx.Cmp(db) <= 0) || a == b
		require.Equal(t, wantOpen, Between(x, a, b))
		require.Equal(t, wantIncl, BetweenRightIncl(x, a, b))
		require.Equal(t, Between(x, a, b) || (x == b && a != b) || a == b, BetweenRightIncl(x, a, b))
		// Sub and Add are inverse; distances agree with math/big.
		require.Equal(t, x, x.Sub(a).Add(a))
		require.Zero(t, dx.Cmp(bigOf(x.Sub(a))))
		require.Equal(t, bigOf(a).Cmp(bigOf(b)), a.Cmp(b))
		// The fast path agrees with the byte path.
		require.Equal(t, x.Sub(a).u(), x.u().sub(a.u()))
		require.Equal(t, a.Cmp(b) < 0, a.u().less(b.u()))
	})
}

// FuzzIDText decodes hex identifiers: a decode fails with an error, or
// re-encodes to the same (lower-case) text.
func FuzzIDText(f *testing.F) {
	txt, _ := HashID([]byte("seed")).MarshalText()
	f.Add(txt)
	f.Add([]byte("zz"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var id ID
		if err := id.UnmarshalText(b); err != nil {
			require.Equal(t, ID{}, id)
			return
		}
		out, err := id.MarshalText()
		require.NoError(t, err)
		require.Equal(t, strings.ToLower(string(b)), string(out))
	})
}
